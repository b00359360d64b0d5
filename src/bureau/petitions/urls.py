from django.urls import path

from bureau.petitions import views

app_name = "petitions"
urlpatterns = [
    path("mailbox/", views.mailbox, name="mailbox"),
    path("lookup/", views.lookup, name="lookup"),
    path("lookup/rate/", views.rate, name="rate"),
    path("statistics/", views.statistics, name="statistics"),
    path("", views.petition_list, name="list"),
    path("new/", views.petition_create, name="create"),
    path("export.xlsx", views.petition_export, name="export"),
    path("search.json", views.petition_search, name="search"),
    path("<id:pk>/", views.petition_detail, name="detail"),
    path("<id:pk>/<slug:action>/", views.petition_act, name="act"),
]
