"""The clinician summary: one or two pages for the notes, with the coding summary at the end.

Written for a colleague, so it is terse and uses clinical terms; the person's own copy is the plain
English one. The ACB total is recomputed here from the medicines list so the printed figure always
matches the medicines printed beside it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from careplanner.clinical.acb import ACB_SCALE_NOTE
from careplanner.clinical.acb_text import acb_check_lines
from careplanner.clinical.enums import AgreedWith, CprDecision, PlanStatus
from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.coding import coding_summary
from careplanner.export.plan_frame import build_frame, person_name
from careplanner.export.summary_safety import safety_lines, score_line
from careplanner.services.acb_checks import checked_total
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import ConditionData, MedicalSection, PlanVersion

TITLE = "Care and support plan: clinician summary"


def _notes_style(s: pb.Styles) -> ParagraphStyle:
    """Compact black text: the summary must fit two pages, but grey 9 pt photocopies badly."""
    return ParagraphStyle("notes", parent=s.small, textColor=colors.black)


def _table(rows: list[list[str]], widths: list[str], s: pb.Styles) -> Table:
    notes = _notes_style(s)
    cells = [[pb.para(c, notes if i else s.bold) for c in row] for i, row in enumerate(rows)]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), pb.NHS_PALE_GREY),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, pb.NHS_GREY),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _lines(title: str, lines: list[str], s: pb.Styles) -> list[Flowable]:
    lines = [line for line in lines if line.strip()]
    notes = _notes_style(s)
    return [Paragraph(title, s.h3), *(pb.para(line, notes) for line in lines)] if lines else []


def _words(value: StrEnum) -> str:
    """A coded value in plain words: "not_reviewed" → "Not reviewed" (never the stored name)."""
    text = str(value.value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _condition_line(x: ConditionData) -> str:
    line = f"{x.term} ({x.snomed_code})" if x.snomed_code else x.term
    return f"{line} [{x.clinical_status}]" if x.is_history and line.strip() else line


def allergy_lines(medical: MedicalSection) -> list[str]:
    """Never silent: listed allergies, else whether none are known or nothing was recorded."""
    current = [a for a in medical.allergies if a.substance.strip() and not a.is_history]
    lines = [", ".join(p for p in (a.substance, a.reaction, a.severity) if p) for a in current]
    if not lines:
        lines = [
            "None known (recorded)." if medical.review.no_known_allergies else "NOT RECORDED: ask and record."
        ]
    elif medical.review.no_known_allergies:
        lines.append("Also ticked 'No known allergies': check which is right.")
    past = [a for a in medical.allergies if a.substance.strip() and a.is_history]
    lines += [f"Past ({a.clinical_status}): {a.substance}" for a in past]
    return lines


def agreed_by(plan: PlanVersion) -> str:
    """'Jane Doyle (practice nurse) with the representative, Aoife Doyle (daughter)'."""
    if plan.provenance is not None:  # agreed elsewhere and imported (services/plan_provenance.py)
        return plan.provenance.line
    who = plan.agreed_by_name or "unknown"
    if plan.agreed_by_role.strip():
        who += f" ({plan.agreed_by_role.strip()})"
    if plan.agreed_with is AgreedWith.REPRESENTATIVE:
        rep = plan.representative_name.strip() or "not named"
        role = plan.representative_role.strip()
        who += f" with the representative, {rep}" + (f" ({role})" if role else "")
    elif plan.agreed_with is not None:
        who += f" with the {plan.agreed_with.value}"
    return who


def needs_line(person: PersonRecord) -> str:
    """The person's communication needs, with an interpreter's language, or 'none recorded'."""
    parts = []
    for n in person.details.communication_needs:
        label = _words(n.need)
        parts.append(f"{label} ({n.detail.strip()})" if n.detail.strip() else label)
    return "; ".join(parts) if parts else "none recorded"


def decline_line(plan: PlanVersion) -> str:
    """The decline, its reason and the code to record (or that there is no verified code)."""
    line = f"Declined a written plan: {plan.declined_reason.strip() or 'reason not recorded'}."
    coded = [e for e in coding_summary(plan) if "declined" in e.event.casefold()]
    if coded and coded[0].code:
        line += f" Code: {coded[0].code} {coded[0].term}."
    elif coded:
        line += " No verified SNOMED CT code applies: record as text."
    return line


def build_story(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    s: pb.Styles,
    newer_draft_started: date | None = None,
) -> list[Flowable]:
    c = plan.content
    notes = _notes_style(s)
    d = person.details
    sh = c.sharing.sharing
    status = (
        "DRAFT, not yet agreed" if plan.is_draft else f"{plan.status.value}, version {plan.version_number}"
    )
    if plan.agreed_at and not plan.is_draft:
        status += f", {pb.long_date(plan.agreed_at.date())} by {agreed_by(plan)}"
    out: list[Flowable] = [
        Paragraph(TITLE, s.h2),
        Paragraph(
            f"<b>{pb.text(person_name(person))}</b> · NHS number "
            f"{format_nhs_number(d.nhs_number) if d.nhs_number else 'not recorded'}"
            f" · born {pb.long_date(d.date_of_birth)}"
            + (f" · {pb.text(practice.practice_name)} ({pb.text(practice.ods_code)})" if practice else ""),
            s.body,
        ),
        pb.para(
            f"Plan: {status}. Review by {pb.long_date(sh.review_date) or 'not set'}. "
            f"Coordinator: {sh.lead_coordinator_name or 'not named'}.",
            notes,
        ),
    ]
    if newer_draft_started is not None:
        out.append(
            pb.para(
                f"A newer draft (started {pb.long_date(newer_draft_started)}) is open and not yet agreed: "
                "this summary is of the version above.",
                notes,
            )
        )
    out.append(pb.para(f"Communication needs (AIS): {needs_line(person)}", notes))
    if plan.declined_reason.strip() or plan.status is PlanStatus.DECLINED:
        out.append(pb.para(decline_line(plan), notes))
    out += _lines("Conditions", [_condition_line(x) for x in c.medical.conditions if not x.is_history], s)
    out += _lines("Past conditions", [_condition_line(x) for x in c.medical.conditions if x.is_history], s)
    meds = [m for m in c.medical.medicines if m.name.strip()]
    if meds:
        acb, checked = checked_total(c.medical)  # lines the clinician checked by hand: not "not recognised"
        out.append(Paragraph("Medicines", s.h3))
        rows = [["Medicine", "Dose", "Indication", "Review"]]
        for m in meds:
            review = _words(m.decision) + (f": {m.decision_reason}" if m.decision_reason.strip() else "")
            rows.append([m.name, m.dose, m.purpose, review])
        out.append(_table(rows, ["32%", "22%", "24%", "22%"], s))
        warn = " (3 or more: review anticholinergic load)" if acb.warning else ""
        out.append(pb.para(f"Anticholinergic burden (ACB) total after review: {acb.total}{warn}", notes))
        out += [pb.para(line, notes) for line in acb_check_lines(acb)]
        if checked:
            named = ", ".join(checked)
            out.append(
                pb.para(f"Checked by the clinician as not on the ACB scale (counted as 0): {named}.", notes)
            )
        out.append(pb.para(ACB_SCALE_NOTE, notes))
    out += _lines("Allergies", allergy_lines(c.medical), s)
    out += _lines(
        "Results",
        [
            f"{r.name} {r.value} {r.unit} ({pb.long_date(r.taken_on)})".replace(" ()", "")
            for r in c.medical.results
        ],
        s,
    )
    scores = []
    if c.medical.review.frailty_score is not None:
        scores.append(f"Clinical Frailty Scale {c.medical.review.frailty_score}")
    for q in c.holistic.questionnaires:
        scores.append(score_line(q))
    out += _lines("Scores", scores, s)
    out += safety_lines(c.holistic, practice, s)
    out += _lines(
        "Goals and actions",
        [g.text + "".join(f"; {a.what} ({a.who_name})" for a in g.actions) for g in c.goals.goals],
        s,
    )
    out += _lines(
        "Referrals and signposting",
        [f"{_words(r.kind)}: {r.service} ({_words(r.status).lower()})" for r in c.goals.referrals],
        s,
    )
    out += _lines(
        "Contingency plans",
        [
            f"{p.name}: amber — {p.amber_what_i_do.strip().rstrip('.')}; red — {p.red_what_i_do.strip()}"
            for p in c.contingency.plans
        ],
        s,
    )
    out += _lines(
        "Ceiling of treatment and admission",
        [
            f"{p.name or p.condition}: "
            + "; ".join(
                part
                for part in (
                    f"ceiling: {p.ceiling_of_treatment.strip()}" if p.ceiling_of_treatment.strip() else "",
                    "wishes to avoid admission" if p.avoid_hospital_admission else "",
                )
                if part
            )
            for p in c.contingency.plans
            if p.ceiling_of_treatment.strip() or p.avoid_hospital_admission
        ],
        s,
    )
    w = c.future_wishes.wishes
    if w.wishes_to_discuss or w.cpr_decision is not CprDecision.NOT_DISCUSSED:
        cpr = {
            CprDecision.FOR_CPR: "for CPR",
            CprDecision.NOT_FOR_CPR: "not for CPR",
            CprDecision.NOT_DISCUSSED: "not discussed",
        }[w.cpr_decision]
        if w.cpr_decision_date:
            cpr += f", {pb.long_date(w.cpr_decision_date)} by {w.cpr_decision_by or 'not recorded'}"
        if w.cpr_discussed_with_person is not None:
            cpr += (
                "; discussed with the person"
                if w.cpr_discussed_with_person
                else "; NOT discussed with the person"
            )
        form = w.cpr_form_location.strip() or w.respect_form_location.strip()
        if w.cpr_decision is not CprDecision.NOT_DISCUSSED:
            cpr += f"; form kept: {form or 'NOT RECORDED'}"
        out += _lines(
            "Future wishes",
            [
                f"CPR: {cpr}",
                f"Preferred place of care: {w.preferred_place_of_care}" if w.preferred_place_of_care else "",
                f"Preferred place of death: {w.preferred_place_of_death}"
                if w.preferred_place_of_death
                else "",
                f"Health and welfare LPA: {w.lpa_health_welfare_name}" if w.lpa_health_welfare_exists else "",
                f"ADRT: {w.adrt_summary or 'summary not recorded'}; kept: {w.adrt_location or 'NOT RECORDED'}"
                if w.adrt_exists
                else "",
            ],
            s,
        )
    out.append(Paragraph("Coding summary (SNOMED CT)", s.h3))
    entries = coding_summary(plan)
    if entries:
        rows = [["What happened", "SNOMED CT"]]
        rows += [
            [
                e.event,
                f"{e.code} {e.term}" + (f" = {e.value}" if e.value else "")
                if e.code
                else "No verified code: record as text",
            ]
            for e in entries
        ]
        out.append(_table(rows, ["40%", "60%"], s))
    else:
        out.append(pb.para("Nothing to code yet: the plan has not been agreed.", notes))
    return out


def render_clinician_summary(
    person: PersonRecord,
    plan: PlanVersion,
    practice: PracticeSettings | None,
    *,
    newer_draft_started: date | None = None,
) -> bytes:
    """`newer_draft_started`: the day a draft newer than `plan` was started, if one is open."""
    styles = pb.make_styles(large=False)
    story = build_story(person, plan, practice, styles, newer_draft_started)
    return pb.render(story, build_frame(person, plan, TITLE), styles)
