"""Translations: locale/ru and locale/kk are complete, consistent with their sources, and used.

How to refresh the catalogues after adding or changing UI strings (rule 11):

    QANTAR_DATA_DIR=/tmp/i18n-dev .venv/bin/python manage.py makemessages -l ru -l kk \
        --ignore=.venv --ignore=node_modules --ignore=benchmarks --ignore=tests --no-obsolete
    # translate every new or fuzzy entry in locale/ru and locale/kk, then
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules

makemessages extracts ``_``, ``gettext``, ``ngettext``, ``pgettext`` and the ``*_lazy`` forms,
but not other aliases such as ``gettext as _t``: strings marked that way must be added to the
catalogues by hand, and ``--no-obsolete`` drops them again. ``test_key_strings_*`` below fails
when that happens.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ("ru", "kk")
PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 "
    "&& (n%100<10 || n%100>=20) ? 1 : 2);",
    "kk": "nplurals=2; plural=(n!=1);",
}
PRINTF = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
BRACE = re.compile(r"\{[A-Za-z_]?\w*\}")
TAG = re.compile(r"</?[A-Za-z][^>]*>")
KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+"(.*)"$')

# A few strings from every app and from the site templates, including ones marked with the
# ``_t`` alias (flash messages), which makemessages does not extract on its own.
KEY_STRINGS = {
    "accounts": ["Log in", "Set up two-factor authentication", "Documenter", "Members and roles"],
    "audit": ["Audit log", "Erased", "The audit log is intact."],
    "records": ["Violation", "Record a violation", "Pseudonym", "Place a legal hold",
                "Erase for ever", "The changes were saved.", "The violation was recorded."],
    "justice": ["Impunity funnel", "Complaint", "Investigation opened",
                "The complaint was recorded."],
    "estimation": ["Estimates of the undocumented", "Estimated total"],
    "lists": ["Person lists", "Review pairs", "Decision recorded."],
    "evidence": ["Evidence", "Add evidence", "Chain of custody",
                 "The file was encrypted and stored as evidence."],
    "vocab": ["Violation type", "Media incident"],
    "templates": ["Something went wrong", "Skip to the content", "Log out"],
}


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), "\\" + m.group(1)), text)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (index -> text), flags.

    The header is the entry with an empty msgid; obsolete (#~) entries are left out.
    """
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": {}}
    key: tuple = ()
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": set(), "msgstr": {}}, ()
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            name, index, text = match.groups()
            key = ("msgstr", int(index or 0)) if name == "msgstr" else (name,)
            if name == "msgstr":
                entry["msgstr"][key[1]] = _unquote(text)
            else:
                entry[name] = _unquote(text)
        elif line.startswith('"') and key:
            text = _unquote(line[1:-1])
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += text
            else:
                entry[key[0]] += text
    return entries


def catalogue(language: str) -> list[dict]:
    """The entries of locale/<language>/LC_MESSAGES/django.po, header included."""
    return parse_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


def messages(language: str) -> list[dict]:
    """The translatable entries (everything but the header)."""
    return [entry for entry in catalogue(language) if entry["msgid"]]


def header(language: str) -> dict[str, str]:
    """The catalogue's header fields."""
    head = next(entry for entry in catalogue(language) if entry["msgid"] == "")
    return dict(line.split(": ", 1) for line in head["msgstr"][0].splitlines() if ": " in line)


def placeholders(text: str, flags: set[str]) -> list[str]:
    """Format placeholders (by the entry's format flag) and HTML tags, sorted."""
    found = TAG.findall(text)
    if "python-format" in flags:
        found += PRINTF.findall(text)
    if "python-brace-format" in flags:
        found += BRACE.findall(text)
    return sorted(found)


@pytest.fixture(scope="session")
def compiled_catalogues() -> None:
    """Compile the .mo files when missing or older than the .po (``make test`` compiles first).

    Each file is written next to its target and renamed, so parallel workers never read half a
    file; translations already loaded by this process are dropped.
    """
    stale = []
    for language in LANGUAGES:
        po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append((po, mo))
    if stale and shutil.which("msgfmt") is None:
        pytest.fail("msgfmt (GNU gettext) is needed to compile the catalogues")
    for po, mo in stale:
        handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        os.close(handle)
        subprocess.run(["msgfmt", "--check-format", "-o", temporary, str(po)], check=True)
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; the .mo is read by the server too
        os.replace(temporary, mo)
    if stale:
        from django.utils.translation import trans_real

        trans_real._translations.clear()
        trans_real._default = None


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_entries(language):
    untranslated = [entry["msgid"] for entry in messages(language)
                    if not all(entry["msgstr"].values())]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_fuzzy_entries(language):
    fuzzy = [entry["msgid"] for entry in catalogue(language) if "fuzzy" in entry["flags"]]
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_names_language_and_plural_forms(language):
    fields = header(language)
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_one_form_per_plural_category(language):
    count = int(re.match(r"nplurals=(\d+)", PLURAL_FORMS[language]).group(1))
    wrong = [entry["msgid"] for entry in messages(language)
             if "msgid_plural" in entry and sorted(entry["msgstr"]) != list(range(count))]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_markup_of_the_source(language):
    mismatched = []
    for entry in messages(language):
        flags = entry["flags"]
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if "msgid_plural" in entry else [])
        expected = placeholders(sources[-1], flags)
        for text in entry["msgstr"].values():
            if placeholders(text, flags) != expected:
                mismatched.append((entry["msgid"], text))
    assert mismatched == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext (msgfmt)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalogue(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_strings_of_every_app_are_translated(language):
    translated = {entry["msgid"] for entry in messages(language) if all(entry["msgstr"].values())}
    missing = [(app, text) for app, texts in KEY_STRINGS.items() for text in texts
               if text not in translated]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "counts"),
    [("ru", {1: "1 человек", 3: "3 человека", 5: "5 человек", 11: "11 человек",
             21: "21 человек", 22: "22 человека"}),
     ("kk", {1: "1 адам", 3: "3 адам", 5: "5 адам"})],
)
def test_plural_forms_follow_the_language(compiled_catalogues, language, counts):
    with translation.override(language):
        shown = {n: translation.ngettext("%(n)s person", "%(n)s people", n) % {"n": n}
                 for n in counts}
    assert shown == counts


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("en", "Log in · Qantar"),
                                                  ("ru", "Войти · Qantar"),
                                                  ("kk", "Кіру · Qantar")])
def test_login_page_follows_the_accept_language_header(compiled_catalogues, language, title):
    response = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert f"<title>{title}</title>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("ru", "Вход в Qantar"),
                                                    ("kk", "Qantar жүйесіне кіру")])
def test_login_page_follows_the_language_cookie(compiled_catalogues, language, heading):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert f"<h1>{heading}</h1>" in response.content.decode()
