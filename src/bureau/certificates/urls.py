from django.urls import path

from bureau.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("due/", views.due_list, name="due"),
    path("mine/", views.mine, name="mine"),
    path("export.xlsx", views.certificate_export, name="export"),
    path("<id:pk>/", views.certificate_detail, name="detail"),
    path("<id:pk>/pdf", views.certificate_pdf, name="pdf"),
    path("<id:pk>/status", views.certificate_status, name="status"),
    path("<id:pk>/renew", views.certificate_renew, name="renew"),
    path("<id:pk>/review", views.certificate_review, name="review"),
    path("<id:pk>/mailing", views.mailing_new, name="mailing_new"),
    path("mailing/", views.mailing_list, name="mailing_list"),
    path("mailing/mine/", views.mailing_mine, name="mailing_mine"),
    path("mailing/<id:pk>/ship", views.mailing_ship, name="mailing_ship"),
    path("mailing/<id:pk>/deliver", views.mailing_deliver, name="mailing_deliver"),
    path("mailing/<id:pk>/cancel", views.mailing_cancel, name="mailing_cancel"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<id:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("kiosk/<str:key>/", views.kiosk_start, name="kiosk"),
    path("kiosk/<str:key>/code", views.kiosk_code, name="kiosk_code"),
    path("kiosk/<str:key>/certificates", views.kiosk_list, name="kiosk_list"),
    path("kiosk/<str:key>/print/<id:pk>", views.kiosk_print, name="kiosk_print"),
    path("kiosk/<str:key>/done", views.kiosk_done, name="kiosk_done"),
]
