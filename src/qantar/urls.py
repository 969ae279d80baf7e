"""URL configuration: one include per app."""

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("qantar.accounts.urls")),
    path("audit/", include("qantar.audit.urls")),
    path("evidence/", include("qantar.evidence.urls")),
    path("justice/", include("qantar.justice.urls")),
    path("lists/", include("qantar.lists.urls")),
    path("estimation/", include("qantar.estimation.urls")),
    path("", include("qantar.records.urls")),
]
