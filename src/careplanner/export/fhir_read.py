"""Check and read an incoming FHIR R4 Bundle of a person's record into plan data.

Two passes. First the whole bundle is validated against the R4 models of `fhir.resources`, so every
structural problem is found at once with where it is. Then the content the app needs is read and
checked (one Patient, a valid NHS number, full dates, SNOMED CT ids that pass their check digit). Any
problem refuses the whole bundle: a half-imported record is worse than none. Problems name places and
rules, never the values, so they are safe to show and log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from careplanner.clinical.enums import Sex
from careplanner.clinical.snomed import is_valid_sctid
from careplanner.export.fhir_checks import bundle_problems, nhs_numbers, patient_problems
from careplanner.export.fhir_export import GENDER, ODS_SYSTEM, SNOMED_SYSTEM
from careplanner.export.fhir_goals import read_goals
from careplanner.export.fhir_json import concept_text as _concept_text
from careplanner.export.fhir_json import dict_of as _dict
from careplanner.export.fhir_json import full_date as _full_date
from careplanner.export.fhir_json import list_of as _list
from careplanner.export.fhir_json import text_of as _s
from careplanner.export.fhir_med_status import not_current_reason
from careplanner.export.fhir_problems import BundleRefusedError, Problem, structural_problems
from careplanner.export.fhir_read_plan import PlanRecord, read_plan
from careplanner.export.fhir_status import (
    ALLERGY_CLINICAL,
    ALLERGY_CLINICAL_CODES,
    ALLERGY_VERIFICATION,
    ALLERGY_VERIFICATION_CODES,
    CONDITION_CLINICAL,
    CONDITION_CLINICAL_CODES,
    CONDITION_VERIFICATION,
    CONDITION_VERIFICATION_CODES,
    NOT_IMPORTED,
    UNCONFIRMED,
    StatusError,
    allergy_negation,
    clinical_status,
    verification,
)
from careplanner.export.fhir_values import address_of, components_of, dmd_code_of
from careplanner.services.import_limits import duplicate_problems, limit_problems
from careplanner.services.people import (
    PersonInput,
    TelecomData,
    validate_person,
    with_clean_names,
)
from careplanner.services.plan_data import (
    AllergyData,
    ConditionData,
    GoalData,
    MedicineData,
    ResultData,
)

READ_KINDS = frozenset(
    {
        "Patient",
        "Condition",
        "MedicationStatement",
        "MedicationRequest",
        "Medication",
        "AllergyIntolerance",
        "Observation",
        "Goal",
        "CarePlan",
        # the plan's people, referrals and consent to share (`fhir_read_plan`)
        "CareTeam",
        "PractitionerRole",
        "Practitioner",
        "Organization",
        "ServiceRequest",
        "Consent",
        "RelatedPerson",  # the person's contacts, an attorney (`fhir_read_decisions`)
    }
)
SKIP_STATUS = {
    "MedicationStatement": {"stopped", "entered-in-error", "not-taken", "completed"},
    "MedicationRequest": {"cancelled", "stopped", "entered-in-error", "completed", "draft"},
    "Observation": {"entered-in-error", "cancelled"},
}
SEX_OF = {v: k for k, v in GENDER.items()}
NOT_READ = "Care Planner does not read this kind of resource"


@dataclass(frozen=True)
class ImportedRecord:
    person: PersonInput
    conditions: tuple[ConditionData, ...] = ()
    medicines: tuple[MedicineData, ...] = ()
    allergies: tuple[AllergyData, ...] = ()
    results: tuple[ResultData, ...] = ()
    goals: tuple[GoalData, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    # Entries read but deliberately not imported, each with where it is and why (no values: safe to show).
    skipped: tuple[Problem, ...] = ()
    # The bundle states "No known allergy" (and lists no current allergy): a negation, not an allergy.
    no_known_allergies: bool = False
    # Things the clinician should know that do not stop the import (e.g. the record is marked inactive).
    notices: tuple[str, ...] = ()
    # Where each item came from: "conditions" -> the place ("entry[3]") of each of `conditions`, in order.
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Entries of kinds the import does not read at all, with where and why.
    ignored: tuple[Problem, ...] = ()
    # What was read: "FHIR R4" or "GP Connect (FHIR STU3)".
    source: str = "FHIR R4"
    # The plan's care team, referrals, what matters, review date and where it came from (round trip).
    plan: PlanRecord | None = None


class _Reader:
    def __init__(self, data: dict[str, Any], today: date) -> None:
        self.entries = [(_dict(e), _dict(_dict(e).get("resource"))) for e in _list(data.get("entry"))]
        self.today = today
        self.problems: list[Problem] = []
        self.by_ref: dict[str, dict[str, Any]] = {}
        for entry, res in self.entries:
            kind, rid = _s(res.get("resourceType")), _s(res.get("id"))
            if _s(entry.get("fullUrl")):
                self.by_ref[_s(entry["fullUrl"])] = res
            if kind and rid:
                self.by_ref[f"{kind}/{rid}"] = res
        self.patient_refs: set[str] = set()
        self.skipped: list[Problem] = []
        self.no_known_allergy_at: list[int] = []
        self.notices: list[str] = []
        self.skipped_refs: set[str] = set()
        self.places: dict[str, list[str]] = {}

    def came_from(self, what: str, index: int) -> None:
        self.places.setdefault(what, []).append(f"entry[{index}]")

    def where(self, index: int, kind: str, path: str = "") -> str:
        return f"entry[{index}] ({kind})" + (f".{path}" if path else "")

    def problem(self, index: int, kind: str, path: str, what: str) -> None:
        self.problems.append(Problem(self.where(index, kind, path), what))

    def of_kind(self, *kinds: str) -> list[tuple[int, dict[str, Any]]]:
        return [(i, res) for i, (_, res) in enumerate(self.entries) if res.get("resourceType") in kinds]

    def check_subject(self, index: int, kind: str, res: dict[str, Any], key: str) -> None:
        ref = _s(_dict(res.get(key)).get("reference"))
        if ref and self.patient_refs and ref not in self.patient_refs:
            self.problem(index, kind, key, "refers to a different patient from the bundle's Patient")

    def patient(self) -> PersonInput | None:
        patients = self.of_kind("Patient")
        if len(patients) != 1:
            self.problems.append(
                Problem("bundle", f"must hold exactly one Patient (it holds {len(patients)})")
            )
            return None
        index, res = patients[0]
        self.came_from("person", index)
        entry = self.entries[index][0]
        self.patient_refs = {
            r for r in (_s(entry.get("fullUrl")), f"Patient/{_s(res.get('id'))}") if r and not r.endswith("/")
        }
        names = [_dict(n) for n in _list(res.get("name"))]
        official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
        usual = next((n for n in names if n.get("use") == "usual" and n is not official), {})
        self.problems += patient_problems(res, self.where(index, "Patient"))
        if res.get("active") is False:
            self.notices.append("The sending system marks this person's record as not active.")
        nhs = next(iter(nhs_numbers(res)), None)
        born = _full_date(res.get("birthDate"))
        if born is None:
            self.problem(index, "Patient", "birthDate", "a full date of birth (YYYY-MM-DD) is needed")
            born = self.today
        gp = _dict(_list(res.get("generalPractitioner"))[0]) if _list(res.get("generalPractitioner")) else {}
        ods = _dict(gp.get("identifier"))
        person = PersonInput(
            first_name=" ".join(_s(g) for g in _list(official.get("given")) if _s(g)),
            family_name=_s(official.get("family")),
            date_of_birth=born,
            nhs_number=nhs or None,
            title=" ".join(_s(p) for p in _list(official.get("prefix")) if _s(p)),
            preferred_name=" ".join(_s(g) for g in _list(usual.get("given")) if _s(g)),
            sex=SEX_OF.get(_s(res.get("gender")).casefold(), Sex.NOT_KNOWN),
            gp_practice_name=_s(gp.get("display")),
            gp_practice_ods_code=_s(ods.get("value")) if ods.get("system") == ODS_SYSTEM else "",
            addresses=tuple(
                address_of(_dict(a))
                for a in _list(res.get("address"))
                if _list(_dict(a).get("line")) or _s(_dict(a).get("postalCode"))
            ),
            telecoms=tuple(
                TelecomData(
                    _s(_dict(t).get("system")) if _dict(t).get("system") in ("phone", "email") else "other",
                    _s(_dict(t).get("value")),
                    _s(_dict(t).get("use")),
                    _dict(t).get("rank") if isinstance(_dict(t).get("rank"), int) else None,
                )
                for t in _list(res.get("telecom"))
                if _s(_dict(t).get("value"))
            ),
        )
        # Stored names carry no invisible characters; compare and match the record's names the same way.
        person = with_clean_names(person)
        field_paths = {
            "first_name": "name.given",
            "family_name": "name.family",
            "date_of_birth": "birthDate",
            "nhs_number": "identifier (NHS number)",
        }
        for name, message in validate_person(person, self.today).items():
            if name == "date_of_birth" and born == self.today:
                continue
            self.problem(index, "Patient", field_paths.get(name, name), message)
        return person

    def skip(self, index: int, kind: str, why: str) -> None:
        self.skipped.append(Problem(self.where(index, kind), why))

    def skipped_status(self, index: int, kind: str, res: dict[str, Any]) -> bool:
        status = _s(res.get("status"))
        if status in SKIP_STATUS.get(kind, set()):
            self.skip(index, kind, f"status {status}, so not imported")
            return True
        return False

    def conditions(self) -> tuple[ConditionData, ...]:
        out = []
        for i, res in self.of_kind("Condition"):
            self.check_subject(i, "Condition", res, "subject")
            try:
                verified = verification(res, CONDITION_VERIFICATION, CONDITION_VERIFICATION_CODES)
                status = clinical_status(res, CONDITION_CLINICAL, CONDITION_CLINICAL_CODES)
            except StatusError as exc:
                self.skip(i, "Condition", str(exc))
                continue
            if verified in NOT_IMPORTED:
                self.skip(i, "Condition", NOT_IMPORTED[verified])
                continue
            if verified in UNCONFIRMED:
                self.skip(i, "Condition", f"verification status {verified}: not a confirmed problem")
                continue
            code = _dict(res.get("code"))
            snomed = next(
                (_dict(c) for c in _list(code.get("coding")) if _dict(c).get("system") == SNOMED_SYSTEM),
                {},
            )
            sctid = _s(snomed.get("code"))
            if sctid and not is_valid_sctid(sctid):
                self.problem(i, "Condition", "code.coding", "the SNOMED CT code fails its check digit")
            term = _s(snomed.get("display")) or _concept_text(code)
            if not term:
                self.problem(i, "Condition", "code", "the condition has no name or code")
            plain = _s(code.get("text"))
            notes = "; ".join(
                _s(_dict(n).get("text")) for n in _list(res.get("note")) if _s(_dict(n).get("text"))
            )
            self.came_from("conditions", i)
            out.append(
                ConditionData(
                    term=term,
                    snomed_code=sctid,
                    plain_name=plain if plain != term else "",
                    diagnosed=_s(res.get("onsetString")) or _s(res.get("onsetDateTime"))[:10],
                    notes=notes,
                    clinical_status=status,
                )
            )
        return tuple(out)

    def medicines(self) -> tuple[MedicineData, ...]:
        out = []
        for i, res in self.of_kind("MedicationStatement", "MedicationRequest"):
            kind = _s(res.get("resourceType"))
            self.check_subject(i, kind, res, "subject")
            why = not_current_reason(kind, res, self.today)
            if why is not None:
                self.skip(i, kind, why)
                continue
            concept = res.get("medicationCodeableConcept")
            name = _concept_text(concept)
            ref = _s(_dict(res.get("medicationReference")).get("reference"))
            if not name and ref:
                concept = _dict(self.by_ref.get(ref)).get("code")
                name = _concept_text(concept)
                if ref not in self.by_ref:
                    self.problem(
                        i, kind, "medicationReference", "points to a Medication that is not in the bundle"
                    )
            if not name:
                self.problem(i, kind, "medication", "the medicine has no name")
            dosage = _dict((_list(res.get("dosage")) or _list(res.get("dosageInstruction")) or [{}])[0])
            purpose = next((_concept_text(r) for r in _list(res.get("reasonCode")) if _concept_text(r)), "")
            self.came_from("medicines", i)
            out.append(
                MedicineData(
                    name=name,
                    dose=_s(dosage.get("text")),
                    how_taken=_concept_text(dosage.get("route")),
                    purpose=purpose,
                    dmd_code=dmd_code_of(concept),
                )
            )
        return tuple(out)

    def allergies(self) -> tuple[AllergyData, ...]:
        out = []
        for i, res in self.of_kind("AllergyIntolerance"):
            self.check_subject(i, "AllergyIntolerance", res, "patient")
            try:
                verified = verification(res, ALLERGY_VERIFICATION, ALLERGY_VERIFICATION_CODES)
                status = clinical_status(res, ALLERGY_CLINICAL, ALLERGY_CLINICAL_CODES)
                negation = allergy_negation(res)
            except StatusError as exc:
                self.skip(i, "AllergyIntolerance", str(exc))
                continue
            if verified in NOT_IMPORTED:
                self.skip(i, "AllergyIntolerance", NOT_IMPORTED[verified])
                continue
            if negation == "food-only":
                self.skip(
                    i,
                    "AllergyIntolerance",
                    "a 'no known food allergy' statement: it says nothing about other allergies, so "
                    "not recorded as no known allergies",
                )
                continue
            if negation == "none-known":
                if verified in UNCONFIRMED:
                    self.skip(i, "AllergyIntolerance", "an unconfirmed 'no known allergy' statement")
                elif status == "active":
                    self.no_known_allergy_at.append(i)
                else:
                    self.skip(i, "AllergyIntolerance", f"a 'no known allergy' statement marked {status}")
                continue
            substance = _concept_text(res.get("code"))
            if not substance:
                self.problem(i, "AllergyIntolerance", "code", "the allergy has no substance")
            elif verified in UNCONFIRMED:
                substance += " (unconfirmed)"  # a suspected allergy is kept, and marked
            reaction = _dict((_list(res.get("reaction")) or [{}])[0])
            manifestation = "; ".join(
                _concept_text(m) for m in _list(reaction.get("manifestation")) if _concept_text(m)
            )
            self.came_from("allergies", i)
            out.append(
                AllergyData(substance, manifestation, _s(reaction.get("severity")), clinical_status=status)
            )
        if any(not a.is_history for a in out):
            # UK Core: recorded current allergies take precedence over a "No known allergies" statement.
            for i in self.no_known_allergy_at:
                self.skip(
                    i, "AllergyIntolerance", "a 'no known allergy' statement, ignored: allergies listed"
                )
            self.no_known_allergy_at.clear()
        return tuple(out)

    def results(self) -> tuple[ResultData, ...]:
        out = []
        for i, res in self.of_kind("Observation"):
            self.check_subject(i, "Observation", res, "subject")
            if self.skipped_status(i, "Observation", res):
                continue
            name = _concept_text(res.get("code"))
            if not name:
                self.problem(i, "Observation", "code", "the result has no name")
            value, unit = "", ""
            quantity = _dict(res.get("valueQuantity"))
            if quantity:
                number = quantity.get("value")
                value = "" if number is None else str(number)
                unit = _s(quantity.get("unit")) or _s(quantity.get("code"))
            elif isinstance(res.get("valueInteger"), int):
                value = str(res["valueInteger"])
            else:
                value = _s(res.get("valueString")) or _concept_text(res.get("valueCodeableConcept"))
            note = "; ".join(
                _s(_dict(n).get("text")) for n in _list(res.get("note")) if _s(_dict(n).get("text"))
            )
            if not value:
                value, unit, parts = components_of(res)
                note = "; ".join(x for x in (parts, note) if x)
            if not value:
                self.skip(i, "Observation", "no value (a heading, a comment or a coded entry): not a result")
                continue
            self.came_from("results", i)
            out.append(ResultData(name, value, unit, _full_date(res.get("effectiveDateTime")), note))
        return tuple(out)


def read_bundle(data: Any, today: date) -> ImportedRecord:
    """The record in `data`, or BundleRefusedError listing every problem found."""
    is_bundle = isinstance(data, dict) and data.get("resourceType") == "Bundle"
    limits = limit_problems(data)  # on the plain JSON, before any model parses it
    if limits:
        raise BundleRefusedError(limits)
    # (bundle_problems checks repeated fullUrls; duplicate_problems adds the same type and id twice)
    early = bundle_problems(data, READ_KINDS) + duplicate_problems(data, urls=False) if is_bundle else []
    if any("longer than" in p.what for p in early):
        raise BundleRefusedError(early)  # never hand megabytes of text to the models
    structural = structural_problems(data)
    if structural:
        raise BundleRefusedError(early + structural)
    reader = _Reader(data, today)
    person = reader.patient()
    record = ImportedRecord(
        person=person or PersonInput("", "", today),
        conditions=reader.conditions(),
        medicines=reader.medicines(),
        allergies=reader.allergies(),
        results=reader.results(),
        goals=read_goals(reader),
        plan=read_plan(reader),
    )
    for i, res in reader.of_kind("CarePlan", "CareTeam", "ServiceRequest", "Consent", "RelatedPerson"):
        kind = _s(res.get("resourceType"))  # plan content about someone else is never this person's
        reader.check_subject(i, kind, res, "patient" if kind in ("Consent", "RelatedPerson") else "subject")
    if reader.problems or person is None or early:
        raise BundleRefusedError(early + reader.problems)
    kinds = [_s(res.get("resourceType")) for _, res in reader.entries]
    read_documents = record.plan.decisions.documents_at if record.plan else frozenset()  # paper forms
    skipped_at = {p.where for p in reader.skipped}
    for i, kind in enumerate(kinds):
        if kind in ("Goal", "Medication", "CarePlan") and f"entry[{i}] ({kind})" not in skipped_at:
            reader.came_from("goals" if kind == "Goal" else "used", i)
    return ImportedRecord(
        **{
            **record.__dict__,
            "counts": {k: kinds.count(k) for k in sorted(set(kinds))},
            "skipped": tuple(reader.skipped),
            "no_known_allergies": bool(reader.no_known_allergy_at),
            "notices": tuple(reader.notices),
            "places": {k: tuple(v) for k, v in reader.places.items()},
            "ignored": tuple(
                Problem(f"entry[{i}] ({kind})", NOT_READ)
                for i, kind in enumerate(kinds)
                if kind not in READ_KINDS and i not in read_documents
            ),
        }
    )
