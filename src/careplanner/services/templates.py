"""Contingency ("if things get worse") templates: the shipped defaults, the practice's edited copies,
and copying one into a person's plan.

A practice edits a template once (its local numbers, its rescue-pack wording) and every plan made
from it after that uses the edit; "reset" deletes the edit so the shipped default shows again.
Edited copies are stored as the same JSON the clinical module reads, so they are validated by the
same strict parser and a half-valid template (say, one with no red zone) can never be saved.

Inserting a template copies it into the plan as ordinary editable text; the plan does not keep a
link to the template, so a later template edit never changes an agreed plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.conditions import condition_by_key
from careplanner.clinical.contingency_templates import (
    ContingencyTemplate,
    TemplateError,
    ZonePlan,
    load_default_templates,
    templates_from_json,
    templates_to_json,
)
from careplanner.clinical.enums import ContactRole, Zone
from careplanner.clinical.practice import PracticeSettings
from careplanner.models import ContingencyTemplateRow
from careplanner.services import audit
from careplanner.services.errors import NotAllowedError, NotFoundError, ValidationError
from careplanner.services.plan_data import ContingencyContactData, ContingencyData
from careplanner.services.users import Actor

__all__ = ["CONTACT_LABELS", "TemplateEntry", "TemplateService", "to_contingency"]

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

# National numbers are known even before the practice has been set up.
_NATIONAL = {ContactRole.NHS_111: "111", ContactRole.EMERGENCY_999: "999"}


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


def _zone_text(zone: ZonePlan) -> str:
    """One zone as the plan shows it: the heading with how I know I am there, then what I do."""
    first = zone.heading
    if zone.signs:
        first += ": " + "; ".join(s.rstrip(".") for s in zone.signs) + "."
    return "\n".join([first, *zone.what_i_do])


def _contact(role: ContactRole, zone: Zone, practice: PracticeSettings | None) -> ContingencyContactData:
    phone = (practice.number_for(role) if practice else None) or _NATIONAL.get(role, "")
    name = practice.practice_name if practice and role is ContactRole.PRACTICE else ""
    return ContingencyContactData(
        zone=zone, name=name, role=CONTACT_LABELS[role], role_key=role.value, phone=phone
    )


def to_contingency(template: ContingencyTemplate, practice: PracticeSettings | None) -> ContingencyData:
    """Copy a template into a plan's contingency section, ready to edit with the person.

    Contacts for the practice, out-of-hours, NHS 111 and 999 get their numbers from the practice
    settings; person-specific contacts (named nurse, carer, teams) are left for the clinician to fill.
    """
    condition = condition_by_key(template.condition_key) if template.condition_key else None
    contacts = tuple(_contact(role, z.zone, practice) for z in template.zones for role in z.contacts)
    return ContingencyData(
        name=template.name,
        condition=condition.plain_name if condition else "",
        triggers=template.trigger_factors,
        warning_signs=template.early_warning_signs,
        anticipatory_medicines=template.anticipatory_items,
        green_what_i_do=_zone_text(template.zone(Zone.GREEN)),
        amber_what_i_do=_zone_text(template.zone(Zone.AMBER)),
        red_what_i_do=_zone_text(template.zone(Zone.RED)),
        contacts=contacts,
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
                # A copy that no longer parses (a newer format?) falls back to the default.
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
            raise ValidationError({"template": " ".join(exc.problems)}) from exc
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
        self, template: ContingencyTemplate | TemplateEntry, practice: PracticeSettings | None
    ) -> ContingencyData:
        """See `to_contingency`; accepts the entry the list returned."""
        t = template.template if isinstance(template, TemplateEntry) else template
        return to_contingency(t, practice)
