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
    path("registrations/<id:pk>/approve", views.approve, name="approve"),
    path("registrations/<id:pk>/return", views.return_registration, name="return"),
    path("registrations/<id:pk>/ticket.pdf", views.ticket, name="ticket"),
    path("manage/<id:pk>/province/export", views.province_export, name="province_export"),
    path("manage/<id:pk>/province/import", views.province_import, name="province_import"),
    path("manage/<id:pk>/province/import/<id:batch>", views.province_preview, name="province_preview"),
    path("reviews/", views.reviews_mine, name="reviews_mine"),
    path("reviews/manage/", views.reviews_manage, name="reviews_manage"),
    path("reviews/<id:pk>/decide", views.review_decide, name="review_decide"),
]
