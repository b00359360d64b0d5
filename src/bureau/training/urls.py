from django.urls import path

from bureau.training import views

app_name = "training"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("plans/<int:pk>/register", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("registrations/<int:pk>/cancel", views.cancel, name="cancel"),
    path("scores/", views.scores, name="scores"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.plan_new, name="plan_new"),
    path("manage/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("manage/<int:pk>/result/<int:reg>", views.result, name="result"),
    path("manage/<int:pk>/import", views.results_import, name="results_import"),
    path("manage/<int:pk>/finish", views.finish, name="finish"),
]
