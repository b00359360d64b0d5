from django.urls import path

from bureau.feedback import views

app_name = "feedback"
urlpatterns = [
    path("rate/<str:service_type>/<str:service_id>/", views.service_rate, name="service_rate"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/export.xlsx", views.ratings_export, name="ratings_export"),
    path("ratings/<id:pk>/appeal/", views.rating_appeal, name="appeal"),
    path("ratings/appeals/<id:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("ratings/followups/<id:pk>/", views.followup_detail, name="followup"),
]
