"""The documenters' web pages: rendering, access, identities, form errors, CSRF, caching."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.test import Client
from django.urls import reverse

from qantar.accounts.choices import Role
from qantar.audit.models import Revision
from qantar.common.access import Gate
from qantar.records import services
from qantar.records.models import Citation, Event, Person, PersonName, Place, Source, Violation
from tests.fixtures.factories import make_collection, make_user, member

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "qantar"
NAMES = ("Sakhanbayev", "Саханбаев")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(gate, collection, person):
    """A person with a torture violation at a detention centre, an event, a source, a citation."""
    country = services.create_place(gate, {"name": "Kazakhstan", "kind": "country"})
    city = services.create_place(gate, {"name": "Taldykorgan", "kind": "city",
                                        "parent": country.pk})
    centre = services.create_place(gate, {"name": "Taldykorgan SIZO", "kind": "site",
                                          "parent": city.pk})
    police = services.create_organisation(gate, {"name": "Taldykorgan police",
                                                  "kind": "agency", "agency": "police"})
    event = services.record_event_record(gate, collection, {
        "title": "Dispersal of the protest in Taldykorgan", "date": "2022-01-05",
        "place": city.pk})
    violation = services.record_violation(gate, {
        "victim": person.pk, "event": event.pk, "type": "torture", "methods": ["beating"],
        "consequences": ["injury"], "date": "2022-01-07/2022-01-10", "place": centre.pk,
        "status": "corroborated", "description": "Beaten by Officer Serikbayev.",
        "involvements": [{"organisation": police.pk, "perpetrator_name": "Officer Serikbayev",
                          "degree": "direct"}]})
    source = services.record_source(gate, collection, {
        "title": "We don't even cry anymore", "source_type": "report", "publisher": "IPHR",
        "published": "2022-11", "reliability": "B"})
    services.cite(gate, source.pk, person, locator="p. 14", quote="Sakhanbayev was beaten")
    services.cite(gate, source.pk, violation)
    services.record_testimony(gate, {"person": person.pk, "text": "They beat me for two days.",
                                     "taken_on": "2022-02"})
    return {"event": event, "violation": violation, "source": source, "place": centre,
            "person": person, "police": police}


def counts() -> tuple[int, ...]:
    return (Person.all_objects.count(), PersonName.objects.count(), Event.all_objects.count(),
            Violation.all_objects.count(), Source.all_objects.count(), Place.objects.count(),
            Citation.objects.count(), Revision.objects.count())


def person_post(collection, **overrides) -> dict:
    data = {
        "collection": str(collection.pk),
        "names-TOTAL_FORMS": "2", "names-INITIAL_FORMS": "0", "names-MIN_NUM_FORMS": "1",
        "names-MAX_NUM_FORMS": "30",
        "names-0-value": "Дархан Садыков", "names-0-script": "", "names-0-language": "ru",
        "names-0-kind": "as_written",
        "names-1-value": "Darkhan Sadykov", "names-1-script": "", "names-1-language": "en",
        "names-1-kind": "as_written",
        "sex": "male", "status": "alive", "age": "", "groups": ["activist"],
        "birth_date": "1990", "iin": "", "occupation": "", "contact": "", "notes": "",
    }
    return data | overrides


def violation_post(victim, **overrides) -> dict:
    data = {
        "victim": str(victim.pk), "event": "", "type": "torture", "methods": ["beating"],
        "consequences": [], "date": "2022-01-07", "place": "", "status": "alleged",
        "description": "", "perpetrators-TOTAL_FORMS": "1", "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-MIN_NUM_FORMS": "0", "perpetrators-MAX_NUM_FORMS": "30",
        "perpetrators-0-organisation": "", "perpetrators-0-perpetrator_name": "",
        "perpetrators-0-degree": "unknown",
    }
    return data | overrides


def text_of(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    """The error messages shown next to one field."""
    match = re.search(rf'<ul class="errors" id="id_{re.escape(field)}_error">(.*?)</ul>',
                      text_of(response), re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


# --- pages render ---------------------------------------------------------------------------


def test_home_shows_documented_counts_and_links(documenter, case):
    response = signed_in(documenter).get(reverse("records:home"))

    page = text_of(response)
    assert response.status_code == 200
    assert '<span class="number">1</span> people documented' in page
    assert '<span class="number">1</span> violations documented' in page
    assert "They are not totals of what happened." in page
    assert "total" not in page.replace("not totals", "").replace("never totals", "")
    assert f'href="{reverse("records:person_create")}"' in page
    assert f'action="{reverse("accounts:logout")}" method="post"' in page
    assert f'action="{reverse("set_language")}" method="post"' in page


def test_lists_render_for_a_documenter(documenter, case):
    client = signed_in(documenter)

    people = text_of(client.get(reverse("records:person_list")))
    assert "Dosai Sakhanbayev</a>" in people
    assert "<td>Досай Саханбаев</td>" in people
    events = text_of(client.get(reverse("records:event_list")))
    assert "Dispersal of the protest in Taldykorgan</a>" in events
    violations = text_of(client.get(reverse("records:violation_list")))
    assert "Torture and ill-treatment</a>" in violations
    assert "Dosai Sakhanbayev</a>" in violations
    sources = text_of(client.get(reverse("records:source_list")))
    assert "We don&#x27;t even cry anymore</a>" in sources
    assert '<p class="count" role="status">1 documented record.</p>' in sources


def test_person_search_finds_any_spelling_in_either_script(documenter, gate, collection, case):
    services.record_person(gate, collection, {"names": [{"value": "Aigul Nurlanova"}]})
    client = signed_in(documenter)

    for query in ("Саханбаев", "Sakhanbayev", "sakhanbayev dosai"):
        page = text_of(client.get(reverse("records:person_list"), {"q": query}))
        assert "1 documented record matches these filters." in page
        assert "Dosai Sakhanbayev</a>" in page
        assert "Nurlanova" not in page
    page = text_of(client.get(reverse("records:person_list"), {"q": "Abdrashev"}))
    assert "No person matches." in page


def test_htmx_filter_returns_only_the_results(documenter, case):
    response = signed_in(documenter).get(reverse("records:person_list"), {"q": "Саханбаев"},
                                         HTTP_HX_REQUEST="true")

    page = text_of(response)
    assert page.startswith('<div id="results" class="results">')
    assert "<html" not in page and "Dosai Sakhanbayev</a>" in page


def test_violation_filters_and_a_bad_date_filter(documenter, case):
    client = signed_in(documenter)
    url = reverse("records:violation_list")

    assert "Torture and ill-treatment</a>" in text_of(client.get(url, {"method": "beating"}))
    assert "No violation matches." in text_of(client.get(url, {"method": "electric_shocks"}))
    assert "No violation matches." in text_of(client.get(url, {"date_from": "2022-02"}))
    assert "Torture" in text_of(client.get(url, {"agency": "police", "status": "corroborated",
                                                  "place": str(case["place"].pk)}))
    response = client.get(url, {"date_from": "2022-02-30"})
    assert response.status_code == 200
    assert "The filter “From” was not used: 2022-02 has no day 30." in text_of(response)
    assert "Torture and ill-treatment</a>" in text_of(response)


def test_lists_show_fifty_a_page(documenter, gate, collection):
    for number in range(51):
        services.record_event_record(gate, collection, {"title": f"Event {number:02d}"})
    client = signed_in(documenter)

    first = text_of(client.get(reverse("records:event_list")))
    second = text_of(client.get(reverse("records:event_list"), {"page": "2"}))
    assert first.count("/events/") - second.count("/events/") == 49
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert "51 documented records." in first


def test_person_page_shows_violations_testimonies_sources_history_and_audit(documenter, case):
    person = case["person"]
    page = text_of(signed_in(documenter).get(reverse("records:person_detail", args=[person.pk])))

    assert "<h1>Dosai Sakhanbayev</h1>" in page
    assert "<td>Досай Саханбаев</td>" in page or "Досай Саханбаев</td>" in page
    assert f'href="/violations/{case["violation"].pk}/">Torture and ill-treatment</a>' in page
    assert "They beat me for two days." in page
    assert "We don&#x27;t even cry anymore</a>" in page
    assert "Sakhanbayev was beaten" in page
    assert '<h2 id="history-heading">History</h2>' in page
    assert "<strong>Created</strong> · documenter" in page
    assert '<h2 id="audit-heading">Audit trail</h2>' in page
    assert "age, birth_date, groups, names, notes, sex, status" in page


def test_event_page_shows_victims_perpetrators_and_sources(documenter, case):
    page = text_of(signed_in(documenter).get(
        reverse("records:event_detail", args=[case["event"].pk])))

    assert "<h1>Dispersal of the protest in Taldykorgan</h1>" in page
    assert "Dosai Sakhanbayev</a>" in page
    assert "<td>Taldykorgan police</td>" in page
    assert "<td>Officer Serikbayev</td>" in page
    assert "<td>Direct perpetrator</td>" in page
    assert "Kazakhstan › Taldykorgan" in page


def test_violation_page_shows_place_lineage_methods_perpetrators_sources(documenter, case):
    page = text_of(signed_in(documenter).get(
        reverse("records:violation_detail", args=[case["violation"].pk])))

    assert "<h1>Torture and ill-treatment — Dosai Sakhanbayev</h1>" in page
    assert "Kazakhstan › Taldykorgan › Taldykorgan SIZO" in page
    assert "<dd>Beating</dd>" in page
    assert "<dd>Injury</dd>" in page
    assert "Dispersal of the protest in Taldykorgan</a>" in page
    assert "<td>Taldykorgan police</td>" in page
    assert "We don&#x27;t even cry anymore</a>" in page
    assert "Beaten by Officer Serikbayev." in page


def test_source_page_lists_the_records_it_supports(documenter, case):
    page = text_of(signed_in(documenter).get(
        reverse("records:source_detail", args=[case["source"].pk])))

    assert "<h1>We don&#x27;t even cry anymore</h1>" in page
    assert '<span class="muted">Person:</span> <a href="/people/' in page
    assert "Dosai Sakhanbayev</a>" in page
    assert "Torture and ill-treatment — Dosai Sakhanbayev</a>" in page


def test_every_form_renders(documenter, case):
    client = signed_in(documenter)
    person, event = case["person"], case["event"]
    violation, source = case["violation"], case["source"]
    urls = [
        reverse("records:person_create"), reverse("records:person_edit", args=[person.pk]),
        reverse("records:event_create"), reverse("records:event_edit", args=[event.pk]),
        reverse("records:violation_create"),
        reverse("records:violation_edit", args=[violation.pk]),
        reverse("records:source_create"), reverse("records:source_edit", args=[source.pk]),
        reverse("records:testimony_create", args=[person.pk]),
        reverse("records:cite", args=["violation", violation.pk]),
        reverse("records:person_delete", args=[person.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="csrfmiddlewaretoken"' in text_of(response)
    edit = text_of(client.get(reverse("records:person_edit", args=[person.pk])))
    assert 'value="Dosai Sakhanbayev"' in edit and 'value="Досай Саханбаев"' in edit


# --- access ---------------------------------------------------------------------------------


def test_another_collections_user_gets_not_found(case):
    outsider = make_user("outsider")
    make_collection("Other NGO", admin=outsider)
    client = signed_in(outsider)
    person, violation = case["person"], case["violation"]
    urls = [
        reverse("records:person_detail", args=[person.pk]),
        reverse("records:person_edit", args=[person.pk]),
        reverse("records:person_delete", args=[person.pk]),
        reverse("records:testimony_create", args=[person.pk]),
        reverse("records:event_detail", args=[case["event"].pk]),
        reverse("records:violation_detail", args=[violation.pk]),
        reverse("records:violation_edit", args=[violation.pk]),
        reverse("records:source_detail", args=[case["source"].pk]),
        reverse("records:cite", args=["person", person.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Sakhanbayev" not in text_of(response)
    before = counts()
    assert client.post(reverse("records:person_delete", args=[person.pk]),
                       {"reason": "x"}).status_code == 404
    assert counts() == before
    listed = text_of(client.get(reverse("records:person_list"), {"q": "Sakhanbayev"}))
    assert "No person matches." in listed


def test_malformed_ids_are_not_found(documenter):
    client = signed_in(documenter)

    for url in ("/people/not-a-uuid/", "/violations/1/", "/cite/person/123/",
                "/cite/planet/6f1c6a52-3f0e-4c1e-9a51-7c2b1f0e9d11/",
                "/people/6f1c6a52-3f0e-4c1e-9a51-7c2b1f0e9d11/"):
        assert client.get(url).status_code == 404, url


def test_analyst_never_sees_names_only_pseudonyms(collection, case):
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    client = signed_in(analyst)
    person, violation = case["person"], case["violation"]
    pages = [
        reverse("records:home"), reverse("records:person_list"),
        reverse("records:person_list") + "?q=Sakhanbayev",
        reverse("records:person_list") + "?q=Саханбаев",
        reverse("records:violation_list"), reverse("records:event_list"),
        reverse("records:person_detail", args=[person.pk]),
        reverse("records:violation_detail", args=[violation.pk]),
        reverse("records:event_detail", args=[case["event"].pk]),
        reverse("records:source_detail", args=[case["source"].pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        typed = unquote(url.partition("?q=")[2])
        # What the analyst typed is echoed back to them; nothing else may name the person.
        page = text_of(response).replace(quote(typed), "").replace(typed, "") if typed \
            else text_of(response)
        for name in NAMES + ("Serikbayev", "They beat me", "Dosai", "Досай"):
            assert name not in page, (url, name)
    detail = text_of(client.get(reverse("records:person_detail", args=[person.pk])))
    assert f"<h1>{person.pseudonym}</h1>" in detail
    assert "You see this person by pseudonym only" in detail
    searched = text_of(client.get(reverse("records:person_list"), {"q": "Sakhanbayev"}))
    assert "No person matches." in searched
    assert "Searching by name only looks in collections where you may see names." in searched


def test_analyst_and_viewer_cannot_open_forms(collection, case):
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    viewer = member(make_user("viewer"), collection, Role.VIEWER)
    for user in (analyst, viewer):
        client = signed_in(user)
        assert client.get(reverse("records:person_create")).status_code == 403
        response = client.get(reverse("records:person_edit", args=[case["person"].pk]))
        assert response.status_code == 403
        assert "You are not allowed to do this." in text_of(response)
        home = text_of(client.get(reverse("records:home")))
        assert reverse("records:person_create") not in home


def test_forms_offer_only_collections_where_the_user_may_edit(documenter, collection):
    readable = make_collection("Read-only archive")
    member(documenter, readable, Role.VIEWER)
    writable = make_collection("Second case file")
    member(documenter, writable, Role.DOCUMENTER)

    page = text_of(signed_in(documenter).get(reverse("records:person_create")))
    assert f'<option value="{collection.pk}">{collection.name}</option>' in page
    assert f'<option value="{writable.pk}">Second case file</option>' in page
    assert "Read-only archive" not in page and str(readable.pk) not in page


def test_anonymous_users_are_sent_to_log_in(case):
    response = Client().get(reverse("records:person_detail", args=[case["person"].pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=/people/")


def test_login_page_renders():
    response = Client().get(reverse("accounts:login"))

    page = text_of(response)
    assert response.status_code == 200
    assert '<label for="id_username">Username' in page
    assert 'name="password"' in page and "Log in to Qantar" in page


def test_logout_needs_a_post(documenter):
    client = signed_in(documenter)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("records:home")).status_code == 302


def test_authenticated_pages_are_not_cached(documenter, case):
    client = signed_in(documenter)

    for url in (reverse("records:home"), reverse("records:person_detail",
                                                 args=[case["person"].pk])):
        assert client.get(url)["Cache-Control"] == "no-store, private"


def test_posts_need_the_csrf_token(documenter, collection):
    client = Client(enforce_csrf_checks=True)
    client.force_login(documenter)
    before = counts()

    response = client.post(reverse("records:person_create"), person_post(collection))
    assert response.status_code == 403
    assert "The form expired" in text_of(response)
    assert counts() == before


def test_language_switch_changes_the_page_language(documenter):
    client = signed_in(documenter)

    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="ru">' in text_of(client.get(reverse("records:home")))


# --- writing through forms ------------------------------------------------------------------


def test_record_a_person_with_two_spellings(documenter, collection):
    response = signed_in(documenter).post(reverse("records:person_create"),
                                          person_post(collection))

    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:person_detail", args=[person.pk])
    assert [(n.value, n.script, n.language) for n in person.names.all()] == [
        ("Дархан Садыков", "cyrl", "ru"), ("Darkhan Sadykov", "latn", "en")]
    assert person.birth_date == "1990"


@pytest.mark.parametrize(("override", "field", "message"), [
    ({"birth_date": "2022-02-30"}, "birth_date", "2022-02 has no day 30."),
    ({"birth_date": "yesterday"}, "birth_date",
     "“yesterday” is not a date. Use YYYY, YYYY-MM or YYYY-MM-DD (or DD.MM.YYYY); prefix ~ "
     "for approximate, use / for a range."),
    ({"groups": ["astronaut"]}, "groups",
     "Select a valid choice. astronaut is not one of the available choices."),
    ({"sex": "x"}, "sex", "Select a valid choice. x is not one of the available choices."),
    ({"age": "-3"}, "age", "Ensure this value is greater than or equal to 0."),
    ({"notes": "x" * 10_000_000}, "notes",
     "Ensure this value has at most 200000 characters (it has 10000000)."),
])
def test_bad_person_input_shows_the_error_by_the_field_and_saves_nothing(
        documenter, collection, override, field, message):
    before = counts()

    response = signed_in(documenter).post(reverse("records:person_create"),
                                          person_post(collection, **override))
    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert "Nothing was saved yet. Please correct:" in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)
    assert counts() == before


def test_a_person_without_any_name_is_refused(documenter, collection):
    before = counts()

    response = signed_in(documenter).post(reverse("records:person_create"), person_post(
        collection, **{"names-0-value": "  ", "names-1-value": ""}))
    page = text_of(response)
    assert response.status_code == 200
    assert '<ul class="errors" id="names_error"><li>A person needs at least one name.</li></ul>' \
        in page
    assert counts() == before


def test_text_with_html_is_shown_escaped(documenter, collection):
    client = signed_in(documenter)
    client.post(reverse("records:person_create"), person_post(
        collection, notes="<script>alert('x')</script>",
        **{"names-0-value": "<b>Bold</b> Name"}))
    person = Person.objects.get()

    page = text_of(client.get(reverse("records:person_detail", args=[person.pk])))
    assert "<script>alert" not in page and "<b>Bold</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<h1>&lt;b&gt;Bold&lt;/b&gt; Name</h1>" in page


def test_edit_a_person_and_see_the_change_in_history(documenter, person):
    client = signed_in(documenter)
    edit_url = reverse("records:person_edit", args=[person.pk])
    data = person_post(person.collection, status="dead", reason="Death confirmed", **{
        "names-TOTAL_FORMS": "2", "names-INITIAL_FORMS": "2",
        "names-0-value": "Dosai Sakhanbayev", "names-0-language": "en",
        "names-1-value": "Досай Саханбаев", "names-1-language": "ru"})
    del data["collection"]

    response = client.post(edit_url, data)
    assert response.status_code == 302
    page = text_of(client.get(reverse("records:person_detail", args=[person.pk])))
    assert "<strong>Updated</strong> · documenter" in page
    assert "Reason: Death confirmed" in page
    assert "<tr><th scope=\"row\">Status</th><td>alive</td><td>dead</td></tr>" in page


def test_record_a_violation_and_refuse_bad_vocabulary(documenter, case):
    client = signed_in(documenter)
    person = case["person"]
    before = counts()

    bad = client.post(reverse("records:violation_create"),
                      violation_post(person, type="flying", methods=["teleportation"]))
    assert bad.status_code == 200
    assert field_errors(bad, "type") == [
        "Select a valid choice. flying is not one of the available choices."]
    assert field_errors(bad, "methods") == [
        "Select a valid choice. teleportation is not one of the available choices."]
    impossible = client.post(reverse("records:violation_create"),
                             violation_post(person, date="2022-13"))
    assert field_errors(impossible, "date") == ["There is no month 13."]
    assert counts() == before

    good = client.post(reverse("records:violation_create"), violation_post(person, **{
        "perpetrators-0-organisation": str(case["police"].pk),
        "perpetrators-0-degree": "commander"}))
    assert good.status_code == 302
    created = Violation.objects.exclude(pk=case["violation"].pk).get()
    assert [(i.organisation_id, i.degree) for i in created.involvements.all()] == [
        (case["police"].pk, "commander")]


def test_quick_create_place_returns_the_select_with_it_chosen(documenter, person):
    client = signed_in(documenter)
    url = reverse("records:quick_create", args=["place"])

    response = client.post(url, {"place": "", "new_place-name": "Taldykorgan SIZO",
                                 "new_place-kind": "site",
                                 "new_place-site_type": "pre_trial_detention_centre"},
                           HTTP_HX_REQUEST="true")
    place = Place.objects.get()
    page = text_of(response)
    assert page.startswith('<div class="picker" id="picker-place">')
    assert f'<option value="{place.pk}" selected>Taldykorgan SIZO</option>' in page
    assert "Added and selected above." in page

    empty = client.post(url, {"place": "", "new_place-name": " ", "new_place-kind": "site"},
                        HTTP_HX_REQUEST="true")
    assert "The name is required." in text_of(empty)
    assert "<details class=\"quick-create\" open>" in text_of(empty)
    assert Place.objects.count() == 1


def test_without_javascript_a_new_place_keeps_what_was_typed(documenter, person):
    data = violation_post(person, date="~2022-02-15", description="Typed before adding",
                          _add="place", **{"new_place-name": "Police station No. 3",
                                           "new_place-kind": "site"})

    response = signed_in(documenter).post(reverse("records:violation_create"), data)
    page = text_of(response)
    place = Place.objects.get()
    assert response.status_code == 200
    assert Violation.objects.count() == 0
    assert f'<option value="{place.pk}" selected>Police station No. 3</option>' in page
    assert 'value="~2022-02-15"' in page and "Typed before adding</textarea>" in page
    assert "Nothing was saved yet" not in page


def test_without_javascript_another_name_row_can_be_added(documenter, collection):
    response = signed_in(documenter).post(reverse("records:person_create"),
                                          person_post(collection, _more="names"))

    page = text_of(response)
    assert 'name="names-TOTAL_FORMS" value="3"' in page
    assert 'name="names-2-value"' in page and 'value="Darkhan Sadykov"' in page
    assert Person.objects.count() == 0


def test_cite_a_source_on_a_record(documenter, case):
    event, source = case["event"], case["source"]

    response = signed_in(documenter).post(reverse("records:cite", args=["event", event.pk]),
                                          {"source": str(source.pk), "locator": "p. 3",
                                           "quote": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("records:event_detail", args=[event.pk])
    assert Citation.objects.filter(object_id=event.pk, locator="p. 3").count() == 1


def test_soft_delete_needs_a_reason(documenter, case):
    client = signed_in(documenter)
    event = case["event"]
    url = reverse("records:event_delete", args=[event.pk])

    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 200
    assert field_errors(refused, "reason") == ["This field is required."]
    assert Event.objects.filter(pk=event.pk).exists()
    done = client.post(url, {"reason": "Duplicate of another event"})
    assert (done.status_code, done["Location"]) == (302, reverse("records:event_list"))
    assert not Event.objects.filter(pk=event.pk).exists()
    assert Event.all_objects.get(pk=event.pk).deletion_reason == "Duplicate of another event"
    assert client.get(reverse("records:event_detail", args=[event.pk])).status_code == 404


def test_add_a_testimony(documenter, person):
    client = signed_in(documenter)
    url = reverse("records:testimony_create", args=[person.pk])

    assert field_errors(client.post(url, {"text": "", "language": "ru"}), "text") == [
        "This field is required."]
    response = client.post(url, {"text": "I was held for ten days.", "language": "ru",
                                 "taken_on": "2022-03", "taken_by": "A. K."})
    assert response.status_code == 302
    assert "I was held for ten days." in text_of(
        client.get(reverse("records:person_detail", args=[person.pk])))


# --- templates and static files stay ready for a strict Content Security Policy -------------


def test_templates_have_no_inline_script_or_style_and_no_safe_filter():
    templates = [*SRC.joinpath("templates").glob("*.html"),
                 *SRC.joinpath("records", "templates").rglob("*.html"),
                 SRC / "accounts" / "templates" / "accounts" / "login.html"]
    assert len(templates) > 30
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "<style" not in text and " style=" not in text, path
        assert "|safe" not in text and "autoescape off" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path
        assert "//cdn" not in text and "https://" not in text, path


def test_violation_history_names_places_and_types_not_ids(documenter, case):
    violation = case["violation"]
    client = signed_in(documenter)
    other = Place.objects.create(name="Police station No. 3", kind="site")
    data = violation_post(case["person"], type="arbitrary_detention", place=str(other.pk),
                          reason="Place corrected after a second interview",
                          **{"perpetrators-0-organisation": str(case["police"].pk),
                             "perpetrators-0-degree": "direct"})
    del data["victim"]

    response = client.post(reverse("records:violation_edit", args=[violation.pk]), data)
    assert response.status_code == 302
    page = text_of(client.get(reverse("records:violation_detail", args=[violation.pk])))
    assert ("<tr><th scope=\"row\">Type</th><td>Torture and ill-treatment</td>"
            "<td>Arbitrary detention</td></tr>") in page
    assert ("<tr><th scope=\"row\">Place</th><td>Taldykorgan SIZO</td>"
            "<td>Police station No. 3</td></tr>") in page
    assert "<td>Taldykorgan police, Officer Serikbayev (direct)</td>" in page
    assert "<td>Taldykorgan police (direct)</td>" in page


def test_every_view_of_identifying_details_is_audited_but_not_for_analysts(client, collection):
    from qantar.accounts.choices import Role
    from qantar.audit.models import AuditEntry
    from qantar.common.access import Gate
    from qantar.records import services as record_services
    from tests.fixtures.factories import make_user, member, person_data

    documenter = member(make_user("viewer-doc"), collection, Role.DOCUMENTER)
    analyst = member(make_user("viewer-analyst"), collection, Role.ANALYST)
    person = record_services.record_person(Gate.for_user(documenter), collection, person_data())
    client.force_login(documenter)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    client.force_login(analyst)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    views = AuditEntry.objects.filter(action="view_sensitive", object_id=str(person.pk))
    assert [entry.actor_label for entry in views] == ["viewer-doc"]


# --- the victim select when there are many people ----------------------------------------


@pytest.fixture
def many_people(gate, collection, person, monkeypatch):
    """More people than the victim select lists in full (the limit lowered to two)."""
    from qantar.records import forms as record_forms

    monkeypatch.setattr(record_forms, "VICTIMS_LISTED_IN_FULL", 2)
    others = [
        services.record_person(gate, collection, {"names": [{"value": name, "language": "ru"}]})
        for name in ("Айгерим Нурланова", "Ерлан Касымов")
    ]
    return [person, *others]


def test_few_people_are_all_listed_without_a_search_box(documenter, person):
    page = text_of(signed_in(documenter).get(reverse("records:violation_create")))
    assert f'<option value="{person.pk}">Dosai Sakhanbayev ({person.pseudonym})</option>' in page
    assert 'name="victim_search"' not in page


def test_many_people_are_found_by_name_not_listed(documenter, many_people):
    client = signed_in(documenter)
    dosai, aigerim, erlan = many_people

    page = text_of(client.get(reverse("records:violation_create")))
    assert 'name="victim_search"' in page
    assert "Dosai Sakhanbayev" not in page and "Айгерим" not in page

    options = text_of(client.get(reverse("records:victim_options"),
                                 {"victim_search": "Sakhanbaev"}))
    assert options == (
        '<option value="" selected>—</option>\n'
        f'<option value="{dosai.pk}">Dosai Sakhanbayev ({dosai.pseudonym})</option>\n')

    kept = text_of(client.get(reverse("records:victim_options"),
                              {"victim_search": "Касымов", "victim": str(dosai.pk)}))
    assert kept == (
        '<option value="">—</option>\n'
        f'<option value="{dosai.pk}" selected>Dosai Sakhanbayev ({dosai.pseudonym})</option>\n'
        f'<option value="{erlan.pk}">Ерлан Касымов ({erlan.pseudonym})</option>\n')
    assert "Айгерим" not in kept


def test_without_javascript_find_shows_the_matches_and_keeps_what_was_typed(documenter,
                                                                             many_people):
    client = signed_in(documenter)
    aigerim = many_people[1]
    before = counts()

    page = text_of(client.post(reverse("records:violation_create"), violation_post(aigerim) | {
        "victim": "", "victim_search": "Nurlanova", "description": "Kept as typed.",
        "_find": "victim"}))
    assert f'<option value="{aigerim.pk}">Айгерим Нурланова ({aigerim.pseudonym})</option>' in page
    assert "Kept as typed." in page
    assert 'value="Nurlanova"' in page
    assert counts() == before

    saved = client.post(reverse("records:violation_create"), violation_post(aigerim))
    assert saved.status_code == 302
    assert Violation.objects.get().victim_id == aigerim.pk


def test_the_victim_search_finds_nobody_outside_the_users_collections(many_people):
    outsider = member(make_user("outsider"), make_collection(), Role.DOCUMENTER)
    options = text_of(signed_in(outsider).get(reverse("records:victim_options"),
                                              {"victim_search": "Sakhanbayev",
                                               "victim": str(many_people[0].pk)}))
    assert options == '<option value="">—</option>\n'


def test_people_of_several_collections_show_their_collection_and_can_be_filtered(
        gate, collection, person):
    other = make_collection("Detained, Almaty")
    user = member(member(make_user("two"), collection, Role.DOCUMENTER), other, Role.DOCUMENTER)
    services.record_person(Gate.for_user(user), other, {
        "names": [{"value": "Serik Abenov", "language": "en"}], "status": "alive"})
    client = signed_in(user)
    page = text_of(client.get(reverse("records:person_list")))
    assert "<th scope=\"col\">Collection</th>" in page
    assert f"<td>{collection.name}</td>" in page and "<td>Detained, Almaty</td>" in page
    assert f'<option value="{other.pk}">Detained, Almaty</option>' in page
    only = text_of(client.get(reverse("records:person_list"), {"collection": str(other.pk)}))
    assert "Serik Abenov</a>" in only and "Dosai Sakhanbayev</a>" not in only
    # Someone who sees one collection gets neither the column nor the filter.
    single = text_of(signed_in(member(make_user("one"), collection, Role.DOCUMENTER)).get(
        reverse("records:person_list")))
    assert "Collection</th>" not in single and 'name="collection"' not in single
    assert "Serik Abenov" not in single
