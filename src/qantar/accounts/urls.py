"""Account URLs."""

from django.urls import path

from qantar.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.QantarLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("confirm-password/", views.reauthenticate, name="reauthenticate"),
]
