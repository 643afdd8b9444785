"""The decisions that matter in a crisis, as structured resources a shared care record, NHS 111 or an
ambulance service can act on without opening the PDF:

- the CPR decision as a Consent (scope "adr"; a "not for CPR" decision also categorised "dnr"), with who
  decided (`performer`), when (`dateTime`), whether it was discussed with the person (`verification`) and
  where the form is (`sourceReference` -> a DocumentReference saying where the paper form is kept);
- a ReSPECT form, where recorded, as a DocumentReference saying where it is;
- an advance decision to refuse treatment as a Consent (scope "adr", category "acd", provision "deny");
- an advance statement, and each lasting power of attorney, as a DocumentReference; the attorney as a
  RelatedPerson (v3 RoleCode HPOWATT / POWATT);
- consent to share the plan as a Consent (scope "patient-privacy", category INFA), which the CarePlan
  references in `supportingInfo`.

SNOMED CT only from the app's verified list (For / Not for resuscitation, the health and welfare LPA
finding); everything else is text. Every resource also carries a plain narrative of what it says.
"""

from __future__ import annotations

from datetime import date

from careplanner.clinical import snomed
from careplanner.clinical.enums import CprDecision, PlanStatus
from careplanner.export.fhir_actors import Actors, attorney, clinician
from careplanner.export.fhir_resources import (
    Json,
    fhir_datetime,
    narrative,
    ref,
    resource,
    snomed_coding,
    stable_id,
)
from careplanner.services.plan_data import FutureWishesData, PlanVersion

CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
# The law an advance decision and a lasting power of attorney are made under (England and Wales).
MENTAL_CAPACITY_ACT = "https://www.legislation.gov.uk/ukpga/2005/9/contents"
ADR_SCOPE = {"coding": [{"system": CONSENT_SCOPE, "code": "adr", "display": "Advanced Care Directive"}]}
PRIVACY_SCOPE = {
    "coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy", "display": "Privacy Consent"}]
}
CPR_TEXT = "Cardiopulmonary resuscitation (CPR)"


def _coded(code: str) -> Json:
    return snomed_coding(code, snomed.display_term(code) or "")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class _Decisions:
    def __init__(self, plan: PlanVersion, subject: Json, actors: Actors) -> None:
        self.plan, self.subject, self.actors = plan, subject, actors
        # A decision is as current as the plan that records it: a draft's is a draft (not yet agreed, so
        # not for a crew to act on), a superseded version's is inactive.
        agreed = plan.status is PlanStatus.AGREED
        self.status = ("inactive" if plan.superseded else "active") if agreed else "draft"
        self.doc_status = "superseded" if agreed and plan.superseded else "current"
        self.resources: list[Json] = []
        self.supporting: list[Json] = []  # what the CarePlan points at in supportingInfo

    def add(self, res: Json, *, support: bool = True) -> Json:
        self.resources.append(res)
        if support:
            self.supporting.append(ref(res["id"]))
        return ref(res["id"])

    def paper(self, key: str, kind: str, where: str, *lines: str, related: Json | None = None) -> Json:
        """A DocumentReference for a paper form the plan says exists: what it is and where it is kept."""
        description = f"{kind}. Where it is kept: {where.strip()}" if where.strip() else kind
        return self.add(
            resource(
                "DocumentReference",
                stable_id("document", self.plan.id, key),
                {
                    "text": narrative(
                        kind, f"Where it is kept: {where.strip()}" if where.strip() else "", *lines
                    ),
                    "status": self.doc_status,
                    "type": {"text": kind},
                    "subject": self.subject,
                    "custodian": self.actors.practice,
                    "description": description,
                    "content": [{"attachment": {"title": f"{kind} (a paper form; not attached)"}}],
                    "context": {"related": [related]} if related else None,
                },
            )
        )

    def cpr(self, w: FutureWishesData) -> None:
        form = (
            self.paper("cpr-form", "CPR decision form", w.cpr_form_location)
            if w.cpr_form_location.strip()
            else None
        )
        respect = (
            self.paper("respect-form", "ReSPECT form", w.respect_form_location)
            if w.respect_form_location.strip()
            else None
        )
        if w.cpr_decision is CprDecision.NOT_DISCUSSED:
            return
        against = w.cpr_decision is CprDecision.NOT_FOR_CPR
        words = "Not for CPR: CPR should not be attempted" if against else "For CPR: CPR should be attempted"
        category: list[Json] = (
            [{"coding": [{"system": CONSENT_CATEGORY, "code": "dnr", "display": "Do Not Resuscitate"}]}]
            if against
            else []
        )
        code = snomed.NOT_FOR_RESUSCITATION if against else snomed.FOR_RESUSCITATION
        category.append({"coding": [_coded(code)], "text": f"CPR decision: {words}"})
        decided_by = None
        if w.cpr_decision_by.strip():
            decided_by = clinician(self.actors, self.plan.id, w.cpr_decision_by)
        self.add(
            resource(
                "Consent",
                stable_id("consent", self.plan.id, "cpr"),
                {
                    "text": narrative(
                        f"CPR decision: {words}.",
                        f"Decided by: {w.cpr_decision_by.strip()}" if w.cpr_decision_by.strip() else "",
                        f"Decided on: {_day(w.cpr_decision_date)}" if w.cpr_decision_date else "",
                        f"Discussed with the person: {_yes_no(w.cpr_discussed_with_person)}"
                        if w.cpr_discussed_with_person is not None
                        else "",
                        f"Where the form is: {w.cpr_form_location.strip()}"
                        if w.cpr_form_location.strip()
                        else "",
                        f"ReSPECT form: {w.respect_form_location.strip()}"
                        if w.respect_form_location.strip()
                        else "",
                        f"To be looked at again by: {_day(w.cpr_review_date)}" if w.cpr_review_date else "",
                    ),
                    "status": self.status,
                    "scope": ADR_SCOPE,
                    "category": category,
                    "patient": self.subject,
                    "dateTime": _day(w.cpr_decision_date) or None,
                    "performer": [decided_by] if decided_by else None,
                    "organization": [self.actors.practice] if self.actors.practice else None,
                    "sourceReference": form or respect,
                    "policyRule": {
                        "text": "A clinical decision about CPR, recorded with the person's care plan"
                    },
                    "verification": [{"verified": w.cpr_discussed_with_person, "verifiedWith": self.subject}]
                    if w.cpr_discussed_with_person is not None
                    else None,
                    "provision": {
                        "type": "deny" if against else "permit",
                        "code": [{"text": CPR_TEXT}],
                        "period": {"end": _day(w.cpr_review_date)} if w.cpr_review_date else None,
                    },
                },
            )
        )

    def adrt(self, w: FutureWishesData) -> None:
        if not w.adrt_exists:
            return
        kind = "Advance decision to refuse treatment"
        form = self.paper("adrt-form", kind, w.adrt_location)
        self.add(
            resource(
                "Consent",
                stable_id("consent", self.plan.id, "adrt"),
                {
                    "text": narrative(
                        f"{kind}.",
                        w.adrt_summary,
                        f"Made on: {_day(w.adrt_date)}" if w.adrt_date else "",
                        f"Where it is kept: {w.adrt_location.strip()}" if w.adrt_location.strip() else "",
                    ),
                    "status": self.status,
                    "scope": ADR_SCOPE,
                    "category": [
                        {
                            "coding": [
                                {"system": CONSENT_CATEGORY, "code": "acd", "display": "Advance Directive"}
                            ],
                            "text": kind,
                        }
                    ],
                    "patient": self.subject,
                    "dateTime": _day(w.adrt_date) or None,
                    "performer": [self.subject],
                    "sourceReference": form,
                    "policy": [{"uri": MENTAL_CAPACITY_ACT}],
                    "provision": {
                        "type": "deny",
                        "code": [{"text": w.adrt_summary.strip() or kind}],
                    },
                },
            )
        )

    def advance_statement(self, w: FutureWishesData) -> None:
        if w.advance_statement_exists:
            self.paper(
                "advance-statement",
                "Advance statement (my wishes and preferences)",
                w.advance_statement_location,
                w.advance_statement_summary,
                f"Made on: {_day(w.advance_statement_date)}" if w.advance_statement_date else "",
            )

    def lpa(self, w: FutureWishesData) -> None:
        kinds = (
            (
                "lpa-health",
                "Lasting power of attorney for health and welfare",
                True,
                w.lpa_health_welfare_exists,
                w.lpa_health_welfare_name,
                w.lpa_health_welfare_registered,
                w.lpa_health_welfare_location,
            ),
            (
                "lpa-property",
                "Lasting power of attorney for property and financial affairs",
                False,
                w.lpa_property_finance_exists,
                w.lpa_property_finance_name,
                w.lpa_property_finance_registered,
                w.lpa_property_finance_location,
            ),
        )
        for key, kind, health, exists, name, registered, where in kinds:
            if not exists:
                continue
            holder = attorney(self.actors, self.plan.id, self.subject, name, health) if name.strip() else None
            self.paper(
                key,
                kind,
                where,
                f"Attorney: {name.strip()}" if name.strip() else "",
                f"Registered with the Office of the Public Guardian: {_yes_no(registered)}"
                if registered is not None
                else "",
                related=holder,
            )

    def consent_to_share(self) -> None:
        sh = self.plan.content.sharing.sharing
        if sh.consent_to_share is None:
            return
        given = sh.consent_to_share
        actor = (
            [
                {
                    "role": {
                        "coding": [
                            {"system": PARTICIPATION, "code": "IRCP", "display": "information recipient"}
                        ]
                    },
                    "reference": {"display": sh.consent_shared_with.strip()},
                }
            ]
            if sh.consent_shared_with.strip()
            else None
        )
        when = self.plan.agreed_at or self.plan.created_at
        self.add(
            resource(
                "Consent",
                stable_id("consent", self.plan.id, "share"),
                {
                    "text": narrative(
                        "I agree to this plan being shared."
                        if given
                        else "I do not agree to this plan being shared.",
                        f"Shared with: {sh.consent_shared_with.strip()}"
                        if sh.consent_shared_with.strip()
                        else "",
                    ),
                    "status": self.status,
                    "scope": PRIVACY_SCOPE,
                    "category": [
                        {
                            "coding": [{"system": ACT_CODE, "code": "INFA", "display": "information access"}],
                            "text": "Consent to share my care and support plan",
                        }
                    ],
                    "patient": self.subject,
                    "dateTime": fhir_datetime(when),
                    "performer": [self.actors.contributor or self.subject],
                    "organization": [self.actors.practice] if self.actors.practice else None,
                    "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN" if given else "OPTOUT"}]},
                    "provision": {"type": "permit" if given else "deny", "actor": actor},
                },
            )
        )


def decision_resources(plan: PlanVersion, subject: Json, actors: Actors) -> tuple[list[Json], list[Json]]:
    """The decision resources, and the references the CarePlan lists in `supportingInfo`."""
    d = _Decisions(plan, subject, actors)
    w = plan.content.future_wishes.wishes
    d.cpr(w)
    d.adrt(w)
    d.advance_statement(w)
    d.lpa(w)
    d.consent_to_share()
    return d.resources, d.supporting
