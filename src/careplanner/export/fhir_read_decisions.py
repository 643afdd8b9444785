"""Read back the decisions that matter in a crisis and the person's own contacts, as our export writes them
(`fhir_decisions`, `fhir_actors`), so an import keeps them instead of only naming them:

- the CPR decision (a Consent, scope "adr", categorised CPR / "dnr"): for or not for CPR, who decided and
  when, whether it was discussed with the person, where the form is and when it is to be looked at again;
- a ReSPECT form (a DocumentReference saying where it is kept);
- an advance decision to refuse treatment (a Consent, scope "adr", category "acd"): what it refuses, when it
  was made and where it is kept;
- an advance statement and each lasting power of attorney (DocumentReferences), with the attorney
  (a RelatedPerson coded HPOWATT / POWATT) and whether the LPA is registered;
- each personal contact (a RelatedPerson): name, relationship, carer, next of kin, emergency contact and
  their numbers.

A decision the sending system marks entered-in-error, rejected or inactive is not taken as current: it is
listed as not imported, with why. Only what the resource states is read; nothing is guessed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Protocol

from careplanner.clinical import snomed
from careplanner.clinical.enums import CprDecision
from careplanner.export.fhir_json import concept_text, dict_of, full_date, list_of, text_of
from careplanner.services.plan_data import PersonalContactData

ADR = "adr"
PRIVACY = "patient-privacy"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
ATTORNEY_CODES = frozenset({"HPOWATT", "POWATT"})
NOT_CURRENT = frozenset({"entered-in-error", "rejected", "inactive", "draft", "proposed"})
CPR_CODES = frozenset({snomed.NOT_FOR_RESUSCITATION, snomed.FOR_RESUSCITATION})
CPR_FORM = "CPR decision form"
RESPECT_FORM = "ReSPECT form"
ADRT = "Advance decision to refuse treatment"
ADVANCE_STATEMENT = "Advance statement"
LPA_HEALTH = "Lasting power of attorney for health and welfare"
LPA_PROPERTY = "Lasting power of attorney for property and financial affairs"
KEPT = "Where it is kept: "
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


class DecisionReader(Protocol):
    by_ref: dict[str, dict[str, Any]]

    def of_kind(self, *kinds: str) -> list[tuple[int, dict[str, Any]]]: ...

    def skip(self, index: int, kind: str, why: str) -> None: ...


@dataclass(frozen=True)
class DecisionRecord:
    """The future-wishes fields the bundle states (name -> value, only those it states) and the person's
    own contacts."""

    wishes: tuple[tuple[str, Any], ...] = ()
    contacts: tuple[PersonalContactData, ...] = ()
    documents_at: frozenset[int] = frozenset()  # entries (paper forms) read, so not listed as "not read"

    @property
    def fields(self) -> dict[str, Any]:
        return dict(self.wishes)


def _lines(res: dict[str, Any]) -> list[str]:
    div = text_of(dict_of(res.get("text")).get("div"))
    return [html.unescape(p).strip() for p in _PARAGRAPH.findall(div)]


def _line(res: dict[str, Any], lead: str) -> str:
    return next((line.removeprefix(lead).strip() for line in _lines(res) if line.startswith(lead)), "")


def _yes_no(words: str) -> bool | None:
    return {"yes": True, "no": False}.get(words.casefold())


def _codes(concepts: Any) -> set[str]:
    return {
        text_of(dict_of(c).get("code"))
        for concept in list_of(concepts)
        for c in list_of(dict_of(concept).get("coding"))
    }


def _name(res: dict[str, Any]) -> str:
    for n in list_of(res.get("name")):
        name = dict_of(n)
        text = text_of(name.get("text")) or " ".join(
            x for x in (*map(text_of, list_of(name.get("given"))), text_of(name.get("family"))) if x
        )
        if text:
            return text
    return ""


def _telecom(res: dict[str, Any], system: str) -> str:
    return next(
        (
            text_of(dict_of(t).get("value"))
            for t in list_of(res.get("telecom"))
            if dict_of(t).get("system") == system
        ),
        "",
    )


class _Decisions:
    def __init__(self, reader: DecisionReader, contributor: str) -> None:
        self.reader = reader
        self.contributor = contributor  # the reference of whoever agreed the plan (a representative)
        self.wishes: dict[str, Any] = {}
        self.read_at: set[int] = set()  # the DocumentReferences read (entry indexes)

    def target(self, reference: Any) -> dict[str, Any]:
        return dict_of(self.reader.by_ref.get(text_of(dict_of(reference).get("reference"))))

    def place(self, doc: dict[str, Any]) -> str:
        """Where a paper form is kept, as the DocumentReference says."""
        return _line(doc, KEPT) or text_of(doc.get("description")).partition(KEPT)[2].strip()

    def current(self, index: int, kind: str, res: dict[str, Any]) -> bool:
        status = text_of(res.get("status"))
        if kind == "DocumentReference" and status in ("entered-in-error", "superseded"):
            self.reader.skip(index, kind, f"a form marked {status} in the sending system: not imported")
            return False
        if kind == "Consent" and status in NOT_CURRENT and status != "draft":
            self.reader.skip(index, kind, f"a decision marked {status} in the sending system: not imported")
            return False
        return True

    def consents(self) -> None:
        for i, res in self.reader.of_kind("Consent"):
            scope = _codes([res.get("scope")])
            if PRIVACY in scope:
                continue  # consent to share: fhir_read_plan
            if ADR not in scope or not self.current(i, "Consent", res):
                continue
            categories = _codes(res.get("category"))
            words = " ".join(concept_text(c) for c in list_of(res.get("category")))
            provision = dict_of(res.get("provision"))
            if categories & CPR_CODES or "dnr" in categories or words.startswith("CPR decision"):
                self.cpr(res, provision, categories)
            elif "acd" in categories:
                self.adrt(res, provision)
            else:
                self.reader.skip(i, "Consent", "an advance care decision of a kind not read: not imported")

    def cpr(self, res: dict[str, Any], provision: dict[str, Any], categories: set[str]) -> None:
        against = provision.get("type") == "deny" or "dnr" in categories
        w = self.wishes
        w["cpr_decision"] = CprDecision.NOT_FOR_CPR if against else CprDecision.FOR_CPR
        w["cpr_decision_date"] = full_date(res.get("dateTime"))
        performer = next(iter(list_of(res.get("performer"))), None)
        by = _name(self.target(performer)) or text_of(dict_of(performer).get("display"))
        w["cpr_decision_by"] = by or _line(res, "Decided by: ")
        verified = next(iter(list_of(res.get("verification"))), None)
        found = dict_of(verified).get("verified")
        w["cpr_discussed_with_person"] = found if isinstance(found, bool) else None
        w["cpr_review_date"] = full_date(dict_of(provision.get("period")).get("end"))
        source = self.target(res.get("sourceReference"))
        if text_of(dict_of(source.get("type")).get("text")) == CPR_FORM:
            w["cpr_form_location"] = self.place(source)

    def adrt(self, res: dict[str, Any], provision: dict[str, Any]) -> None:
        w = self.wishes
        w["adrt_exists"] = True
        summary = next((concept_text(c) for c in list_of(provision.get("code")) if concept_text(c)), "")
        w["adrt_summary"] = "" if summary == ADRT else summary
        w["adrt_date"] = full_date(res.get("dateTime"))
        w["adrt_location"] = self.place(self.target(res.get("sourceReference")))

    def documents(self) -> None:
        for i, doc in self.reader.of_kind("DocumentReference"):
            kind = text_of(dict_of(doc.get("type")).get("text"))
            if kind in (CPR_FORM, ADRT):
                self.read_at.add(i)  # read with the decision that points at it
                continue
            if kind not in (RESPECT_FORM, LPA_HEALTH, LPA_PROPERTY) and not kind.startswith(
                ADVANCE_STATEMENT
            ):
                continue  # the plan's PDF, or a document of a kind not read: listed as not read (fhir_read)
            if not self.current(i, "DocumentReference", doc):
                continue
            self.read_at.add(i)
            w = self.wishes
            if kind == RESPECT_FORM:
                w["respect_form_location"] = self.place(doc)
            elif kind.startswith(ADVANCE_STATEMENT):
                w["advance_statement_exists"] = True
                w["advance_statement_location"] = self.place(doc)
                lines = [
                    line
                    for line in _lines(doc)[1:]
                    if not line.startswith((KEPT, "Made on: ")) and line.strip()
                ]
                w["advance_statement_summary"] = "\n".join(lines)
                w["advance_statement_date"] = full_date(_line(doc, "Made on: "))
            else:
                prefix = "lpa_health_welfare" if kind == LPA_HEALTH else "lpa_property_finance"
                related = next(iter(list_of(dict_of(doc.get("context")).get("related"))), None)
                w[f"{prefix}_exists"] = True
                w[f"{prefix}_name"] = _name(self.target(related)) or _line(doc, "Attorney: ")
                w[f"{prefix}_registered"] = _yes_no(
                    _line(doc, "Registered with the Office of the Public Guardian: ")
                )
                w[f"{prefix}_location"] = self.place(doc)

    def contacts(self) -> tuple[PersonalContactData, ...]:
        out: list[PersonalContactData] = []
        for _i, res in self.reader.of_kind("RelatedPerson"):
            name = _name(res)
            codes = _codes(res.get("relationship"))
            phone, email = _telecom(res, "phone"), _telecom(res, "email")
            ours = f"RelatedPerson/{text_of(res.get('id'))}"
            is_contributor = self.contributor in (ours, f"urn:uuid:{text_of(res.get('id'))}")
            contact_codes = codes - ATTORNEY_CODES
            if not name or (not contact_codes and not phone and not email and (codes or is_contributor)):
                continue  # only an attorney, or the representative who agreed the plan: not a contact
            words = next(
                (
                    text_of(dict_of(r).get("text"))
                    for r in list_of(res.get("relationship"))
                    if text_of(dict_of(r).get("text"))
                ),
                "",
            )
            carer = words.endswith("(carer)")
            out.append(
                PersonalContactData(
                    name=name,
                    relationship_to_person=words.removesuffix("(carer)").strip(),
                    is_carer=carer,
                    is_next_of_kin="N" in contact_codes,
                    is_emergency_contact="C" in contact_codes,
                    is_lpa_holder=bool(codes & ATTORNEY_CODES),
                    phone=phone,
                    email=email,
                )
            )
        return tuple(out)


def read_decisions(reader: DecisionReader, contributor: str = "") -> DecisionRecord:
    """The crisis decisions and personal contacts the bundle states. `contributor`: the reference of the
    RelatedPerson who agreed the plan, if any (not a contact unless marked as one)."""
    d = _Decisions(reader, contributor)
    d.consents()
    d.documents()
    contacts = d.contacts()
    if d.wishes:
        d.wishes.setdefault("wishes_to_discuss", True)
    return DecisionRecord(
        wishes=tuple(d.wishes.items()), contacts=contacts, documents_at=frozenset(d.read_at)
    )
