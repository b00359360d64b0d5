from django.urls import path

from bureau.hazards import alarm_views, views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_new, name="new"),
    path("export.xlsx", views.hazard_export, name="export"),
    path("<id:pk>/", views.hazard_detail, name="detail"),
    path("<id:pk>/plan/", views.hazard_plan, name="plan"),
    path("<id:pk>/act/<slug:action>/", views.hazard_act, name="act"),
    path("<id:pk>/evidence/", views.hazard_evidence, name="evidence"),
    path("<id:pk>/extension/", views.hazard_extension, name="extension"),
    path("extensions/<id:pk>/act/<slug:action>/", views.extension_act, name="extension_act"),
    path("<id:hazard_pk>/list/", views.listing_new, name="listing_new"),
    path("risks/", views.risk_list, name="risks"),
    path("risks/new/", views.risk_edit, name="risk_new"),
    path("risks/<id:pk>/", views.risk_edit, name="risk_edit"),
    path("overview/", views.overview, name="overview"),
    path("listings/", views.listing_list, name="listings"),
    path("public/listings/", views.public_listings, name="public_listings"),
    path("listings/<id:pk>/", views.listing_detail, name="listing"),
    path("listings/<id:pk>/entry/", views.listing_entry, name="listing_entry"),
    path("listings/<id:pk>/act/<slug:action>/", views.listing_act, name="listing_act"),
    path("listings/<id:pk>/evidence/", views.listing_evidence, name="listing_evidence"),
    path("alarms/", alarm_views.alarm_list, name="alarms"),
    path("alarms/sources/", alarm_views.alarm_sources, name="alarm_sources"),
    path("alarms/sources/<id:pk>/rotate/", alarm_views.alarm_source_rotate, name="alarm_source_rotate"),
    path("alarms/sources/<id:pk>/active/", alarm_views.alarm_source_active, name="alarm_source_active"),
]
