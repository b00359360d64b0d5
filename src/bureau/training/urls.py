from django.urls import path

from bureau.training import views

app_name = "training"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("plans/<id:pk>/register", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("registrations/<id:pk>/", views.registration_detail, name="registration"),
    path("registrations/<id:pk>/cancel", views.cancel, name="cancel"),
    path("scores/", views.scores, name="scores"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.plan_new, name="plan_new"),
    path("manage/<id:pk>/", views.plan_detail, name="plan_detail"),
    path("manage/<id:pk>/result/<id:reg>", views.result, name="result"),
    path("manage/<id:pk>/import", views.results_import, name="results_import"),
    path("manage/<id:pk>/finish", views.finish, name="finish"),
]
