from django.urls import path

from bureau.kernel import admin_views

app_name = "kernel"
urlpatterns = [
    path("audit/", admin_views.audit_list, name="audit"),
    path("calendar/", admin_views.calendar_view, name="calendar"),
]
