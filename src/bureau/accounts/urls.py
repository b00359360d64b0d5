from django.urls import path

from bureau.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/disable/", views.otp_disable, name="otp_disable"),
    path("profile/", views.profile, name="profile"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("oidc/login/", views.oidc_login, name="oidc_login"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("oidc/link/", views.oidc_link, name="oidc_link"),
    path("oidc/unlink/", views.oidc_unlink, name="oidc_unlink"),
]
