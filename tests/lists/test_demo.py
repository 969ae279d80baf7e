"""The demo's illustrative person lists: who is on them, how they are written, what linking finds.

The expected clusters were checked by hand against the seed keys each row was written from:
every cluster is one seed person and every seed person is one cluster (see
``test_each_cluster_is_one_seed_person_and_nothing_else``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import pytest

from qantar.accounts.choices import Role
from qantar.accounts.models import Membership
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.core.errors import ValidationFailed
from qantar.lists import demo, queries, services
from qantar.lists.io import display_name
from qantar.lists.models import (
    CandidatePair,
    ImportedList,
    ImportJob,
    LinkageRun,
    ListEntry,
    RunAssignment,
)
from qantar.lists.services import entry_values
from qantar.records.demo.loader import read_seed_data
from qantar.records.models import Person
from tests.fixtures.factories import make_user

BUNDLE = read_seed_data()
DEAD, DETAINED = demo.DEAD_COLLECTION, demo.DETAINED_COLLECTION
ENTRIES = {
    "Demo: official-style list of the dead (Cyrillic)": 8,
    "Demo: the dead named in English-language press": 6,
    "Demo: volunteers' list of the dead (Kazakh Latin)": 6,
    "Demo: journalists and bloggers detained or attacked (Kazakh Latin)": 12,
    "Demo: people detained, as named in English-language press": 16,
    "Demo: torture complainants, NGO-style list (Cyrillic)": 8,
}


def test_the_lists_hold_only_named_seed_people_whose_fate_fits_the_list():
    people = demo.seed_people(BUNDLE)
    assert len(people) == 44
    dead = {key for key, person in people.items() if demo.died(person)}
    assert dead == {"p-sultan-kamshybek", "p-kuat-bitkenbaev", "p-gulzifa-kulsultanova",
                    "p-nurbolat-saytkulov", "p-altynai-yetaeva", "p-nuray",
                    "p-nuralia-aitkulova", "p-aitbai-aliev", "p-muratkhan-bazarbayev"}
    for item in demo.LISTS:
        assert item.name.startswith("Demo: ")
        assert len(item.members) == ENTRIES[item.name] == len(set(item.members))
        for key in item.members:
            assert item.fits(people[key]), (item.name, key)
            assert (key in dead) == (item.collection == DEAD), (item.name, key)
    on_lists = {key for item in demo.LISTS for key in item.members}
    assert len(on_lists) == 9 + 23
    assert not any(name.startswith("Unnamed") for key in on_lists
                   for name in people[key].spellings)


def test_a_person_the_reports_do_not_fit_to_a_list_is_refused():
    official = demo.LISTS[0]
    wrong = replace(official, members=(*official.members, "p-kosai-makhanbayev"))
    with pytest.raises(ValidationFailed) as raised:
        demo.list_file(wrong, BUNDLE)
    assert raised.value.code == "unfit_demo_member"


def test_names_are_respelled_with_qantars_transliteration():
    assert [demo.cyrillic(name) for name in (
        "Kosai Makhanbayev", "Yermek Abdrashev", "Sultan Kamshybek", "Vladimir Prokopyev",
        "Nuralia Aitkulova", "Sayat Adilbekuly")] == [
        "Косай Маханбаев", "Ермек Абдрашев", "Султан Камшыбек", "Владимир Прокопьев",
        "Нуралия Айткулова", "Саят Адилбекулы"]
    assert demo.kazakh_latin("Sholpan Eleusizova") == "Şolpan Eleusizova"
    assert demo.kazakh_latin("Zhanbolat Mamay") == "Janbolat Mamai"


def test_the_files_are_the_same_every_time_and_written_as_their_provenance_says():
    official = demo.list_file(demo.LISTS[0], BUNDLE)
    assert official == demo.list_file(demo.LISTS[0], BUNDLE)
    assert official.decode("cp1251") == (
        "№;Фамилия;Имя;Пол;Возраст;Область;Дата смерти\r\n"
        "1;Камшыбек;Султан;М;12;Алматы;05.01.2022\r\n"
        "2;Биткенбаев;Куат;М;;Алматы;07.01.2022\r\n"
        "3;Кулсултанова;Гулзифа;Ж;;Алматы;07.01.2022\r\n"
        "4;Сайткулов;Нурболат;М;;Алматинская область;08.01.2022\r\n"
        "5;Етаева;Алтынай;Ж;;Алматинская область;08.01.2022\r\n"
        "6;;Нурай;Ж;15;Алматинская область;08.01.2022\r\n"
        "7;Алиев;Айтбай;М;;Кызылординская область;\r\n"
        "8;Базарбаев;Муратхан;М;;Алматы;06.01.2022\r\n")
    volunteers = demo.list_file(demo.LISTS[1], BUNDLE).decode()
    assert volunteers.splitlines()[1:5] == [
        "V01,Kamşybek Sultan,Almaty", "V02,Saitkulov Nurbolat,Taldyqorğan",
        "V03,Etaeva Altynai,Taldyqorğan", "V04,Nurai,Taldyqorğan"]
    detained = demo.list_file(demo.LISTS[4], BUNDLE).decode()
    assert detained.splitlines()[1] == "D01,Makhabayev,Kosai,Almaty"


@pytest.fixture
def admin(db):  # noqa: ANN001, ANN201
    """The instance administrator the demo is loaded as."""
    return make_user("admin", is_superuser=True, is_staff=True)


@pytest.fixture
def loaded(admin):  # noqa: ANN001, ANN201
    """The demo lists, imported and linked once."""
    summary = demo.load_list_demo(admin, BUNDLE)
    assert summary == ("Demo person lists: 2 new collections, 56 new list entries, "
                       "2 new linkage runs.")
    return Gate.for_user(admin)


def _run(name: str) -> LinkageRun:
    return LinkageRun.objects.get(collection__name=name)


def _seed_key(entry: ListEntry) -> str:
    """The seed person the entry's row was written from (row n is line n + 1)."""
    item = next(item for item in demo.LISTS if item.name == entry.imported_list.name)
    return item.members[entry.line - 2]


def _name(entry: ListEntry) -> str:
    return display_name(entry_values(entry))


def test_the_lists_are_imported_with_their_provenance(loaded, admin):
    assert sorted(Membership.objects.filter(user=admin).values_list(
        "collection__name", "role")) == [(DEAD, Role.ADMINISTRATOR),
                                         (DETAINED, Role.ADMINISTRATOR)]
    lists = {item.name: item for item in queries.lists(loaded)}
    assert {name: item.entry_count for name, item in lists.items()} == ENTRIES
    for item in lists.values():
        assert item.compiled_by == "Qantar demo generator (illustrative; not a real list)"
        assert item.description.startswith(
            "Illustrative demo list generated by Qantar from the people named in the five "
            "seed reports. It is not a real list:")
        assert (item.compiled_on, item.method) == ("", "other")
        assert item.collection.description.startswith("Illustrative person lists generated "
                                                       "by Qantar")
    official = lists["Demo: official-style list of the dead (Cyrillic)"]
    assert official.person_status == "dead"
    assert lists["Demo: torture complainants, NGO-style list (Cyrillic)"].person_status == \
        "alive"
    jobs = ImportJob.objects.all()
    assert sorted((job.file_name, job.encoding, job.status, job.rows_imported,
                   job.rows_rejected, job.cells_blanked) for job in jobs) == [
        ("complainants.csv", "utf-8-sig", "done", 8, 0, 0),
        ("detained-press.csv", "utf-8-sig", "done", 16, 0, 0),
        ("media-freedom.csv", "utf-8-sig", "done", 12, 0, 0),
        ("official-style.csv", "cp1251", "done", 8, 0, 0),
        ("press.csv", "utf-8-sig", "done", 6, 0, 0),
        ("volunteers.csv", "utf-8-sig", "done", 6, 0, 0)]
    imports = AuditEntry.objects.filter(action="import", actor_id=admin.pk)
    assert imports.count() == 12


def test_each_cluster_is_one_seed_person_and_nothing_else(loaded):
    for name, records, people, pairs in ((DEAD, 20, 9, 13), (DETAINED, 36, 23, 13)):
        run = _run(name)
        assert (run.record_count, run.cluster_count, run.pair_count, run.seed,
                run.threshold) == (records, people, pairs, 0, 0.5)
        clusters = defaultdict(set)
        for item in RunAssignment.objects.filter(run=run).select_related(
                "entry__imported_list"):
            clusters[item.cluster].add(_seed_key(item.entry))
        assert all(len(keys) == 1 for keys in clusters.values()), name
        assert len({next(iter(keys)) for keys in clusters.values()}) == people
        stored = CandidatePair.objects.filter(run=run).select_related(
            "left__imported_list", "right__imported_list")
        assert all(pair.is_joined == (_seed_key(pair.left) == _seed_key(pair.right))
                   for pair in stored)
        assert all(pair.is_joined for pair in stored)
        lists_of = defaultdict(int)
        for item in demo.LISTS:
            for key in item.members if item.collection == name else ():
                lists_of[key] += 1
        assert pairs == sum(count * (count - 1) // 2 for count in lists_of.values())


def test_the_review_queue_holds_the_uncertain_pairs(loaded):
    queue = {}
    for name in (DEAD, DETAINED):
        queue[name] = [
            (sorted([_name(pair.left), _name(pair.right)]), round(pair.probability, 2))
            for pair in queries.review_queue(loaded, _run(name)).select_related(
                "left__job", "right__job")]
    assert queue == {
        DEAD: [(["Nurai", "Nuray"], 0.82), (["Nurai", "Нурай"], 0.87)],
        DETAINED: [(["Makhabayev Kosai", "Маханбаев Косай"], 0.87)]}


def test_loading_again_changes_nothing(loaded, admin):
    before = (AuditEntry.objects.count(), ListEntry.objects.count(),
              LinkageRun.objects.count(), ImportedList.objects.count(),
              CandidatePair.objects.count())
    assert demo.load_list_demo(admin, BUNDLE) == (
        "Demo person lists: 0 new collections, 0 new list entries, 0 new linkage runs.")
    assert (AuditEntry.objects.count(), ListEntry.objects.count(),
            LinkageRun.objects.count(), ImportedList.objects.count(),
            CandidatePair.objects.count()) == before


def test_reviewing_and_accepting_makes_people_in_the_demo_collection_only(loaded):
    run = _run(DEAD)
    for pair in queries.review_queue(loaded, run):
        services.record_decision(loaded, pair.left, pair.right, "match", pair=pair)
    assert not queries.review_queue(loaded, run).exists()
    again = services.run_linkage(loaded, run.collection)
    assert (again.cluster_count, again.labelled_count) == (9, 2)
    result = services.accept_clusters(loaded, again)
    assert (len(result.created), len(result.joined), result.conflicts) == (9, 0, [])
    assert set(Person.objects.values_list("collection__name", flat=True)) == {DEAD}
    assert queries.capture_history_csv(loaded, run.collection) == (
        "Demo: official-style list of the dead (Cyrillic),"
        "Demo: the dead named in English-language press,"
        "Demo: volunteers' list of the dead (Kazakh Latin),count\n"
        "1,1,1,2\n1,1,0,3\n1,0,1,3\n0,1,1,1\n")
