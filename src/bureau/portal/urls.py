from django.urls import path

from bureau.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("laws/", views.law_list, name="laws"),
    path("laws/<id:pk>/", views.law_detail, name="law_detail"),
    path("faq/", views.faq, name="faq"),
    path("rate/window/<id:pk>/<str:code>/", views.window_rate, name="window_rate"),
    path("rate/<str:service_type>/<str:service_id>/", views.service_rate, name="service_rate"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<id:pk>/faq/", views.consultation_to_faq, name="consultation_faq"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/export.xlsx", views.ratings_export, name="ratings_export"),
    path("ratings/<id:pk>/appeal/", views.rating_appeal, name="appeal"),
    path("ratings/appeals/<id:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("ratings/followups/<id:pk>/", views.followup_detail, name="followup"),
    path("sharing/tokens/", views.tokens, name="tokens"),
    path("sharing/tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("sharing/calls/", views.calls, name="calls"),
    path("sharing/licence/", views.licence, name="licence"),
]
