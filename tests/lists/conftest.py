"""Person-list fixtures: three small lists of the dead, written the way volunteers wrote them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qantar.common.access import Gate
from qantar.lists import services

OFFICIAL = (
    "№,Фамилия,Имя,Отчество,Дата рождения,Область,Дата смерти\n"
    "1,Саханбаев,Досай,Ерланович,05.03.1981,Алматинская,06.01.2022\n"
    "2,Ахметова,Айгуль,Сериковна,12.11.1990,Алматинская,05.01.2022\n"
    "3,Жумабеков,Нурлан,Болатович,01.02.1975,Жамбылская,07.01.2022\n"
)
NGO = (
    "id;Full name;Date of birth;Region;Date of death;Cause of death\n"
    "n1;Sakhanbayev Dosai;1981-03-05;Almaty region;2022-01-06;gunshot\n"
    "n2;Sadykov Marat;1988-07-19;Almaty;2022-01-06;gunshot\n"
)
MEDIA = (
    "record_id,full_name,birth_year,city,date_of_death\n"
    "m1,Dosai Sahanbaev,1981,Taldykorgan,2022-01-07\n"
    "m2,Aigul Akhmetova,1990,Almaty,2022-01-05\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """A file in ``tmp_path`` holding ``text`` in ``encoding``."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def details(name: str, **extra: Any) -> dict[str, Any]:
    """Provenance of a list of the dead."""
    return {"name": name, "compiled_by": "Volunteers", "compiled_on": "2022-02",
            "method": "open_sources", "person_status": "dead"} | extra


@pytest.fixture
def three_lists(gate: Gate, collection: Any, tmp_path: Path) -> list[Any]:
    """The official list (Cyrillic, cp1251), an NGO list (;-separated) and a media list."""
    return [
        services.import_file(gate, collection, write(tmp_path, "official.csv", OFFICIAL, "cp1251"),
                             details=details("Official")),
        services.import_file(gate, collection, write(tmp_path, "ngo.csv", NGO),
                             details=details("NGO")),
        services.import_file(gate, collection, write(tmp_path, "media.csv", MEDIA),
                             details=details("Media")),
    ]


_COLUMNS = "record_id,full_name,birth_date,birth_year,region,city,date_of_death\n"
UNCERTAIN = {
    "1 Official": _COLUMNS
    + "o1,Саханбаев Досай Ерланович,05.03.1981,,Алматинская,,06.01.2022\n"
    "o2,Ахметова Айгуль Сериковна,12.11.1990,,Алматинская,,05.01.2022\n"
    "o3,Жумабеков Нурлан Болатович,01.02.1975,,Жамбылская,,07.01.2022\n"
    "o4,Исаев Ерлан,,1985,Алматинская,,06.01.2022\n",
    "2 NGO": _COLUMNS
    + "n1,Sakhanbayev Dosai,1981-03-05,,Almaty region,,2022-01-06\n"
    "n2,Sadykov Marat,1988-07-19,,Almaty,,2022-01-06\n"
    "n3,Isayev Yerlan,,1979,,Almaty,\n",
    "3 Media": _COLUMNS
    + "m1,Dosai Sahanbaev,,1981,,Taldykorgan,2022-01-07\n"
    "m2,Aigul Akhmetova,,1990,,Almaty,2022-01-05\n"
    "m3,Erlan Isaev,,,,Taraz,2022-01-09\n",
}


def import_uncertain_lists(gate: Gate, collection: Any, folder: Path) -> None:
    """Three lists on which the model is unsure about one pair (two men called Erlan Isaev)."""
    for name, text in UNCERTAIN.items():
        services.import_file(gate, collection, write(folder, f"{name}.csv", text),
                             details=details(name))
