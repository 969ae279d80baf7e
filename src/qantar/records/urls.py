"""Record URLs."""

from django.urls import path

from qantar.records import views

app_name = "records"
urlpatterns = [
    path("", views.home, name="home"),
]
