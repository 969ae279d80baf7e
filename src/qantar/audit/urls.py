"""Audit log URLs: browse, verify, signed checkpoints."""

from django.urls import path

from qantar.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("verify/", views.verify, name="verify"),
    path("checkpoint/", views.checkpoint, name="checkpoint"),
]
