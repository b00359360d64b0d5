from django.urls import path

from bureau.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.index, name="index"),
    path("checkups/", views.checkup_list, name="checkups"),
    path("checkups/new/", views.checkup_new, name="checkup_new"),
    path("checkups/<id:pk>/", views.checkup_detail, name="checkup"),
    path("checkups/<id:pk>/assign/", views.checkup_assign, name="checkup_assign"),
    path("checkups/<id:pk>/findings/", views.checkup_finding, name="checkup_finding"),
    path("checkups/<id:pk>/findings/<id:finding_pk>/delete/", views.finding_delete, name="finding_delete"),
    path("checkups/<id:pk>/submit/", views.checkup_submit, name="checkup_submit"),
    path("checkups/<id:pk>/settle/", views.checkup_settle, name="checkup_settle"),
    path("experts/", views.expert_list, name="experts"),
    path("parks/", views.park_list, name="parks"),
    path("parks/<id:pk>/", views.park_detail, name="park"),
    path("parks/items/<id:pk>/", views.park_item, name="park_item"),
    path("parks/items/<id:pk>/progress/", views.park_progress, name="park_progress"),
    path("first-use/", views.first_use_list, name="first_use"),
    path("first-use/<id:pk>/", views.first_use_detail, name="first_use_detail"),
    path("observations/", views.observation_list, name="observations"),
    path("observations/coverage/", views.observation_coverage_page, name="observation_coverage"),
    path("observations/<id:pk>/signup/", views.observation_signup, name="observation_signup"),
    path("observations/signups/<id:pk>/", views.observation_signup_detail, name="observation_signup_detail"),
    path("observations/signups/<id:pk>/attendance/", views.observation_attendance, name="observation_attendance"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<id:pk>/", views.agency_detail, name="agency"),
    path("reports/<id:pk>/spot-check/", views.report_spot_check, name="spot_check"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<id:pk>/", views.course_detail, name="course"),
    path("enrolments/<id:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<id:pk>/attendance/", views.course_attendance, name="course_attendance"),
    path("enrolments/<id:pk>/certify/", views.course_certify, name="course_certify"),
]
