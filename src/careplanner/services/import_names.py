"""The entries of an imported file by their own names ("Medicine: Amoxicillin 250mg capsules"), not by
their place ("entry[5] (MedicationStatement)"), for the app's preview and its message afterwards.

The place is what a developer needs; the clinician needs to know which medicine, allergy or result was
left out. Names come from the file as sent (a code's text, else its first coding's display; a medicine
by reference is looked up in the bundle or among the resource's contained ones). These names are patient
data: they are for the screen the clinician is looking at, never for the command line or a log.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from careplanner.export.fhir_problems import Problem
from careplanner.services.import_preview import ImportPreview

__all__ = ["KIND_WORDS", "item_name", "named_problem", "with_names"]

_PLACE = re.compile(r"^(?:Bundle\.)?entry\[(\d+)\](?:\.contained\[(\d+)\])?")

# A resource type in plain words, in front of the item's own name.
KIND_WORDS = {
    "MedicationStatement": "Medicine",
    "MedicationRequest": "Prescription",
    "Medication": "Medicine",
    "Condition": "Condition",
    "AllergyIntolerance": "Allergy",
    "Observation": "Result",
    "Goal": "Goal",
    "Organization": "Organisation",
    "Practitioner": "Member of staff",
    "PractitionerRole": "Member of staff's role",
    "List": "List",
    "Immunization": "Immunisation",
    "Encounter": "Consultation",
    "Procedure": "Procedure",
    "DocumentReference": "Document",
    "RelatedPerson": "Someone close to the person",
    "CareTeam": "Care team",
    "CarePlan": "Care plan",
    "Consent": "Consent",
    "Flag": "Flag",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _concept(value: Any) -> str:
    concept = _dict(value)
    if _text(concept.get("text")):
        return _text(concept.get("text"))
    return next(
        (
            _text(_dict(c).get("display"))
            for c in _list(concept.get("coding"))
            if _text(_dict(c).get("display"))
        ),
        "",
    )


def _resource_at(data: Any, where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the resource at `where`, the entry's own resource) — empty dicts when there is none."""
    found = _PLACE.match(where)
    entries = _list(_dict(data).get("entry"))
    if found is None or int(found.group(1)) >= len(entries):
        return {}, {}
    outer = _dict(_dict(entries[int(found.group(1))]).get("resource"))
    if found.group(2) is None:
        return outer, outer
    contained = _list(outer.get("contained"))
    index = int(found.group(2))
    return (_dict(contained[index]) if index < len(contained) else {}), outer


def _referenced(data: Any, outer: dict[str, Any], reference: str) -> dict[str, Any]:
    """The resource a reference points to: contained ("#id"), or in the bundle by fullUrl or Type/id."""
    if reference.startswith("#"):
        return next(
            (_dict(c) for c in _list(outer.get("contained")) if _dict(c).get("id") == reference[1:]), {}
        )
    for entry in _list(_dict(data).get("entry")):
        resource = _dict(_dict(entry).get("resource"))
        own = f"{resource.get('resourceType')}/{resource.get('id')}"
        if reference in (_dict(entry).get("fullUrl"), own) or reference.endswith("/" + own):
            return resource
    return {}


def _own_name(data: Any, resource: dict[str, Any], outer: dict[str, Any]) -> str:
    kind = resource.get("resourceType")
    if kind in ("MedicationStatement", "MedicationRequest"):
        name = _concept(resource.get("medicationCodeableConcept"))
        reference = _text(_dict(resource.get("medicationReference")).get("reference"))
        if not name and reference:
            name = _concept(_referenced(data, outer, reference).get("code"))
        return name or _text(_dict(resource.get("medicationReference")).get("display"))
    if kind == "Goal":
        return _concept(resource.get("description"))
    if kind in ("Organization", "Practitioner"):
        if kind == "Organization":
            return _text(resource.get("name"))
        human = _dict(next(iter(_list(resource.get("name"))), {}))
        return (
            _text(human.get("text"))
            or " ".join([*(_text(g) for g in _list(human.get("given"))), _text(human.get("family"))]).strip()
        )
    if kind == "List":
        return _text(resource.get("title")) or _concept(resource.get("code"))
    if kind == "Patient":
        return ""  # the person is shown at the top of the preview
    return (
        _concept(resource.get("code"))
        or _concept(resource.get("vaccineCode"))
        or _concept(resource.get("type"))
    )


def item_name(data: Any, where: str) -> str:
    """'Medicine: Amoxicillin 250mg capsules' for the entry at `where` in the file as sent; "" when the
    place names no entry or the entry has no name of its own."""
    resource, outer = _resource_at(data, where)
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        return ""
    name = _own_name(data, resource, outer)
    words = KIND_WORDS.get(kind, kind)
    return f"{words}: {name}" if name else ""


def named_problem(data: Any, problem: Problem) -> str:
    """A skipped or ignored entry for the clinician: its name and why, else the place and why."""
    name = item_name(data, problem.where)
    return f"{name} — {problem.what}" if name else str(problem)


def with_names(preview: ImportPreview, data: Any) -> ImportPreview:
    """The preview with each row that has no name yet (skipped, not read) named from the file."""
    rows = tuple(
        row if row.label else dataclasses.replace(row, label=item_name(data, row.where).partition(": ")[2])
        for row in preview.rows
    )
    return dataclasses.replace(preview, rows=rows)
