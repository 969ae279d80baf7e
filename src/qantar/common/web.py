"""What every web view shares: one access gate per request, pages of results, form errors.

Views stay thin adapters (STYLE.md rule 1): :func:`gated` requires a login and hands the view
the user's :class:`~qantar.common.access.Gate`, built once; :func:`show_error` turns a domain
``ValidationFailed`` into an error next to the form field it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.forms import BaseForm, BaseFormSet
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from qantar.common.access import Gate
from qantar.core.errors import QantarError

PAGE_SIZE = 50

GatedView = Callable[..., HttpResponse]


def gated(view: GatedView) -> Callable[..., HttpResponse]:
    """Require a logged-in user and call ``view(request, gate, ...)`` with their gate."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated or not request.user.is_active:
            return redirect_to_login(request.get_full_path())
        return view(request, Gate.for_user(request.user), *args, **kwargs)

    return wrapper


def wants_fragment(request: HttpRequest) -> bool:
    """True for an htmx request that will swap part of the page (not a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:  # type: ignore[type-arg]
    """One page of ``items`` (page number from ``?page=``; a bad number gives the nearest page)."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without ``names`` (for pagination links)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def show_error(form: BaseForm, error: QantarError, elsewhere: Iterable[str] = ()) -> str | None:
    """Put a domain error next to the field it names and return that field's name.

    A field in ``elsewhere`` (a list of names, perpetrators) is shown by the caller, so the
    error is only returned; an error without a known field goes at the top of the form.
    """
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
        return error.field
    if error.field and error.field in elsewhere:
        return error.field
    form.add_error(None, error.message)
    return None


def without_errors(forms: Iterable[BaseForm | BaseFormSet]) -> None:  # type: ignore[type-arg]
    """Keep typed values but show no errors (a form re-shown after an inline creation)."""
    for form in forms:
        if isinstance(form, BaseFormSet):
            form._non_form_errors = ErrorList()
            without_errors(form.forms)
            form._errors = [subform._errors for subform in form.forms]
        else:
            form._errors = ErrorDict()


def person_label(gate: Gate, person: Any) -> str:
    """What a user may call a person: the first recorded name, or the pseudonym for users who
    may not see identities in the person's collection (analysts); an erased person is their
    pseudonym marked "erased" (their names are gone for ever)."""
    if getattr(person, "erased_at", None) is not None:
        return gettext("%(pseudonym)s (erased)") % {"pseudonym": person.pseudonym}
    if not gate.sees_identities(person.collection_id):
        return str(person.pseudonym)
    names = list(person.names.all())
    return str(names[0].value) if names else str(person.pseudonym)
