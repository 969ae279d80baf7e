"""From three lists to one list of people: link, review, accept, split, count."""

from __future__ import annotations

import pytest

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.core.errors import Conflict, IntegrityFailure, PermissionDenied, ValidationFailed
from qantar.lists import queries, services
from qantar.lists.models import Disagreement, ListEntry, ReviewDecision, RunAssignment
from qantar.records.models import Person
from tests.fixtures.factories import make_user, member


def entry(list_name: str, line: int) -> ListEntry:
    """The entry on ``line`` of the list called ``list_name``."""
    return ListEntry.objects.select_related("job", "imported_list").get(
        imported_list__name=list_name, line=line)


def clusters(run) -> dict[tuple[str, int], str]:  # noqa: ANN001
    """(list, line) → cluster label in a run."""
    return {(item.entry.imported_list.name, item.entry.line): item.cluster for item in
            RunAssignment.objects.filter(run=run).select_related("entry__imported_list")}


def names(person: Person) -> list[str]:
    """A person's names, sorted."""
    return sorted(name.value for name in Person.objects.get(pk=person.pk).names.all())


def test_sakhanbayev_in_three_spellings_is_one_cluster_and_one_person(gate, collection,
                                                                      three_lists):
    run = services.run_linkage(gate, collection)
    labels = clusters(run)
    assert labels[("Official", 2)] == labels[("NGO", 2)] == labels[("Media", 2)]
    assert (run.record_count, run.cluster_count, run.seed, run.threshold) == (7, 4, 0, 0.5)
    assert len(run.input_sha256) == 64
    result = services.accept_clusters(gate, run)
    assert (len(result.created), len(result.joined), result.conflicts) == (4, 0, [])
    person = entry("Official", 2).person
    assert entry("NGO", 2).person == entry("Media", 2).person == person
    assert names(person) == ["Dosai Sahanbaev", "Sakhanbayev Dosai",
                             "Саханбаев Досай Ерланович"]
    assert (person.status, person.birth_date, person.sex) == ("dead", "1981-03-05", "unknown")
    assert Person.objects.count() == 4


def test_every_lists_value_is_kept_and_disagreements_are_flagged(gate, collection, three_lists):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    person = entry("Official", 2).person
    fields = queries.person_fields(gate, person)
    assert fields["date_of_death"] == [("Media", "2022-01-07"), ("NGO", "2022-01-06"),
                                       ("Official", "06.01.2022")]
    assert fields["cause_of_death"] == [("NGO", "gunshot")]
    assert sorted(flag.field for flag in Disagreement.objects.filter(person=person)) == [
        "date_of_death", "region"]


def test_linking_again_and_accepting_again_changes_no_person(gate, collection, three_lists):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    before = (Person.objects.count(), sorted(ListEntry.objects.values_list("id", "person_id")))
    result = services.accept_clusters(gate, services.run_linkage(gate, collection))
    assert (result.created, result.joined) == ([], [])
    assert (Person.objects.count(), sorted(ListEntry.objects.values_list("id", "person_id"))) \
        == before


def test_a_later_list_joins_the_existing_person(gate, collection, three_lists, tmp_path):
    from tests.lists.conftest import details, write

    services.accept_clusters(gate, services.run_linkage(gate, collection))
    person = entry("Official", 2).person
    path = write(tmp_path, "survey.csv", "record_id,full_name,birth_date\ns1,Дөсай Саханбаев,"
                 "1981-03-05\n")
    services.import_file(gate, collection, path, details=details("Survey"))
    result = services.accept_clusters(gate, services.run_linkage(gate, collection))
    assert ([p.pk for p in result.joined], result.created) == ([person.pk], [])
    assert entry("Survey", 2).person == person
    assert "Дөсай Саханбаев" in names(person)


def test_reviewers_decisions_override_the_model(gate, collection, three_lists):
    media, official, ngo = entry("Media", 2), entry("Official", 2), entry("NGO", 2)
    services.record_decision(gate, media, official, "not_match")
    services.record_decision(gate, media, ngo, "not_match")
    run = services.run_linkage(gate, collection)
    labels = clusters(run)
    assert labels[("Official", 2)] == labels[("NGO", 2)] != labels[("Media", 2)]
    assert run.labelled_count == 2


def test_a_wrong_merge_is_split_in_one_action_and_nothing_is_lost(gate, collection,
                                                                  three_lists):
    sadykov, zhumabekov = entry("NGO", 3), entry("Official", 4)
    services.record_decision(gate, sadykov, zhumabekov, "match", note="same family?")
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    merged = entry("NGO", 3).person
    assert entry("Official", 4).person == merged
    assert names(merged) == ["Sadykov Marat", "Жумабеков Нурлан Болатович"]

    newcomer = services.split_person(gate, merged, [sadykov.pk], "two different men")
    assert names(merged) == ["Жумабеков Нурлан Болатович"]
    assert names(newcomer) == ["Sadykov Marat"]
    assert (entry("NGO", 3).person, entry("Official", 4).person) == (newcomer, merged)
    assert Person.objects.count() == 4
    latest = ReviewDecision.objects.order_by("-at", "-created_at").first()
    assert (latest.decision, latest.reviewer, latest.note) == ("not_match", gate.user,
                                                               "two different men")
    labels = clusters(services.run_linkage(gate, collection))
    assert labels[("NGO", 3)] != labels[("Official", 4)]
    from qantar.audit.models import Revision
    history = Revision.objects.filter(object_id=merged.pk).order_by("at")
    assert "Sadykov Marat" in history.last().changes


def test_splitting_all_or_none_of_the_entries_is_refused_and_changes_nothing(gate, collection,
                                                                             three_lists):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    person = entry("Official", 2).person
    before = (Person.objects.count(), AuditEntry.objects.count())
    all_three = [entry(name, 2).pk for name in ("Official", "NGO", "Media")]
    for chosen in ([], all_three):
        with pytest.raises(ValidationFailed) as error:
            services.split_person(gate, person, chosen)
        assert error.value.code == "invalid_split"
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_decisions_are_append_only_and_the_latest_per_reviewer_counts(gate, collection,
                                                                      three_lists):
    other = Gate.for_user(member(make_user("dana"), collection, Role.DOCUMENTER))
    run = services.run_linkage(gate, collection)
    media, official = entry("Media", 3), entry("Official", 3)
    first = services.record_decision(gate, media, official, "not_match")
    services.record_decision(gate, media, official, "match")
    services.record_decision(other, official, media, "match")
    first.note = "changed"
    with pytest.raises(IntegrityFailure):
        first.save()
    with pytest.raises(IntegrityFailure):
        first.delete()
    assert services.consensus(ReviewDecision.objects.all()) == {
        tuple(sorted((str(media.pk), str(official.pk)))): True}
    stats = queries.review_stats(gate, collection, run)
    assert (stats.decisions, stats.reviewers, stats.pairs_with_two_reviewers,
            stats.pairs_agreeing, stats.agreement) == (3, 2, 1, 1, 1.0)
    services.record_decision(other, official, media, "not_match")
    stats = queries.review_stats(gate, collection, run)
    assert (stats.pairs_agreeing, stats.agreement, stats.by_decision) == (
        0, 0.0, {"match": 1, "not_match": 1})


def test_accepting_a_run_older_than_a_decision_is_refused(gate, collection, three_lists):
    run = services.run_linkage(gate, collection)
    services.record_decision(gate, entry("Media", 3), entry("Official", 3), "match")
    before = (Person.objects.count(), AuditEntry.objects.count())
    with pytest.raises(Conflict) as error:
        services.accept_clusters(gate, run)
    assert error.value.message == ("1 review decisions were made after this linkage run: run "
                                   "the linkage again so that they count.")
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_the_capture_history_csv_counts_people_on_each_combination_of_lists(gate, collection,
                                                                           three_lists):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    assert queries.capture_history_csv(gate, collection) == (
        "Media,NGO,Official,count\n"
        "1,1,1,1\n"
        "1,0,1,1\n"
        "0,1,0,1\n"
        "0,0,1,1\n")


def test_analysts_count_but_never_see_names_or_review(collection, gate, three_lists):
    analyst = Gate.for_user(member(make_user("analyst"), collection, Role.ANALYST))
    run = services.run_linkage(gate, collection)
    assert queries.capture_history_csv(analyst, collection).startswith("Media,NGO,Official,")
    with pytest.raises(PermissionDenied):
        queries.review_queue(analyst, run)
    with pytest.raises(PermissionDenied):
        queries.entries(analyst, entry("Official", 2).imported_list)
    with pytest.raises(PermissionDenied):
        services.run_linkage(analyst, collection)


def test_the_review_queue_holds_uncertain_pairs_not_yet_decided(gate, collection, three_lists):
    run = services.run_linkage(gate, collection)
    queue = list(queries.review_queue(gate, run))
    assert all(0.2 <= pair.probability <= 0.9 for pair in queue)
    for pair in queue:
        services.record_decision(gate, pair.left, pair.right, "unsure")
    assert list(queries.review_queue(gate, run)) == []
