"""A saved GP Connect Access Record: Structured response (FHIR STU3) as the R4 bundle the import reads.

GP Connect (`GPConnect-StructuredRecord-Bundle-1`, CareConnect-GPC profiles) sends the GP record as a
STU3 collection. Rather than a second reader with its own rules, each resource the import uses is
rewritten in R4 shape and the result goes through the one R4 reader (`export/fhir_read.py`), so every
safety rule (statuses, negations, identity, the dead, limits) applies to both. What changes:

- Patient: identity, names, sex, address (with city), phones; the practice from `managingOrganization`'s
  ODS code. An NHS number whose verification status is not "01" (present and verified) is noted.
- Condition (ProblemHeader): STU3 status codes become R4 codings. Active problems come in as current,
  inactive ones as history.
- MedicationStatement: only an active one is a current medicine, with its dm+d code from its Medication;
  a completed or stopped one is not brought in (listed, with why). MedicationRequests are the
  prescriptions behind a MedicationStatement (authorisations and issues): listed, not read twice.
- AllergyIntolerance, including the resolved ones GP Connect sends contained in the "Resolved
  Allergies" List: active ones current, resolved ones as history. An empty allergy List is not a
  "no known allergies" statement (it says only that nothing was recorded): nothing is inferred from it.
- Observation: results with their value or components (a blood pressure); the R4 reader leaves out,
  and lists, coded entries and comments without a value.
- Everything else (Organization, Practitioner, List, Encounter, Immunization, DiagnosticReport, ...) is
  listed as not read, with its place.

Places are kept: a problem or a skipped entry names the entry of the file as sent (`entry[n]`, or
`entry[n].contained[k]`). Sources: resources/clinical/README.md ("GP Connect import").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from careplanner.export.fhir_json import dict_of, list_of, text_of
from careplanner.export.fhir_problems import Problem
from careplanner.export.fhir_status import (
    ALLERGY_CLINICAL,
    ALLERGY_VERIFICATION,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
)

BUNDLE_PROFILE = "GPConnect-StructuredRecord-Bundle"
STU3_PROFILES = "https://fhir.nhs.uk/STU3/StructureDefinition/"
SNOMED = "http://snomed.info/sct"
ODS = "https://fhir.nhs.uk/Id/ods-organization-code"
VERIFIED_NHS_NUMBER = "01"  # CareConnect-NHSNumberVerificationStatus-1: number present and verified
DMD_EXTENSION_HINT = "sctdescid"

# Why each kind the import does not read is left out, in plain words.
NOT_READ = {
    "Organization": "an organisation (the GP practice is read from the Patient)",
    "Practitioner": "a member of staff: not part of the person's plan",
    "PractitionerRole": "a member of staff's role: not part of the person's plan",
    "List": "a heading that groups the record (its entries are read one by one)",
    "Encounter": "a consultation: its problems and results are read on their own",
    "MedicationRequest": "a prescription (authorisation or issue) behind a medicine: the medicine "
    "comes in from its MedicationStatement",
    "Immunization": "immunisations are not part of the care plan",
    "DiagnosticReport": "a report heading: its results are read on their own",
    "ProcedureRequest": "a test request, not a result",
    "ReferralRequest": "a referral made by the practice: not imported into the plan",
    "Specimen": "a sample taken for a test",
    "Location": "a place",
    "OperationOutcome": "the sending system's notes about the request",
    "Device": "a device",
}
MEDICINE_NOT_CURRENT = "a past medicine (status {status}): only current medicines come in"


def is_gp_connect(data: Any) -> bool:
    """True for a GP Connect structured record: its Bundle profile, or CareConnect STU3 resources."""
    bundle = dict_of(data)
    if bundle.get("resourceType") != "Bundle":
        return False
    profiles = [text_of(p) for p in list_of(dict_of(bundle.get("meta")).get("profile"))]
    if any(BUNDLE_PROFILE in p for p in profiles):
        return True
    for entry in list_of(bundle.get("entry")):
        meta = dict_of(dict_of(dict_of(entry).get("resource")).get("meta"))
        if any(text_of(p).startswith(STU3_PROFILES) for p in list_of(meta.get("profile"))):
            return True
    return False


@dataclass
class Converted:
    """The R4 bundle, where each of its entries came from in the file, and what was left out."""

    bundle: dict[str, Any]
    origin: list[str] = field(default_factory=list)  # origin[k]: "entry[n]" of R4 entry k
    left_out: list[Problem] = field(default_factory=list)  # read but deliberately not brought in
    ignored: list[Problem] = field(default_factory=list)  # kinds Care Planner does not read
    notices: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # read with the entries that refer to them (Medication)

    def where(self, text: str) -> str:
        """`text` (a place in the R4 bundle) as the place in the file as sent."""
        return re.sub(
            r"^entry\[(\d+)\]",
            lambda m: self.origin[int(m.group(1))] if int(m.group(1)) < len(self.origin) else m.group(0),
            text,
        )

    def placed(self, problems: list[Problem] | tuple[Problem, ...]) -> list[Problem]:
        return [Problem(self.where(p.where), p.what) for p in problems]


def _coding(coding: Any) -> dict[str, Any]:
    """A coding without its extensions (the STU3 description-id extension has no R4 meaning here)."""
    c = dict_of(coding)
    return {k: text_of(c.get(k)) for k in ("system", "code", "display") if text_of(c.get(k))}


def _concept(concept: Any) -> dict[str, Any] | None:
    c = dict_of(concept)
    codings = [_coding(x) for x in list_of(c.get("coding"))]
    out: dict[str, Any] = {"coding": [x for x in codings if x]} if any(codings) else {}
    if text_of(c.get("text")):
        out["text"] = text_of(c["text"])
    return out or None


def _status(code: Any, system: str) -> dict[str, Any] | None:
    """An STU3 status code as an R4 coded status; a status that is not a plain code is kept as text, which
    the R4 reader refuses for that entry (never read as active)."""
    if code is None:
        return None
    if isinstance(code, str):
        return {"coding": [{"system": system, "code": code.strip()}]}
    return {"text": "not a code"}


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        out[key] = value


def _notes(res: dict[str, Any]) -> list[dict[str, str]]:
    notes = [{"text": text_of(dict_of(n).get("text"))} for n in list_of(res.get("note"))]
    if text_of(res.get("comment")):  # STU3 Observation.comment is R4 Observation.note
        notes.append({"text": text_of(res["comment"])})
    return [n for n in notes if n["text"]]


class _Converter:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.entries = [dict_of(e) for e in list_of(data.get("entry"))]
        self.by_ref: dict[str, dict[str, Any]] = {}
        for e in self.entries:
            res = dict_of(e.get("resource"))
            kind, rid = text_of(res.get("resourceType")), text_of(res.get("id"))
            if text_of(e.get("fullUrl")):
                self.by_ref[text_of(e.get("fullUrl"))] = res
            if kind and rid:
                self.by_ref[f"{kind}/{rid}"] = res
        self.out = Converted({"resourceType": "Bundle", "type": "collection", "entry": []})

    def add(self, where: str, res: dict[str, Any], full_url: str = "") -> None:
        entry: dict[str, Any] = {"resource": res}
        if full_url:
            entry["fullUrl"] = full_url
        self.out.bundle["entry"].append(entry)
        self.out.origin.append(where)

    def run(self) -> Converted:
        for n, entry in enumerate(self.entries):
            res = dict_of(entry.get("resource"))
            kind = text_of(res.get("resourceType"))
            where = f"entry[{n}]"
            make = getattr(self, f"_{kind.lower()}", None) if kind in _READ else None
            if kind == "Medication":
                self.out.used.append(where)  # its code and name go with the MedicationStatement
            elif make is None:
                why = NOT_READ.get(kind, "Care Planner does not read this kind of resource")
                self.out.ignored.append(Problem(f"{where} ({kind or 'resource'})", why))
            else:
                made = make(res, where)
                if made is not None:
                    self.add(where, made, text_of(entry.get("fullUrl")))
            if kind == "List":
                self._contained_allergies(res, where)
        return self.out

    def _base(self, res: dict[str, Any], *keys: str) -> dict[str, Any]:
        out: dict[str, Any] = {"resourceType": res["resourceType"]}
        for key in ("id", *keys):
            _put(out, key, res.get(key))
        return out

    def _patient(self, res: dict[str, Any], where: str) -> dict[str, Any]:
        out = self._base(res, "active", "gender", "birthDate", "deceasedBoolean", "deceasedDateTime")
        identifiers = []
        for ident in list_of(res.get("identifier")):
            i = dict_of(ident)
            identifiers.append({k: text_of(i.get(k)) for k in ("system", "value") if text_of(i.get(k))})
            for ext in list_of(i.get("extension")):
                if "NHSNumberVerificationStatus" not in text_of(dict_of(ext).get("url")):
                    continue
                codes = [
                    text_of(dict_of(c).get("code"))
                    for c in list_of(dict_of(dict_of(ext).get("valueCodeableConcept")).get("coding"))
                ]
                if VERIFIED_NHS_NUMBER not in codes:
                    self.out.notices.append(
                        "The GP record says this person's NHS number is not verified: check it before "
                        "relying on the match."
                    )
        _put(out, "identifier", [i for i in identifiers if i])
        for key, keep in (
            ("name", ("use", "family", "given", "prefix")),
            ("address", ("use", "line", "city", "district", "postalCode")),
            ("telecom", ("system", "value", "use", "rank")),
        ):
            _put(
                out, key, [{k: dict_of(x)[k] for k in keep if k in dict_of(x)} for x in list_of(res.get(key))]
            )
        practice = self.by_ref.get(text_of(dict_of(res.get("managingOrganization")).get("reference")), {})
        ods = next(
            (
                dict_of(i)
                for i in list_of(practice.get("identifier"))
                if text_of(dict_of(i).get("system")) == ODS
            ),
            {},
        )
        if practice:
            gp: dict[str, Any] = {}
            _put(gp, "display", text_of(practice.get("name")))
            if text_of(ods.get("value")):
                gp["identifier"] = {"system": ODS, "value": text_of(ods["value"])}
            _put(out, "generalPractitioner", [gp] if gp else [])
        return out

    def _condition(self, res: dict[str, Any], where: str) -> dict[str, Any]:
        out = self._base(res, "onsetDateTime", "abatementDateTime", "abatementString", "subject")
        _put(out, "clinicalStatus", _status(res.get("clinicalStatus"), CONDITION_CLINICAL))
        _put(out, "verificationStatus", _status(res.get("verificationStatus"), CONDITION_VERIFICATION))
        if "abatementBoolean" in res:
            out["abatementBoolean"] = res["abatementBoolean"]
        _put(out, "code", _concept(res.get("code")))
        _put(out, "note", _notes(res))
        return out

    def _medicationstatement(self, res: dict[str, Any], where: str) -> dict[str, Any] | None:
        status = text_of(res.get("status"))
        if status != "active":
            self.out.left_out.append(
                Problem(
                    f"{where} (MedicationStatement)", MEDICINE_NOT_CURRENT.format(status=status or "none")
                )
            )
            return None
        out = self._base(res, "status", "subject", "effectivePeriod")  # one that has ended is not current
        medication = self.by_ref.get(text_of(dict_of(res.get("medicationReference")).get("reference")))
        concept = _concept(res.get("medicationCodeableConcept")) or _concept(dict_of(medication).get("code"))
        if concept is None and text_of(dict_of(res.get("medicationReference")).get("reference")):
            out["medicationReference"] = {"reference": text_of(res["medicationReference"]["reference"])}
        _put(out, "medicationCodeableConcept", concept)
        dosage = dict_of((list_of(res.get("dosage")) or [{}])[0])
        text = text_of(dosage.get("text"))
        if text_of(dosage.get("patientInstruction")):
            text = (
                f"{text} ({text_of(dosage['patientInstruction'])})"
                if text
                else text_of(dosage["patientInstruction"])
            )
        r4_dosage: dict[str, Any] = {}
        _put(r4_dosage, "text", text)
        _put(r4_dosage, "route", _concept(dosage.get("route")))
        _put(out, "dosage", [r4_dosage] if r4_dosage else [])
        _put(out, "reasonCode", [c for c in (_concept(r) for r in list_of(res.get("reasonCode"))) if c])
        return out

    def _allergyintolerance(self, res: dict[str, Any], where: str) -> dict[str, Any]:
        out = self._base(res, "patient", "onsetDateTime")
        _put(out, "clinicalStatus", _status(res.get("clinicalStatus"), ALLERGY_CLINICAL))
        _put(out, "verificationStatus", _status(res.get("verificationStatus"), ALLERGY_VERIFICATION))
        _put(out, "code", _concept(res.get("code")))
        reactions = []
        for reaction in list_of(res.get("reaction")):
            r: dict[str, Any] = {}
            manifestations = [
                c for c in (_concept(m) for m in list_of(dict_of(reaction).get("manifestation"))) if c
            ]
            _put(r, "manifestation", manifestations)
            _put(r, "severity", text_of(dict_of(reaction).get("severity")))
            if r.get("manifestation"):
                reactions.append(r)
        _put(out, "reaction", reactions)
        _put(out, "note", _notes(res))
        if "patient" not in out:  # contained in a List, which names the person
            out["patient"] = {"reference": self._patient_ref()}
        return out

    def _patient_ref(self) -> str:
        for e in self.entries:
            res = dict_of(e.get("resource"))
            if res.get("resourceType") == "Patient":
                return text_of(e.get("fullUrl")) or f"Patient/{text_of(res.get('id'))}"
        return ""

    def _contained_allergies(self, res: dict[str, Any], where: str) -> None:
        for k, item in enumerate(list_of(res.get("contained"))):
            inner = dict_of(item)
            if inner.get("resourceType") == "AllergyIntolerance":
                made = self._allergyintolerance(inner, f"{where}.contained[{k}]")
                made.pop("id", None)  # a contained id is local to its List
                self.add(f"{where}.contained[{k}]", made)

    def _observation(self, res: dict[str, Any], where: str) -> dict[str, Any]:
        out = self._base(res, "status", "subject", "effectiveDateTime", "issued")
        if "effectiveDateTime" not in out and text_of(dict_of(res.get("effectivePeriod")).get("start")):
            out["effectiveDateTime"] = text_of(res["effectivePeriod"]["start"])
        _put(out, "code", _concept(res.get("code")))
        value = dict_of(res.get("valueQuantity"))
        if isinstance(value.get("value"), int | float) and not isinstance(value.get("value"), bool):
            quantity = {k: value[k] for k in ("value", "unit", "system", "code") if k in value}
            out["valueQuantity"] = quantity
        elif text_of(res.get("valueString")):
            out["valueString"] = text_of(res["valueString"])
        elif _concept(res.get("valueCodeableConcept")):
            out["valueCodeableConcept"] = _concept(res["valueCodeableConcept"])
        components = []
        for comp in list_of(res.get("component")):
            q = dict_of(dict_of(comp).get("valueQuantity"))
            if isinstance(q.get("value"), int | float) and not isinstance(q.get("value"), bool):
                quantity = {k: q[k] for k in ("value", "unit", "system", "code") if k in q}
                components.append({"code": _concept(dict_of(comp).get("code")), "valueQuantity": quantity})
        _put(out, "component", [c for c in components if c["code"]])
        _put(out, "note", _notes(res))
        return out


_READ = frozenset({"Patient", "Condition", "MedicationStatement", "AllergyIntolerance", "Observation"})


def convert(data: dict[str, Any]) -> Converted:
    """The R4 bundle the import reads from a GP Connect structured record (see the module's docstring)."""
    return _Converter(data).run()
