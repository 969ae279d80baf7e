"""Account URLs."""

from django.urls import path

from qantar.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.QantarLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
]
