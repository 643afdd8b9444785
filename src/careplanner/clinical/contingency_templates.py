"""Contingency ("if things get worse") templates: green, amber and red "what I do" zones.

A template is a starting point: inserting one copies it into the person's plan, where it is
edited with them. The practice can keep its own edited set, saved as JSON; loading that JSON is
validated strictly and reports every problem at once with where it is, because a half-loaded
template could leave out the red "call 999" zone. Every red zone must tell the person to ring 999,
in its "what I do" text and as a 999 contact: a red zone is for signs that already meet 999 criteria,
so "ring the surgery" or "NHS 111 if not sure" belongs in amber. The rule is checked on every load,
so it covers the shipped templates and a practice's edited ones alike.

Two fill-in markers are completed when a template is copied into a person's plan (services/
templates.py): FILL_PAUSE_MEDICINES (the person's own medicines to pause on a sick day) and
FILL_CRISIS_TEAM (the local mental health crisis team from the practice settings). A marker left
unfilled is a blank that `clinical.placeholders` finds, so it can never reach print unnoticed.

Contacts are role keys (ContactRole: "practice", "nhs_111", "999", ...) that the app fills with
the practice's own numbers, so a template never carries a phone number that can go stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from careplanner.clinical.enums import ContactRole, Zone

__all__ = [
    "FILL_CRISIS_TEAM",
    "FILL_PAUSE_MEDICINES",
    "FORMAT",
    "FORMAT_VERSION",
    "ContingencyTemplate",
    "TemplateError",
    "ZonePlan",
    "load_default_templates",
    "red_zone_rings_999",
    "templates_from_json",
    "templates_to_json",
]

FORMAT = "careplanner-contingency-templates"
FORMAT_VERSION = 1
_MAX_TEXT = 1000
_ZONE_ORDER = (Zone.GREEN, Zone.AMBER, Zone.RED)
_RING_999 = re.compile(r"(?<!\d)999(?!\d)")

#: Replaced by the person's own medicines to pause on a sick day when the template is inserted.
FILL_PAUSE_MEDICINES = "{pause_medicines}"
#: Replaced by the local mental health crisis team's name and number from the practice settings.
FILL_CRISIS_TEAM = "{crisis_team}"


def red_zone_rings_999(text: str) -> bool:
    """True when a red zone's "what I do" text tells the person to ring 999 (999 as a number on its
    own, not inside a longer one)."""
    return bool(_RING_999.search(text))


class TemplateError(ValueError):
    """Templates JSON that cannot be used; `problems` lists each one in plain words."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class ZonePlan:
    """One traffic-light zone: how I know I am in it, what I do, and who I contact."""

    zone: Zone
    heading: str
    signs: tuple[str, ...]
    what_i_do: tuple[str, ...]
    contacts: tuple[ContactRole, ...]


@dataclass(frozen=True, slots=True)
class ContingencyTemplate:
    """A condition's contingency plan template, with exactly one green, amber and red zone."""

    key: str
    name: str
    condition_key: str
    trigger_factors: tuple[str, ...]
    early_warning_signs: tuple[str, ...]
    zones: tuple[ZonePlan, ...]
    anticipatory_items: tuple[str, ...]

    def zone(self, zone: Zone) -> ZonePlan:
        """The plan for one zone (every valid template has all three)."""
        return next(z for z in self.zones if z.zone is zone)


@lru_cache(maxsize=1)
def load_default_templates() -> tuple[ContingencyTemplate, ...]:
    """The templates shipped with the app (resources/clinical/contingency_templates.json)."""
    resource = files("careplanner.resources") / "clinical" / "contingency_templates.json"
    return templates_from_json(resource.read_text(encoding="utf-8"))


def templates_to_json(templates: Iterable[ContingencyTemplate]) -> str:
    """Serialise templates in the same format `templates_from_json` reads."""
    doc = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "templates": [_template_to_dict(t) for t in templates],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def templates_from_json(text: str | bytes) -> tuple[ContingencyTemplate, ...]:
    """Parse and validate templates JSON; raises TemplateError listing every problem found."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError([f"The file is not valid JSON ({exc})."]) from exc
    if not isinstance(doc, dict):
        raise TemplateError(["The file must contain a JSON object."])
    problems: list[str] = []
    if doc.get("format") != FORMAT:
        problems.append(f"This is not a contingency templates file (format should be '{FORMAT}').")
    if doc.get("version") != FORMAT_VERSION:
        problems.append(f"Version {doc.get('version')!r} is not supported (this app reads {FORMAT_VERSION}).")
    raw_templates = doc.get("templates")
    if not isinstance(raw_templates, list) or not raw_templates:
        problems.append("'templates' must be a non-empty list.")
        raise TemplateError(problems)
    out: list[ContingencyTemplate] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_templates, start=1):
        where = f"Template {number}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object.")
            continue
        if isinstance(raw.get("key"), str) and raw["key"]:
            where = f"Template {number} ('{raw['key']}')"
        template = _parse_template(raw, where, problems)
        if template is None:
            continue
        if template.key in seen:
            problems.append(f"{where}: the key '{template.key}' is used twice.")
        seen.add(template.key)
        out.append(template)
    if problems:
        raise TemplateError(problems)
    return tuple(out)


def _parse_template(raw: Mapping[str, Any], where: str, problems: list[str]) -> ContingencyTemplate | None:
    before = len(problems)
    key = _text(raw, "key", where, problems)
    name = _text(raw, "name", where, problems)
    condition_key = _text(raw, "condition_key", where, problems, required=False)
    triggers = _texts(raw, "trigger_factors", where, problems)
    signs = _texts(raw, "early_warning_signs", where, problems)
    items = _texts(raw, "anticipatory_items", where, problems)
    zones_raw = raw.get("zones")
    zones: list[ZonePlan] = []
    if not isinstance(zones_raw, list):
        problems.append(f"{where}: 'zones' must be a list of green, amber and red zones.")
    else:
        for i, z in enumerate(zones_raw, start=1):
            plan = _parse_zone(z, f"{where}, zone {i}", problems)
            if plan is not None:
                zones.append(plan)
        found = [z.zone for z in zones]
        for colour in _ZONE_ORDER:
            if found.count(colour) != 1:
                problems.append(
                    f"{where}: needs exactly one {colour.value} zone (found {found.count(colour)})."
                )
        red = next((z for z in zones if z.zone is Zone.RED), None)
        if red is not None and not (
            red_zone_rings_999(" ".join(red.what_i_do)) and ContactRole.EMERGENCY_999 in red.contacts
        ):
            problems.append(
                f"{where}: the red zone must tell the person to ring 999. Say so in 'what I do' "
                "and list the 999 contact."
            )
    if len(problems) > before:
        return None
    zones.sort(key=lambda z: _ZONE_ORDER.index(z.zone))
    return ContingencyTemplate(key, name, condition_key, triggers, signs, tuple(zones), items)


def _parse_zone(raw: object, where: str, problems: list[str]) -> ZonePlan | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be an object.")
        return None
    before = len(problems)
    try:
        zone = Zone(str(raw.get("zone")))
    except ValueError:
        problems.append(f"{where}: 'zone' must be green, amber or red, not {raw.get('zone')!r}.")
        zone = Zone.GREEN
    heading = _text(raw, "heading", where, problems)
    signs = _texts(raw, "signs", where, problems)
    what_i_do = _texts(raw, "what_i_do", where, problems)
    if not what_i_do and len(problems) == before:
        problems.append(f"{where}: 'what_i_do' needs at least one line.")
    contacts: list[ContactRole] = []
    for role in _texts(raw, "contacts", where, problems):
        try:
            contacts.append(ContactRole(role))
        except ValueError:
            allowed = ", ".join(r.value for r in ContactRole)
            problems.append(f"{where}: unknown contact '{role}' (use one of: {allowed}).")
    if len(problems) > before:
        return None
    return ZonePlan(zone, heading, signs, what_i_do, tuple(contacts))


def _text(
    raw: Mapping[str, Any], field: str, where: str, problems: list[str], *, required: bool = True
) -> str:
    value = raw.get(field, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}: '{field}' must be some text.")
        return ""
    if len(value) > _MAX_TEXT:
        problems.append(f"{where}: '{field}' is longer than {_MAX_TEXT} characters.")
    return value.strip()


def _texts(raw: Mapping[str, Any], field: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = raw.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: '{field}' must be a list of text lines.")
        return ()
    if any(len(v) > _MAX_TEXT for v in value):
        problems.append(f"{where}: a line in '{field}' is longer than {_MAX_TEXT} characters.")
    return tuple(v.strip() for v in value if v.strip())


def _template_to_dict(t: ContingencyTemplate) -> dict[str, Any]:
    return {
        "key": t.key,
        "name": t.name,
        "condition_key": t.condition_key,
        "trigger_factors": list(t.trigger_factors),
        "early_warning_signs": list(t.early_warning_signs),
        "zones": [
            {
                "zone": z.zone.value,
                "heading": z.heading,
                "signs": list(z.signs),
                "what_i_do": list(z.what_i_do),
                "contacts": [c.value for c in z.contacts],
            }
            for z in t.zones
        ],
        "anticipatory_items": list(t.anticipatory_items),
    }
