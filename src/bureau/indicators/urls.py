from django.urls import path

from bureau.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
]
