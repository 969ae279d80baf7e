"""URL configuration: one include per app."""

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("qantar.accounts.urls")),
    path("", include("qantar.records.urls")),
]
