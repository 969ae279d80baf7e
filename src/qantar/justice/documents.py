"""Documents lawyers need, generated from the records: a complaint summary the victim can sign,
and a draft communication to the UN Committee against Torture (CAT, art. 22 of the
Convention) or an urgent appeal to the Special Rapporteur on torture.

A document is built once as sections of plain paragraphs in the language asked for (English
or Russian — the document's language, independent of the interface's), then rendered as a
printable page, as editable text, or as PDF (WeasyPrint). The domestic remedies are taken
from the complaints and the stage history. These are drafts for a lawyer to check and
complete, never filings in themselves.

Names and narratives appear only for users who may see identities; anything that leaves as
a file (text or PDF) is audited, and the UN drafts leave only with the person's consent to
submission to UN bodies and courts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qantar.accounts.choices import Capability
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.web import person_label
from qantar.core.errors import NotFound, ValidationFailed
from qantar.justice import queries
from qantar.justice.models import Complaint, Proceeding
from qantar.records.choices import ConsentPurpose
from qantar.records.queries import consent_in_force
from qantar.records.services import require_consent

LANGUAGES = ("en", "ru")
KINDS = ("cat", "urgent_appeal")

STAGES = {
    "en": {"registered": "registered", "refused": "registration refused",
           "investigation_opened": "investigation opened",
           "requalified": "charges re-qualified", "suspended": "investigation suspended",
           "closed": "case closed", "reopened": "case reopened", "indictment": "indictment",
           "sent_to_court": "case sent to court", "hearing": "court hearing",
           "verdict": "verdict", "appeal": "appeal filed", "appeal_decided": "appeal decided",
           "final": "judgment final", "retracted": "entry retracted"},
    "ru": {"registered": "зарегистрировано", "refused": "отказано в регистрации",
           "investigation_opened": "начато досудебное расследование",
           "requalified": "переквалифицировано", "suspended": "расследование приостановлено",
           "closed": "дело прекращено", "reopened": "производство возобновлено",
           "indictment": "обвинительный акт", "sent_to_court": "дело направлено в суд",
           "hearing": "судебное заседание", "verdict": "приговор (постановление)",
           "appeal": "подана жалоба (апелляция)", "appeal_decided": "жалоба рассмотрена",
           "final": "решение вступило в силу", "retracted": "запись отозвана"},
}
GROUNDS = {
    "en": {"no_evidence": "no evidence of a crime", "no_crime_event": "no event of a crime",
           "no_corpus_delicti": "no elements of a crime", "not_involved":
           "involvement not proven", "perpetrator_not_identified":
           "perpetrator not identified", "charges_dropped": "charges dropped",
           "amnesty": "amnesty", "reconciliation": "reconciliation", "limitation":
           "statute of limitations", "death": "death of the suspect",
           "not_stated": "ground not stated", "other": "other ground"},
    "ru": {"no_evidence": "отсутствие доказательств преступления",
           "no_crime_event": "отсутствие события уголовного правонарушения",
           "no_corpus_delicti": "отсутствие состава уголовного правонарушения",
           "not_involved": "непричастность не опровергнута",
           "perpetrator_not_identified": "лицо не установлено",
           "charges_dropped": "обвинение снято", "amnesty": "амнистия",
           "reconciliation": "примирение сторон", "limitation": "истечение срока давности",
           "death": "смерть подозреваемого", "not_stated": "основание не указано",
           "other": "иное основание"},
}
AUTHORITIES = {
    "en": {"prosecutor": "prosecutor's office", "police": "police", "knb":
           "National Security Committee (KNB)", "anti_corruption": "anti-corruption agency",
           "ombudsman": "human rights commissioner", "court": "court",
           "international": "international body", "other": "other authority", "": "authority"},
    "ru": {"prosecutor": "прокуратура", "police": "полиция", "knb": "КНБ",
           "anti_corruption": "антикоррупционная служба",
           "ombudsman": "уполномоченный по правам человека", "court": "суд",
           "international": "международный орган", "other": "иной орган", "": "орган"},
}
FILERS = {
    "en": {"victim": "the victim", "relative": "a relative", "lawyer": "a lawyer",
           "ngo": "an NGO", "other": "someone else"},
    "ru": {"victim": "потерпевший", "relative": "родственник", "lawyer": "адвокат",
           "ngo": "НПО", "other": "иное лицо"},
}
ANSWERS = {
    "en": {"awaiting": "no answer yet", "registered": "registered",
           "investigation_opened": "investigation opened", "forwarded": "forwarded",
           "refused": "refused", "no_violation_found": "no violation found",
           "other": "other answer"},
    "ru": {"awaiting": "ответа нет", "registered": "зарегистрирована",
           "investigation_opened": "начато расследование", "forwarded": "перенаправлена",
           "refused": "отказано", "no_violation_found": "нарушений не выявлено",
           "other": "иной ответ"},
}
TEXT = {
    "en": {
        "summary_title": "Complaint summary", "cat_title":
        "Draft individual communication to the UN Committee against Torture (art. 22 CAT)",
        "urgent_appeal_title":
        "Draft urgent appeal to the UN Special Rapporteur on torture",
        "victim": "Victim", "filed": "Filed", "by": "by", "to": "with", "reference":
        "Reference", "violations": "Violations complained of", "what": "What the complaint says",
        "answer": "Answer", "none": "none recorded", "sign": "I confirm that this summary is "
        "accurate and that I agree to its use for my complaint.",
        "signature": "Signature: ______________________    Date: ______________",
        "author": "1. Author and victim", "state": "2. State party: Republic of Kazakhstan "
        "(party to the Convention since 1998; declaration under art. 22 made in 2008).",
        "facts": "3. Facts", "claims": "4. Violations of the Convention",
        "remedies": "5. Exhaustion of domestic remedies", "other": "6. No other international "
        "procedure: the same matter has not been submitted elsewhere (to be confirmed).",
        "request": "7. Requests", "case": "The case", "draft": "DRAFT — to be checked and "
        "completed by the lawyer before filing.", "consent":
        "The person's consent to submission to UN bodies is not recorded: this draft cannot "
        "be downloaded until it is.", "hidden": "[name withheld]",
        "cat_claims": "Article 1 and 2 (torture), 16 (ill-treatment), 12 and 13 (no prompt and "
        "impartial investigation of the complaints), 14 (no redress).",
        "cat_request": "The author asks the Committee to find violations of articles 1, 2, 12, "
        "13, 14 and 16, and to request an effective investigation, prosecution of those "
        "responsible, and full redress including compensation and rehabilitation.",
        "ua_request": "The Special Rapporteur is asked to intervene urgently with the "
        "Government of Kazakhstan to ensure the person's safety, an independent "
        "investigation, access to a lawyer of their choice and to medical care.",
        "no_steps": "No step of the domestic proceedings is recorded.",
        "amount": "amount",
    },
    "ru": {
        "summary_title": "Краткое изложение жалобы", "cat_title":
        "Проект индивидуального сообщения в Комитет ООН против пыток (ст. 22 Конвенции)",
        "urgent_appeal_title":
        "Проект срочного обращения к Специальному докладчику ООН по вопросу о пытках",
        "victim": "Потерпевший", "filed": "Подана", "by": "кем:", "to": "куда:",
        "reference": "Номер", "violations": "Обжалуемые нарушения",
        "what": "Содержание жалобы", "answer": "Ответ", "none": "не записано",
        "sign": "Подтверждаю, что изложение верно, и согласен(на) с его использованием "
        "для моей жалобы.",
        "signature": "Подпись: ______________________    Дата: ______________",
        "author": "1. Автор и жертва", "state": "2. Государство-участник: Республика Казахстан "
        "(участник Конвенции с 1998 года; заявление по ст. 22 сделано в 2008 году).",
        "facts": "3. Факты", "claims": "4. Нарушения Конвенции",
        "remedies": "5. Исчерпание внутренних средств правовой защиты",
        "other": "6. Тот же вопрос не рассматривается в рамках другой процедуры международного "
        "разбирательства (подлежит подтверждению).", "request": "7. Просьбы",
        "case": "Дело", "draft": "ПРОЕКТ — адвокату проверить и дополнить до подачи.",
        "consent": "Согласие лица на обращение в органы ООН не записано: проект нельзя "
        "скачать, пока оно не будет получено.", "hidden": "[имя скрыто]",
        "cat_claims": "Статьи 1 и 2 (пытки), 16 (жестокое обращение), 12 и 13 (нет быстрого и "
        "беспристрастного расследования жалоб), 14 (нет возмещения).",
        "cat_request": "Автор просит Комитет признать нарушение статей 1, 2, 12, 13, 14 и 16 и "
        "предложить государству провести эффективное расследование, привлечь виновных к "
        "ответственности и предоставить полное возмещение, включая компенсацию и "
        "реабилитацию.",
        "ua_request": "Специального докладчика просят срочно обратиться к Правительству "
        "Казахстана, чтобы обеспечить безопасность лица, независимое расследование, доступ к "
        "адвокату по выбору и к медицинской помощи.",
        "no_steps": "Шаги внутреннего производства не записаны.", "amount": "сумма",
    },
}


@dataclass
class Section:
    """A heading and its paragraphs."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Document:
    """A generated document, ready to render."""

    title: str
    language: str
    filename: str
    sections: list[Section]
    notice: str = ""
    signature: str = ""

    def as_text(self) -> str:
        """Editable plain text."""
        lines = [self.title, "=" * len(self.title), ""]
        if self.notice:
            lines += [self.notice, ""]
        for section in self.sections:
            lines += [section.heading, "-" * len(section.heading), *section.paragraphs, ""]
        if self.signature:
            lines += ["", self.signature]
        return "\n".join(lines).rstrip() + "\n"


def _check_language(language: str) -> dict[str, str]:
    if language not in LANGUAGES:
        raise NotFound()
    return TEXT[language]


def _name(gate: Gate, person: Any, text: dict[str, str]) -> str:
    if person is None:
        return "—"
    if not gate.sees_identities(person.collection_id):
        return f"{text['hidden']} ({person.pseudonym})"
    return person_label(gate, person)


def _violation_lines(gate: Gate, violations: Any, language: str) -> list[str]:
    identities = None
    lines = []
    for violation in violations:
        identities = gate.sees_identities(violation.collection_id)
        term = violation.type
        label = getattr(term, f"label_{language}", "") or term.label_en
        where = violation.place.name if violation.place else ""
        line = f"{violation.date or '?'} — {label}" + (f" — {where}" if where else "")
        if identities and violation.description:
            line += f": {violation.description}"
        lines.append(line)
    return lines


def _authority(complaint: Complaint, language: str) -> str:
    if complaint.authority:
        return str(complaint.authority.name)
    return AUTHORITIES[language].get(complaint.authority_kind, "")


def _complaint_line(complaint: Complaint, language: str) -> str:
    text = TEXT[language]
    authority = _authority(complaint, language)
    line = f"{complaint.filed_on}: {text['filed']} — {authority}"
    answer = ANSWERS[language].get(complaint.response, complaint.response)
    line += f"; {text['answer']}: {answer}"
    if complaint.response_on:
        line += f" ({complaint.response_on})"
    return line


def _audit_file(gate: Gate, record: Any, kind: str, language: str, fmt: str) -> None:
    if fmt in {"txt", "pdf"}:
        record_event(AuditAction.EXPORT, actor=gate.user, obj=record,
                     details={"document": kind, "language": language, "format": fmt})


def complaint_summary(gate: Gate, complaint: Complaint, language: str,
                      fmt: str = "html") -> Document:
    """A one-page summary of a complaint for the victim to check and sign."""
    text = _check_language(language)
    sections = [Section(text["summary_title"], [
        f"{text['victim']}: {_name(gate, complaint.person, text)}",
        f"{text['filed']}: {complaint.filed_on} — {text['by']} "
        f"{FILERS[language].get(complaint.filed_by, complaint.filed_by)}"
        + (f" ({complaint.filer_name})" if gate.sees_identities(complaint.collection_id)
           and complaint.filer_name else ""),
        f"{text['to']} {_authority(complaint, language)}",
        f"{text['reference']}: {complaint.reference or '—'}",
    ])]
    sections.append(Section(text["violations"], _violation_lines(
        gate, complaint.violations.select_related("type", "place"), language)
        or [text["none"]]))
    identities = gate.sees_identities(complaint.collection_id)
    sections.append(Section(text["what"], [(complaint.summary or text["none"]) if identities
                                           else text["hidden"]]))
    sections.append(Section(text["answer"], [_complaint_line(complaint, language)]))
    _audit_file(gate, complaint, "complaint_summary", language, fmt)
    return Document(text["summary_title"], language, f"complaint-{str(complaint.pk)[:8]}",
                    sections, signature=f"{text['sign']}\n\n{text['signature']}")


def _remedy_lines(gate: Gate, case: Proceeding, language: str) -> list[str]:
    """Complaints and every step in force, in order: the domestic remedies pursued."""
    lines = [_complaint_line(c, language) for c in case.complaints.order_by("filed_earliest")]
    for item in queries.stage_history(case):
        if not item.is_in_force:
            continue
        entry = item.entry
        line = f"{entry.date or '?'}: {STAGES[language].get(entry.stage, entry.stage)}"
        if entry.ground:
            line += f" ({GROUNDS[language].get(entry.ground, entry.ground)})"
        if entry.result:
            line += f" — {entry.result}"
        if entry.authority:
            line += f" — {entry.authority.name}"
        lines.append(line)
    return lines or [TEXT[language]["no_steps"]]


def un_document(gate: Gate, case: Proceeding, kind: str, language: str,
                fmt: str = "html") -> Document:
    """A draft CAT communication or urgent appeal about a case against officials."""
    text = _check_language(language)
    if kind not in KINDS:
        raise NotFound()
    if case.person is None:
        raise ValidationFailed("no_victim", "Choose the victim of the case first.", "person")
    if fmt in {"txt", "pdf"}:
        gate.require(case.collection_id, Capability.VIEW_IDENTITIES)
        require_consent(gate, case.person, ConsentPurpose.SUBMIT_UN_COURTS, "un_document")
    identities = gate.sees_identities(case.collection_id)
    violations = case.violations.select_related("type", "place")
    sections = [
        Section(text["author"], [f"{text['victim']}: {_name(gate, case.person, text)}"]),
        Section(text["state"], []),
        Section(text["facts"], [(case.summary or "") if identities else text["hidden"],
                                *_violation_lines(gate, violations, language)]),
        Section(text["claims"], [text["cat_claims"]]),
        Section(text["remedies"], _remedy_lines(gate, case, language)),
    ]
    if kind == "cat":
        sections += [Section(text["other"], []), Section(text["request"],
                                                         [text["cat_request"]])]
    else:
        sections.append(Section(text["request"], [text["ua_request"]]))
    notice = text["draft"]
    if not consent_in_force(case.person, ConsentPurpose.SUBMIT_UN_COURTS):
        notice += " " + text["consent"]
    _audit_file(gate, case, kind, language, fmt)
    return Document(text[f"{kind}_title"], language, f"{kind}-{language}-{str(case.pk)[:8]}",
                    sections, notice=notice)


PDF_CSS = """
@page { size: A4; margin: 2cm; }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10.5pt; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 14pt; }
.notice { border: 1.5pt solid #a32a1d; padding: 4pt; }
.signature { margin-top: 30pt; white-space: pre-line; }
"""


def as_pdf(document: Document) -> bytes:
    """The document as PDF (WeasyPrint, offline: system fonts, no external resources)."""
    from django.template.loader import render_to_string

    try:
        from weasyprint import CSS, HTML
    except ImportError:  # an optional dependency: the page and the text still work
        raise ValidationFailed("pdf_unavailable", "PDF output needs WeasyPrint "
                               "(pip install weasyprint); download the text instead.") from None
    html = render_to_string("justice/document_print.html", {"document": document})
    return bytes(HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)]))
