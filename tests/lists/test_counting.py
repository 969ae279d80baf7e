"""The lists' overlap as input for estimation: the ``person_lists`` provider and its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.core.errors import PermissionDenied, ValidationFailed
from qantar.core.iin import make_iin
from qantar.core.names import System, transliterate
from qantar.estimation import sources
from qantar.estimation.models import EstimationRun
from qantar.lists import services
from qantar.lists.counting import PROVIDER
from qantar.lists.models import ImportedList
from tests.fixtures.factories import make_collection, make_user, member
from tests.lists.conftest import MEDIA, details, write

# three_lists: Official (3 entries), NGO (2), Media (2). One man is on all three, a woman on
# Official and Media, one man only on each of Official and NGO: 7 entries, 4 people.
ROWS = ((0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 1))


def _params(collection, chosen):
    return {"collection": str(collection.pk), "lists": [str(item.pk) for item in chosen]}


def _lists(collection):
    return list(ImportedList.objects.filter(collection=collection).order_by("name"))


def test_before_linking_every_entry_counts_as_a_person_and_the_summary_says_so(
        gate, collection, three_lists):
    table = sources.provide(PROVIDER, gate, _params(collection, _lists(collection)))
    assert table.list_names == ("Media", "NGO", "Official")
    assert table.rows == (((0, 0, 1), 3), ((0, 1, 0), 2), ((1, 0, 0), 2))
    assert table.summary == {"list_entries": 7, "accepted_people": 0, "linked_not_accepted": 0,
                             "never_linked": 7, "pairs_to_review": 0}


def test_after_linking_and_accepting_the_overlap_counts_people(gate, collection, three_lists):
    run = services.run_linkage(gate, collection)
    linked = sources.provide(PROVIDER, gate, _params(collection, _lists(collection)))
    assert linked.rows == tuple((row, 1) for row in ROWS)
    assert linked.summary["linked_not_accepted"] == 4
    assert linked.summary["never_linked"] == 0
    services.accept_clusters(gate, run)
    accepted = sources.provide(PROVIDER, gate, _params(collection, _lists(collection)))
    assert accepted.rows == linked.rows
    assert (accepted.summary["accepted_people"], accepted.summary["linked_not_accepted"]) == (4, 0)
    tables = accepted.tables()
    assert (tables.list_names, tables.observed) == (("Media", "NGO", "Official"), 4)


def test_two_of_the_lists(gate, collection, three_lists):
    services.run_linkage(gate, collection)
    media, _ngo, official = _lists(collection)
    table = sources.provide(PROVIDER, gate, _params(collection, [media, official]))
    assert table.list_names == ("Media", "Official")
    assert table.rows == (((0, 1), 1), ((1, 1), 2))
    assert table.summary["list_entries"] == 5


def test_an_analyst_counts_without_seeing_a_name(collection, gate, three_lists):
    analyst = Gate.for_user(member(make_user("analyst"), collection, Role.ANALYST))
    services.run_linkage(gate, collection)
    table = sources.provide(PROVIDER, analyst, _params(collection, _lists(collection)))
    assert sum(count for _, count in table.rows) == 4
    viewer = Gate.for_user(member(make_user("viewer"), collection, Role.VIEWER))
    with pytest.raises(PermissionDenied):
        sources.provide(PROVIDER, viewer, _params(collection, _lists(collection)))


@pytest.mark.parametrize(("chosen", "code"), [
    (lambda mine, other: mine[:1], "too_few_lists"),
    (lambda mine, other: mine[:2] + other, "unknown_list"),
    (lambda mine, other: ["not-an-id", *mine[:2]], "bad_id"),
])
def test_bad_choices_are_refused(gate, collection, three_lists, tmp_path, chosen, code):
    elsewhere = make_collection("Elsewhere")
    member(gate.user, elsewhere, Role.DOCUMENTER)
    gate = Gate.for_user(gate.user)
    other = services.import_file(gate, elsewhere, write(tmp_path, "m.csv", MEDIA),
                                 details=details("Other media")).imported_list
    params = {"collection": str(collection.pk),
              "lists": [getattr(item, "pk", item) for item in chosen(_lists(collection),
                                                                      [other])]}
    with pytest.raises(ValidationFailed) as error:
        sources.provide(PROVIDER, gate, params)
    assert error.value.code == code


# Invented people for a table large enough to estimate from: (on lists A, B, C) → how many.
PATTERNS = {(1, 0, 0): 8, (0, 1, 0): 7, (0, 0, 1): 6, (1, 1, 0): 4, (1, 0, 1): 3,
            (0, 1, 1): 3, (1, 1, 1): 2}
GIVEN = ("Арман", "Бекзат", "Дәурен", "Ерлан", "Жандос", "Нұрлан", "Серік")
SURNAMES = ("Абенов", "Бейсенов", "Жақыпов", "Қалиев", "Мұратов", "Оспанов")


def _invented_lists(gate, collection, tmp_path):
    """Three lists (A in Cyrillic, B in Latin, C in Cyrillic) of invented men with IINs."""
    rows = {"A": [], "B": [], "C": []}
    people = iter((given, surname) for surname in SURNAMES for given in GIVEN)
    for pattern, count in PATTERNS.items():
        for _ in range(count):
            given, surname = next(people)
            born = dt.date(1970 + len(rows["A"]) + len(rows["B"]), 3, 1 + len(rows["C"]))
            iin = next(code for serial in range(1000, 2000)
                       if (code := make_iin(born, "m", serial)))
            for name, on in zip("ABC", pattern, strict=True):
                if on:
                    shown = (transliterate(f"{given} {surname}", System.PRESS) if name == "B"
                             else f"{surname} {given}")
                    rows[name].append(f"{name}{len(rows[name]) + 1},{shown},{born},m,{iin}")
    for name, lines in rows.items():
        text = "record_id,full_name,birth_date,sex,iin\n" + "\n".join(lines) + "\n"
        services.import_file(gate, collection, write(tmp_path, f"{name}.csv", text),
                             details=details(f"List {name}"))


def test_the_estimation_page_runs_from_linked_lists_and_says_how_people_were_counted(
        gate, collection, tmp_path):
    _invented_lists(gate, collection, tmp_path)
    services.run_linkage(gate, collection)
    analyst = member(make_user("dana"), collection, Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    url = reverse("estimation:new_from", args=[PROVIDER])
    page = client.get(url).content.decode()
    assert "List A (" in page and "List C (" in page
    assert "Linked person lists in a collection" in client.get(
        reverse("estimation:new")).content.decode()
    chosen = [str(item.pk) for item in _lists(collection)]
    before = (EstimationRun.objects.count(), AuditEntry.objects.count())
    refused = client.post(url, {"collection": str(collection.pk), "lists": chosen[:1],
                                "method": "chapman", "seed": "3", "level": "0.95"})
    assert refused.status_code == 400
    assert "Choose at least two lists" in refused.content.decode()
    assert (EstimationRun.objects.count(), AuditEntry.objects.count()) == before
    response = client.post(url, {"collection": str(collection.pk), "lists": chosen,
                                 "method": "loglinear-bic", "seed": "3", "level": "0.95"})
    assert response.status_code == 302
    run = EstimationRun.objects.get()
    assert run.provider == PROVIDER
    assert sorted(map(tuple, run.input_table["rows"])) == sorted(
        (*pattern, count) for pattern, count in PATTERNS.items())
    detail = client.get(response["Location"]).content.decode()
    assert "Entries on the chosen lists: 47." in detail
    assert ("People counted as the latest linkage run grouped their entries, not accepted "
            "yet: 33.") in detail
    assert "Documented, but cited by none" not in detail
