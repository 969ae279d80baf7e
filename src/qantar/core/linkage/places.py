"""Kazakhstan's regions and main cities under their Russian, Kazakh and English names.

Lists name places in whichever language they were written in (``Алматинская область``,
``Almaty oblysy``, ``Almaty Region``). :func:`place_key` maps all of them to one key so that
regions and cities can be compared; unknown places fall back to the fine key of their first
word, which still matches across scripts.
"""

from __future__ import annotations

import functools

from qantar.core.names import romanize, tokens

# code: Russian, Kazakh (Cyrillic), English names; cities of republican status are regions.
REGIONS: dict[str, tuple[str, str, str]] = {
    "almaty_city": ("Алматы", "Алматы", "Almaty"),
    "astana": ("Нур-Султан", "Нұр-Сұлтан", "Nur-Sultan"),
    "shymkent": ("Шымкент", "Шымкент", "Shymkent"),
    "almaty": ("Алматинская область", "Алматы облысы", "Almaty Region"),
    "akmola": ("Акмолинская область", "Ақмола облысы", "Akmola Region"),
    "aktobe": ("Актюбинская область", "Ақтөбе облысы", "Aktobe Region"),
    "atyrau": ("Атырауская область", "Атырау облысы", "Atyrau Region"),
    "east": ("Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan"),
    "zhambyl": ("Жамбылская область", "Жамбыл облысы", "Zhambyl Region"),
    "west": ("Западно-Казахстанская область", "Батыс Қазақстан облысы", "West Kazakhstan"),
    "karaganda": ("Карагандинская область", "Қарағанды облысы", "Karaganda Region"),
    "kostanay": ("Костанайская область", "Қостанай облысы", "Kostanay Region"),
    "kyzylorda": ("Кызылординская область", "Қызылорда облысы", "Kyzylorda Region"),
    "mangystau": ("Мангистауская область", "Маңғыстау облысы", "Mangystau Region"),
    "pavlodar": ("Павлодарская область", "Павлодар облысы", "Pavlodar Region"),
    "north": ("Северо-Казахстанская область", "Солтүстік Қазақстан облысы", "North Kazakhstan"),
    "turkistan": ("Туркестанская область", "Түркістан облысы", "Turkistan Region"),
}

# Main cities and the region they lie in.
CITIES: dict[str, tuple[str, str, str, str]] = {
    "almaty": ("Алматы", "Алматы", "Almaty", "almaty_city"),
    "taldykorgan": ("Талдыкорган", "Талдықорған", "Taldykorgan", "almaty"),
    "kaskelen": ("Каскелен", "Қаскелең", "Kaskelen", "almaty"),
    "shymkent": ("Шымкент", "Шымкент", "Shymkent", "shymkent"),
    "taraz": ("Тараз", "Тараз", "Taraz", "zhambyl"),
    "aktobe": ("Актобе", "Ақтөбе", "Aktobe", "aktobe"),
    "zhanaozen": ("Жанаозен", "Жаңаөзен", "Zhanaozen", "mangystau"),
    "aktau": ("Актау", "Ақтау", "Aktau", "mangystau"),
    "kyzylorda": ("Кызылорда", "Қызылорда", "Kyzylorda", "kyzylorda"),
    "atyrau": ("Атырау", "Атырау", "Atyrau", "atyrau"),
    "uralsk": ("Уральск", "Орал", "Uralsk", "west"),
    "karaganda": ("Караганда", "Қарағанды", "Karaganda", "karaganda"),
    "astana": ("Нур-Султан", "Нұр-Сұлтан", "Nur-Sultan", "astana"),
    "turkistan": ("Туркестан", "Түркістан", "Turkistan", "turkistan"),
}

_REGION_WORDS = frozenset(
    romanize(word) for word in "область обл облысы region oblast oblysy province".split()
)
_CITY_WORDS = frozenset(romanize(word) for word in "г город city қаласы qalasy".split())


@functools.cache
def _aliases() -> dict[tuple[str, bool], str]:
    """Place codes for every known spelling, by (first significant word, names a region)."""
    aliases: dict[tuple[str, bool], str] = {}
    for code, names in REGIONS.items():
        for name in names:
            aliases.setdefault(_first_word_key(name), code)
    for city, (russian, kazakh, english, region) in CITIES.items():
        for city_name in (russian, kazakh, english):
            word, _is_region = _first_word_key(city_name)
            aliases.setdefault((word, False), f"{region}/{city}")
    return aliases


def _first_word_key(text: str) -> tuple[str, bool]:
    """The fine key of the first significant word, and whether a region word is present."""
    keys = [romanize(token) for token in tokens(text)]
    is_region = any(key in _REGION_WORDS for key in keys)
    words = [key for key in keys if key and key not in _REGION_WORDS | _CITY_WORDS]
    return (words[0] if words else "", is_region)


@functools.lru_cache(maxsize=100_000)
def place_key(text: str) -> str:
    """One key for a region or city however it was written; empty for a blank place.

    Known regions map to their code (``Алматинская область`` and ``Almaty oblysy`` both give
    ``almaty``), known cities to ``region/city``; others give the fine key of their first
    significant word, cut to six letters so that Russian adjectival forms (``Мангистауская``)
    meet the bare noun.
    """
    word, is_region = _first_word_key(text)
    if not word:
        return ""
    aliases = _aliases()
    known = aliases.get((word, is_region)) or aliases.get((word, not is_region))
    return known or word[:6]


def region_of(place: str) -> str:
    """The region part of a place key (a city key ``almaty/taldykorgan`` gives ``almaty``)."""
    return place.split("/", 1)[0]
