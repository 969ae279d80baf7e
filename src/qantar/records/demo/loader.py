"""Load the demo data set (seed_data.json) into its own collection, once.

Then the illustrative person lists built from its named people (:mod:`qantar.lists.demo`),
in collections of their own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qantar.accounts.models import Collection
from qantar.accounts.services import create_collection
from qantar.common.access import Gate
from qantar.justice.demo import load_justice_demo
from qantar.lists.demo import load_list_demo
from qantar.records import io

SEED_DATA = Path(__file__).parent / "seed_data.json"


def read_seed_data(path: Path = SEED_DATA) -> dict[str, Any]:
    """The demo bundle."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_demo(admin: Any, path: Path = SEED_DATA) -> str:
    """Create the demo collection (administered by ``admin``), import the seeds' records, then
    the illustrative person lists (see :mod:`qantar.lists.demo`)."""
    bundle = read_seed_data(path)
    name = bundle["collection"]["name"]
    collection = Collection.objects.filter(name=name).first()
    if collection is None:
        collection = create_collection(admin, name, bundle["collection"].get("description", ""))
    gate = Gate.for_user(admin)
    report = io.import_bundle(gate, collection, bundle)
    justice = load_justice_demo(gate, collection, bundle)
    lists = load_list_demo(admin, bundle)
    return f"Demo data ({name}): {report.summary()} {justice} {lists}"
