"""A canary case driven through pages, services, exports and commands (run by test_canary.py).

Run as a script in a fresh process: ``python canary_scenario.py CANARY EXPORT_DIR``. It uses
the database and data folder named by the environment, writes exports to EXPORT_DIR and
prints a JSON summary of what it did. Nothing here should ever write the canary in clear.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(canary: str, export_dir: Path) -> None:
    """Drive the scenario."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qantar.settings")
    import django

    django.setup()
    from click.testing import CliRunner
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from qantar.accounts import middleware
    from qantar.accounts.choices import Role
    from qantar.accounts.models import Membership, User
    from qantar.accounts.services import create_collection
    from qantar.cli import main as cli
    from qantar.common.access import Gate
    from qantar.common.instance import ensure_demo_key
    from qantar.records import queries, services
    from qantar.vocab.services import sync_terms

    setup_test_environment()
    ensure_demo_key()
    sync_terms()
    admin = User.objects.create_superuser("admin", "", "admin passphrase 2022")
    analyst = User.objects.create_user("analyst", "", "analyst passphrase 2022")
    collection = create_collection(admin, "Canary case file")
    Membership.objects.create(user=analyst, collection=collection, role=Role.ANALYST)
    gate = Gate.for_user(admin)

    person = services.record_person(
        gate,
        collection,
        {
            "names": [
                {"value": f"Aidos {canary}ov", "language": "en"},
                {"value": f"Айдос {canary}", "language": "ru"},
            ],
            "sex": "male",
            "status": "alive",
            "age": 30,
            "iin": f"IIN{canary}",
            "occupation": f"driver {canary}",
            "contact": f"Almaty, street {canary}",
            "notes": f"Notes {canary}",
            "birth_date": "1991-02-03",
        },
    )
    place = services.create_place(gate, {"name": "SIZO Almaty", "kind": "site"})
    event = services.record_event_record(
        gate,
        collection,
        {
            "title": "Detention at the SIZO",
            "description": f"Event narrative {canary}",
            "date": "2022-01-07",
            "place": place.pk,
        },
    )
    violation = services.record_violation(
        gate,
        {
            "victim": person.pk,
            "event": event.pk,
            "type": "torture",
            "methods": ["beating"],
            "description": f"Violation narrative {canary}",
            "date": "2022-01-07",
            "place": place.pk,
            "involvements": [{"perpetrator_name": f"Officer {canary}", "degree": "direct"}],
        },
    )
    testimony = services.record_testimony(
        gate, {"person": person.pk, "text": f"Testimony {canary}"}
    )
    source = services.record_source(
        gate, collection, {"title": "Interview notes", "source_type": "report"}
    )
    services.cite(gate, source.pk, person, quote=f"Quote {canary}")
    services.record_consent(
        gate,
        person,
        "share_partners",
        "granted",
        "written",
        "2023-01-05",
        conditions=f"Only partner {canary}",
    )

    # Pages, as an administrator (second factor done) and as an analyst.
    client = Client()
    client.force_login(admin)
    session = client.session
    session[middleware.AUTH_AT] = session[middleware.SEEN_AT] = time.time()
    session[middleware.SECOND_FACTOR_DONE] = True
    session.save()
    pages = [
        reverse("records:home"),
        reverse("records:person_list"),
        reverse("records:person_list") + f"?q={canary}",
        reverse("records:person_detail", args=[person.pk]),
        reverse("records:event_detail", args=[event.pk]),
        reverse("records:violation_detail", args=[violation.pk]),
        reverse("records:source_detail", args=[source.pk]),
        reverse("records:violation_list"),
        reverse("records:event_list"),
    ]
    statuses = {str(index): client.get(url).status_code for index, url in enumerate(pages)}

    # Evidence uploaded through the page (encrypted as it streams in): the canary in the file's
    # name, description, custody note, content and EXIF metadata.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qantar.evidence.models import EvidenceItem

    letter = f"Medical letter about {canary}: two broken ribs.\n".encode() * 40_000
    upload = client.post(
        reverse("evidence:upload", args=[collection.pk]),
        {
            "file": SimpleUploadedFile(f"letter-{canary}.txt", letter),
            "kind": "medical_document",
            "person": str(person.pk),
            "description": f"Evidence description {canary}",
            "received_from": f"From the lawyer {canary}",
        },
    )
    assert upload.status_code == 302, upload.status_code
    photo = client.post(
        reverse("evidence:upload", args=[collection.pk]),
        {
            "file": SimpleUploadedFile(f"photo-{canary}.jpg", _photo(canary)),
            "kind": "photo",
            "violation": str(violation.pk),
        },
    )
    assert photo.status_code == 302, photo.status_code
    item = EvidenceItem.objects.get(kind="medical_document")
    assert canary in item.original_name and canary in item.description, "no canary to find"
    evidence_pages = [
        reverse("evidence:index"),
        reverse("evidence:detail", args=[item.pk]),
        reverse("evidence:detail", args=[EvidenceItem.objects.get(kind="photo").pk]),
        reverse("records:person_detail", args=[person.pk]),
    ]
    for url in evidence_pages:
        statuses[str(len(statuses))] = client.get(url).status_code
    download = client.get(reverse("evidence:download", args=[item.pk]))
    statuses[str(len(statuses))] = download.status_code
    assert b"".join(download.streaming_content) == letter, "the download differs"
    analyst_client = Client()
    analyst_client.force_login(analyst)
    analyst_page = analyst_client.get(reverse("records:person_detail", args=[person.pk]))
    assert canary not in analyst_page.content.decode(), "analyst saw the canary"

    # An administrator's edit, then a deletion of the testimony.
    data = {
        "names": [{"value": f"Aidos {canary}ov"}, {"value": f"Aidos {canary}uly"}],
        "sex": "male",
        "status": "dead",
        "notes": f"Notes {canary} edited",
        "iin": f"IIN{canary}",
    }
    services.update_person(gate, queries.person(gate, person.pk), data, reason="Edited")
    services.delete_record(gate, testimony, reason="Duplicate")

    # A forced server error while the person's data is loaded (a route added for the test).
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="tests.common.canary_urls"):
        client.raise_request_exception = False
        error_response = client.get(f"/__boom__/{person.pk}/")
    error_status = error_response.status_code
    assert canary not in error_response.content.decode(), "the error page showed the canary"

    # Exports and commands.
    os.environ["QANTAR_EXPORT_PASSPHRASE"] = "export passphrase 2022"
    runner = CliRunner()
    results = {
        "export_json": runner.invoke(
            cli, ["export", "--as", "admin", "--out", str(export_dir / "all.json.sealed")]
        ).exit_code,
        "export_csv": runner.invoke(
            cli,
            [
                "export",
                "--as",
                "admin",
                "--format",
                "csv",
                "--out",
                str(export_dir / "people.csv.sealed"),
            ],
        ).exit_code,
        "export_analyst": runner.invoke(
            cli,
            [
                "export",
                "--as",
                "analyst",
                "--format",
                "csv",
                "--out",
                str(export_dir / "stats.csv"),
            ],
        ).exit_code,
        "audit_verify": runner.invoke(cli, ["audit", "verify"]).exit_code,
        "evidence_verify": runner.invoke(
            cli, ["evidence", "verify", "--all", "--as", "admin"]
        ).exit_code,
        "evidence_export": runner.invoke(
            cli,
            [
                "evidence",
                "export",
                str(item.pk),
                "--as",
                "admin",
                "--out",
                str(export_dir / "evidence.sealed"),
            ],
        ).exit_code,
        "keys_status": runner.invoke(cli, ["keys", "status"]).exit_code,
    }
    print(json.dumps({"pages": statuses, "error_status": error_status, "cli": results}))


def _photo(canary: str) -> bytes:
    """A JPEG whose EXIF names its author and owner with the canary."""
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[315] = f"Author {canary}"
    exif.get_ifd(0x8769)[42032] = f"Owner {canary}"
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 20, 20)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
