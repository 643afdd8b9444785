"""What someone treating me in a hurry must see on the person's copy: my allergies, and the decisions made
for an emergency (CPR and where the form is, how far treatment should go, whether I wish to avoid
hospital, where my advance decision is kept).

Allergies are never left out: with none listed the copy says "No known allergies" when the clinician
recorded that none are known, or "Allergies not recorded — ask your GP practice" when nothing was
recorded. When allergies are listed they are printed, even if "No known allergies" was also ticked.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from careplanner.clinical.enums import CprDecision
from careplanner.export import pdf_base as pb
from careplanner.export.copy_language import t, t_both
from careplanner.services.plan_data import AllergyData, ContingencyData, FutureWishesData, PlanVersion

ALLERGIES_HEADING = "My allergies"
NO_KNOWN_ALLERGIES = "No known allergies."
ALLERGIES_NOT_RECORDED = "Allergies not recorded — ask your GP practice."
DECISIONS_HEADING = "Decisions for an emergency"
FORM_KEPT = "Where my CPR or ReSPECT form is kept:"
ADRT_REFUSES = "What my advance decision refuses:"

CPR_SENTENCES = {
    CprDecision.FOR_CPR: "If my heart or breathing stops, I want CPR (resuscitation) to be tried.",
    CprDecision.NOT_FOR_CPR: "If my heart or breathing stops, CPR (resuscitation) should not be tried.",
}


def _allergy_line(a: AllergyData) -> str:
    reaction = pb.typed(a.reaction) if a.reaction.strip() else pb.text(t("reaction not recorded"))
    if a.severity.strip():
        reaction += f" ({pb.typed(a.severity)})"
    return f"• <b>{pb.typed(a.substance)}</b> — {reaction}"


def allergies(plan: PlanVersion, s: pb.Styles, *, compact: bool = False) -> list[Flowable]:
    """The allergy block: always printed, whatever was (or was not) recorded. `compact` (the emergency
    card) puts them in one paragraph after the heading, in a red-edged box."""
    medical = plan.content.medical
    listed = [a for a in medical.allergies if a.substance.strip() and not a.is_history]
    if compact:
        if listed:
            words = ("<br/>" if s.easy_read else "; ").join(_allergy_line(a)[2:] for a in listed)
        elif medical.review.no_known_allergies:
            words = f"<b>{t_both(NO_KNOWN_ALLERGIES)}</b>"
        else:
            words = f"<b>{t_both(ALLERGIES_NOT_RECORDED)}</b>"
        after = "<br/>" if s.easy_read else " "  # easy read: one allergy to a line
        box = Table(
            [[Paragraph(f"<b>{t_both(ALLERGIES_HEADING)}:</b>{after}{words}", s.body)]], colWidths=["100%"]
        )
        box.setStyle(
            TableStyle(
                [
                    ("LINEBEFORE", (0, 0), (0, 0), 6, pb.NHS_RED),
                    ("BOX", (0, 0), (-1, -1), 0.8, pb.NHS_RED),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return [Spacer(1, 2), box, Spacer(1, 1)]
    block: list[Flowable] = [Paragraph(t(ALLERGIES_HEADING), s.h2)]
    if listed:
        block += [Paragraph(_allergy_line(a), s.body) for a in listed]
    elif medical.review.no_known_allergies:
        block.append(Paragraph(t(NO_KNOWN_ALLERGIES), s.bold))
    else:
        block.append(Paragraph(t(ALLERGIES_NOT_RECORDED), s.bold))
    return [KeepTogether(block)]


def cpr_sentence(w: FutureWishesData) -> str:
    """The CPR decision in a full sentence, with when and by whom ('' when none was recorded)."""
    sentence = t_both(CPR_SENTENCES.get(w.cpr_decision, ""))
    if sentence and w.cpr_decision_date:
        when = pb.long_date(w.cpr_decision_date)
        by = w.cpr_decision_by.strip()
        decided = t("Decided on {date} by {name}.") if by else t("Decided on {date}.")
        sentence += " " + decided.format(date=when, name=by)
    if sentence and w.cpr_discussed_with_person is not None:
        sentence += " " + (
            t("It was discussed with me.")
            if w.cpr_discussed_with_person
            else t("It was not discussed with me.")
        )
    return sentence


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v.strip():
            seen.setdefault(v.strip(), None)
    return list(seen)


def _hospital_wishes(plans: tuple[ContingencyData, ...]) -> list[tuple[str, str]]:
    """A wish to avoid hospital belongs to the plan it was made in: a wish recorded for falls must never read
    as "do not take me in" for chest pain. Only when every plan carries it is it printed as a general wish."""
    avoiding = [p for p in plans if p.avoid_hospital_admission]
    if not avoiding:
        return []
    if len(avoiding) == len(plans):
        wishes = _unique([p.admission_wishes for p in avoiding])
        return [
            (
                t_both("Going into hospital:"),
                wishes[0] if len(wishes) == 1 else t("I wish to avoid going into hospital."),
            )
        ]
    rows: list[tuple[str, str]] = []
    for p in avoiding:
        where = p.name.strip() or p.condition.strip() or t("one of my plans")
        wish = p.admission_wishes.strip() or t("I wish to avoid going into hospital if it is safe.")
        rows.append((t_both("Going into hospital ({plan}):").format(plan=where), wish))
    return rows


def _sentence(label: str, value: str, *, fixed: bool) -> str:
    """ "<b>Label:</b> value." — the value is typed English unless `fixed` (the copy's own words)."""
    value = value.strip()
    if value and value[-1] not in ".!?":
        value += "."
    return f"<b>{pb.text(label)}</b> {pb.text(value) if fixed else pb.typed(value)}"


def emergency_decisions(plan: PlanVersion, s: pb.Styles) -> list[Flowable]:
    """CPR and its form, ceiling of treatment, avoiding hospital and the advance decision, kept together."""
    rows: list[tuple[str, str]] = []
    w = plan.content.future_wishes.wishes
    if w.wishes_to_discuss:
        rows.append((t_both("Resuscitation (CPR):"), cpr_sentence(w)))
        rows.append((t_both(FORM_KEPT), w.cpr_form_location or w.respect_form_location))
    plans = plan.content.contingency.plans
    ceilings = _unique([p.ceiling_of_treatment for p in plans])
    if len(ceilings) == 1:
        rows.append((t_both("How far my treatment should go:"), ceilings[0]))
    else:
        for p in plans:
            if p.ceiling_of_treatment.strip():
                where = p.name.strip() or p.condition.strip() or t("My plan")
                rows.append(
                    (
                        t_both("How far my treatment should go ({plan}):").format(plan=where),
                        p.ceiling_of_treatment,
                    )
                )
    rows += _hospital_wishes(plans)
    if w.wishes_to_discuss and (w.adrt_exists or w.adrt_location.strip()):
        where = w.adrt_location.strip() or t("not written down — ask my GP practice")
        rows.append((t_both("My advance decision to refuse treatment is kept:"), where))
        if w.adrt_summary.strip():
            rows.append((t(ADRT_REFUSES), w.adrt_summary))
    kept = [(label, value) for label, value in rows if value.strip()]
    if not kept:
        return []
    # A place follows the decision it belongs to in the same paragraph (the form after CPR, what the
    # advance decision refuses after where it is kept), so the pair is read together and takes less room.
    paragraphs: list[list[tuple[str, str]]] = []
    for label, value in kept:
        follows = (
            label in (t_both(FORM_KEPT), t(ADRT_REFUSES)) and not s.easy_read
        )  # easy read: one to a line
        if follows and paragraphs:
            paragraphs[-1].append((label, value))
        else:
            paragraphs.append([(label, value)])
    # The copy's own sentences; everything else in a decision is what the clinician typed.
    own = {cpr_sentence(w), t("not written down — ask my GP practice")}
    own |= {
        t("I wish to avoid going into hospital."),
        t("I wish to avoid going into hospital if it is safe."),
    }
    lines = [
        Paragraph(" ".join(_sentence(label, value, fixed=value in own) for label, value in group), s.body)
        for group in paragraphs
    ]
    return [KeepTogether([Paragraph(t(DECISIONS_HEADING), s.h3), *lines])]
