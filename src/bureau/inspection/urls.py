from django.urls import path

from bureau.inspection import views

app_name = "inspection"
urlpatterns = [
    path("", views.inspection_list, name="inspections"),
    path("mine/", views.my_inspections, name="mine"),
    path("services/<id:pk>/<slug:action>/", views.service_act, name="service_act"),
    path("service-consent/", views.service_consent, name="service_consent"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<id:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<id:pk>/<slug:action>/", views.inspection_action, name="inspection_action"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("enterprises/<id:pk>/qr/", views.enterprise_qr, name="qr"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<id:pk>/", views.plan_detail, name="plan"),
    path("plans/<id:pk>/<slug:action>/", views.plan_action, name="plan_action"),
    path("plan-entries/<id:pk>/open/", views.plan_entry_open, name="plan_entry_open"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<id:pk>/", views.draw_detail, name="draw"),
    path("draws/<id:redo_of>/redo/", views.draw_new, name="draw_redo"),
    path("patrols/", views.patrol_list, name="patrols"),
    path("patrols/plans/new/", views.patrol_plan_new, name="patrol_plan_new"),
    path("patrols/plans/adopt/", views.patrol_plan_adopt, name="patrol_plan_adopt"),
    path("patrols/new/", views.patrol_record_new, name="patrol_new"),
    path("patrols/<id:pk>/", views.patrol_detail, name="patrol"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("search/inspections.json", views.inspection_search, name="search_inspections"),
    path("search/patrols.json", views.patrol_search, name="search_patrols"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("public/draws/", views.public_draws, name="public_draws"),
    path("public/draws/<id:pk>/", views.public_draw, name="public_draw"),
    path("public/plans/", views.public_plans, name="public_plans"),
    path("public/plans/<id:pk>/", views.public_plan, name="public_plan"),
]
