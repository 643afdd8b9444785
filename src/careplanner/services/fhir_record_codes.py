"""The codes and person details a GP record sends that the R4 reader leaves behind, put back on the record.

The reader (`export/fhir_read.py`) reads each allergy and result into the plan's words; this adds, from
the same resource (found through `ImportedRecord.places`), what a receiving system needs to act on it:

- an allergy's SNOMED CT code (the substance or product) and its first reaction's code;
- a result's code, SNOMED CT or LOINC with its system, and its unit's UCUM code (a reading in parts, such
  as a blood pressure, takes the unit code its parts share);
- for the person: ethnic category, the language an interpreter is needed for, and a preferred written
  format (large print, braille, easy read) as communication needs. Read from the Patient as sent: UK Core
  R4 (Extension-UKCore-EthnicCategory, -NHSCommunication, -ContactPreference, patient-interpreterRequired,
  Patient.communication) and GP Connect STU3 (Extension-CareConnect-EthnicCategory-1,
  -NHSCommunication-1). Sources: resources/clinical/README.md ("Codes kept on import").

A code is kept only when it is well formed: a SNOMED CT id must pass its check digit (a mistyped id is
dropped, never stored), a LOINC code must look like one, and a unit code counts as UCUM only under the
UCUM system. Nothing here touches the store.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from careplanner.clinical.enums import CommunicationNeed
from careplanner.clinical.snomed import is_concept_sctid
from careplanner.export.fhir_json import concept_text, dict_of, list_of, text_of
from careplanner.export.fhir_read import ImportedRecord
from careplanner.services.people import NeedEntry, PersonInput
from careplanner.services.plan_data import AllergyData, ResultData

SNOMED = "http://snomed.info/sct"
DMD = "https://dmd.nhs.uk"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
WRITTEN_FORMAT_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-PreferredWrittenCommunicationFormat"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
_LOINC_CODE = re.compile(r"\d{1,7}-\d")
_UCUM_CODE = re.compile(r"[!-~]{1,40}")  # printable ASCII, no spaces: what a UCUM expression is made of
# UKCore-PreferredWrittenCommunicationFormat: code 11 "Large print" as in NHS England's UK Core example
# (resources/clinical/README.md); other codes are read by their words only (not verified here).
WRITTEN_FORMAT_CODES = {"11": CommunicationNeed.LARGE_PRINT}
WRITTEN_FORMAT_WORDS = (
    ("large print", CommunicationNeed.LARGE_PRINT),
    ("braille", CommunicationNeed.BRAILLE),
    ("easy read", CommunicationNeed.EASY_READ),
)
ETHNICITY_MAX, LANGUAGE_MAX = 200, 100  # the person's columns


def snomed_code(concept: Any) -> str:
    """The first SNOMED CT (or dm+d) concept id of a CodeableConcept that passes its check digit, or ""."""
    for coding in list_of(dict_of(concept).get("coding")):
        c = dict_of(coding)
        code = text_of(c.get("code")).strip()
        if text_of(c.get("system")).rstrip("/") in (SNOMED, DMD) and is_concept_sctid(code):
            return code
    return ""


def result_code(concept: Any) -> tuple[str, str]:
    """(system, code) of a result: SNOMED CT first, else LOINC; ("", "") when neither is well formed."""
    code = snomed_code(concept)
    if code:
        return SNOMED, code
    for coding in list_of(dict_of(concept).get("coding")):
        c = dict_of(coding)
        code = text_of(c.get("code")).strip()
        if text_of(c.get("system")).rstrip("/") == LOINC and _LOINC_CODE.fullmatch(code):
            return LOINC, code
    return "", ""


def ucum_code(quantity: Any) -> str:
    """A Quantity's unit code when it is given under UCUM, else ""."""
    q = dict_of(quantity)
    code = text_of(q.get("code")).strip()
    return code if text_of(q.get("system")).rstrip("/") == UCUM and _UCUM_CODE.fullmatch(code) else ""


def result_unit_code(res: dict[str, Any]) -> str:
    """The result's UCUM unit code; for a reading in parts, the one its parts share (else "")."""
    if dict_of(res.get("valueQuantity")):
        return ucum_code(res["valueQuantity"])
    parts = {
        ucum_code(dict_of(comp).get("valueQuantity"))
        for comp in list_of(res.get("component"))
        if dict_of(dict_of(comp).get("valueQuantity"))
    }
    return parts.pop() if len(parts) == 1 else ""


def _sub(ext: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [dict_of(x) for x in list_of(ext.get("extension")) if text_of(dict_of(x).get("url")) == url]


def _written_need(concept: Any) -> CommunicationNeed | None:
    for coding in list_of(dict_of(concept).get("coding")):
        c = dict_of(coding)
        if (
            text_of(c.get("system")) == WRITTEN_FORMAT_SYSTEM
            and text_of(c.get("code")) in WRITTEN_FORMAT_CODES
        ):
            return WRITTEN_FORMAT_CODES[text_of(c["code"])]
    words = concept_text(concept).casefold()
    return next((need for phrase, need in WRITTEN_FORMAT_WORDS if phrase in words), None)


def person_extras(patient: dict[str, Any]) -> dict[str, Any]:
    """Ethnicity, interpreter language and communication needs the Patient states (only those it states)."""
    ethnicity, language, interpreter = "", "", False
    needs: list[CommunicationNeed] = []
    for ext in (dict_of(x) for x in list_of(patient.get("extension"))):
        url = text_of(ext.get("url"))
        if "EthnicCategory" in url:
            ethnicity = ethnicity or concept_text(ext.get("valueCodeableConcept"))
        elif "NHSCommunication" in url:
            wants = any(x.get("valueBoolean") is True for x in _sub(ext, "interpreterRequired"))
            spoken = next((concept_text(x.get("valueCodeableConcept")) for x in _sub(ext, "language")), "")
            if wants and spoken:
                interpreter, language = True, language or spoken
        elif url == INTERPRETER_REQUIRED and ext.get("valueBoolean") is True:
            interpreter = True
        elif "ContactPreference" in url:
            for fmt in _sub(ext, "PreferredWrittenCommunicationFormat"):
                need = _written_need(fmt.get("valueCodeableConcept"))
                if need is not None and need not in needs:
                    needs.append(need)
    if interpreter and not language:
        spoken_in = [dict_of(c) for c in list_of(patient.get("communication"))]
        spoken_in.sort(key=lambda c: c.get("preferred") is not True)  # the preferred language first
        language = next(
            (concept_text(c.get("language")) for c in spoken_in if concept_text(c.get("language"))), ""
        )
    out: dict[str, Any] = {}
    if ethnicity:
        out["ethnicity"] = ethnicity[:ETHNICITY_MAX]
    entries = [NeedEntry(need) for need in needs]
    if interpreter and language:
        out["interpreter_language"] = language[:LANGUAGE_MAX]
        entries.append(NeedEntry(CommunicationNeed.INTERPRETER, language[:LANGUAGE_MAX]))
    if entries:
        out["communication_needs"] = tuple(entries)
    return out


def _at(bundle: dict[str, Any], place: str) -> dict[str, Any]:
    found = re.fullmatch(r"entry\[(\d+)\]", place)
    entries = list_of(bundle.get("entry"))
    if found is None or int(found.group(1)) >= len(entries):
        return {}
    return dict_of(dict_of(entries[int(found.group(1))]).get("resource"))


def _allergy(item: AllergyData, res: dict[str, Any]) -> AllergyData:
    reaction = dict_of((list_of(res.get("reaction")) or [{}])[0])
    reaction_code = next(
        (c for c in (snomed_code(m) for m in list_of(reaction.get("manifestation"))) if c), ""
    )
    return dataclasses.replace(item, substance_code=snomed_code(res.get("code")), reaction_code=reaction_code)


def _result(item: ResultData, res: dict[str, Any]) -> ResultData:
    system, code = result_code(res.get("code"))
    return dataclasses.replace(item, code_system=system, code=code, unit_code=result_unit_code(res))


def with_codes(record: ImportedRecord, bundle: dict[str, Any], patient: dict[str, Any]) -> ImportedRecord:
    """`record` (read from the R4 `bundle`, with its places still in that bundle) with the codes of its
    allergies and results, and the person's details from `patient` (the Patient as sent)."""
    allergy_at = record.places.get("allergies", ())
    result_at = record.places.get("results", ())
    if len(allergy_at) != len(record.allergies) or len(result_at) != len(record.results):
        return record  # places that do not line up: add nothing rather than a code on the wrong entry
    person: PersonInput = dataclasses.replace(record.person, **person_extras(patient))
    return dataclasses.replace(
        record,
        person=person,
        allergies=tuple(
            _allergy(a, _at(bundle, p)) for a, p in zip(record.allergies, allergy_at, strict=True)
        ),
        results=tuple(_result(r, _at(bundle, p)) for r, p in zip(record.results, result_at, strict=True)),
    )


def patient_of(bundle: Any) -> dict[str, Any]:
    """The bundle's (first) Patient as sent, or {}."""
    for entry in list_of(dict_of(bundle).get("entry")):
        res = dict_of(dict_of(entry).get("resource"))
        if res.get("resourceType") == "Patient":
            return res
    return {}


FILLED_LABELS = {
    "ethnicity": "ethnicity",
    "interpreter_language": "interpreter language",
    "communication_needs": "communication needs",
}


def fill_in(held: PersonInput, incoming: PersonInput) -> tuple[PersonInput, tuple[str, ...]]:
    """A held person's details with what the record adds where nothing is held: ethnicity and interpreter
    language when empty, and communication needs of a kind not yet recorded. Nothing held is changed or
    removed. Returns the details and the labels of what was added (no values)."""
    changes: dict[str, Any] = {}
    if incoming.ethnicity and not held.ethnicity.strip():
        changes["ethnicity"] = incoming.ethnicity
    if incoming.interpreter_language and not held.interpreter_language.strip():
        changes["interpreter_language"] = incoming.interpreter_language
    kinds = {n.need for n in held.communication_needs}
    new = tuple(n for n in incoming.communication_needs if n.need not in kinds)
    if new:
        changes["communication_needs"] = held.communication_needs + new
    return dataclasses.replace(held, **changes), tuple(
        FILLED_LABELS[k] for k in FILLED_LABELS if k in changes
    )


def filled_notice(added: tuple[str, ...], *, ahead: bool = False) -> tuple[str, ...]:
    """The line about what the record adds to a held person's details (none when nothing): in the
    preview (`ahead`) and in the import's summary. Names the kinds of detail, never their values."""
    if not added:
        return ()
    if ahead:
        return (f"Will add to the person's details: {', '.join(added)}. Nothing held will change.",)
    return (f"Added to the person's details from the record: {', '.join(added)}. Nothing held was changed.",)
