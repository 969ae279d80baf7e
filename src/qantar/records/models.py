"""Who did what to whom, after the HURIDOCS Events Standard Formats, made simple.

Event ← Violation (the act) → Person (victim); Involvement names who was responsible;
Source + Citation support every record; Testimony keeps a person's own account.
Identifying and narrative fields are sealed (encrypted) under the person's data key.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qantar.common.fields import PartialDateField, SealedTextField
from qantar.common.models import CollectionRecord, QantarModel
from qantar.records.choices import (
    ConsentDecision,
    ConsentMethod,
    ConsentPurpose,
    InvolvementDegree,
    Language,
    NameKind,
    OrganisationKind,
    PersonStatus,
    PlaceKind,
    Reliability,
    Script,
    Sex,
    ViolationStatus,
)


class Place(QantarModel):
    """Country → region → city → site. Public reference data shared by all collections."""

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("part of"),
    )
    site_type = models.ForeignKey(
        "vocab.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "site_type"},
        verbose_name=_("site type"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def lineage(self) -> list[Place]:
        """This place and its parents, outermost first."""
        chain, place = [], self
        while place is not None and len(chain) < 10:
            chain.append(place)
            place = place.parent
        return list(reversed(chain))


class Organisation(QantarModel):
    """Agencies, units, courts, prosecutor's offices, NGOs, media outlets (public reference)."""

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    agency = models.ForeignKey(
        "vocab.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary": "agency"},
        verbose_name=_("agency type"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("part of"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(CollectionRecord):
    """Where a fact comes from, with a reliability grade."""

    title = models.CharField(_("title"), max_length=500)
    source_type = models.ForeignKey(
        "vocab.Term",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type"),
        limit_choices_to={"vocabulary": "source_type"},
    )
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    published = PartialDateField(_("published"))
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    url = models.URLField(_("address (URL)"), max_length=1000, blank=True)
    reliability = models.CharField(
        _("reliability"), max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    description = SealedTextField(_("description"))

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Event(CollectionRecord):
    """What happened, where and when."""

    title = models.CharField(_("title"), max_length=500)
    description = SealedTextField(_("description"))
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("place"),
    )
    date = PartialDateField(_("date"), bounds=("date_earliest", "date_latest"))
    date_earliest = models.DateField(null=True, editable=False, db_index=True)
    date_latest = models.DateField(null=True, editable=False, db_index=True)

    class Meta:
        ordering = ["date_earliest", "title"]

    def __str__(self) -> str:
        return self.title


class Person(CollectionRecord):
    """A victim, witness or perpetrator. Every identifying detail is sealed."""

    pseudonym = models.CharField(_("pseudonym"), max_length=16, unique=True, editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    status = models.CharField(
        _("status"), max_length=8, choices=PersonStatus.choices, default=PersonStatus.UNKNOWN
    )
    # Age at the time of the events: needed unsealed for statistics (children).
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    groups = models.ManyToManyField(
        "vocab.Term",
        blank=True,
        related_name="+",
        limit_choices_to={"vocabulary": "victim_group"},
        verbose_name=_("groups"),
    )
    birth_date = SealedTextField(_("birth date"))
    iin = SealedTextField(_("identity number (IIN)"))
    occupation = SealedTextField(_("occupation"))
    contact = SealedTextField(_("contact and address"))
    notes = SealedTextField(_("notes"))
    # Set when the person's data key was destroyed: their sealed data is gone for ever.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.pseudonym


class PersonName(QantarModel):
    """One name of a person, as a source wrote it or as officially spelled."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    key_id = models.UUIDField(editable=False)
    value = SealedTextField(_("name"))
    script = models.CharField(_("script"), max_length=8, choices=Script.choices)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=NameKind.choices, default=NameKind.AS_WRITTEN
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "created_at"]

    def __str__(self) -> str:
        return f"name of {self.person_id}"


class SearchToken(models.Model):
    """Blind index: keyed hashes of normalised tokens of sealed text, never the words."""

    collection_id = models.UUIDField()
    object_type = models.CharField(max_length=32)
    object_id = models.UUIDField(db_index=True)
    digest = models.CharField(max_length=32)

    class Meta:
        # Searches start from the digest; a collection-only index would make SQLite scan
        # every token of a collection.
        indexes = [models.Index(fields=["digest", "object_type", "collection_id"],
                                name="search_token_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "digest"], name="unique_search_token"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} token"


class Violation(CollectionRecord):
    """An act: what was done to the victim, where, when, how, and with what consequences."""

    victim = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="violations", verbose_name=_("victim")
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
        verbose_name=_("event"),
    )
    type = models.ForeignKey(
        "vocab.Term",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type"),
        limit_choices_to={"vocabulary": "violation_type"},
    )
    methods = models.ManyToManyField(
        "vocab.Term",
        blank=True,
        related_name="+",
        verbose_name=_("methods"),
        limit_choices_to={"vocabulary": "torture_method"},
    )
    consequences = models.ManyToManyField(
        "vocab.Term",
        blank=True,
        related_name="+",
        verbose_name=_("consequences"),
        limit_choices_to={"vocabulary": "consequence"},
    )
    date = PartialDateField(_("date"), bounds=("date_earliest", "date_latest"))
    date_earliest = models.DateField(null=True, editable=False, db_index=True)
    date_latest = models.DateField(null=True, editable=False, db_index=True)
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
        verbose_name=_("place"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ViolationStatus.choices,
        default=ViolationStatus.ALLEGED,
    )
    description = SealedTextField(_("description"))

    class Meta:
        ordering = ["date_earliest", "created_at"]

    def __str__(self) -> str:
        return f"{self.type.code} of {self.victim.pseudonym}"


class Involvement(QantarModel):
    """Who was responsible for a violation: an organisation unit and/or a named person."""

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="involvements")
    key_id = models.UUIDField(editable=False)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
        verbose_name=_("organisation or unit"),
    )
    perpetrator = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="perpetrated",
        verbose_name=_("perpetrator (person)"),
    )
    perpetrator_name = SealedTextField(_("perpetrator's name as reported"))
    degree = models.CharField(
        _("degree"),
        max_length=32,
        choices=InvolvementDegree.choices,
        default=InvolvementDegree.UNKNOWN,
    )

    def __str__(self) -> str:
        return f"{self.degree} in {self.violation_id}"


class Testimony(CollectionRecord):
    """A person's own account, sealed under their data key."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="testimonies", verbose_name=_("given by")
    )
    text = SealedTextField(_("text"))
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.RUSSIAN
    )
    taken_on = PartialDateField(_("date taken"))
    taken_by = models.CharField(_("taken by"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = _("testimonies")

    def __str__(self) -> str:
        return f"testimony of {self.person_id}"


class Citation(QantarModel):
    """A source supporting a record (optionally one field of it)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    object_type = models.CharField(max_length=32, db_index=True)
    object_id = models.UUIDField(db_index=True)
    key_id = models.UUIDField(editable=False)
    field = models.CharField(_("field"), max_length=64, blank=True)
    locator = models.CharField(_("page or place in the source"), max_length=200, blank=True)
    quote = SealedTextField(_("quote"))
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"citation of {self.source_id}"


class Consent(QantarModel):
    """One consent decision for one purpose; the newest decision per purpose is in force.

    Decisions are never edited: a withdrawal or a change is a new row.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    testimony = models.ForeignKey(
        Testimony, null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    key_id = models.UUIDField(editable=False)
    purpose = models.CharField(_("purpose"), max_length=24, choices=ConsentPurpose.choices)
    decision = models.CharField(_("decision"), max_length=12, choices=ConsentDecision.choices)
    method = models.CharField(_("how it was given"), max_length=16, choices=ConsentMethod.choices)
    decided_on = models.DateField(_("date"))
    # Named partners for sharing, conditions; sealed because it can identify the person.
    conditions = SealedTextField(_("partners and conditions"))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    second_approval_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.decision}"


class LegalHold(QantarModel):
    """A hold that blocks erasure of a person's records and evidence, with its reason.

    A hold placed from an evidence file names it (``evidence``): it still holds the person the
    file is about, because erasing them is what would destroy the file.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_holds")
    evidence = models.ForeignKey(
        "evidence.EvidenceItem", null=True, blank=True, on_delete=models.PROTECT,
        related_name="legal_holds", verbose_name=_("evidence file"))
    reason = models.CharField(_("reason"), max_length=500)
    placed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"hold on {self.person_id}"
