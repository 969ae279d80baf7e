"""The application's URLs plus one route that fails after loading a person (canary test)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from qantar.common.access import Gate
from qantar.records import queries
from qantar.urls import urlpatterns as application


def boom(request: HttpRequest, pk: str) -> HttpResponse:
    """Load a person with every sealed field opened, then fail."""
    person = queries.person(Gate.for_user(request.user), pk)
    opened = [person.notes, person.iin, *(name.value for name in person.names.all())]
    raise RuntimeError(f"forced failure after opening {len(opened)} values")


urlpatterns = [*application, path("__boom__/<uuid:pk>/", boom)]
