"""Checks on an incoming FHIR Bundle before its content is read: its type, repeated entries, string
lengths, the Patient's NHS number(s) and whether the Patient is marked as having died.

Every problem names a place and a rule, never a value, so it is safe to show and log.
"""

from __future__ import annotations

from typing import Any

from careplanner.export.fhir_export import NHS_NUMBER_SYSTEM
from careplanner.export.fhir_json import dict_of, list_of, text_of
from careplanner.export.fhir_problems import Problem

# Bundle types that carry a record to read. A message, history, batch or a response is not a record.
ACCEPTED_TYPES = frozenset({"collection", "document", "searchset", "transaction"})
NAME_LIMIT = 200  # characters in one part of a person's name
TEXT_LIMIT = 10_000  # characters in any other text


def nhs_system(value: Any) -> bool:
    """True for the NHS number system, however its scheme or a trailing "/" is written."""
    system = text_of(value).rstrip("/")
    return system.removeprefix("http://").removeprefix("https://") == NHS_NUMBER_SYSTEM.removeprefix(
        "https://"
    )


def nhs_numbers(patient: dict[str, Any]) -> list[str]:
    """The distinct NHS numbers a Patient carries (spaces and dashes ignored), in order."""
    out: list[str] = []
    for identifier in list_of(patient.get("identifier")):
        ident = dict_of(identifier)
        if not nhs_system(ident.get("system")):
            continue
        value = text_of(ident.get("value"))
        digits = value.replace(" ", "").replace("-", "")
        if value and digits not in [o.replace(" ", "").replace("-", "") for o in out]:
            out.append(value)
    return out


def bundle_problems(data: dict[str, Any], read_kinds: frozenset[str]) -> list[Problem]:
    """Bundle type, repeated fullUrls and over-long text in the resources the import reads (checked
    without recursion; an attached document the import does not read may be long)."""
    problems: list[Problem] = []
    if text_of(data.get("type")) not in ACCEPTED_TYPES:
        problems.append(Problem("Bundle.type", "must be collection, document, searchset or transaction"))
    seen: set[str] = set()
    for index, entry in enumerate(list_of(data.get("entry"))):
        url = text_of(dict_of(entry).get("fullUrl"))
        if url and url in seen:
            problems.append(Problem(f"entry[{index}].fullUrl", "repeats an earlier entry's fullUrl"))
        seen.add(url)
        resource = dict_of(dict_of(entry).get("resource"))
        kind = text_of(resource.get("resourceType"))
        where = f"entry[{index}] ({kind or 'resource'})"
        for name in list_of(resource.get("name")) if kind == "Patient" else []:
            parts = [dict_of(name).get("family"), *list_of(dict_of(name).get("given"))]
            parts += list_of(dict_of(name).get("prefix"))
            if any(isinstance(p, str) and len(p) > NAME_LIMIT for p in parts):
                problems.append(Problem(f"{where}.name", f"a name longer than {NAME_LIMIT} characters"))
        if kind in read_kinds and _longest_text(resource) > TEXT_LIMIT:
            problems.append(Problem(where, f"holds text longer than {TEXT_LIMIT:,} characters"))
    return problems


def _longest_text(node: Any) -> int:
    longest, stack = 0, [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return longest


def patient_problems(patient: dict[str, Any], where: str) -> list[Problem]:
    """A Patient with several NHS numbers, or marked as having died, is refused."""
    problems = []
    if len(nhs_numbers(patient)) > 1:
        problems.append(Problem(f"{where}.identifier", "holds more than one NHS number"))
    if patient.get("deceasedBoolean") is True or "deceasedDateTime" in patient:
        problems.append(
            Problem(
                f"{where}.deceased",
                "the record says this person has died: importing a care plan for them needs a person "
                "to check it, so nothing was imported",
            )
        )
    return problems
