"""What an import will do, per resource of the file, worked out before anything is written.

`FhirImportService.preview` returns an `ImportPreview`: for each entry of the bundle, whether it will be
added to the draft, update an item the draft holds, be skipped (with why: a past medicine, recorded in
error, a 'no known food allergy'...) or not be read at all (a kind Care Planner does not read), and what
happens to the person (new, or matched with or without changed details). The command line prints it
with `import --preview`; the app can show the same rows. Each row's `label` is the item's name for a
screen the clinician is looking at; the command line prints places, kinds and reasons only, as it never
prints patient details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from careplanner.clinical.nhs_number import normalise_nhs_number
from careplanner.export.fhir_problems import Problem
from careplanner.export.fhir_read import ImportedRecord
from careplanner.services.fhir_merge import Tally

ADD, UPDATE, SKIP, IGNORE, USED = "add", "update", "skip", "ignore", "used"
_PLACE = re.compile(r"^(entry\[(\d+)\](?:\.contained\[(\d+)\])?)(?: \((\w+)\))?")


@dataclass(frozen=True)
class PreviewRow:
    """One entry of the bundle and what the import does with it."""

    where: str  # "Bundle.entry[3]" (or "Bundle.entry[4].contained[0]")
    kind: str  # its resourceType
    action: str  # add | update | skip | ignore | used (read with the entry that refers to it)
    what: str  # in plain words: "a current condition", "a past allergy", "a result"...
    why: str = ""  # for skip and ignore
    label: str = ""  # the item's name, for the app's screen (never printed by the command line)

    def line(self) -> str:
        """The row in plain words, without the item's name (safe to print and log)."""
        text = f"{self.where} ({self.kind}): {self.action} {self.what}".rstrip()
        return f"{text}: {self.why}" if self.why else text


@dataclass(frozen=True)
class RecordPerson:
    """Whose record it is, as the record itself says: shown at the top of the preview so the clinician
    sees at once whether it is the person they mean (never printed or logged)."""

    first_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.family_name}".strip()

    def is_same_as(self, first_name: str, family_name: str, born: date, nhs_number: str | None) -> bool:
        """Whether another person (the one selected or open in the app) is this record's person: by NHS
        number when both have one, else by family name and date of birth (how the import itself matches
        a record without an NHS number)."""
        ours, theirs = normalise_nhs_number(self.nhs_number), normalise_nhs_number(nhs_number or "")
        if ours and theirs:
            return ours == theirs
        return self.family_name.casefold().strip() == family_name.casefold().strip() and (
            self.date_of_birth == born
        )


@dataclass(frozen=True)
class ImportPreview:
    source: str  # "FHIR R4" or "GP Connect (FHIR STU3)"
    new_person: bool
    details_would_change: tuple[str, ...]  # the person's details the record differs in
    rows: tuple[PreviewRow, ...]
    notices: tuple[str, ...] = ()
    no_known_allergies: bool = False
    person: RecordPerson | None = None  # whose record it is, from the record

    def count(self, action: str) -> int:
        return sum(r.action == action for r in self.rows)


def _sort_key(row: PreviewRow) -> tuple[int, int]:
    found = _PLACE.match(row.where.removeprefix("Bundle."))
    if found is None:
        return (10**9, 0)
    return (int(found.group(2)), -1 if found.group(3) is None else int(found.group(3)))


def _row(problem: Problem, action: str, what: str) -> PreviewRow:
    found = _PLACE.match(problem.where)
    place = found.group(1) if found else problem.where
    kind = (found.group(4) if found else "") or ""
    return PreviewRow(f"Bundle.{place}", kind, action, what, problem.what)


def _what(kind: str, item: Any) -> tuple[str, str]:
    """(plain words for the item, its name)."""
    if kind == "conditions":
        return ("a past condition" if item.is_history else "a current condition"), item.term
    if kind == "allergies":
        return ("a past allergy" if item.is_history else "a current allergy"), item.substance
    if kind == "medicines":
        return "a current medicine" + (" (dm+d coded)" if item.dmd_code else ""), item.name
    if kind == "results":
        return "a result", item.name
    return "a goal", item.text


KIND_OF = {
    "conditions": "Condition",
    "medicines": "MedicationStatement",
    "allergies": "AllergyIntolerance",
    "results": "Observation",
    "goals": "Goal",
}


def build_preview(
    record: ImportedRecord,
    tally: Tally,
    *,
    new_person: bool,
    changes: tuple[str, ...],
    kinds_at: dict[str, str],
    no_known_allergies: bool,
) -> ImportPreview:
    """The rows of a preview from the record as read and what merging it into the draft did (`tally`).
    `kinds_at` gives the resourceType at each place ("entry[3]" -> "MedicationRequest")."""
    rows: list[PreviewRow] = []
    for place in record.places.get("person", ()):
        what = "a new person" if new_person else "the person already held"
        why = ("details would change: " + ", ".join(changes)) if changes else ""
        rows.append(PreviewRow(f"Bundle.{place}", "Patient", "person", what, why))
    for kind, items in (
        ("conditions", record.conditions),
        ("medicines", record.medicines),
        ("allergies", record.allergies),
        ("results", record.results),
        ("goals", record.goals),
    ):
        outcomes = tally.outcomes.get(kind, [])
        for place, item, outcome in zip(record.places.get(kind, ()), items, outcomes, strict=False):
            what, label = _what(kind, item)
            action = ADD if outcome == "added" else UPDATE
            rows.append(
                PreviewRow(f"Bundle.{place}", kinds_at.get(place, KIND_OF[kind]), action, what, "", label)
            )
    for place in record.places.get("used", ()):
        rows.append(
            PreviewRow(f"Bundle.{place}", kinds_at.get(place, ""), USED, "with the entries that refer to it")
        )
    rows += [_row(p, SKIP, "") for p in record.skipped]
    rows += [_row(p, IGNORE, "") for p in record.ignored]
    return ImportPreview(
        source=record.source,
        new_person=new_person,
        details_would_change=changes,
        rows=tuple(sorted(rows, key=_sort_key)),
        notices=record.notices,
        no_known_allergies=no_known_allergies,
        person=RecordPerson(
            record.person.first_name,
            record.person.family_name,
            record.person.date_of_birth,
            record.person.nhs_number or "",
        ),
    )
