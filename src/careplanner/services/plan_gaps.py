"""Gaps in a plan's text that must be put right before it is agreed or printed, for "Before you agree".

- A blank left to fill in ("___ kg", "[the medicines to pause …]", "{crisis_team}"): the person would
  take home an instruction they cannot follow. Found anywhere in the plan with the generic patterns of
  `clinical.placeholders`, so a practice's own templates and free text are covered as well.
- A contingency plan whose red zone does not tell the person to ring 999.
- A condition code that fails the SNOMED CT checks, or that the app could not check (a reminder only).
- A sick-day plan ("I pause these medicines: …") that does not name a current medicine the sick-day rules
  would pause, for example one started after the template was inserted (a reminder only).
- Medicines with no review decision yet, and medicines the anticholinergic (ACB) total could not
  recognise, so they were counted as 0 (reminders only).

Each gap names the step and the field (or list item, by its name) that fixes it; `services.consultation`
turns them into check-list items.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from careplanner.clinical.contingency_templates import red_zone_rings_999
from careplanner.clinical.enums import CommunicationNeed, MedicineDecision
from careplanner.clinical.placeholders import unfilled_placeholders
from careplanner.clinical.sick_day import medicines_to_pause
from careplanner.clinical.snomed import CodeCheck, check_code
from careplanner.export.copy_language import language_of
from careplanner.services.clinical_support import ClinicalSupportService
from careplanner.services.plan_data import SECTION_TITLES, SECTION_TYPES, PlanContent

__all__ = [
    "Gap",
    "blank_gaps",
    "code_gaps",
    "medicine_gaps",
    "need_gaps",
    "red_zone_gaps",
    "sick_day_gaps",
    "unmet_need_messages",
]

_SNIPPET = 30


@dataclass(frozen=True)
class Gap:
    message: str
    step: str
    field: str
    index: int | None = None
    blocking: bool = True


def _snippet(text: str, blank: str) -> str:
    """The blank with a little of the text around it, on one line, so the clinician can find it."""
    at = text.find(blank)
    start, end = max(at - _SNIPPET, 0), min(at + len(blank) + _SNIPPET, len(text))
    core = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + core + ("…" if end < len(text) else "")


def _first_blank(value: object, field: str) -> tuple[str, str, int] | None:
    """(field name, snippet, number of blanks) for the first text holding a blank, searching nested
    dataclasses and tuples; None when there is none."""
    if isinstance(value, str):
        found = unfilled_placeholders(value)
        return (field, _snippet(value, found[0]), len(found)) if found else None
    if isinstance(value, tuple):
        hits = [h for h in (_first_blank(v, field) for v in value) if h is not None]
        return (hits[0][0], hits[0][1], sum(h[2] for h in hits)) if hits else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hits = [
            h
            for h in (_first_blank(getattr(value, f.name), f.name) for f in dataclasses.fields(value))
            if h is not None
        ]
        return (hits[0][0], hits[0][1], sum(h[2] for h in hits)) if hits else None
    return None


# The attribute that names an item of each kind of list (a plan, goal, medicine, contact…), in order.
_NAMES = ("name", "text", "term", "condition", "substance", "title", "service", "what", "role")


def _item_name(title: str, element: object, index: int) -> str:
    """'If things get worse, "My breathing plan"': a list item as the clinician knows it, by its name
    ("item 3" only when it has none yet)."""
    for attr in _NAMES:
        value = getattr(element, attr, "")
        if isinstance(value, str) and value.strip():
            name = " ".join(value.split())
            return f'{title}, "{name[:60]}{"…" if len(name) > 60 else ""}"'
    return f"{title}, item {index + 1}"


def _blank_message(where: str, snippet: str, count: int) -> str:
    more = f" ({count} blanks in all)" if count > 1 else ""
    return f'{where} still has a blank to fill in: "{snippet}"{more}. Fill it in, or remove it.'


def blank_gaps(content: PlanContent) -> list[Gap]:
    """One blocking gap for each field, or list item, that still holds a blank to fill in."""
    gaps: list[Gap] = []
    for key in SECTION_TYPES:
        section = content.section(key)
        title = SECTION_TITLES[key]
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            is_list = isinstance(value, tuple) and any(dataclasses.is_dataclass(v) for v in value)
            if is_list:
                for i, element in enumerate(value):
                    hit = _first_blank(element, f.name)
                    if hit is not None:
                        where = _item_name(title, element, i)
                        gaps.append(Gap(_blank_message(where, hit[1], hit[2]), key, f.name, i))
                continue
            hit = _first_blank(value, f.name)
            if hit is not None:
                gaps.append(Gap(_blank_message(title, hit[1], hit[2]), key, hit[0]))
    return gaps


def red_zone_gaps(content: PlanContent) -> list[Gap]:
    """A blocking gap for each contingency plan whose red zone does not say to ring 999."""
    gaps: list[Gap] = []
    for i, plan in enumerate(content.contingency.plans):
        if not red_zone_rings_999(plan.red_what_i_do):
            name = (plan.name or plan.condition).strip()[:60] or "A plan"
            gaps.append(
                Gap(
                    f'The red zone of "{name}" does not tell the person to ring 999. Add it, for '
                    'example "I or someone with me calls 999".',
                    "contingency",
                    "plans",
                    i,
                )
            )
    return gaps


_CODE_PROBLEMS = {
    CodeCheck.MALFORMED: "is not a SNOMED CT code",
    CodeCheck.CHECK_DIGIT_WRONG: "fails the SNOMED CT check digit (probably mistyped)",
    CodeCheck.NOT_A_CONCEPT: "is a SNOMED CT description or relationship id, not a concept",
    CodeCheck.NOT_CHECKED: "is not in the app's list of verified codes, so its meaning was not checked",
}


def code_gaps(content: PlanContent) -> list[Gap]:
    """Reminders (not blocking) for condition codes that are wrong or could not be checked. A wrong
    code is never exported, but the clinician should correct or clear it."""
    gaps: list[Gap] = []
    for i, condition in enumerate(content.medical.conditions):
        problem = _CODE_PROBLEMS.get(check_code(condition.snomed_code))
        if problem:
            name = condition.term.strip()[:60] or "a condition"
            gaps.append(
                Gap(
                    f'The code {condition.snomed_code.strip()} for "{name}" {problem}.',
                    "medical",
                    "conditions",
                    i,
                    blocking=False,
                )
            )
    return gaps


_PAUSE_PHRASE = "pause these medicines"


def sick_day_gaps(content: PlanContent) -> list[Gap]:
    """Reminders (not blocking) for a current sick-day medicine that a plan's pause list leaves out."""
    current = [
        m.name
        for m in content.medical.medicines
        if m.name.strip() and m.decision is not MedicineDecision.STOP
    ]
    to_pause = medicines_to_pause(current)
    gaps: list[Gap] = []
    for i, plan in enumerate(content.contingency.plans):
        text = " ".join([plan.green_what_i_do, plan.amber_what_i_do, plan.red_what_i_do]).casefold()
        if _PAUSE_PHRASE not in text:
            continue
        for match in to_pause:
            if match.medicine.casefold() not in text:
                name = (plan.name or plan.condition).strip()[:60] or "A plan"
                gaps.append(
                    Gap(
                        f'"{match.medicine[:60]}" is paused on sick days ({match.reason}), but the sick-day '
                        f'advice in "{name}" does not name it.',
                        "contingency",
                        "plans",
                        i,
                        blocking=False,
                    )
                )
    return gaps


def _names(names: list[str]) -> str:
    shown = [n[:60] for n in names[:6]]
    return "; ".join(shown) + (f"; and {len(names) - 6} more" if len(names) > 6 else "")


def medicine_gaps(content: PlanContent) -> list[Gap]:
    """Reminders (not blocking): medicines with no review decision yet, and medicines the ACB total
    could not recognise (counted as 0, so the total may be too low: check them by hand)."""
    medicines = content.medical.medicines
    gaps: list[Gap] = []
    waiting = [
        (i, m.name.strip())
        for i, m in enumerate(medicines)
        if m.name.strip() and m.decision is MedicineDecision.NOT_REVIEWED
    ]
    if waiting:
        count = len(waiting)
        what = "1 medicine has" if count == 1 else f"{count} medicines have"
        gaps.append(
            Gap(
                f"{what} no review decision: {_names([n for _, n in waiting])}.",
                "medical",
                "medicines",
                waiting[0][0],
                blocking=False,
            )
        )
    acb = ClinicalSupportService.acb_for(content.medical)
    if acb.not_recognised:
        written = {n.as_written for n in acb.not_recognised}
        named = [
            n.as_written.strip() + (f" (did you mean {n.did_you_mean}?)" if n.did_you_mean else "")
            for n in acb.not_recognised
        ]
        first = next((i for i, m in enumerate(medicines) if m.name in written), None)
        gaps.append(
            Gap(
                f"Not recognised for the anticholinergic total — check by hand: {_names(named)}.",
                "medical",
                "medicines",
                first,
                blocking=False,
            )
        )
    return gaps


def unmet_need_messages(needs: tuple[tuple[CommunicationNeed, str], ...]) -> list[str]:
    """What the app cannot do for the person's recorded communication needs (Accessible Information
    Standard), one message a need, as (need, detail) pairs: braille, and an interpreter in a language the
    copy has no words for (it prints in English or Welsh). Large print, easy read and Welsh it meets by
    itself (the copy switches to them)."""
    out: list[str] = []
    for need, detail in needs:
        if need is CommunicationNeed.BRAILLE:
            out.append(
                "The person needs braille: this app cannot print braille. Arrange a braille copy of the plan."
            )
        elif need is CommunicationNeed.INTERPRETER and language_of(detail) is None:
            language = detail.strip() or "language not recorded"
            out.append(
                f"The person needs an interpreter ({language}): the copy prints in English or Welsh only, "
                "and what was typed prints as typed. Go through it with an interpreter, or arrange a "
                "translation."
            )
    return out


def need_gaps(needs: tuple[tuple[CommunicationNeed, str], ...]) -> list[Gap]:
    """Reminders (never blocking) for "Before you agree": needs the printed copy cannot meet."""
    return [
        Gap(message, "about_me", "communication_needs", blocking=False)
        for message in unmet_need_messages(needs)
    ]
