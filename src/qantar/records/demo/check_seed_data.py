"""Validate the demo data set and the controlled vocabularies against the seed reports.

Usage::

    python src/qantar/records/demo/check_seed_data.py /work/shared/seeds \
        [--terms src/qantar/vocab/data/terms.json] [--data src/qantar/records/demo/seed_data.json]

Checks, with the standard library only (``qantar.core.dates`` is used when importable):

* ``terms.json``: shape, known vocabularies, snake_case codes, unique codes, Cyrillic ``ru`` and
  ``kk`` labels, parents that exist in the same vocabulary, no parent cycles;
* ``seed_data.json``: top-level shape, required and allowed keys of every record, globally unique
  keys, referential integrity, enumerations, vocabulary codes, partial dates;
* every citation quote (and every testimony text) occurs verbatim in the cited seed file after
  collapsing whitespace;
* both files are pretty-printed in the canonical form (stable diffs).

Prints the number of records of each type; exits 1 and lists every problem if anything is wrong.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "seed_data.json"
DEFAULT_TERMS = HERE.parent.parent / "vocab" / "data" / "terms.json"

VOCABULARIES = (
    "violation_type",
    "torture_method",
    "victim_group",
    "agency",
    "site_type",
    "source_type",
    "consequence",
    "media_incident",
)
SECTIONS = (
    "collection",
    "sources",
    "places",
    "organisations",
    "events",
    "persons",
    "violations",
    "testimonies",
    "proceedings",
    "figures",
    "media_incidents",
)
CODE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
LATIN_RE = re.compile(r"[A-Za-z]")

PLACE_KINDS = {"country", "region", "city", "site"}
PLACE_PARENT_KINDS = {
    "country": {None},
    "region": {"country"},
    "city": {"country", "region"},
    "site": {"city", "region", "country"},
}
ORG_KINDS = {
    "agency",
    "unit",
    "court",
    "prosecutor_office",
    "ngo",
    "media",
    "hospital",
    "government",
    "international",
}
SEXES = {"male", "female", "unknown"}
PERSON_STATUSES = {"alive", "dead", "missing", "unknown"}
SCRIPTS = {"latn", "cyrl"}
LANGUAGES = {"en", "ru", "kk"}
NAME_KINDS = {"as_written", "official", "alias", "transliteration"}
VIOLATION_STATUSES = {"alleged", "corroborated", "verified"}
DEGREES = {"direct", "commander", "complicit", "present_did_not_intervene", "unknown"}
PROCEEDING_KINDS = {"against_officials", "against_victim"}
ARTICLE_CODES = {"criminal_code", "administrative_code"}
STAGES = {
    "complaint_filed",
    "registered",
    "refused",
    "investigation_opened",
    "requalified",
    "suspended",
    "closed",
    "reopened",
    "indictment",
    "sent_to_court",
    "hearing",
    "verdict",
    "appeal",
    "final",
    "charges_dropped",
    "apology",
    "amnesty",
    "released",
}
RELIABILITY = set("ABCDEF")


# --------------------------------------------------------------------------- partial dates
def _fallback_parse(text: str) -> None:
    """Parse the canonical partial-date form without the project installed."""
    raw = text.strip()
    if not raw or len(raw) > 64:
        raise ValueError("empty or too long")
    body = raw[1:].strip() if raw.startswith("~") else raw
    parts = body.split("/")
    if len(parts) > 2:
        raise ValueError("more than one '/'")
    bounds = []
    for part in parts:
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", part.strip())
        if not match:
            raise ValueError(f"{part!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(match[1])
        month = int(match[2]) if match[2] else None
        day = int(match[3]) if match[3] else None
        if not 1900 <= year <= 2200:
            raise ValueError(f"year {year} out of range")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"no month {month}")
        if day is not None:
            assert month is not None
            if not 1 <= day <= calendar.monthrange(year, month)[1]:
                raise ValueError(f"{year}-{month:02d} has no day {day}")
        first = (year, month or 1, day or 1)
        last_month = month or 12
        last = (year, last_month, day or calendar.monthrange(year, last_month)[1])
        bounds.append((first, last))
    if len(bounds) == 2 and bounds[1][1] < bounds[0][0]:
        raise ValueError("range ends before it starts")


def _date_parser() -> Callable[[str], object]:
    try:
        from qantar.core.dates import parse_partial_date
    except ImportError:  # the project is not installed: use the local copy of the grammar
        return _fallback_parse
    return parse_partial_date


# --------------------------------------------------------------------------- helpers
def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return " ".join(text.split())


class Checker:
    """Accumulates problems; each check method appends human-readable messages."""

    def __init__(self, seeds_dir: Path) -> None:
        self.seeds_dir = seeds_dir
        self.problems: list[str] = []
        self.parse_date = _date_parser()
        self.seed_text: dict[str, str] = {}
        self.terms: dict[str, set[str]] = {v: set() for v in VOCABULARIES}

    def error(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # ------------------------------------------------------------------ formatting
    def check_canonical(self, path: Path, data: Any) -> None:
        canonical = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if path.read_text(encoding="utf-8") != canonical:
            self.error(
                str(path.name),
                "not in canonical form (json.dumps(ensure_ascii=False, "
                "indent=2) plus a final newline)",
            )

    def keys(
        self, where: str, record: Any, required: Iterable[str], optional: Iterable[str] = ()
    ) -> bool:
        if not isinstance(record, dict):
            self.error(where, "is not an object")
            return False
        required_set, allowed = set(required), set(required) | set(optional)
        missing = sorted(required_set - record.keys())
        extra = sorted(record.keys() - allowed)
        if missing:
            self.error(where, f"missing keys {missing}")
        if extra:
            self.error(where, f"unknown keys {extra}")
        return not missing

    def text(self, where: str, value: Any, *, empty_ok: bool = False) -> None:
        if not isinstance(value, str) or (not empty_ok and not value.strip()):
            self.error(where, f"must be a {'string' if empty_ok else 'non-empty string'}")

    def enum(self, where: str, value: Any, allowed: set[Any]) -> None:
        if value not in allowed:
            self.error(where, f"{value!r} is not one of {sorted(map(str, allowed))}")

    def date(self, where: str, value: Any, *, nullable: bool = False) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str):
            self.error(where, f"date must be a string, got {value!r}")
            return
        try:
            self.parse_date(value)
        except Exception as exc:  # noqa: BLE001 - any parse failure is reported the same way
            self.error(where, f"bad date {value!r}: {exc}")

    def code(self, where: str, vocabulary: str, value: Any) -> None:
        if value not in self.terms[vocabulary]:
            self.error(where, f"{value!r} is not a code of vocabulary {vocabulary!r}")

    def ref(
        self, where: str, value: Any, table: dict[str, Any], what: str, *, nullable: bool = False
    ) -> None:
        if value is None and nullable:
            return
        if value not in table:
            self.error(where, f"unknown {what} {value!r}")

    # ------------------------------------------------------------------ terms.json
    def check_terms(self, terms: Any) -> None:
        if not isinstance(terms, list):
            self.error("terms.json", "must be a list")
            return
        parents: list[tuple[str, str, str, Any]] = []
        for i, term in enumerate(terms):
            where = f"terms[{i}]"
            if not self.keys(
                where, term, ("vocabulary", "code", "en", "ru", "kk", "parent"), ("description_en",)
            ):
                continue
            vocab, code = term["vocabulary"], term["code"]
            where = f"terms[{vocab}:{code}]"
            if vocab not in VOCABULARIES:
                self.error(where, f"unknown vocabulary {vocab!r}")
                continue
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.error(where, "code must be lowercase snake_case")
                continue
            if code in self.terms[vocab]:
                self.error(where, "duplicate code")
            self.terms[vocab].add(code)
            for lang in ("en", "ru", "kk"):
                self.text(f"{where}.{lang}", term[lang])
            for lang in ("ru", "kk"):
                label = term[lang]
                if isinstance(label, str) and (
                    not CYRILLIC_RE.search(label)
                    or len(LATIN_RE.findall(label)) > len(CYRILLIC_RE.findall(label))
                ):
                    self.error(f"{where}.{lang}", f"label {label!r} is not in Cyrillic")
            if "description_en" in term:
                self.text(f"{where}.description_en", term["description_en"])
            parents.append((where, vocab, code, term["parent"]))
        for where, vocab, _code, parent in parents:
            if parent is not None and parent not in self.terms[vocab]:
                self.error(where, f"parent {parent!r} is not a code of {vocab!r}")
        by_vocab: dict[str, dict[str, Any]] = {v: {} for v in VOCABULARIES}
        for _, vocab, code, parent in parents:
            by_vocab[vocab][code] = parent
        for vocab, table in by_vocab.items():
            for start in table:
                seen, node = set(), start
                while node is not None and node in table:
                    if node in seen:
                        self.error(f"terms[{vocab}:{start}]", "parent cycle")
                        break
                    seen.add(node)
                    node = table[node]
        for vocab in VOCABULARIES:
            if not self.terms[vocab]:
                self.error("terms.json", f"vocabulary {vocab!r} is empty")

    # ------------------------------------------------------------------ seed_data.json
    def citations(self, where: str, value: Any, sources: dict[str, Any]) -> None:
        if not isinstance(value, list) or not value:
            self.error(where, "needs at least one citation")
            return
        for j, cit in enumerate(value):
            cw = f"{where}[{j}]"
            if not self.keys(cw, cit, ("source", "quote")):
                continue
            self.ref(cw, cit["source"], sources, "source")
            self.text(cw + ".quote", cit["quote"])
            self.quote(cw, cit["source"], cit["quote"], sources)

    def quote(self, where: str, source_key: Any, quote: Any, sources: dict[str, Any]) -> None:
        if source_key not in sources or not isinstance(quote, str):
            return
        seed = self.seed_text.get(sources[source_key].get("seed_file", ""))
        if seed is None:
            return
        if collapse(quote) not in seed:
            self.error(where, f"quote not found verbatim in {source_key}: {quote[:70]!r}")

    def check_data(self, data: Any) -> Counter[str]:
        counts: Counter[str] = Counter()
        if not self.keys("seed_data", data, SECTIONS):
            return counts
        self.keys("collection", data["collection"], ("name", "description"))
        tables: dict[str, dict[str, Any]] = {}
        all_keys: set[str] = set()
        for section in SECTIONS[1:]:
            rows = data[section]
            if not isinstance(rows, list):
                self.error(section, "must be a list")
                rows = []
            table: dict[str, Any] = {}
            for i, row in enumerate(rows):
                key = row.get("key") if isinstance(row, dict) else None
                if not isinstance(key, str) or not KEY_RE.match(key):
                    self.error(f"{section}[{i}]", f"bad key {key!r} (lowercase, hyphenated)")
                    continue
                if key in all_keys:
                    self.error(f"{section}[{key}]", "duplicate key")
                all_keys.add(key)
                table[key] = row
            tables[section] = table
            counts[section] = len(rows)
        self._sources(tables["sources"])
        self._places(tables["places"])
        self._organisations(tables["organisations"])
        self._events(tables)
        self._persons(tables)
        self._violations(tables)
        self._testimonies(tables)
        self._proceedings(tables)
        self._figures(tables)
        self._media(tables)
        return counts

    def _sources(self, sources: dict[str, Any]) -> None:
        for key, src in sources.items():
            w = f"sources[{key}]"
            if not self.keys(
                w,
                src,
                (
                    "key",
                    "seed_file",
                    "title",
                    "source_type",
                    "publisher",
                    "published",
                    "language",
                    "url",
                    "reliability",
                    "description",
                ),
            ):
                continue
            path = self.seeds_dir / src["seed_file"]
            if not path.is_file():
                self.error(w, f"seed file {src['seed_file']!r} not found in {self.seeds_dir}")
            else:
                self.seed_text[src["seed_file"]] = collapse(path.read_text(encoding="utf-8"))
            self.code(w + ".source_type", "source_type", src["source_type"])
            self.date(w + ".published", src["published"])
            self.enum(w + ".language", src["language"], LANGUAGES)
            self.enum(w + ".reliability", src["reliability"], RELIABILITY)
            for field in ("title", "publisher", "description"):
                self.text(f"{w}.{field}", src[field])
            self.text(w + ".url", src["url"], empty_ok=True)

    def _places(self, places: dict[str, Any]) -> None:
        for key, pl in places.items():
            w = f"places[{key}]"
            if not self.keys(w, pl, ("key", "name", "kind", "parent", "site_type")):
                continue
            self.text(w + ".name", pl["name"])
            self.enum(w + ".kind", pl["kind"], PLACE_KINDS)
            parent = pl["parent"]
            self.ref(w + ".parent", parent, places, "place", nullable=True)
            parent_kind = places[parent]["kind"] if parent in places else None
            if pl["kind"] in PLACE_PARENT_KINDS and (parent is None or parent in places):
                if parent_kind not in PLACE_PARENT_KINDS[pl["kind"]]:
                    self.error(w, f"a {pl['kind']} cannot sit under a {parent_kind}")
            if pl["kind"] == "site":
                self.code(w + ".site_type", "site_type", pl["site_type"])
            elif pl["site_type"] is not None:
                self.error(w, "only sites have a site_type")
        for key in places:  # no cycles
            seen, node = set(), key
            while node is not None and node in places:
                if node in seen:
                    self.error(f"places[{key}]", "parent cycle")
                    break
                seen.add(node)
                node = places[node]["parent"]

    def _organisations(self, orgs: dict[str, Any]) -> None:
        for key, org in orgs.items():
            w = f"organisations[{key}]"
            if not self.keys(w, org, ("key", "name", "kind", "agency", "parent")):
                continue
            self.text(w + ".name", org["name"])
            self.enum(w + ".kind", org["kind"], ORG_KINDS)
            if org["agency"] is not None:
                self.code(w + ".agency", "agency", org["agency"])
            self.ref(w + ".parent", org["parent"], orgs, "organisation", nullable=True)
            if org["parent"] == key:
                self.error(w, "is its own parent")

    def _events(self, t: dict[str, dict[str, Any]]) -> None:
        for key, ev in t["events"].items():
            w = f"events[{key}]"
            if not self.keys(w, ev, ("key", "title", "description", "place", "date", "citations")):
                continue
            self.text(w + ".title", ev["title"])
            self.text(w + ".description", ev["description"])
            self.ref(w + ".place", ev["place"], t["places"], "place")
            self.date(w + ".date", ev["date"])
            self.citations(w + ".citations", ev["citations"], t["sources"])

    def _persons(self, t: dict[str, dict[str, Any]]) -> None:
        for key, p in t["persons"].items():
            w = f"persons[{key}]"
            if not self.keys(
                w,
                p,
                (
                    "key",
                    "names",
                    "sex",
                    "birth_date",
                    "age",
                    "groups",
                    "status",
                    "occupation",
                    "notes",
                    "citations",
                ),
            ):
                continue
            if not isinstance(p["names"], list) or not p["names"]:
                self.error(w, "needs at least one name")
            else:
                for j, name in enumerate(p["names"]):
                    nw = f"{w}.names[{j}]"
                    if not self.keys(nw, name, ("value", "script", "language", "kind")):
                        continue
                    self.text(nw + ".value", name["value"])
                    self.enum(nw + ".script", name["script"], SCRIPTS)
                    self.enum(nw + ".language", name["language"], LANGUAGES)
                    self.enum(nw + ".kind", name["kind"], NAME_KINDS)
                    value = name["value"] if isinstance(name["value"], str) else ""
                    if name["script"] == "cyrl" and LATIN_RE.search(value):
                        self.error(nw, "script 'cyrl' but the name has Latin letters")
                    if name["script"] == "latn" and CYRILLIC_RE.search(value):
                        self.error(nw, "script 'latn' but the name has Cyrillic letters")
            self.enum(w + ".sex", p["sex"], SEXES)
            self.date(w + ".birth_date", p["birth_date"], nullable=True)
            age = p["age"]
            if age is not None and (
                not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120
            ):
                self.error(w + ".age", f"age must be an integer 0-120 or null, got {age!r}")
            if not isinstance(p["groups"], list):
                self.error(w + ".groups", "must be a list")
            else:
                for g in p["groups"]:
                    self.code(w + ".groups", "victim_group", g)
                if len(set(p["groups"])) != len(p["groups"]):
                    self.error(w + ".groups", "duplicate group")
            self.enum(w + ".status", p["status"], PERSON_STATUSES)
            self.text(w + ".occupation", p["occupation"], empty_ok=True)
            self.text(w + ".notes", p["notes"])
            self.citations(w + ".citations", p["citations"], t["sources"])

    def _violations(self, t: dict[str, dict[str, Any]]) -> None:
        for key, v in t["violations"].items():
            w = f"violations[{key}]"
            if not self.keys(
                w,
                v,
                (
                    "key",
                    "victim",
                    "event",
                    "type",
                    "methods",
                    "date",
                    "place",
                    "consequences",
                    "status",
                    "description",
                    "perpetrators",
                    "citations",
                ),
            ):
                continue
            self.ref(w + ".victim", v["victim"], t["persons"], "person")
            self.ref(w + ".event", v["event"], t["events"], "event", nullable=True)
            self.code(w + ".type", "violation_type", v["type"])
            for m in v["methods"] if isinstance(v["methods"], list) else [None]:
                self.code(w + ".methods", "torture_method", m)
            self.date(w + ".date", v["date"], nullable=True)
            self.ref(w + ".place", v["place"], t["places"], "place", nullable=True)
            for cq in v["consequences"] if isinstance(v["consequences"], list) else [None]:
                self.code(w + ".consequences", "consequence", cq)
            self.enum(w + ".status", v["status"], VIOLATION_STATUSES)
            self.text(w + ".description", v["description"])
            if not isinstance(v["perpetrators"], list):
                self.error(w + ".perpetrators", "must be a list")
            else:
                for j, perp in enumerate(v["perpetrators"]):
                    pw = f"{w}.perpetrators[{j}]"
                    if not self.keys(pw, perp, ("organisation", "person_name", "degree")):
                        continue
                    self.ref(
                        pw, perp["organisation"], t["organisations"], "organisation", nullable=True
                    )
                    self.text(pw + ".person_name", perp["person_name"], empty_ok=True)
                    self.enum(pw + ".degree", perp["degree"], DEGREES)
            self.citations(w + ".citations", v["citations"], t["sources"])

    def _testimonies(self, t: dict[str, dict[str, Any]]) -> None:
        for key, ts in t["testimonies"].items():
            w = f"testimonies[{key}]"
            if not self.keys(
                w, ts, ("key", "person", "text", "language", "taken_on", "taken_by", "citations")
            ):
                continue
            self.ref(w + ".person", ts["person"], t["persons"], "person")
            self.text(w + ".text", ts["text"])
            self.enum(w + ".language", ts["language"], LANGUAGES)
            self.date(w + ".taken_on", ts["taken_on"], nullable=True)
            self.text(w + ".taken_by", ts["taken_by"], empty_ok=True)
            self.citations(w + ".citations", ts["citations"], t["sources"])
            cited = {c.get("source") for c in ts["citations"] if isinstance(c, dict)}
            if isinstance(ts["text"], str) and not any(
                collapse(ts["text"])
                in self.seed_text.get(t["sources"].get(s, {}).get("seed_file", ""), "")
                for s in cited
            ):
                self.error(w + ".text", "testimony text is not verbatim in any cited source")

    def _proceedings(self, t: dict[str, dict[str, Any]]) -> None:
        for key, pr in t["proceedings"].items():
            w = f"proceedings[{key}]"
            if not self.keys(
                w,
                pr,
                (
                    "key",
                    "kind",
                    "title",
                    "case_number",
                    "authority",
                    "articles",
                    "defendants",
                    "victims",
                    "stages",
                    "citations",
                ),
            ):
                continue
            self.enum(w + ".kind", pr["kind"], PROCEEDING_KINDS)
            self.text(w + ".title", pr["title"])
            self.text(w + ".case_number", pr["case_number"], empty_ok=True)
            self.ref(
                w + ".authority", pr["authority"], t["organisations"], "organisation", nullable=True
            )
            for j, a in enumerate(pr["articles"]):
                aw = f"{w}.articles[{j}]"
                if not self.keys(aw, a, ("code", "article", "title_en", "note")):
                    continue
                self.enum(aw + ".code", a["code"], ARTICLE_CODES)
                if a["article"] and not re.fullmatch(r"\d+(?:[-.]\d+)*", a["article"]):
                    self.error(aw + ".article", f"{a['article']!r} is not an article number")
                self.text(aw + ".title_en", a["title_en"])
            for j, d in enumerate(pr["defendants"]):
                if not isinstance(d, str) or not d.strip():
                    self.error(f"{w}.defendants[{j}]", "must be a person key or a description")
                elif KEY_RE.match(d) and d.startswith("p-"):
                    self.ref(f"{w}.defendants[{j}]", d, t["persons"], "person")
            for j, victim in enumerate(pr["victims"]):
                self.ref(f"{w}.victims[{j}]", victim, t["persons"], "person")
            if not isinstance(pr["stages"], list) or not pr["stages"]:
                self.error(w + ".stages", "needs at least one stage")
            else:
                for j, st in enumerate(pr["stages"]):
                    sw = f"{w}.stages[{j}]"
                    if not self.keys(sw, st, ("date", "stage"), ("ground", "outcome", "note")):
                        continue
                    self.date(sw + ".date", st["date"])
                    self.enum(sw + ".stage", st["stage"], STAGES)
            self.citations(w + ".citations", pr["citations"], t["sources"])

    def _figures(self, t: dict[str, dict[str, Any]]) -> None:
        for key, f in t["figures"].items():
            w = f"figures[{key}]"
            if not self.keys(
                w, f, ("key", "indicator", "label_en", "value", "as_of", "publisher", "citations")
            ):
                continue
            if not isinstance(f["indicator"], str) or not CODE_RE.match(f["indicator"]):
                self.error(w + ".indicator", "must be snake_case")
            self.text(w + ".label_en", f["label_en"])
            if not isinstance(f["value"], int | float) or isinstance(f["value"], bool):
                self.error(w + ".value", "must be a number")
            self.date(w + ".as_of", f["as_of"])
            self.text(w + ".publisher", f["publisher"])
            self.citations(w + ".citations", f["citations"], t["sources"])

    def _media(self, t: dict[str, dict[str, Any]]) -> None:
        for key, m in t["media_incidents"].items():
            w = f"media_incidents[{key}]"
            if not self.keys(
                w,
                m,
                ("key", "type", "victim", "outlet", "date", "place", "description", "citations"),
            ):
                continue
            self.code(w + ".type", "media_incident", m["type"])
            self.ref(w + ".victim", m["victim"], t["persons"], "person", nullable=True)
            self.ref(w + ".outlet", m["outlet"], t["organisations"], "organisation", nullable=True)
            self.date(w + ".date", m["date"])
            self.ref(w + ".place", m["place"], t["places"], "place", nullable=True)
            self.text(w + ".description", m["description"])
            self.citations(w + ".citations", m["citations"], t["sources"])


def load(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: cannot read JSON: {exc}")
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("seeds", type=Path, help="directory holding the seed report texts")
    parser.add_argument("--terms", type=Path, default=DEFAULT_TERMS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)

    checker = Checker(args.seeds)
    terms = load(args.terms, checker.problems)
    data = load(args.data, checker.problems)
    counts: Counter[str] = Counter()
    if terms is not None:
        checker.check_canonical(args.terms, terms)
        checker.check_terms(terms)
    if data is not None and terms is not None:
        checker.check_canonical(args.data, data)
        counts = checker.check_data(data)

    if terms is not None:
        per_vocab = ", ".join(f"{v} {len(checker.terms[v])}" for v in VOCABULARIES)
        print(f"terms: {sum(len(s) for s in checker.terms.values())} ({per_vocab})")
    for section in SECTIONS[1:]:
        print(f"{section}: {counts[section]}")
    if checker.problems:
        print(f"\n{len(checker.problems)} problem(s):", file=sys.stderr)
        for problem in checker.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
