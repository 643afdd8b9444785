"""Contingency ("if things get worse") templates: the shipped defaults, the practice's edited copies,
and copying one into a person's plan.

A practice edits a template once (its local numbers, its rescue-pack wording) and every plan made
from it after that uses the edit; "reset" deletes the edit so the shipped default shows again.
Edited copies are stored as the same JSON the clinical module reads, so they are validated by the
same strict parser and a half-valid template (say, one with no red zone) can never be saved.

Inserting a template copies it into the plan as ordinary editable text; the plan does not keep a
link to the template, so a later template edit never changes an agreed plan. On the way in, the fill-in
markers are completed for this person: the sick-day "pause these medicines" list is picked from the
plan's current medicines (clinical/sick_day.py), and the local crisis team comes from the practice
settings. What cannot be filled is left as a visible blank ("[...]") that "Before you agree" blocks on.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.conditions import condition_by_key
from careplanner.clinical.contingency_templates import (
    FILL_CRISIS_TEAM,
    FILL_PAUSE_MEDICINES,
    ContingencyTemplate,
    TemplateError,
    ZonePlan,
    load_default_templates,
    templates_from_json,
    templates_to_json,
)
from careplanner.clinical.enums import ContactRole, MedicineDecision, Zone
from careplanner.clinical.practice import PracticeSettings
from careplanner.clinical.sick_day import medicines_to_pause
from careplanner.models import ContingencyTemplateRow
from careplanner.services import audit
from careplanner.services.errors import NotAllowedError, NotFoundError, ValidationError
from careplanner.services.plan_data import ContingencyContactData, ContingencyData, MedicineData
from careplanner.services.users import Actor

__all__ = [
    "CONTACT_LABELS",
    "CRISIS_TEAM_BLANK",
    "NO_MEDICINES_BLANK",
    "TemplateEntry",
    "TemplateService",
    "pause_list_text",
    "to_contingency",
]

#: How each contact role is named on the plan, in plain words.
CONTACT_LABELS: dict[ContactRole, str] = {
    ContactRole.PRACTICE: "My GP practice",
    ContactRole.OUT_OF_HOURS: "Out-of-hours GP service",
    ContactRole.NHS_111: "NHS 111",
    ContactRole.EMERGENCY_999: "Emergency services (999)",
    ContactRole.NAMED_NURSE: "My named nurse",
    ContactRole.COMMUNITY_NURSES: "Community (district) nurses",
    ContactRole.PALLIATIVE_CARE_TEAM: "Palliative care team",
    ContactRole.SPECIALIST_TEAM: "Specialist team",
    ContactRole.CARER: "My carer",
}

_log = logging.getLogger("careplanner.templates")

# National numbers are known even before the practice has been set up.
_NATIONAL = {ContactRole.NHS_111: "111", ContactRole.EMERGENCY_999: "999"}

#: Left in the plan when no medicines are recorded yet: a blank "Before you agree" blocks on.
NO_MEDICINES_BLANK = "[the medicines to pause: no medicines were recorded when this plan was made]"
#: Left in the plan when the practice settings have no crisis team number.
CRISIS_TEAM_BLANK = "[local crisis team number: not in the practice settings]"
_CRISIS_TEAM_NAME = "Local mental health crisis team"


def pause_list_text(medicines: Sequence[MedicineData]) -> str:
    """The person's own medicines to pause on a sick day, for the plan's sick-day sentence.

    Stopped medicines are left out. With no medicines recorded at all the blank stays, so the
    clinician fills it in rather than the person being told "none".
    """
    current = [m.name for m in medicines if m.name.strip() and m.decision is not MedicineDecision.STOP]
    if not current:
        return NO_MEDICINES_BLANK
    found = medicines_to_pause(current)
    if not found:
        return "none of the medicines I took when this plan was made"
    return "; ".join(f"{m.medicine} ({m.reason})" for m in found)


@dataclass(frozen=True)
class TemplateEntry:
    """A template as the practice sees it: `edited` when the practice's copy replaces the default,
    `custom` when the practice added it (there is no default to reset to)."""

    template: ContingencyTemplate
    edited: bool
    custom: bool

    @property
    def key(self) -> str:
        return self.template.key


# The words the printed copy already puts before each zone ("Red: I need help now."). A template heading
# that says the same is left out, or the copy would read "Red: I need help now. I need help now: ...".
PRINTED_ZONE_WORDS = {
    Zone.GREEN: "I feel well",
    Zone.AMBER: "I am getting worse",
    Zone.RED: "I need help now",
}


def _same_words(a: str, b: str) -> bool:
    return a.strip().rstrip(".:").casefold() == b.strip().rstrip(".:").casefold()


def _zone_text(zone: ZonePlan) -> str:
    """One zone as the plan shows it: the heading with how I know I am there, then what I do. A heading
    that only repeats the zone's printed words is dropped; the signs then stand on their own."""
    heading = "" if _same_words(zone.heading, PRINTED_ZONE_WORDS[zone.zone]) else zone.heading
    signs = "; ".join(s.rstrip(".") for s in zone.signs) + "." if zone.signs else ""
    first = f"{heading}: {signs}" if heading and signs else heading or signs[:1].upper() + signs[1:]
    return "\n".join(line for line in [first, *zone.what_i_do] if line)


def _contact(role: ContactRole, zone: Zone, practice: PracticeSettings | None) -> ContingencyContactData:
    phone = (practice.number_for(role) if practice else None) or _NATIONAL.get(role, "")
    name = practice.practice_name if practice and role is ContactRole.PRACTICE else ""
    return ContingencyContactData(
        zone=zone, name=name, role=CONTACT_LABELS[role], role_key=role.value, phone=phone
    )


def _crisis_phone(practice: PracticeSettings | None) -> str:
    return practice.crisis_team_phone.strip() if practice else ""


def to_contingency(
    template: ContingencyTemplate,
    practice: PracticeSettings | None,
    medicines: Sequence[MedicineData] = (),
) -> ContingencyData:
    """Copy a template into a plan's contingency section, ready to edit with the person.

    Contacts for the practice, out-of-hours, NHS 111 and 999 get their numbers from the practice
    settings; person-specific contacts (named nurse, carer, teams) are left for the clinician to fill.
    `medicines` are the plan's current medicines: the sick-day pause list is picked from them. In a
    template that names the local crisis team, its "specialist team" contact is that team.
    """
    crisis = _crisis_phone(practice)
    fills = {
        FILL_PAUSE_MEDICINES: pause_list_text(medicines),
        FILL_CRISIS_TEAM: crisis or CRISIS_TEAM_BLANK,
    }

    def fill(text: str) -> str:
        for marker, value in fills.items():
            text = text.replace(marker, value)
        return text

    zones = {z: _zone_text(template.zone(z)) for z in (Zone.GREEN, Zone.AMBER, Zone.RED)}
    names_crisis_team = any(FILL_CRISIS_TEAM in text for text in zones.values())
    condition = condition_by_key(template.condition_key) if template.condition_key else None
    contacts = []
    for z in template.zones:
        for role in z.contacts:
            contact = _contact(role, z.zone, practice)
            if names_crisis_team and role is ContactRole.SPECIALIST_TEAM:
                contact = dataclasses.replace(contact, name=_CRISIS_TEAM_NAME, phone=crisis)
            contacts.append(contact)
    return ContingencyData(
        name=template.name,
        condition=condition.plain_name if condition else "",
        triggers=tuple(fill(t) for t in template.trigger_factors),
        warning_signs=tuple(fill(t) for t in template.early_warning_signs),
        anticipatory_medicines=tuple(fill(t) for t in template.anticipatory_items),
        green_what_i_do=fill(zones[Zone.GREEN]),
        amber_what_i_do=fill(zones[Zone.AMBER]),
        red_what_i_do=fill(zones[Zone.RED]),
        contacts=tuple(contacts),
    )


class TemplateService:
    """List, save and reset the practice's contingency templates."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = sessions
        self._now = now

    def list(self) -> list[TemplateEntry]:
        """Defaults in their shipped order (each replaced by the practice's copy if there is one),
        then templates the practice added, by name."""
        defaults = {t.key: t for t in load_default_templates()}
        with self._sessions() as session:
            rows = list(session.scalars(select(ContingencyTemplateRow)))
        edited: dict[str, ContingencyTemplate] = {}
        for row in rows:
            try:
                edited[row.key] = templates_from_json(row.body_json)[0]
            except TemplateError:
                # A copy that no longer passes the checks (a newer format, or a red zone saved
                # before every red zone had to ring 999) is refused: the default shows instead.
                _log.warning("A practice template was refused on loading: %s", row.key)
                continue
        out = [TemplateEntry(edited.get(k, t), k in edited, False) for k, t in defaults.items()]
        extra = sorted((t for k, t in edited.items() if k not in defaults), key=lambda t: t.name.casefold())
        return out + [TemplateEntry(t, True, True) for t in extra]

    def get(self, key: str) -> TemplateEntry:
        for entry in self.list():
            if entry.key == key:
                return entry
        raise NotFoundError("That template is not in the list.")

    def save(self, template: ContingencyTemplate, actor: Actor) -> TemplateEntry:
        """Save the practice's copy of a template (a new key adds a practice template).

        The template is written and read back through the strict JSON parser before it is stored;
        every problem is reported at once as a ValidationError under "template".
        """
        if not (actor.can_edit_plans or actor.is_admin):
            raise NotAllowedError("Only clinicians and administrators can change templates.")
        try:
            body = templates_to_json([template])
            checked = templates_from_json(body)[0]
        except TemplateError as exc:
            prefix = f"Template 1 ('{template.key}'): "
            plain = [p.removeprefix(prefix) for p in exc.problems]
            raise ValidationError({"template": " ".join(p[:1].upper() + p[1:] for p in plain)}) from exc
        with self._sessions.begin() as session:
            row = session.scalar(
                select(ContingencyTemplateRow).where(ContingencyTemplateRow.key == checked.key)
            )
            if row is None:
                row = ContingencyTemplateRow(key=checked.key)
                session.add(row)
            row.name = checked.name
            row.body_json = body
            session.flush()
            audit.record(
                session,
                audit.Action.SETTINGS_CHANGED,
                user_id=actor.id,
                detail="contingency template saved",
                now=self._now,
            )
        return self.get(checked.key)

    def reset(self, key: str, actor: Actor) -> TemplateEntry | None:
        """Forget the practice's copy. Returns the default now shown, or None for a practice-added
        template (which is then gone)."""
        if not (actor.can_edit_plans or actor.is_admin):
            raise NotAllowedError("Only clinicians and administrators can change templates.")
        with self._sessions.begin() as session:
            row = session.scalar(select(ContingencyTemplateRow).where(ContingencyTemplateRow.key == key))
            if row is None:
                raise NotFoundError("This template has not been changed, so there is nothing to reset.")
            session.delete(row)
            audit.record(
                session,
                audit.Action.SETTINGS_CHANGED,
                user_id=actor.id,
                detail="contingency template reset",
                now=self._now,
            )
        defaults = {t.key: t for t in load_default_templates()}
        return TemplateEntry(defaults[key], False, False) if key in defaults else None

    def to_contingency(
        self,
        template: ContingencyTemplate | TemplateEntry,
        practice: PracticeSettings | None,
        medicines: Sequence[MedicineData] = (),
    ) -> ContingencyData:
        """See `to_contingency`; accepts the entry the list returned."""
        t = template.template if isinstance(template, TemplateEntry) else template
        return to_contingency(t, practice, medicines)
