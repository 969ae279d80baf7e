"""Justice pages through the test client: rendering, refusals, documents, permissions."""

from __future__ import annotations

import pytest
from django.test import Client

from qantar.justice import services as justice
from qantar.justice.models import StageEntry
from qantar.records import services as records
from tests.justice.conftest import case_data, complaint_data


@pytest.fixture
def client_for(db):
    def login(user):
        client = Client()
        client.force_login(user)  # as tests/records/test_views.py: past the second factor
        return client
    return login


@pytest.fixture
def case(lawyer_gate, collection, person, violation):
    complaint = justice.record_complaint(lawyer_gate, collection, complaint_data(
        person=person.pk, violations=[violation.pk]))
    case = justice.open_proceeding(lawyer_gate, collection, case_data(
        person=person.pk, violations=[violation.pk], complaints=[complaint.pk]))
    justice.record_stage(lawyer_gate, case, {"stage": "investigation_opened",
                                             "date": "2022-01-25"})
    justice.record_stage(lawyer_gate, case, {"stage": "closed", "date": "2022-11",
                                             "ground": "no_evidence"})
    return case


def test_every_page_renders_for_a_lawyer(client_for, lawyer, case):
    client = client_for(lawyer)
    complaint = case.complaints.get()
    for url in ["/justice/", "/justice/cases/", "/justice/cases/new/",
                f"/justice/cases/{case.pk}/", f"/justice/cases/{case.pk}/parties/new/",
                f"/justice/cases/{case.pk}/remedies/new/",
                f"/justice/cases/{case.pk}/deadlines/new/",
                f"/justice/cases/{case.pk}/hearings/new/",
                f"/justice/cases/{case.pk}/documents/cat/en/",
                f"/justice/cases/{case.pk}/documents/urgent_appeal/ru/",
                "/justice/complaints/", "/justice/complaints/new/",
                f"/justice/complaints/{complaint.pk}/",
                f"/justice/complaints/{complaint.pk}/summary/ru/",
                "/justice/deadlines/", "/justice/funnel/", "/justice/monitoring/",
                "/justice/figures/", "/justice/figures/new/",
                "/justice/proceedings/?against=officials"]:
        response = client.get(url)
        assert response.status_code == (404 if "proceedings" in url else 200), url
        html = response.content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html


def test_a_step_that_cannot_follow_is_refused_on_the_page(client_for, lawyer, case):
    client = client_for(lawyer)
    page = client.get(f"/justice/cases/{case.pk}/").content.decode()
    assert "Allowed next:" in page and "<strong>Reopened</strong>" in page

    response = client.post(f"/justice/cases/{case.pk}/stages/", {"stage": "verdict",
                                                                  "date": "2023-01"})
    assert response.status_code == 400
    assert ("“verdict” cannot follow the current status “closed”. Allowed next: reopened, "
            "appeal.") in response.content.decode()
    assert StageEntry.objects.filter(proceeding=case).count() == 2

    response = client.post(f"/justice/cases/{case.pk}/stages/", {"stage": "appeal",
                                                                  "date": "2022-12-01"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "on_appeal"


def test_documents_download_only_with_consent_and_are_audited(client_for, lawyer, gate, case,
                                                             person):
    client = client_for(lawyer)
    url = f"/justice/cases/{case.pk}/documents/cat/en/"
    page = client.get(url).content.decode()
    assert "consent to submission to UN bodies is not recorded" in page
    assert client.get(url + "?format=txt").status_code == 403

    records.record_consent(gate, person, "submit_un_courts", "granted", "written",
                           "2024-01-10")
    text = client.get(url + "?format=txt")
    assert text.status_code == 200
    body = text.content.decode()
    assert "Dosai Sakhanbayev" in body
    assert "2022-11: case closed (no evidence of a crime)" in body
    assert "Filed — prosecutor's office; Answer: no answer yet" in body
    ru = client.get(f"/justice/cases/{case.pk}/documents/cat/ru/?format=txt").content.decode()
    assert "2022-11: дело прекращено (отсутствие доказательств преступления)" in ru
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    summary = client.get(f"/justice/complaints/{case.complaints.get().pk}/summary/en/"
                         "?format=txt").content.decode()
    assert "Signature:" in summary and "ZH-2022-0117" in summary


def test_other_collections_cases_are_not_found(client_for, case, db):
    from tests.fixtures.factories import make_collection, make_user

    outsider = make_user("outsider")
    make_collection("Elsewhere", admin=outsider)
    client = client_for(outsider)
    assert client.get(f"/justice/cases/{case.pk}/").status_code == 404
    assert client.post(f"/justice/cases/{case.pk}/stages/", {"stage": "reopened"}
                       ).status_code == 404
