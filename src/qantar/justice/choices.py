"""Closed sets for the justice app. The stage rules themselves live in qantar.core.justice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qantar.core.justice import AppealResult, Stage, Status


class StageKind(models.TextChoices):
    """A step of a proceeding (values are qantar.core.justice.Stage)."""

    REGISTERED = Stage.REGISTERED.value, _("Registered")
    REFUSED = Stage.REFUSED.value, _("Registration refused")
    INVESTIGATION_OPENED = Stage.INVESTIGATION_OPENED.value, _("Investigation opened")
    REQUALIFIED = Stage.REQUALIFIED.value, _("Re-qualified (charges changed)")
    SUSPENDED = Stage.SUSPENDED.value, _("Suspended")
    CLOSED = Stage.CLOSED.value, _("Closed")
    REOPENED = Stage.REOPENED.value, _("Reopened")
    INDICTMENT = Stage.INDICTMENT.value, _("Indictment")
    SENT_TO_COURT = Stage.SENT_TO_COURT.value, _("Sent to court")
    HEARING = Stage.HEARING.value, _("Hearing")
    VERDICT = Stage.VERDICT.value, _("Verdict")
    APPEAL = Stage.APPEAL.value, _("Appeal filed")
    APPEAL_DECIDED = Stage.APPEAL_DECIDED.value, _("Appeal decided")
    FINAL = Stage.FINAL.value, _("Final (in force)")
    RETRACTED = Stage.RETRACTED.value, _("Retracted (entry was a mistake)")


class ProceedingStatus(models.TextChoices):
    """Where a proceeding stands (derived from its stages, never typed)."""

    NOT_STARTED = Status.NOT_STARTED.value, _("No stage recorded")
    REGISTERED = Status.REGISTERED.value, _("Registered")
    REFUSED = Status.REFUSED.value, _("Refused")
    INVESTIGATING = Status.INVESTIGATING.value, _("Under investigation")
    SUSPENDED = Status.SUSPENDED.value, _("Suspended")
    CLOSED = Status.CLOSED.value, _("Closed")
    INDICTED = Status.INDICTED.value, _("Indicted")
    AT_TRIAL = Status.AT_TRIAL.value, _("At trial")
    DECIDED = Status.DECIDED.value, _("Decided")
    ON_APPEAL = Status.ON_APPEAL.value, _("On appeal")
    FINAL = Status.FINAL.value, _("Final")


class AppealOutcome(models.TextChoices):
    """The result of an appeal."""

    UPHELD = AppealResult.UPHELD.value, _("Upheld (decision stands)")
    CHANGED = AppealResult.CHANGED.value, _("Changed (e.g. sentence reduced)")
    OVERTURNED = AppealResult.OVERTURNED.value, _("Overturned (quashed)")


class ClosureGround(models.TextChoices):
    """Why a case was closed (grounds as investigators word them; CPC RK art. 35 and others)."""

    NO_EVIDENCE = "no_evidence", _("No evidence of a crime")
    NO_CRIME_EVENT = "no_crime_event", _("No event of a crime")
    NO_CORPUS_DELICTI = "no_corpus_delicti", _("No elements of a crime in the act")
    NOT_INVOLVED = "not_involved", _("Suspect's involvement not proven")
    PERPETRATOR_NOT_IDENTIFIED = "perpetrator_not_identified", _("Perpetrator not identified")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped by the prosecution")
    AMNESTY = "amnesty", _("Amnesty")
    RECONCILIATION = "reconciliation", _("Reconciliation of the parties")
    LIMITATION = "limitation", _("Statute of limitations")
    DEATH = "death", _("Death of the suspect")
    NOT_STATED = "not_stated", _("Ground not stated in the source")
    OTHER = "other", _("Other ground")


class Procedure(models.TextChoices):
    """Criminal or administrative."""

    CRIMINAL = "criminal", _("Criminal case")
    ADMINISTRATIVE = "administrative", _("Administrative offence case")


class Against(models.TextChoices):
    """Whom a proceeding is against: officials (accountability) or people it persecutes."""

    OFFICIALS = "officials", _("Officials (torture, abuse of power…)")
    VICTIM = "victim", _("A victim or protester")
    ACTIVIST = "activist", _("An activist or human rights defender")
    JOURNALIST = "journalist", _("A journalist")


class AuthorityKind(models.TextChoices):
    """The kind of authority a complaint goes to or a case is run by."""

    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    POLICE = "police", _("Police")
    KNB = "knb", _("National Security Committee (KNB)")
    ANTI_CORRUPTION = "anti_corruption", _("Anti-corruption agency")
    OMBUDSMAN = "ombudsman", _("Human rights commissioner (ombudsman)")
    COURT = "court", _("Court")
    INTERNATIONAL = "international", _("International body")
    OTHER = "other", _("Other")


class FiledBy(models.TextChoices):
    """Who filed a complaint."""

    VICTIM = "victim", _("The victim")
    RELATIVE = "relative", _("A relative")
    LAWYER = "lawyer", _("A lawyer")
    NGO = "ngo", _("An NGO")
    OTHER = "other", _("Someone else")


class ComplaintResponse(models.TextChoices):
    """What the authority answered."""

    AWAITING = "awaiting", _("No answer yet")
    REGISTERED = "registered", _("Registered")
    INVESTIGATION_OPENED = "investigation_opened", _("Investigation opened")
    FORWARDED = "forwarded", _("Forwarded to another authority")
    REFUSED = "refused", _("Refused")
    NO_VIOLATION_FOUND = "no_violation_found", _("No violation found")
    OTHER = "other", _("Other answer")


class PartyRole(models.TextChoices):
    """A person's part in a proceeding."""

    DEFENDANT = "defendant", _("Defendant or suspect")
    VICTIM = "victim", _("Victim")


class VerdictOutcome(models.TextChoices):
    """What a court decided for one defendant."""

    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    CASE_DROPPED = "case_dropped", _("Case dropped")


class SentenceKind(models.TextChoices):
    """The kind of sentence."""

    IMPRISONMENT = "imprisonment", _("Imprisonment")
    SUSPENDED = "suspended", _("Suspended sentence")
    RESTRICTED_FREEDOM = "restricted_freedom", _("Restricted freedom")
    ADMINISTRATIVE_DETENTION = "administrative_detention", _("Administrative detention")
    FINE = "fine", _("Fine")
    WARNING = "warning", _("Warning")
    NONE = "none", _("No sentence")
    OTHER = "other", _("Other")


class RemedyKind(models.TextChoices):
    """What a victim obtained."""

    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    APOLOGY = "apology", _("Apology")
    COMPENSATION = "compensation", _("Compensation")
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    NONE = "none", _("None")


class DeadlineKind(models.TextChoices):
    """A date a lawyer must not miss."""

    HEARING = "hearing", _("Next hearing")
    PROCEDURAL_LIMIT = "procedural_limit", _("Procedural time limit")
    APPEAL_WINDOW = "appeal_window", _("Last day to appeal")
    RESPONSE_DUE = "response_due", _("Answer due from an authority")
    OTHER = "other", _("Other")


class Answer(models.TextChoices):
    """An answer to one fair-trial indicator."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNCLEAR = "unclear", _("Could not tell")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Openness(models.TextChoices):
    """Whether the public could attend."""

    PUBLIC = "public", _("Public")
    PARTLY = "partly", _("Partly public (restricted)")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Unknown")


class LegalCode(models.TextChoices):
    """The code an article belongs to."""

    CRIMINAL = "criminal_code", _("Criminal Code")
    CRIMINAL_PROCEDURE = "criminal_procedure_code", _("Code of Criminal Procedure")
    ADMINISTRATIVE = "administrative_code", _("Code of Administrative Offences")


class Funnel(models.TextChoices):
    """The two funnels: accountability of officials, and prosecutions of people."""

    OFFICIALS = "officials", _("Complaints against officials")
    PROSECUTIONS = "prosecutions", _("Prosecutions of victims, activists and journalists")


class FunnelStage(models.TextChoices):
    """A stage of a funnel, to which a reported (official) figure can be matched."""

    DOCUMENTED = "documented", _("Violations documented")
    COMPLAINTS = "complaints", _("Complaints filed")
    INVESTIGATIONS = "investigations", _("Investigations opened")
    CLOSED = "closed", _("Closed")
    SENT_TO_COURT = "sent_to_court", _("Sent to court")
    CONVICTIONS = "convictions", _("Convicted")
    ACQUITTALS = "acquittals", _("Acquitted")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    AMNESTIED = "amnestied", _("Amnestied")


class FigureUnit(models.TextChoices):
    """What a reported figure counts."""

    COUNT = "count", _("Number")
    PERCENT = "percent", _("Percent")
