from django.urls import path

from bureau.hazards import views

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
    path("risks/<id:pk>/checklist/", views.risk_checklist, name="risk_checklist"),
    path("risks/<id:pk>/checklist/add/", views.check_item_add, name="check_item_add"),
    path("risks/<id:pk>/card.pdf", views.risk_notice_card, name="risk_card"),
    path("check-items/<id:pk>/stop/", views.check_item_stop, name="check_item_stop"),
    path("checks/", views.check_list, name="checks"),
    path("checks/<id:pk>/", views.check_detail, name="check"),
    path("checks/<id:pk>/check-in/", views.check_check_in, name="check_in"),
    path("map/", views.site_map, name="site_map"),
    path("map/plan/", views.site_plan_upload, name="site_plan_upload"),
    path("map/place/", views.site_map_place, name="site_map_place"),
    path("map/enterprise/<id:enterprise_pk>/", views.site_map_of, name="site_map_of"),
    path("overview/", views.overview, name="overview"),
    path("listings/", views.listing_list, name="listings"),
    path("public/listings/", views.public_listings, name="public_listings"),
    path("listings/<id:pk>/", views.listing_detail, name="listing"),
    path("listings/<id:pk>/entry/", views.listing_entry, name="listing_entry"),
    path("listings/<id:pk>/act/<slug:action>/", views.listing_act, name="listing_act"),
    path("listings/<id:pk>/evidence/", views.listing_evidence, name="listing_evidence"),
]
