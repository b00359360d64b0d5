from django.urls import path

from bureau.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_edit, name="create"),
    path("search.json", views.enterprise_search, name="search"),
    path("<id:pk>/", views.enterprise_detail, name="detail"),
    path("<id:pk>/edit/", views.enterprise_edit, name="edit"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("import/", views.import_start, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<id:pk>/", views.import_status, name="import_status"),
    path("import/<id:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("register/", views.register, name="register"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/<id:pk>/", views.registration_detail, name="registration"),
    path("supervision/", views.supervision_rollover, name="supervision"),
    path("supervision/export.xlsx", views.supervision_export, name="supervision_export"),
    path("supervision/import/", views.supervision_import, name="supervision_import"),
    path("supervision/import/<id:pk>/", views.supervision_import_job, name="supervision_import_job"),
    path("supervision/import/<id:pk>/problems.xlsx", views.supervision_import_errors,
         name="supervision_import_errors"),
]
