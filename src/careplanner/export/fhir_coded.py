"""The codes a record keeps, sent back out: a medicine's dm+d code, an allergy's substance and reaction
SNOMED CT codes, a result's SNOMED CT or LOINC code with its UCUM unit, and a blood pressure as the
systolic and diastolic parts FHIR expects rather than one "130/72" string.

A code goes out only when it still passes its check (a SNOMED CT or dm+d id its Verhoeff check digit, a
LOINC code its shape, a UCUM code printable with no spaces): a damaged code is left out, the words stay.
No display is sent for a held code: the app does not hold the concept's own term, and the words typed or
imported are the element's `text`. Sources: resources/clinical/README.md ("FHIR export: the codes kept").
"""

from __future__ import annotations

import math
import re
from typing import Any

from careplanner.clinical.snomed import is_concept_sctid, is_valid_sctid

Json = dict[str, Any]

SNOMED_SYSTEM = "http://snomed.info/sct"
DMD_SYSTEM = "https://dmd.nhs.uk"
LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
# FHIR R4 blood pressure profile (hl7.org/fhir/R4/bp.html) and its example Observation: the panel and its
# two parts, under LOINC.
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
BP_SYSTOLIC = ("8480-6", "Systolic blood pressure")
BP_DIASTOLIC = ("8462-4", "Diastolic blood pressure")
_LOINC_CODE = re.compile(r"\d{1,7}-\d")
_UCUM_CODE = re.compile(r"[!-~]{1,40}")
_TWO_READINGS = re.compile(r"\s*(\d{1,3}(?:\.\d+)?)\s*/\s*(\d{1,3}(?:\.\d+)?)\s*")


def _concept(text: str, codings: list[Json]) -> Json:
    out: Json = {"text": text} if text.strip() else {}
    if codings:
        out["coding"] = codings
    return out


def medicine_concept(name: str, dmd_code: str) -> Json:
    """MedicationStatement.medicationCodeableConcept: the name, and the dm+d code under dm+d's system."""
    code = dmd_code.strip()
    return _concept(name, [{"system": DMD_SYSTEM, "code": code}] if is_valid_sctid(code) else [])


def snomed_concept(text: str, code: str) -> Json:
    """A CodeableConcept with the words and, when it is a well-formed concept id, the SNOMED CT code."""
    code = code.strip()
    return _concept(text, [{"system": SNOMED_SYSTEM, "code": code}] if is_concept_sctid(code) else [])


def manifestations(reaction: str, reaction_code: str) -> list[Json]:
    """AllergyIntolerance.reaction.manifestation. The code is the first reaction's (as the import keeps
    it), so with a code the "; "-joined reactions go one per manifestation and the code on the first; the
    import joins them back the same way."""
    if not reaction_code.strip() or not is_concept_sctid(reaction_code.strip()):
        return [{"text": reaction}]
    parts = [p for p in reaction.split("; ") if p.strip()] or [reaction]
    return [snomed_concept(parts[0], reaction_code)] + [{"text": p} for p in parts[1:]]


def result_coding(system: str, code: str) -> list[Json]:
    """The result's held code (SNOMED CT or LOINC), or none when it no longer passes its check."""
    code = code.strip()
    if system == SNOMED_SYSTEM and is_concept_sctid(code):
        return [{"system": SNOMED_SYSTEM, "code": code}]
    if system == LOINC_SYSTEM and _LOINC_CODE.fullmatch(code):
        return [{"system": LOINC_SYSTEM, "code": code}]
    return []


def result_concept(name: str, system: str, code: str) -> Json:
    """Observation.code: the result's name, and its held code when it still passes its check."""
    return _concept(name, result_coding(system, code))


def quantity(number: float | int, unit: str, unit_code: str) -> Json:
    """A Quantity: the unit as written, and its UCUM code when one is held."""
    out: Json = {"value": number}
    if unit:
        out["unit"] = unit
    if unit_code and _UCUM_CODE.fullmatch(unit_code):
        out["system"], out["code"] = UCUM_SYSTEM, unit_code
    return out


def _number(text: str) -> float | int:
    """The number written, as an int when written without a point; ValueError for anything else."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)  # "nan" and "inf" parse, but are no reading
    return int(value) if value.is_integer() and "." not in text else value


def is_blood_pressure(name: str, system: str, code: str) -> bool:
    """A blood pressure: coded as the LOINC panel, or named so (GP systems send it under many codes)."""
    if system == LOINC_SYSTEM and code.strip() == BP_PANEL[0]:
        return True
    words = name.casefold()
    return "blood pressure" in words or words.strip() == "bp"


def blood_pressure(name: str, value: str, unit: str, system: str, code: str, unit_code: str) -> Json | None:
    """The Observation's code and components for a blood pressure written "130/72" (systolic first, as
    it is always written), or None when this is not one. The panel's LOINC code is added beside any code
    held; each part carries its LOINC code and the unit."""
    readings = _TWO_READINGS.fullmatch(value)
    if readings is None or not is_blood_pressure(name, system, code):
        return None
    held = result_coding(system, code)
    panel = {"system": LOINC_SYSTEM, "code": BP_PANEL[0], "display": BP_PANEL[1]}
    codings = (
        held if any(c == {"system": LOINC_SYSTEM, "code": BP_PANEL[0]} for c in held) else [*held, panel]
    )
    components = [
        {
            "code": {"coding": [{"system": LOINC_SYSTEM, "code": part[0], "display": part[1]}]},
            "valueQuantity": quantity(_number(reading), unit, unit_code),
        }
        for part, reading in ((BP_SYSTOLIC, readings.group(1)), (BP_DIASTOLIC, readings.group(2)))
    ]
    return {"code": _concept(name, codings), "component": components}


def result_value(value: str, unit: str, unit_code: str) -> Json:
    """valueQuantity for a number (with its UCUM code when held), else valueString in words."""
    try:
        return {"valueQuantity": quantity(_number(value), unit, unit_code)}
    except ValueError:
        return {"valueString": " ".join(p for p in (value, unit) if p)}
