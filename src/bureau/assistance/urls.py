from django.urls import path

from bureau.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.index, name="index"),
    path("checkups/", views.checkup_list, name="checkups"),
    path("checkups/new/", views.checkup_new, name="checkup_new"),
    path("checkups/<int:pk>/", views.checkup_detail, name="checkup"),
    path("checkups/<int:pk>/assign/", views.checkup_assign, name="checkup_assign"),
    path("checkups/<int:pk>/findings/", views.checkup_finding, name="checkup_finding"),
    path("checkups/<int:pk>/findings/<int:finding_pk>/delete/", views.finding_delete, name="finding_delete"),
    path("checkups/<int:pk>/submit/", views.checkup_submit, name="checkup_submit"),
    path("checkups/<int:pk>/settle/", views.checkup_settle, name="checkup_settle"),
    path("experts/", views.expert_list, name="experts"),
    path("parks/", views.park_list, name="parks"),
    path("parks/<int:pk>/", views.park_detail, name="park"),
    path("parks/items/<int:pk>/progress/", views.park_progress, name="park_progress"),
    path("first-use/", views.first_use_list, name="first_use"),
    path("first-use/<int:pk>/", views.first_use_detail, name="first_use_detail"),
    path("observations/", views.observation_list, name="observations"),
    path("observations/<int:pk>/signup/", views.observation_signup, name="observation_signup"),
    path("observations/signups/<int:pk>/attendance/", views.observation_attendance, name="observation_attendance"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("reports/<int:pk>/spot-check/", views.report_spot_check, name="spot_check"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("enrolments/<int:pk>/attendance/", views.course_attendance, name="course_attendance"),
]
