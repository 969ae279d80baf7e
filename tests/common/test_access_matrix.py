"""The access matrix: every named route, requested as every role, answers as the table says.

The routes come from the URL configuration itself (every named pattern, recursively), so a new
page cannot slip through unreviewed: a route missing from ``EXPECTED`` fails
:func:`test_every_named_route_has_a_row`, naming it. Each row says, for one URL name, what a GET
answers to each role — members of the record's collection (administrator, documenter, lawyer,
analyst, viewer), the administrator of another collection (``outsider``), an instance
administrator who is a member of no collection (``instance_admin``) and ``anonymous``.

A record the user may not see is "not found" (404), never "forbidden": only a user who can see
a record learns that they may not change it (403). POSTs are checked too: every refusal of a GET
is also a refusal of a POST, with nothing written; POST-only routes have their own table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qantar.accounts.choices import Role
from qantar.accounts.models import User
from qantar.common.access import Gate
from qantar.evidence import services as evidence
from qantar.evidence.store import BlobWriter
from qantar.justice import services as justice
from qantar.records import services
from tests.fixtures.factories import make_collection, member, person_data

pytestmark = pytest.mark.django_db

ROLES = ("administrator", "documenter", "lawyer", "analyst", "viewer", "outsider",
         "instance_admin", "anonymous")
LOGIN = "login"  # a redirect to the login page
REAUTH = "reauth"  # a redirect to "confirm your password"
ALLOWED = None  # in POST_ONLY: allowed; exercised by the feature tests, not here
MISSING = uuid.UUID("00000000-0000-4000-8000-000000000000")


def row(administrator: Any, documenter: Any, lawyer: Any, analyst: Any, viewer: Any,
        outsider: Any, instance_admin: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    """One route's expected answers, role by role."""
    return dict(zip(ROLES, (administrator, documenter, lawyer, analyst, viewer, outsider,
                            instance_admin, anonymous), strict=True))


def everyone(status: Any, anonymous: Any = LOGIN) -> dict[str, Any]:
    """The same answer for every logged-in user."""
    return row(*([status] * 7), anonymous=anonymous)


# Shapes that recur. "In A" is the record's collection; the outsider administers another one.
READ = row(200, 200, 200, 200, 200, 404, 404)            # see a record of collection A
EDIT = row(200, 200, 403, 403, 403, 404, 404)            # change a record of collection A
MANAGE = row(200, 403, 403, 403, 403, 404, 404)          # administer collection A
CREATE = row(200, 200, 403, 403, 403, 200, 403)          # create in a collection one may edit
JUSTICE_READ = READ
JUSTICE_EDIT = row(200, 200, 200, 403, 403, 404, 404)    # lawyers follow complaints and cases
JUSTICE_CREATE = row(200, 200, 200, 403, 403, 200, 403)
STATISTICS = row(200, 200, 200, 200, 403, 200, 403)      # statistics of one's collections
IDENTITIES = row(200, 200, 200, 403, 200, 404, 404)      # identities-level: never analysts
NOT_FOUND = everyone(404)                                # a record that does not exist
POST_ONLY = everyone(405, anonymous=405)                 # GET is not allowed, for anyone

EXPECTED: dict[str, dict[str, Any]] = {
    "set_language": everyone(302, anonymous=302),
    # --- accounts
    "accounts:login": everyone(302, anonymous=200),
    "accounts:logout": POST_ONLY,
    "accounts:two_factor": everyone(200),
    "accounts:two_factor_setup": everyone(200),
    "accounts:reauthenticate": everyone(200),
    "accounts:members": row(302, 403, 403, 403, 403, 302, 200),
    "accounts:collection_members": MANAGE,
    "accounts:member_role": POST_ONLY,
    "accounts:member_revoke": POST_ONLY,
    "accounts:users": row(403, 403, 403, 403, 403, 403, 200),
    "accounts:user_create": row(403, 403, 403, 403, 403, 403, 200),
    "accounts:user_set_active": POST_ONLY,
    "accounts:user_end_sessions": POST_ONLY,
    # --- audit
    "audit:log": row(200, 403, 403, 403, 403, 200, 200),
    "audit:verify": POST_ONLY,
    "audit:checkpoint": row(403, 403, 403, 403, 403, 403, REAUTH),
    # --- records
    "records:home": everyone(200),
    "records:person_list": everyone(200),
    "records:person_create": CREATE,
    "records:person_detail": READ,
    "records:person_edit": EDIT,
    "records:person_delete": EDIT,
    "records:person_erase": MANAGE,
    "records:testimony_create": EDIT,
    "records:testimony_edit": EDIT,
    "records:testimony_delete": EDIT,
    "records:consent_create": EDIT,
    "records:legal_hold_place": MANAGE,
    "records:legal_hold_lift": POST_ONLY,
    "records:event_list": everyone(200),
    "records:event_create": CREATE,
    "records:event_detail": READ,
    "records:event_edit": EDIT,
    "records:event_delete": EDIT,
    "records:violation_list": everyone(200),
    "records:violation_create": CREATE,
    "records:violation_detail": READ,
    "records:violation_edit": EDIT,
    "records:violation_delete": EDIT,
    "records:source_list": everyone(200),
    "records:source_create": CREATE,
    "records:source_detail": READ,
    "records:source_edit": EDIT,
    "records:source_delete": EDIT,
    "records:cite": EDIT,
    "records:quick_create": POST_ONLY,
    # Everyone signed in may ask; the answer holds only people they may edit.
    "records:victim_options": everyone(200),
    "records:export": row(REAUTH, REAUTH, 403, REAUTH, 403, REAUTH, 403),
    # --- evidence: files and their names are identities-level; adding needs editing rights
    "evidence:index": everyone(200),
    "evidence:upload": EDIT,
    "evidence:detail": IDENTITIES,
    "evidence:download": IDENTITIES,
    "evidence:custody_add": EDIT,
    "evidence:verify": POST_ONLY,
    # --- justice: complaints, cases and their steps (lawyers edit them, not victims' records)
    "justice:home": everyone(200),
    "justice:proceeding_list": everyone(200),
    "justice:proceeding_create": JUSTICE_CREATE,
    "justice:proceeding_detail": JUSTICE_READ,
    "justice:stage_add": POST_ONLY,
    "justice:party_add": JUSTICE_EDIT,
    "justice:remedy_add": JUSTICE_EDIT,
    "justice:deadline_add": JUSTICE_EDIT,
    "justice:hearing_add": JUSTICE_EDIT,
    "justice:un_document": JUSTICE_READ,
    "justice:complaint_list": everyone(200),
    "justice:complaint_create": JUSTICE_CREATE,
    "justice:complaint_detail": JUSTICE_READ,
    "justice:complaint_answer": POST_ONLY,
    "justice:complaint_summary": JUSTICE_READ,
    "justice:deadlines": everyone(200),
    "justice:deadline_done": POST_ONLY,
    "justice:funnel": STATISTICS,
    "justice:monitoring": everyone(200),
    "justice:figure_list": everyone(200),
    "justice:figure_create": JUSTICE_CREATE,
    # --- person lists and linkage. Their records (uploads, jobs, runs, pairs, clusters) are
    # not built here yet: the routes that take one are checked with a record that does not
    # exist. TODO(lists): build one of each in ``world`` and give these routes real rows.
    "lists:index": everyone(200),
    "lists:import": CREATE,
    "lists:upload_confirm": NOT_FOUND,
    "lists:job_detail": NOT_FOUND,
    "lists:job_step": POST_ONLY,
    "lists:link": CREATE,
    "lists:run_detail": NOT_FOUND,
    "lists:run_accept": POST_ONLY,
    "lists:review": CREATE,
    "lists:review_decide": POST_ONLY,
    "lists:person_detail": NOT_FOUND,
    "lists:person_split": POST_ONLY,
    "lists:disagreement_resolve": POST_ONLY,
    "lists:capture_histories": STATISTICS,
    "lists:list_detail": NOT_FOUND,
    # --- estimation (statistics: not viewers, not users without a collection). Runs are not
    # built here yet either. TODO(estimation): a run in ``world`` and real rows.
    "estimation:home": STATISTICS,
    "estimation:new": STATISTICS,
    "estimation:new_from": row(404, 404, 404, 404, 403, 404, 403),  # an unknown provider
    "estimation:run_detail": NOT_FOUND,
    "estimation:run_compare": NOT_FOUND,
    "estimation:run_again": POST_ONLY,
    "estimation:run_reproduce": POST_ONLY,
    "estimation:run_input_csv": NOT_FOUND,
    "estimation:run_result_json": NOT_FOUND,
}

# POST-only routes: what a POST (with an empty form) answers to those who may not do it.
POST_REFUSALS: dict[str, dict[str, Any]] = {
    "accounts:logout": everyone(ALLOWED, anonymous=302),
    "accounts:member_role": row(ALLOWED, 403, 403, 403, 403, 404, 404),
    "accounts:member_revoke": row(ALLOWED, 403, 403, 403, 403, 404, 404),
    "accounts:user_set_active": row(403, 403, 403, 403, 403, 403, ALLOWED),
    "accounts:user_end_sessions": row(ALLOWED, 404, 404, 404, 404, 404, ALLOWED),
    "audit:verify": row(ALLOWED, 403, 403, 403, 403, ALLOWED, ALLOWED),
    "records:legal_hold_lift": MANAGE | {"administrator": ALLOWED},
    "records:quick_create": everyone(ALLOWED),
    "evidence:verify": IDENTITIES | {"administrator": ALLOWED, "documenter": ALLOWED,
                                     "lawyer": ALLOWED, "viewer": ALLOWED},
    "justice:stage_add": JUSTICE_EDIT | {"administrator": ALLOWED, "documenter": ALLOWED,
                                         "lawyer": ALLOWED},
    "justice:complaint_answer": JUSTICE_EDIT | {"administrator": ALLOWED,
                                                "documenter": ALLOWED, "lawyer": ALLOWED},
    "justice:deadline_done": JUSTICE_EDIT | {"administrator": ALLOWED, "documenter": ALLOWED,
                                             "lawyer": ALLOWED},
    # Records that do not exist: everyone is told "not found".
    "lists:job_step": everyone(404),
    "lists:run_accept": everyone(404),
    "lists:review_decide": everyone(404),
    "lists:person_split": everyone(404),
    "lists:disagreement_resolve": everyone(404),
    "estimation:run_again": everyone(404),
    "estimation:run_reproduce": everyone(404),
}


# --- the URL configuration ------------------------------------------------------------------


def named_routes(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[
        tuple[str, URLPattern]]:
    """Every named route, as ("namespace:name", pattern), walking includes recursively."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def test_every_named_route_has_a_row():
    routes = {name for name, _pattern in named_routes()}

    missing = sorted(routes - set(EXPECTED))
    assert not missing, (
        "These routes are not in the access matrix (tests/common/test_access_matrix.py): "
        + ", ".join(missing) + ". Add a row to EXPECTED saying what each role gets.")
    assert not sorted(set(EXPECTED) - routes), "rows for routes that no longer exist"
    assert sorted(name for name, row_ in EXPECTED.items() if row_ is POST_ONLY) == sorted(
        POST_REFUSALS), "every POST-only route needs a row in POST_REFUSALS"


# --- the people and records -----------------------------------------------------------------


def _user(username: str, **extra: Any) -> User:
    """A user without a password hash (force_login needs none; hashing is slow)."""
    user = User(username=username, **extra)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Collection A with one member per role and a record of every kind; an outsider who
    administers collection B; an instance administrator in no collection."""
    administrator = _user("administrator")
    collection = make_collection("Collection A", admin=administrator)
    users = {"administrator": administrator}
    for role in ("documenter", "lawyer", "analyst", "viewer"):
        users[role] = member(_user(role), collection, Role(role))
    users["outsider"] = _user("outsider")
    make_collection("Collection B", admin=users["outsider"])
    users["instance_admin"] = _user("root", is_superuser=True)
    gate = Gate.for_user(administrator)
    person = services.record_person(gate, collection, person_data())
    event = services.record_event_record(gate, collection, {"title": "Dispersal"})
    violation = services.record_violation(gate, {"victim": person.pk, "type": "torture",
                                                 "event": event.pk})
    source = services.record_source(gate, collection, {"title": "Report",
                                                       "source_type": "report"})
    testimony = services.record_testimony(gate, {"person": person.pk, "text": "I was beaten."})
    hold = services.place_legal_hold(gate, person, "Evidence in a trial")
    writer = BlobWriter(name="injury.jpg", max_bytes=1000)
    writer.update(b"photo of the injuries")
    received = writer.finish()
    item = evidence.add_evidence(gate, collection, received,
                                 {"kind": "photo", "person": person.pk}).item
    received.discard()
    justice.sync_reference()
    lawyer = Gate.for_user(users["lawyer"])
    complaint = justice.record_complaint(lawyer, collection, {
        "person": person.pk, "filed_by": "lawyer", "authority_kind": "prosecutor",
        "filed_on": "2022-01-20", "summary": "Torture in detention."})
    case = justice.open_proceeding(lawyer, collection, {
        "person": person.pk, "number": "227500031000123", "procedure": "criminal",
        "against": "officials", "authority_kind": "prosecutor", "articles": ["kz-cc-146"],
        "summary": "Torture in the SIZO."})
    deadline = justice.set_deadline(lawyer, case, {"kind": "hearing", "due_on": "2024-03-20"})
    records = {"collection": collection, "person": person, "event": event,
               "violation": violation, "source": source, "testimony": testimony,
               "hold": hold, "complaint": complaint, "case": case, "deadline": deadline,
               "evidence": item}
    return {"users": users, "records": records, "kwargs": _kwargs(records)}


def _kwargs(r: dict[str, Any]) -> dict[str, Callable[[], dict[str, Any]]]:
    """The URL arguments of each route that takes some: records of collection A."""
    person, testimony = r["person"].pk, r["testimony"].pk
    of = {
        "accounts:collection_members": {"pk": r["collection"].pk},
        "accounts:member_role": {"pk": r["collection"].pk, "user_pk": "documenter"},
        "accounts:member_revoke": {"pk": r["collection"].pk, "user_pk": "documenter"},
        "accounts:user_set_active": {"pk": "documenter"},
        "accounts:user_end_sessions": {"pk": "documenter"},
        "records:person_detail": {"pk": person},
        "records:person_edit": {"pk": person},
        "records:person_delete": {"pk": person},
        "records:person_erase": {"pk": person},
        "records:testimony_create": {"pk": person},
        "records:testimony_edit": {"pk": testimony},
        "records:testimony_delete": {"person_pk": person, "pk": testimony},
        "records:consent_create": {"pk": person},
        "records:legal_hold_place": {"pk": person},
        "records:legal_hold_lift": {"person_pk": person, "pk": r["hold"].pk},
        "records:cite": {"kind": "violation", "pk": r["violation"].pk},
        "records:quick_create": {"kind": "place"},
    }
    for kind in ("event", "violation", "source"):
        for action in ("detail", "edit", "delete"):
            of[f"records:{kind}_{action}"] = {"pk": r[kind].pk}
    case, complaint = r["case"].pk, r["complaint"].pk
    for name in ("proceeding_detail", "stage_add", "party_add", "remedy_add", "deadline_add",
                 "hearing_add"):
        of[f"justice:{name}"] = {"pk": case}
    of["justice:un_document"] = {"pk": case, "kind": "cat", "language": "en"}
    of["justice:complaint_detail"] = of["justice:complaint_answer"] = {"pk": complaint}
    of["justice:complaint_summary"] = {"pk": complaint, "language": "en"}
    of["justice:deadline_done"] = {"pk": r["deadline"].pk}
    of["estimation:new_from"] = {"name": "no-such-provider"}
    of["evidence:upload"] = {"collection_pk": r["collection"].pk}
    for name in ("detail", "download", "custody_add", "verify"):
        of[f"evidence:{name}"] = {"pk": r["evidence"].pk}
    for name in ("lists:upload_confirm", "lists:job_detail", "lists:job_step",
                 "lists:run_detail", "lists:run_accept", "lists:review_decide",
                 "lists:person_detail", "lists:person_split", "lists:disagreement_resolve",
                 "lists:list_detail", "estimation:run_detail", "estimation:run_compare",
                 "estimation:run_again", "estimation:run_reproduce",
                 "estimation:run_input_csv", "estimation:run_result_json"):
        of[name] = {"pk": MISSING}
    return {name: (lambda values=values: values) for name, values in of.items()}


def _url(world: dict[str, Any], name: str) -> str:
    provider = world["kwargs"].get(name)
    values = provider() if provider else {}
    users = world["users"]
    values = {key: users[value].pk if value in users else value for key, value in values.items()}
    return reverse(name, kwargs=values)


def _clients(world: dict[str, Any]) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _answer(response: Any) -> Any:
    """A status, with redirects to the login and password pages told apart."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("accounts:login")):
            return LOGIN
        if location.startswith(reverse("accounts:reauthenticate")):
            return REAUTH
    return response.status_code


def _state() -> dict[str, int]:
    """How many rows every Qantar table holds (a refused request must change none)."""
    return {model._meta.label: model._default_manager.count()
            for model in apps.get_models() if model.__module__.startswith("qantar.")
            and model._meta.model_name not in {"usersession", "twofactor"}}


# --- the matrix -----------------------------------------------------------------------------


def test_every_role_gets_what_the_table_says_on_get(world):
    clients = _clients(world)
    routes = dict(named_routes())
    wrong = []
    for name in sorted(set(EXPECTED) & set(routes)):
        url = _url(world, name)
        for role in ROLES:
            got = _answer(clients[role].get(url))
            if got != EXPECTED[name][role]:
                wrong.append(f"{name} ({url}) as {role}: expected {EXPECTED[name][role]}, "
                             f"got {got}")
    assert not wrong, "\n".join(wrong)


def test_every_refusal_is_also_refused_on_post_and_writes_nothing(world):
    routes = dict(named_routes())
    before = _state()
    wrong = []
    for name in sorted(set(EXPECTED) & set(routes)):
        table = POST_REFUSALS.get(name) or EXPECTED[name]
        url = _url(world, name)
        for role in ROLES:
            expected = table[role]
            if expected not in (403, 404, LOGIN, 405) or (
                    expected == 405 and name in POST_REFUSALS):
                continue
            client = Client()
            if role != "anonymous":
                client.force_login(world["users"][role])
            got = _answer(client.post(url, {}))
            # A page that takes no POST at all (405) refuses it too.
            if got != expected and not (got == 405 and name not in POST_REFUSALS):
                wrong.append(f"POST {name} ({url}) as {role}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
    assert _state() == before


def test_a_record_that_does_not_exist_is_not_found_for_everyone(world):
    clients = _clients(world)
    wrong = []
    for name, pattern in named_routes():
        if name not in EXPECTED or EXPECTED[name] is POST_ONLY:
            continue
        converters = pattern.pattern.converters
        if not any(type(c).__name__ == "UUIDConverter" for c in converters.values()):
            continue
        values = {key: MISSING for key, converter in pattern.pattern.converters.items()
                  if type(converter).__name__ == "UUIDConverter"}
        values |= {key: "person" for key in pattern.pattern.converters if key not in values}
        url = reverse(name, kwargs=values)
        for role in ROLES:
            got = _answer(clients[role].get(url))
            expected = LOGIN if role == "anonymous" else 404
            if got != expected:
                wrong.append(f"{name} ({url}) as {role}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
