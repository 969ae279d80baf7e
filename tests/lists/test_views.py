"""Person-list pages: upload, confirm columns, import in steps, review, split, overlaps."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.lists import queries, services, views
from qantar.lists.models import (
    CandidatePair,
    ImportedList,
    LinkageRun,
    ListEntry,
    PendingUpload,
    ReviewDecision,
)
from qantar.records.models import Person
from tests.fixtures.factories import make_user, member
from tests.lists.conftest import OFFICIAL, details, import_uncertain_lists


def _upload(client, collection, name: str, data: bytes):  # noqa: ANN001, ANN202
    return client.post(reverse("lists:import"), {
        "collection": str(collection.pk), "name": "Official", "compiled_by": "Volunteers",
        "compiled_on": "2022-02", "method": "official", "person_status": "dead",
        "file": SimpleUploadedFile(name, data)})


def test_upload_confirm_and_import_in_steps(client, documenter, collection):
    client.force_login(documenter)
    response = _upload(client, collection, "official.csv", OFFICIAL.encode("cp1251"))
    upload = PendingUpload.objects.get()
    assert response.url == reverse("lists:upload_confirm", args=[upload.pk])
    page = client.get(response.url).content.decode()
    assert "cp1251" in page and "Саханбаев" in page
    assert '<option value="surname" selected>' in page
    form = {f"column_{index}": target for index, target in enumerate(
        ["record_id", "surname", "given_name", "patronymic", "birth_date", "region", ""])}
    response = client.post(reverse("lists:upload_confirm", args=[upload.pk]), form)
    job_url = response.url
    assert "Importing" in client.get(job_url).content.decode()
    step = client.post(job_url + "step/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="rows-imported">3<' in step and "100%" in step
    imported = ImportedList.objects.get()
    assert (imported.name, imported.method, ListEntry.objects.count()) == ("Official",
                                                                          "official", 3)
    assert PendingUpload.objects.count() == 0
    assert "date_of_death" not in imported.jobs.get().column_mapping


def test_an_upload_over_ten_megabytes_points_to_the_command_line(client, documenter,
                                                                 collection):
    client.force_login(documenter)
    data = b"surname,given_name\n" + b"A,B\n" * (3 * 1024 * 1024)
    response = _upload(client, collection, "huge.csv", data)
    assert response.status_code == 200
    assert "larger than 10 MB. Import it from the command line" in response.content.decode()
    assert (PendingUpload.objects.count(), ImportedList.objects.count()) == (0, 0)


def test_a_broken_upload_is_refused_and_changes_nothing(client, documenter, collection):
    client.force_login(documenter)
    before = AuditEntry.objects.count()
    response = _upload(client, collection, "list.xlsx", b"surname,given_name\nA,B\n")
    assert "list.xlsx is named .xlsx but is not such a file" in response.content.decode()
    assert (PendingUpload.objects.count(), ImportedList.objects.count(),
            AuditEntry.objects.count()) == (0, 0, before)


def test_review_page_shows_the_pair_side_by_side_and_records_a_decision(client, documenter,
                                                                        gate, collection,
                                                                        tmp_path):
    import_uncertain_lists(gate, collection, tmp_path)
    run = services.run_linkage(gate, collection)
    pair = queries.review_queue(gate, run).get()
    client.force_login(documenter)
    page = client.get(reverse("lists:review") + f"?collection={collection.pk}").content.decode()
    assert 'data-shortcut="m"' in page and "Why the model scored them so" in page
    assert "Isayev Yerlan" in page and "Erlan Isaev" in page
    # The reviewer sees where the probability comes from: prior + evidence = total.
    score = queries.score_summary(pair)
    evidence = sum(weight for _feature, _level, weight in pair.explanation)
    assert score.prior_bits + evidence == pytest.approx(pair.match_weight)
    assert score.total_bits == pair.match_weight
    assert f'data-testid="prior-bits">{score.prior_bits:.1f}<' in page
    assert f'data-testid="total-bits">{pair.match_weight:.1f}<' in page
    alone = 1 / (1 + 2 ** -pair.match_weight)
    assert score.is_shared is (abs(alone - pair.probability) >= 0.005)
    assert ('data-testid="shared-note"' in page) is score.is_shared
    response = client.post(reverse("lists:review_decide", args=[pair.pk]),
                           {"decision": "not_match", "note": "different fathers"})
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert (decision.decision, decision.reviewer, decision.note) == ("not_match", documenter,
                                                                     "different fathers")
    page = client.get(reverse("lists:review") + f"?collection={collection.pk}").content.decode()
    assert 'data-testid="queue-empty"' in page and "1 of 1 uncertain pairs reviewed" in page


def test_analysts_get_the_capture_histories_but_not_the_review_queue(client, collection, gate,
                                                                     three_lists):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    client.force_login(analyst)
    assert client.get(reverse("lists:review")).status_code == 403
    response = client.get(reverse("lists:capture_histories") + f"?collection={collection.pk}")
    assert response.content.decode() == ("Media,NGO,Official,count\n1,1,1,1\n1,0,1,1\n"
                                         "0,1,0,1\n0,0,1,1\n")
    imported = ImportedList.objects.get(name="Official")
    page = client.get(reverse("lists:list_detail", args=[imported.pk])).content.decode()
    assert "Саханбаев" not in page and "Your role does not show names" in page


def test_split_from_the_person_page(client, documenter, gate, collection, three_lists):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    media = ListEntry.objects.get(imported_list__name="Media", line=2)
    person = media.person
    client.force_login(documenter)
    page = client.get(reverse("lists:person_detail", args=[person.pk])).content.decode()
    assert "gunshot" in page and "Date of death" in page
    response = client.post(reverse("lists:person_split", args=[person.pk]),
                           {"entries": [str(media.pk)], "reason": "different man"})
    media.refresh_from_db()
    assert media.person_id != person.pk
    assert response.url == reverse("lists:person_detail", args=[media.person_id])


def test_pages_render_for_a_documenter(client, documenter, gate, collection, three_lists):
    run = services.run_linkage(gate, collection)
    client.force_login(documenter)
    for url in (reverse("lists:index"), reverse("lists:import"), reverse("lists:link"),
                reverse("lists:run_detail", args=[run.pk]),
                reverse("lists:list_detail", args=[three_lists[0].imported_list_id]),
                reverse("lists:job_detail", args=[three_lists[0].pk])):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("lists:link"), {"collection": str(collection.pk),
                                                   "threshold": "0.5", "seed": "1"})
    assert response.status_code == 302
    assert details("x")["name"] == "x"


def test_score_summary_splits_the_weight_into_prior_and_evidence():
    pair = CandidatePair(probability=0.28, match_weight=2.0,
                         explanation=[["given_name_matches", "exact", 1.5],
                                      ["city_matches", "different", -4.0]])
    summary = queries.score_summary(pair)
    # 2.0 bits alone would be 0.8: sharing with namesakes brought it to 0.28.
    assert (summary.prior_bits, summary.total_bits, summary.is_shared) == (4.5, 2.0, True)
    pair.probability = 0.8
    assert queries.score_summary(pair).is_shared is False
    pair.match_weight = -500.0
    pair.probability = 0.0
    assert queries.score_summary(pair) == queries.ScoreSummary(-497.5, -500.0, False)


def test_accepting_on_the_page_and_the_limit_that_sends_big_runs_to_the_cli(
        client, documenter, gate, collection, three_lists, monkeypatch):
    run = services.run_linkage(gate, collection)
    client.force_login(documenter)
    url = reverse("lists:run_accept", args=[run.pk])

    monkeypatch.setattr(views, "ACCEPT_IN_PAGE_LIMIT", 2)
    before = (Person.objects.count(), AuditEntry.objects.count(),
              ListEntry.objects.filter(person__isnull=False).count())
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert ("4 clusters to accept: more than 2 take too long for a web page. Accept them from "
            "the command line: qantar lists link --collection NAME --accept."
            ) in response.content.decode()
    assert (Person.objects.count(), AuditEntry.objects.count(),
            ListEntry.objects.filter(person__isnull=False).count()) == before

    monkeypatch.setattr(views, "ACCEPT_IN_PAGE_LIMIT", 4)
    response = client.post(url, follow=True)
    assert "4 people created, 0 joined, 0 clusters left for review." in (
        response.content.decode())
    assert Person.objects.count() == before[0] + 4
    assert ListEntry.objects.filter(person__isnull=True).count() == 0


def test_linking_on_the_page_sends_big_collections_to_the_cli(client, documenter, collection,
                                                               three_lists, monkeypatch):
    client.force_login(documenter)
    monkeypatch.setattr(views, "LINK_IN_PAGE_LIMIT", 6)
    before = (LinkageRun.objects.count(), AuditEntry.objects.count())
    data = {"collection": str(collection.pk), "threshold": "0.5", "seed": "0"}
    response = client.post(reverse("lists:link"), data)
    assert response.status_code == 200
    assert ("7 entries to link: more than 6 take too long for a web page. Link them from the "
            "command line: qantar lists link --collection NAME (add --accept to accept the "
            "people too).") in response.content.decode()
    assert (LinkageRun.objects.count(), AuditEntry.objects.count()) == before

    monkeypatch.setattr(views, "LINK_IN_PAGE_LIMIT", 7)
    response = client.post(reverse("lists:link"), data)
    run = LinkageRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lists:run_detail", args=[run.pk])
    assert run.record_count == 7
