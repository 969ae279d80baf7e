"""Names: normalisation and search keys shared by search and linkage.

The contract the rest of Qantar relies on is :func:`search_keys`: every spelling of a name
that should find a person yields at least one key in common with the stored name.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC_TO_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Compatibility-normalise, case-fold and collapse white space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def tokens(text: str) -> list[str]:
    """The alphabetic tokens of a normalised text."""
    return _TOKEN.findall(normalize(text))


def to_latin(token: str) -> str:
    """A plain Latin rendering of a Cyrillic token (other scripts pass through)."""
    return "".join(_CYRILLIC_TO_LATIN.get(char, char) for char in token)


def skeleton(token: str) -> str:
    """A phonetic skeleton that makes common Latin spellings of one name meet."""
    latin = unicodedata.normalize("NFKD", to_latin(token))
    latin = "".join(char for char in latin if not unicodedata.combining(char))
    for before, after in (("kh", "h"), ("zh", "j"), ("ts", "s"), ("ch", "c"), ("sh", "s"),
                          ("yu", "u"), ("ya", "a"), ("iy", "i"), ("y", "i"), ("q", "k"),
                          ("x", "h"), ("w", "v")):
        latin = latin.replace(before, after)
    collapsed = re.sub(r"(.)\1+", r"\1", latin)
    return collapsed[:1] + re.sub(r"[aeiou]", "", collapsed[1:])


def search_keys(text: str) -> set[str]:
    """Keys for a blind index: each token as written and its cross-script skeleton."""
    keys: set[str] = set()
    for token in tokens(text):
        keys.add(f"t:{token}")
        keys.add(f"s:{skeleton(token)}")
    return keys
