"""Realistic Kazakh/Russian lists of the dead with known truth, for developing linkage.

Model: people come in families (siblings sharing a surname in male and female forms and a
patronymic, twins sharing a birth date, fathers and children, spouses), plus namesakes who
share a common given name and surname by chance or by copying. Each person appears on some
of four lists, each written in its own style:

- ``official``: Cyrillic, surname/given/patronymic columns, full birth date, IIN for most,
  Kazakh letters often flattened to Russian ones (Қ → К);
- ``ngo``: the Kazakh Latin alphabet of 2021, surname first, birth date or year;
- ``media``: English press spellings, given name first, often only an age and a city,
  Russian names sometimes as short forms (Sasha);
- ``survey``: mixed scripts and systems (ICAO, GOST, BGN/PCGN, press, Cyrillic), either order,
  day/month swaps, ages, and duplicates within the list.

Errors: typos (drop, swap, double, replace), day/month swaps, off-by-one dates, missing
fields, swapped name order. Everything is drawn from one ``random.Random(seed)``.

Names come in two pools (``names``): ``dense``, the pools the benchmark began with, where a few
surnames cover much of the population (the commonest Kazakh surname root about 9% of Kazakh
people, Иванов about 12% of Russian ones; at 100,000 people five in six share their given
name and surname with someone), a stress test for namesakes; and ``wide``, where Kazakh
surnames come, as they do in life, from many ancestors' given names (about 1,800 roots, the
commonest about 2%) and Russian ones from a longer list (about 250, the commonest about
4%). Given names are the same in both. Which one is nearer a real list of the dead is not
known here; the benchmark reports both.

Changes: a birth date of 29 February whose year a clerk got wrong by one is now written as
28 February of that year (before, generating such a record crashed, which happened from
about 50,000 records on with some seeds); no other record changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qantar.core.iin import make_iin
from qantar.core.linkage.places import CITIES, REGIONS
from qantar.core.names import System, transliterate

COLUMNS = ["record_id", "list", "full_name", "given_name", "surname", "patronymic",
           "birth_date", "birth_year", "age", "sex", "region", "city", "date_of_death", "iin"]

KAZAKH_MALE = """Абай Абзал Абылай Әділ Әділбек Айбек Айдар Айдос Айдын Ақжол Әлібек Алмас Алмат
Әлихан Амир Арман Арсен Асет Асқар Асан Асхат Ахмет Бақыт Бауыржан Бекзат Бекжан Болат Ғазиз
Дамир Данияр Дәулет Диас Досжан Дулат Ербол Ерболат Ержан Ерлан Ермек Еркебұлан Еркін Жандос
Жәнібек Жасұлан Ильяс Ислам Қайрат Қанат Қасым Қосай Қуаныш Мадияр Мақсат Марат Мейрам Мирас
Мұхтар Нұрбек Нұрболат Нұрлан Нұржан Нұрсұлтан Олжас Рамазан Рустем Самат Сәкен Санжар Серік
Сұлтан Талғат Темірлан Ұлан Азамат Бахыт Ғабит Мұхаммед Нұрдәулет Дастан Жалғас Серікбол Дархан
Бекнұр Ерасыл Нұрасыл Айбар Алпамыс Бағдат Бейбіт Ғалым Дидар Елдос Ерғали Жанболат Жомарт
Кеңес Қалдыбек Мағжан Мәди Нұрлыбек Өмірзақ Рахат Сабыр Сайран Сырым Тілек Төлеген Шыңғыс
Ықылас Әлішер Бахтияр Ерназар Жақсылық Қуат Мұрат Нұрым Орынбасар Сағат Тоқтар Үмбет""".split()
KAZAKH_FEMALE = """Айгерім Айгүл Айдана Айжан Айнұр Айсұлу Ақмарал Әлия Алма Анар Ару Арайлым Әсел
Әсем Балжан Бота Гүлмира Гүлнара Гүлнұр Дана Динара Дильназ Жанар Жұлдыз Зарина Зәуре Камила
Қарлығаш Лаура Мадина Майра Назерке Раушан Роза Салтанат Сәуле Сымбат Томирис Ұлжан Үміт Аяжан
Меруерт Гауһар Жансая Мөлдір Шынар Алтынай Айман Бибігүл Күләш Нұргүл Ақбота Әйгерім Гүлжан
Дариға Жібек Индира Қымбат Ләззат Мақпал Нәзира Перизат Сая Тоғжан Ұлбосын""".split()
RUSSIAN_MALE = """Александр Алексей Анатолий Андрей Антон Артем Артур Борис Вадим Валентин Валерий
Василий Виктор Виталий Владимир Владислав Вячеслав Геннадий Георгий Григорий Денис Дмитрий
Евгений Егор Игорь Иван Константин Максим Михаил Николай Олег Павел Петр Роман Руслан Сергей
Станислав Тимур Юрий Ярослав Илья Кирилл Никита Леонид Эдуард""".split()
RUSSIAN_FEMALE = """Александра Анастасия Анна Валентина Галина Дарья Евгения Елена Екатерина Ирина
Ксения Людмила Мария Марина Наталья Надежда Ольга Светлана Татьяна Юлия Виктория Вера Оксана
Любовь Алла Лариса""".split()
RUSSIAN_SURNAMES = """Иванов Петров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Федоров
Морозов Волков Алексеев Лебедев Семенов Егоров Павлов Козлов Степанов Николаев Орлов Андреев
Макаров Никитин Захаров Зайцев Соловьев Борисов Яковлев Григорьев Романов Воробьев Сергеев
Кузьмин Фролов Александров Дмитриев Королев Гусев Киселев Ильин Максимов Поляков Сорокин
Виноградов Ковалев Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев
Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов
Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов
Щербаков Назаров Калинин Исаев Шутов Прокопьев Сочнев Рассказов Бондаренко Шевченко Коваленко
Петровский Ковальский Цой Ким Пак Ли Тен Хан""".split()
KAZAKH_SURNAME_ROOTS = """Ахмет Серік Нұрлан Жұмабай Мұхамед Қасым Омар Есім Маханбай Әбдірахман
Байжан Құнанбай Жақсыбек Сәрсенбай Төлеу Ұзақбай Үсен Ғабдулла Әли Өмірзақ Шәріп Тоқай Назарбай
Садырбай Абдраш Өмірбек Шамұрат Молдабек Нұрпейіс Қажығали Достияр Ахмедияр Айдархан Ақылбек
Садық Жаныбек Бекмұхамбет Ермек Құдайберген Мырзахмет Тұрсын Ыбырай Қалиев Сейіт Әбіл Бектұр
Жолдас Қожахмет Темірбек Оспан Исабек Мамыр Қуаныш Рысқұл Сүлеймен Тәжібай Байтұрсын Орынбай
Ерғали Жүсіп Сапар Әуез Көшербай Тілеубай Құрманғали Есенбай Бөкей Иманғали Мұқан Дәулетбай
Сыздық Абылай Бәйтібай Битенбай Базарбай Жұмаділ Әмірбек Серікбай Ермұхамед Асылбек""".split()
PREFIXES = """Нұр Ер Жан Серік Бек Қай Ақ Әбді Тұр Сұлтан Бай Ораз Қыдыр Төле Қали Есен Темір
Сәр""".split()
SUFFIXES = "бай бек ғали жан болат тай хан тас мұрат сейіт бол ғазы құл".split()
# The wide pool: more of the same morphemes, and more Russian surnames.
MORE_PREFIXES = """Ай Алтын Асыл Бақ Дос Ел Жар Жол Қара Құт Нар Орын Сейіт Тілеу Ұлық Шал
Жақсы Ақыл Дәулет Ерке Қуан Өмір Сыр Таң Тоқ Ырыс Әмір Қыран Бөрі Арыс Аман Боз Жұма Сапар
Әбіл Мырза Құдай Мұхамед Әли Кен""".split()
MORE_SUFFIXES = "жар бақ ұлан қан сұлтан тілеу мырза нұр ғазиз ахмет қали тұр батыр ерлан".split()
MORE_RUSSIAN_SURNAMES = """Абрамов Агеев Аксенов Анисимов Архипов Бабушкин Белоусов Бирюков Блинов
Бобров Богомолов Быков Веселов Воронин Воронов Высоцкий Галкин Голубев Горбунов Горшков Гришин
Громов Гуляев Гурьев Дементьев Добрынин Дорофеев Евдокимов Ефимов Ершов Жданов Журавлев
Зиновьев Зуев Игнатьев Исаков Калашников Капустин Карасев Кириллов Климов Князев Кудрявцев
Кулагин Лаврентьев Лазарев Лапин Ларионов Логинов Лукин Лыткин Мартынов Маслов Мишин Моисеев
Муравьев Наумов Некрасов Никифоров Носков Овчинников Панов Пестов Пономарев Прохоров Рогов
Родионов Рыбаков Савин Самойлов Селезнев Симонов Скворцов Соболев Суханов Субботин Третьяков
Трофимов Тюрин Уваров Устинов Федотов Филатов Фомичев Харитонов Хохлов Чернышев Шаров Шестаков
Широков Шубин Щукин Юдин Якушев Литвиненко Кравченко Бойко Ткаченко Мельниченко Гончаренко
Руденко Левченко Зайченко Савченко Шевцов Гордеев Дьячков Ермаков Жилин Зимин Кононов Котов
Лосев Лихачев Мухин Назимов Осипенко Пахомов Рябов Сазонов Тарасенко Ульянов Фадеев Чистяков
Шилов Шмидт Вагнер Миллер Гребенюк Коваль Мороз Полищук Бондарь Кравец Ли Нам Хегай Огай Шин
Югай""".split()
NAME_POOLS = ("dense", "wide")
SHORT_FORMS = {"Александр": "Саша", "Евгений": "Женя", "Дмитрий": "Дима", "Михаил": "Миша",
               "Владимир": "Володя", "Сергей": "Серёжа", "Наталья": "Наташа", "Мария": "Маша",
               "Екатерина": "Катя", "Анастасия": "Настя", "Алексей": "Алёша", "Татьяна": "Таня"}
FLATTEN = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноууhиАГКНОУУҺИ".replace("h", "х"))
REGION_WEIGHTS = {"almaty_city": 40, "almaty": 12, "zhambyl": 8, "shymkent": 6, "mangystau": 6,
                  "aktobe": 5, "kyzylorda": 4, "turkistan": 4, "karaganda": 3, "astana": 3,
                  "atyrau": 2, "west": 2, "east": 2, "kostanay": 1, "pavlodar": 1, "north": 1,
                  "akmola": 1}


@dataclass(frozen=True)
class Person:
    """The truth about one person."""

    person_id: int
    given: str
    surname_root: str
    is_russian: bool
    father: str
    sex: str
    birth_date: dt.date
    region: str
    city: str
    death_date: dt.date
    iin: str


def _zipf_choice(rng: random.Random, items: Sequence[str], exponent: float = 0.9) -> str:
    """An item drawn with probability proportional to 1 / rank**exponent."""
    weights = [1.0 / (rank + 1) ** exponent for rank in range(len(items))]
    return rng.choices(items, weights)[0]


def _surname_roots(rng: random.Random, names: str = "dense") -> list[str]:
    """Kazakh surname roots: the real list plus compounds, shuffled so frequency is random.

    The wide pool adds every Kazakh male given name (a surname is a forefather's name) and
    more compounds."""
    roots = list(KAZAKH_SURNAME_ROOTS) + [p + s.lower() for p in PREFIXES for s in SUFFIXES]
    if names == "wide":
        roots += KAZAKH_MALE + [p + s.lower() for p in PREFIXES + MORE_PREFIXES
                                for s in SUFFIXES + MORE_SUFFIXES]
        roots = list(dict.fromkeys(roots))
    rng.shuffle(roots)
    return roots


def _russian_surnames(names: str) -> list[str]:
    """Russian (and Korean, Ukrainian, German) surnames of Kazakhstan, commonest first."""
    if names == "dense":
        return RUSSIAN_SURNAMES
    derived = [name[:-1] + "ев" if name[-1] in "йь" else name + "ов" for name in RUSSIAN_MALE
               if name[-1] not in "аяо"]
    return list(dict.fromkeys(RUSSIAN_SURNAMES + MORE_RUSSIAN_SURNAMES + derived))


def surname_form(root: str, sex: str, is_russian: bool) -> str:
    """The surname of a man or woman from a root (Ахмет → Ахметов/Ахметова, Иванов/Иванова)."""
    if is_russian:
        if root in ("Цой", "Ким", "Пак", "Ли", "Тен", "Хан") or root.endswith("ко"):
            return root
        if root.endswith("ский"):
            return root if sex == "m" else root[:-2] + "ая"
        return root if sex == "m" else root + "а"
    if root.endswith(("ұлы", "қызы")):
        return root
    if root[-1] == "й":
        root = root[:-1]
    ending = "ев" if root[-1] in "аеиоуыәөүұіяй" else "ов"
    return root + ending + ("" if sex == "m" else "а")


def patronymic_form(father: str, sex: str, is_russian: bool) -> str:
    """A patronymic: Russian -ович/-овна, Kazakh -ұлы/-қызы (or Russianised -ович)."""
    if not is_russian and father[-1] not in "йь":
        return father + ("ұлы" if sex == "m" else "қызы")
    stem = father[:-1] + "е" if father[-1] in "йь" else father + "о"
    return stem + ("вич" if sex == "m" else "вна")


def _given(rng: random.Random, sex: str, is_russian: bool) -> str:
    """A given name drawn by popularity."""
    pool = {(True, "m"): RUSSIAN_MALE, (True, "f"): RUSSIAN_FEMALE,
            (False, "m"): KAZAKH_MALE, (False, "f"): KAZAKH_FEMALE}[(is_russian, sex)]
    return _zipf_choice(rng, pool, 0.7)


def _birth_date(rng: random.Random, low: int, high: int) -> dt.date:
    """A uniform birth date between two years."""
    start, end = dt.date(low, 1, 1).toordinal(), dt.date(high, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


class PopulationMaker:
    """Draws families of people; one instance per benchmark, one random stream."""

    def __init__(self, rng: random.Random, names: str = "dense") -> None:
        if names not in NAME_POOLS:
            raise ValueError(f"names must be one of {NAME_POOLS}, not {names!r}")
        self.rng = rng
        self.roots = _surname_roots(rng, names)
        self.russian_roots = _russian_surnames(names)
        # The dense pool's exponent as first written; the wide pool is flatter, as long
        # lists of real surnames are.
        self.exponent = 0.8 if names == "dense" else 0.6
        self.next_id = 0
        self.serials: set[str] = set()

    def _iin(self, birth: dt.date, sex: str) -> str:
        """A fresh valid IIN."""
        while True:
            iin = make_iin(birth, sex, self.rng.randrange(10000))
            if iin and iin not in self.serials:
                self.serials.add(iin)
                return iin

    def person(self, **fields: object) -> Person:
        """A person with the given fields and random others."""
        rng = self.rng
        sex = str(fields.get("sex") or rng.choice("mmmmmmmf"))
        is_russian = bool(fields.get("is_russian", rng.random() < 0.22))
        region = str(fields.get("region") or rng.choices(
            list(REGION_WEIGHTS), list(REGION_WEIGHTS.values()))[0])
        cities = [code for code, city in CITIES.items() if city[3] == region] or [""]
        birth = fields.get("birth_date") or _birth_date(rng, 1950, 2005)
        assert isinstance(birth, dt.date)
        root = str(fields.get("surname_root") or _zipf_choice(
            rng, self.russian_roots if is_russian else self.roots, self.exponent))
        father = str(fields.get("father") or _given(rng, "m", is_russian))
        self.next_id += 1
        return Person(self.next_id, str(fields.get("given") or _given(rng, sex, is_russian)),
                      root, is_russian, father, sex, birth, region, rng.choice(cities),
                      dt.date(2022, 1, rng.choices([4, 5, 6, 7, 8, 10], [5, 30, 35, 15, 10, 5])[0]),
                      self._iin(birth, sex))

    def family(self) -> list[Person]:
        """One family: a head, maybe siblings, twins, a child, a spouse or a namesake."""
        rng = self.rng
        head = self.person()
        people = [head]
        kind = rng.random()
        if kind < 0.12:  # siblings: same surname root and father, either sex
            for _ in range(rng.randint(1, 2)):
                people.append(self.person(surname_root=head.surname_root, father=head.father,
                                          is_russian=head.is_russian, region=head.region,
                                          birth_date=_birth_date(rng, head.birth_date.year - 6,
                                                                 head.birth_date.year + 6)))
        elif kind < 0.16:  # twins: same birth date too
            people.append(self.person(surname_root=head.surname_root, father=head.father,
                                      is_russian=head.is_russian, region=head.region,
                                      birth_date=head.birth_date))
        elif kind < 0.21:  # father and child
            child_year = min(head.birth_date.year + rng.randint(20, 35), 2005)
            people.append(self.person(surname_root=head.surname_root, father=head.given,
                                      is_russian=head.is_russian, region=head.region,
                                      birth_date=_birth_date(rng, child_year, child_year))
                          if head.sex == "m" else self.person())
        elif kind < 0.25:  # spouse: the other sex form of the surname
            people.append(self.person(surname_root=head.surname_root, is_russian=head.is_russian,
                                      sex="f" if head.sex == "m" else "m", region=head.region,
                                      birth_date=_birth_date(rng, head.birth_date.year - 4,
                                                             head.birth_date.year + 4)))
        elif kind < 0.29:  # namesake: same given name and surname, otherwise unrelated
            people.append(self.person(given=head.given, surname_root=head.surname_root,
                                      is_russian=head.is_russian, sex=head.sex))
        return people


def population(size: int, rng: random.Random, names: str = "dense") -> list[Person]:
    """About ``size`` people in families."""
    maker = PopulationMaker(rng, names)
    people: list[Person] = []
    while len(people) < size:
        people.extend(maker.family())
    return people


def typo(rng: random.Random, text: str) -> str:
    """One keyboard-style error: drop, swap, double or replace a letter."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    letters = "аеиокнрст" if "\u0400" <= text[i] <= "\u04ff" else "aeiokhnrst"
    return text[:i] + rng.choice(letters) + text[i + 1:]


@dataclass(frozen=True)
class Style:
    """How one list writes people down: probabilities of each field and of errors."""

    name: str
    coverage: float
    typo_rate: float
    birth_date: float
    birth_year: float
    age: float
    sex: float
    region: float
    city: float
    death: float
    iin: float
    patronymic: float
    duplicates: float = 0.0


STYLES = (
    Style("official", 0.75, 0.03, 0.95, 0.0, 0.0, 1.0, 0.95, 0.7, 0.9, 0.7, 0.9),
    Style("ngo", 0.5, 0.04, 0.5, 0.35, 0.0, 0.85, 0.8, 0.5, 0.85, 0.0, 0.2),
    Style("media", 0.35, 0.05, 0.05, 0.1, 0.75, 0.4, 0.2, 0.7, 0.6, 0.0, 0.0),
    Style("survey", 0.4, 0.06, 0.4, 0.2, 0.25, 0.7, 0.6, 0.4, 0.5, 0.1, 0.3, 0.06),
)


def _age(person: Person) -> int:
    """Age in full years on the date of death."""
    born, died = person.birth_date, person.death_date
    return died.year - born.year - ((died.month, died.day) < (born.month, born.day))


def _spoil_date(rng: random.Random, date: dt.date) -> dt.date:
    """A date with a day/month swap or an off-by-one error, sometimes."""
    roll = rng.random()
    if roll < 0.03 and date.day <= 12 and date.day != date.month:
        return date.replace(month=date.day, day=date.month)
    if roll < 0.05:
        return date + dt.timedelta(days=rng.choice((-1, 1)))
    if roll < 0.06:
        year = date.year + rng.choice((-1, 1))
        # 29 February has no twin in the neighbouring years: the clerk writes the 28th.
        return date.replace(year=year, day=min(date.day, 28 if date.month == 2 else 31))
    return date


class ListWriter:
    """Renders people as rows of one list style."""

    def __init__(self, rng: random.Random, style: Style) -> None:
        self.rng = rng
        self.style = style

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def _script(self) -> tuple[System | None, bool]:
        """(Latin system or None for Cyrillic, whether Kazakh letters are flattened)."""
        name = self.style.name
        if name == "official":
            return None, self._chance(0.6)
        if name == "ngo":
            return System.KZ2021, False
        if name == "media":
            return System.PRESS, self._chance(0.7)
        if self._chance(0.4):
            return None, self._chance(0.5)
        return self.rng.choice(list(System)), self._chance(0.5)

    def _write(self, text: str, system: System | None, flatten: bool) -> str:
        text = text.translate(FLATTEN) if flatten else text
        if self._chance(self.style.typo_rate):
            text = typo(self.rng, text)
        return text if system is None else transliterate(text, system)

    def _place(self, names: tuple[str, ...], system: System | None) -> str:
        if system is None:
            return names[self.rng.choice((0, 0, 1))]
        if system is System.PRESS:
            return names[2]
        return transliterate(names[1 if system is System.KZ2021 else 0], system)

    def _names(self, person: Person, row: dict[str, str]) -> None:
        system, flatten = self._script()
        given = person.given
        if self.style.name == "media" and given in SHORT_FORMS and self._chance(0.2):
            given = SHORT_FORMS[given]
        surname = surname_form(person.surname_root, person.sex, person.is_russian)
        parts = {"given_name": self._write(given, system, flatten),
                 "surname": self._write(surname, system, flatten),
                 "patronymic": ""}
        if self._chance(self.style.patronymic):
            father = patronymic_form(person.father, person.sex, person.is_russian)
            parts["patronymic"] = self._write(father, system, flatten)
        if self.style.name == "official" and self._chance(0.7):
            row.update(parts)
            return
        surname_first = {"official": True, "ngo": True, "media": self._chance(0.15)}.get(
            self.style.name, self._chance(0.5))
        ordered = [parts["surname"], parts["given_name"]]
        if not surname_first:
            ordered.reverse()
        if parts["patronymic"]:
            ordered.insert(2 if surname_first else 1, parts["patronymic"])
        row["full_name"] = " ".join(ordered)

    def _dates(self, person: Person, row: dict[str, str]) -> None:
        style, rng = self.style, self.rng
        roll = rng.random()
        if roll < style.birth_date:
            born = _spoil_date(rng, person.birth_date)
            dotted = style.name == "official" or (style.name == "survey" and self._chance(0.5))
            row["birth_date"] = f"{born:%d.%m.%Y}" if dotted else born.isoformat()
        elif roll < style.birth_date + style.birth_year:
            row["birth_year"] = str(person.birth_date.year + (rng.choice((-1, 1))
                                                              if self._chance(0.04) else 0))
        elif roll < style.birth_date + style.birth_year + style.age:
            row["age"] = str(_age(person) + (rng.choice((-1, 1)) if self._chance(0.1) else 0))
        if self._chance(style.death):
            died = _spoil_date(rng, person.death_date) if self._chance(0.3) else person.death_date
            row["date_of_death"] = died.isoformat()

    def row(self, person: Person, record_id: str) -> dict[str, str]:
        """One row of this list for a person."""
        row = dict.fromkeys(COLUMNS, "")
        row.update(record_id=record_id, list=self.style.name)
        self._names(person, row)
        self._dates(person, row)
        system, _ = self._script()
        if self._chance(self.style.sex):
            row["sex"] = person.sex if self.style.name != "survey" else {
                "m": "M", "f": "F"}[person.sex]
        if self._chance(self.style.region):
            row["region"] = self._place(REGIONS[person.region], system)
        if person.city and self._chance(self.style.city):
            row["city"] = self._place(CITIES[person.city][:3], system)
        if self._chance(self.style.iin):
            row["iin"] = person.iin
        return row


def generate_with_people(n_records: int, seed: int = 0, names: str = "dense"
                         ) -> list[tuple[dict[str, str], Person]]:
    """About ``n_records`` rows over the four lists, each with the person it was written
    from."""
    rng = random.Random(seed)
    expected_per_person = sum(style.coverage * (1 + style.duplicates) for style in STYLES)
    people = population(int(n_records / expected_per_person * 1.05) + 1, rng, names)
    written: list[tuple[dict[str, str], Person]] = []
    for style in STYLES:
        writer = ListWriter(rng, style)
        chosen = [p for p in people if rng.random() < style.coverage]
        chosen += [p for p in chosen if rng.random() < style.duplicates]
        rng.shuffle(chosen)
        written += [(writer.row(person, f"{style.name}-{index + 1}"), person)
                    for index, person in enumerate(chosen)]
    return written


def generate(n_records: int, seed: int = 0, names: str = "dense"
             ) -> tuple[list[dict[str, str]], dict[str, int]]:
    """About ``n_records`` rows over the four lists, and the true person of each row."""
    written = generate_with_people(n_records, seed, names)
    return ([row for row, _ in written],
            {row["record_id"]: person.person_id for row, person in written})


def write_lists(directory: Path, n_records: int, seed: int = 0, names: str = "dense"
                ) -> list[Path]:
    """Write one CSV per list and ``truth.csv`` (record_id, person_id) into ``directory``."""
    rows, truth = generate(n_records, seed, names)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for style in STYLES:
        path = directory / f"{style.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            writer.writerows(row for row in rows if row["list"] == style.name)
        paths.append(path)
    with (directory / "truth.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("record_id,person_id\n")
        handle.writelines(f"{record_id},{person}\n" for record_id, person in truth.items())
    return paths



