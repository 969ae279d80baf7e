"""Names: scripts, transliteration, phonetic keys, parsing and search keys.

The contract the rest of Qantar relies on is :func:`search_keys`: every spelling of a name
that should find a person yields at least one key in common with the stored name. Spellings
meet through two keys built from a Latin folding that undoes the differences between the
romanisation systems people actually use for Kazakh and Russian names:

- :func:`romanize` (the *fine key*) keeps vowels: ``Маханбаев``, ``Makhanbayev`` (press),
  ``Mahanbaev`` (Kazakh Latin 2021) all give ``mahanbaev``;
- :func:`skeleton` keeps the first sound and the consonants, so it also absorbs vowel spellings
  and the male/female surname forms (``Akhmetov`` and ``Akhmetova`` share ``ahmtv``).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from dataclasses import dataclass


class Script(enum.StrEnum):
    """The writing system of a text."""

    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    OTHER = "other"
    NONE = "none"


class System(enum.StrEnum):
    """Romanisation systems for Kazakh and Russian Cyrillic.

    ``kz2021``: the Kazakh Latin alphabet of January 2021 (ä ğ ı ñ ö q ş ū ü ç, ж → j).
    ``bgn_pcgn``: BGN/PCGN 1947 (Russian) and 1979 (Kazakh): ye- after vowels, ’ for ь.
    ``icao``: ICAO Doc 9303 machine-readable passports (ю → iu, я → ia, ъ → ie).
    ``gost``: GOST R 52535.1-2006, Russian passports 2010–2013 (ц → tc, ъ dropped).
    ``press``: English-language press habits (Tokayev, Yevgeny, Dmitry, Kazakh letters plain).
    """

    KZ2021 = "kz2021"
    BGN_PCGN = "bgn_pcgn"
    ICAO = "icao"
    GOST = "gost"
    PRESS = "press"


class Sex(enum.StrEnum):
    """The sex a name form implies."""

    MALE = "m"
    FEMALE = "f"
    UNKNOWN = ""


@dataclass(frozen=True)
class ParsedName:
    """A full name split into parts (each a normalised string, possibly empty)."""

    given: str
    surname: str
    patronymic: str
    sex: Sex


_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_INNER_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ`ʻ´\"”](?=\w)")
_CYRILLIC_VOWELS = frozenset("аәеёиоөуұүыіэюя")
_LATIN_FOLDS = {"ı": "i", "ş": "sh", "ç": "ch", "ğ": "g", "ñ": "n", "ł": "l", "ø": "o", "ß": "ss"}
_FINE_RULES = (
    (re.compile(r"q"), "k"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"shch|shh|sch"), "sh"),
    (re.compile(r"dzh|dj|j"), "zh"),
    (re.compile(r"tc|tz|cz"), "ts"),
    (re.compile(r"ck|c(?!h)"), "k"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"(.)\1+"), r"\1"),  # ғх → ghkh → ghh: one h before gh is read as g
    (re.compile(r"(?<!n)gh"), "g"),  # ңх → ngh stays (n + h), as from Cyrillic
    (re.compile(r"w"), "v"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"^ie"), "e"),
    (re.compile(r"(?<=[aeiou])i(?=[eo])"), ""),
    (re.compile(r"(?<=[^aeiou])io"), "e"),
)
_SKELETON_RULES = (
    (re.compile(r"sh"), "x"),
    (re.compile(r"ch|ts"), "c"),
    (re.compile(r"zh"), "j"),
    (re.compile(r"ng"), "n"),
    (re.compile(r"^[aeiou]+"), "a"),
)
_PATRONYMIC_ENDING = re.compile(r"(ovich|evich|ich|ovna|evna|ichna|inichna|uli|kizi)$")
_SURNAME_ENDING = re.compile(
    r"(ov|ova|ev|eva|in|ina|skii|ski|skaia|tskii|tskaia|enko|uk|iuk|ko|ich|bai|baeva|baev)$"
)
_FEMININE_SURNAME = re.compile(r"(ova|eva|ina|skaia|tskaia|aia)$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")


def normalize(text: str) -> str:
    """Compatibility-normalise, case-fold and collapse white space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def tokens(text: str) -> list[str]:
    """The alphabetic tokens of a normalised text (apostrophes inside a word are dropped)."""
    return list(_cached_tokens(text))


@functools.lru_cache(maxsize=200_000)
def _cached_tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(_INNER_APOSTROPHES.sub("", normalize(text))))


def detect_script(text: str) -> Script:
    """Whether ``text`` is written in Cyrillic, Latin, both, another script, or has no letters."""
    letters = "".join(filter(str.isalpha, text))
    if not letters:
        return Script.NONE
    has_cyrillic = _CYRILLIC.search(letters) is not None
    has_latin = _LATIN.search(letters) is not None
    if has_cyrillic and has_latin:
        return Script.MIXED
    if has_cyrillic:
        return Script.CYRILLIC
    return Script.LATIN if has_latin else Script.OTHER


def _letter_in_context(char: str, previous: str, system: System) -> str:
    """The romanisation of one lower-case Cyrillic letter given its neighbours."""
    table = _SYSTEMS[system]
    after_vowel = previous == "" or previous in _CYRILLIC_VOWELS or previous in "йъь"
    if system in (System.BGN_PCGN, System.PRESS) and char in "её" and after_vowel:
        return "y" + table[char]
    return table.get(char, char)


def transliterate(text: str, system: System = System.PRESS) -> str:
    """Romanise Kazakh or Russian Cyrillic under ``system``; other characters pass through.

    Case is kept: a capital letter gives a capitalised romanisation (``Ж`` → ``Zh``), or an
    upper-case one inside an upper-case word (``ЖАН`` → ``ZHAN``).
    """
    out: list[str] = []
    for index, char in enumerate(text):
        lower = char.lower()
        previous = text[index - 1].lower() if index else ""
        following = text[index + 1] if index + 1 < len(text) else ""
        latin = _letter_in_context(lower, previous, system)
        if char != lower and latin:
            latin = latin.upper() if following.isupper() else latin[0].upper() + latin[1:]
        out.append(latin)
    result = "".join(out)
    if system is System.PRESS:
        result = re.sub(r"(?<=[a-z])(iy|yy)\b", "y", result)
    return result


@functools.lru_cache(maxsize=16)
def _reverse_table(system: System) -> tuple[tuple[str, str], ...]:
    """Latin sequences of ``system`` mapped back to Cyrillic, longest first."""
    reverse: dict[str, str] = {}
    for cyrillic, latin in _SYSTEMS[system].items():
        if latin and latin not in reverse and cyrillic not in "ъь":
            reverse[latin] = cyrillic
    return tuple(sorted(reverse.items(), key=lambda item: -len(item[0])))


def to_cyrillic(text: str, system: System = System.PRESS) -> str:
    """Read a romanised name back into Cyrillic, assuming it was written under ``system``.

    Ambiguous letters take the commoner reading (``i`` → ``и``), so the result is a readable
    guess, not always the original spelling; its :func:`skeleton` is the original's.
    """
    table = _reverse_table(system)
    lower = normalize(text)
    out: list[str] = []
    index = 0
    while index < len(lower):
        for latin, cyrillic in table:
            if lower.startswith(latin, index):
                out.append(cyrillic)
                index += len(latin)
                break
        else:
            out.append(lower[index])
            index += 1
    return "".join(out)


def _fold_latin(text: str) -> str:
    """Plain lower-case ASCII letters for a Latin text (diacritics and special letters folded)."""
    text = "".join(_LATIN_FOLDS.get(char, char) for char in text.casefold())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isascii() and char.isalpha())


@functools.lru_cache(maxsize=200_000)
def romanize(token: str) -> str:
    """The fine key of one name token: a Latin spelling shared by all supported systems.

    Cyrillic is romanised with one canonical table, Latin is folded to ASCII, then the
    system differences are undone (kh/h/x, zh/j, ts/tc, ş/sh, ç/ch, y/ı/i, q/k, gh/g, ye-/e-,
    doubled letters). Deterministic; no assumptions beyond the spelling systems listed.
    """
    latin = _fold_latin("".join(_CANONICAL.get(char, char) for char in token.lower()))
    for pattern, replacement in _FINE_RULES:
        latin = pattern.sub(replacement, latin)
    return latin


@functools.lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """A phonetic skeleton that makes the spellings of one name meet across scripts.

    The fine key with single letters for sh/ch/ts/zh, any opening vowels as ``a``, later
    vowels dropped and doubles collapsed: Маханбаев, Makhanbayev, Mahanbaev → ``mhnbv``.
    Male and female surname forms share it (Akhmetov, Akhmetova → ``ahmtv``).
    """
    key = romanize(token)
    for pattern, replacement in _SKELETON_RULES:
        key = pattern.sub(replacement, key)
    key = key[:1] + re.sub(r"[aeiou]", "", key[1:])
    return re.sub(r"(.)\1+", r"\1", key)


def surname_stem(token: str) -> tuple[str, Sex]:
    """The male form of a surname's fine key and the sex its ending implies.

    ``Akhmetova`` → (``ahmetov``, female); ``Akhmetov`` → (``ahmetov``, male);
    ``Petrovskaya`` → (``petrovskii``, female); endings that carry no sex give UNKNOWN.
    """
    key = romanize(token)
    if key.endswith(("skaia", "tskaia")):
        return key[:-3] + "ii", Sex.FEMALE
    if _FEMININE_SURNAME.search(key) and len(key) > 4:
        return key[:-1], Sex.FEMALE
    if re.search(r"(ov|ev|in|skii)$", key):
        return key, Sex.MALE
    return key, Sex.UNKNOWN


def is_patronymic(token: str) -> bool:
    """Whether a token looks like a patronymic (-ovich/-ovna, -uly/-kyzy and the like)."""
    key = romanize(token)
    return len(key) > 4 and _PATRONYMIC_ENDING.search(key) is not None


def patronymic_sex(token: str) -> Sex:
    """The sex a patronymic implies (-ovich/-uly male, -ovna/-kyzy female)."""
    key = romanize(token)
    if key.endswith(("na", "kizi")):
        return Sex.FEMALE
    return Sex.MALE if key.endswith(("ich", "uli")) else Sex.UNKNOWN


def given_name_sex(token: str) -> Sex:
    """The sex a given name usually implies, from Qantar's list of common names."""
    return _given_sexes().get(romanize(token), Sex.UNKNOWN)


def is_known_given_name(token: str) -> bool:
    """Whether a token is a common Kazakh or Russian given name (or a short form of one)."""
    key = romanize(token)
    return key in _given_sexes() or key in _short_forms()


def full_given_names(token: str) -> frozenset[str]:
    """Fine keys of the full names a given name may stand for (Sasha → aleksandr, aleksandra).

    A full name stands for itself; an unknown name stands for itself only.
    """
    key = romanize(token)
    return frozenset({key} | set(_short_forms().get(key, ())))


def _split_patronymic(parts: list[str]) -> tuple[list[str], str]:
    """Remove the patronymic from name tokens (joining a separate ``uly``/``kyzy``)."""
    for index, part in enumerate(parts):
        if romanize(part) in ("uli", "kizi") and index > 0:
            return parts[: index - 1] + parts[index + 1 :], f"{parts[index - 1]} {part}"
    if len(parts) >= 3:
        for index in range(len(parts) - 1, -1, -1):
            if is_patronymic(parts[index]):
                return parts[:index] + parts[index + 1 :], parts[index]
    return parts, ""


def _surname_first(parts: list[str], patronymic_last: bool, script: Script) -> bool:
    """Whether the first token of a name is the surname (the usual order in official lists)."""
    first, last = parts[0], parts[-1]
    first_given, last_given = is_known_given_name(first), is_known_given_name(last)
    if first_given != last_given:
        return last_given
    first_surname = _SURNAME_ENDING.search(romanize(first)) is not None
    last_surname = _SURNAME_ENDING.search(romanize(last)) is not None
    if first_surname != last_surname:
        return first_surname
    return patronymic_last or script is Script.CYRILLIC


def parse_name(full_name: str) -> ParsedName:
    """Split a full name into given name, surname and patronymic.

    Assumptions: a token ending in -ovich/-ovna/-uly/-kyzy (or a separate ``uly``/``kyzy``)
    is the patronymic when there are three or more tokens; a patronymic at the end means
    surname-first order (``Саханбаев Досай Абдрахманович``); otherwise a token found in the
    list of common given names, then a surname ending (-ov, -eva, -in, -sky...), decides the
    order; failing both, Cyrillic names are read surname-first and Latin ones given-first.
    Extra tokens join the given name. The sex comes from the patronymic, then the surname
    ending, then the given name.
    """
    parts = tokens(full_name)
    rest, patronymic = _split_patronymic(parts)
    if not rest:
        return ParsedName("", "", patronymic, patronymic_sex(patronymic))
    if len(rest) == 1:
        given, surname = ("", rest[0]) if not is_known_given_name(rest[0]) else (rest[0], "")
    else:
        patronymic_last = bool(patronymic) and normalize(full_name).endswith(
            patronymic.split()[-1]
        )
        if _surname_first(rest, patronymic_last, detect_script(full_name)):
            given, surname = " ".join(rest[1:]), rest[0]
        else:
            given, surname = " ".join(rest[:-1]), rest[-1]
    return ParsedName(given, surname, patronymic, name_sex(given, surname, patronymic))


def name_sex(given: str, surname: str, patronymic: str) -> Sex:
    """The sex implied by the parts of a name, most reliable part first; UNKNOWN if none."""
    if patronymic:
        sex = patronymic_sex(patronymic.split()[-1])
        if sex is not Sex.UNKNOWN:
            return sex
    if surname:
        sex = surname_stem(surname)[1]
        if sex is not Sex.UNKNOWN:
            return sex
    return given_name_sex(given.split()[0]) if given else Sex.UNKNOWN


def search_keys(text: str) -> set[str]:
    """Keys for a blind index: each token as written, its fine key and its skeleton.

    Skeletons shorter than two letters are left out (not selective); short forms of given
    names add the skeletons of their full forms, so ``Sasha`` finds ``Aleksandr``.
    """
    keys: set[str] = set()
    for token in tokens(text):
        keys.add(f"t:{token}")
        fine = romanize(token)
        if fine:
            keys.add(f"f:{fine}")
        for full in full_given_names(token):
            key = skeleton(full)
            if len(key) >= 2:
                keys.add(f"s:{key}")
    return keys


# --- Tables -------------------------------------------------------------------------------
# Russian letters first, then the nine Kazakh letters (ә ғ қ ң ө ұ ү һ і).

_RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_KAZAKH = "әғқңөұүһі"


def _table(russian: str, kazakh: str) -> dict[str, str]:
    """A letter table from space-separated romanisations in alphabet order ('-' = nothing)."""
    values = [("" if value == "-" else value) for value in (russian + " " + kazakh).split()]
    return dict(zip(_RUSSIAN + _KAZAKH, values, strict=True))


_ICAO_RUSSIAN = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y - e iu ia"
_SYSTEMS: dict[System, dict[str, str]] = {
    System.KZ2021: _table(
        "a b v g d e io j z i i k l m n o p r s t u f h ts ç ş ş - y - e iu ia",
        "ä ğ q ñ ö ū ü h ı",
    ),
    System.BGN_PCGN: _table(
        "a b v g d e ë zh z i y k l m n o p r s t u f kh ts ch sh shch ” y ’ e yu ya",
        "ä gh q ng ö ū ü h ī",
    ),
    System.ICAO: _table(_ICAO_RUSSIAN, "a g k n o u u h i"),
    System.GOST: _table(_ICAO_RUSSIAN.replace(" ts ", " tc ").replace(" ie ", " - "),
                        "a g k n o u u h i"),
    System.PRESS: _table(
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya",
        "a g k n o u u h i",
    ),
}
_CANONICAL = _table(
    "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya",
    "a g k n o u u h i",
)

# Common given names (Cyrillic), by sex; used to read name order and guess sex.
_MALE_NAMES = """
Абай Абзал Абылай Адиль Адильбек Айбек Айдар Айдос Айдын Акжол Алан Алексей Алибек Алишер
Алмас Алмат Алмаз Алихан Амир Анатолий Андрей Антон Арман Арсен Арслан Артем Артур Асет
Аскар Асан Асхат Ахмет Бакыт Бауыржан Бекзат Бекжан Болат Борис Вадим Валентин Валерий
Василий Виктор Виталий Владимир Владислав Вячеслав Газиз Геннадий Георгий Григорий Дамир
Данияр Даулет Денис Диас Дмитрий Досжан Дулат Евгений Егор Ербол Ерболат Ержан Ерлан Ермек
Еркебулан Еркин Жандос Жанибек Жасулан Игорь Иван Ильяс Ислам Кайрат Канат Касым Константин
Косай Куаныш Мадияр Максат Максим Марат Мейрам Мирас Михаил Мухтар Нурбек Нурболат Нурлан
Нуржан Нурсултан Олжас Олег Павел Равиль Рамазан Ринат Роман Руслан Рустем Саид Самат
Сакен Санжар Серик Сергей Султан Станислав Тимур Талгат Темирлан Тимофей Улан Фарид Юрий
Ярослав Азамат Бахыт Габит Ерик Мухаммед Нурдаулет Дастан Жалгас Серикбол Дархан Бекнур
Александр Николай Петр Пётр Ерасыл Нурасыл
"""
_FEMALE_NAMES = """
Айгерим Айгуль Айдана Айжан Айнур Айсулу Акмарал Алия Алина Алма Анар Анастасия Анна Ару
Арайлым Асель Асем Балжан Бота Валентина Галина Гульмира Гульнара Гульнур Дана Динара Дарья
Дильназ Елена Екатерина Жанар Жанна Жулдыз Зарина Зауре Ирина Камила Карлыгаш Лаура Людмила
Мадина Майра Мария Марина Назерке Наталья Надежда Ольга Раушан Роза Салтанат Сауле Светлана
Сымбат Татьяна Томирис Улжан Умит Юлия Аяжан Меруерт Гаухар Динара Жансая Молдир Шынар
Александра Евгения Ксения Виктория Алтынай Айман Бибигуль Куляш Дария Нургуль
"""
_SHORT_FORMS = """
Саша=Александр,Александра Шура=Александр,Александра Саня=Александр Женя=Евгений,Евгения
Дима=Дмитрий Миша=Михаил Коля=Николай Серёжа=Сергей Сережа=Сергей Володя=Владимир
Вова=Владимир Ваня=Иван Петя=Петр Лёша=Алексей Леша=Алексей Алёша=Алексей Андрюша=Андрей
Паша=Павел Костя=Константин Слава=Вячеслав,Владислав,Станислав Витя=Виктор Толя=Анатолий
Таня=Татьяна Наташа=Наталья Маша=Мария Лена=Елена Оля=Ольга Света=Светлана Галя=Галина
Люда=Людмила Надя=Надежда Катя=Екатерина Настя=Анастасия Ира=Ирина Юля=Юлия Даша=Дарья
Валя=Валентин,Валентина Гриша=Григорий Гена=Геннадий Боря=Борис Юра=Юрий Рома=Роман
Вика=Виктория Ксюша=Ксения Тима=Тимур Нурик=Нурлан,Нурсултан Ерик=Ерлан,Ержан
Alexander=Александр Eugene=Евгений Michael=Михаил Paul=Павел Peter=Петр Nicholas=Николай
George=Георгий Catherine=Екатерина Helen=Елена Mary=Мария Julia=Юлия Natalie=Наталья
"""


@functools.cache
def _given_sexes() -> dict[str, Sex]:
    """Fine keys of common given names and the sex they imply."""
    sexes = {romanize(name): Sex.MALE for name in _MALE_NAMES.split()}
    sexes.update({romanize(name): Sex.FEMALE for name in _FEMALE_NAMES.split()})
    return sexes


@functools.cache
def _short_forms() -> dict[str, tuple[str, ...]]:
    """Fine keys of short and foreign forms mapped to the fine keys of the full names."""
    forms: dict[str, tuple[str, ...]] = {}
    for entry in _SHORT_FORMS.split():
        short, fulls = entry.split("=")
        forms[romanize(short)] = tuple(romanize(full) for full in fulls.split(","))
    return forms
