"""Read back the plan-level content of a bundle (ours, or one shaped like it): the care team with each
member's role, organisation and numbers, "what matters to me", referrals and signposting
(ServiceRequests the CarePlan's activities point to), the review date, consent to share, and where the
plan came from - its status, who wrote it, when it was agreed, its identifier and the versions it
replaces - so an import can keep what a round trip used to lose.

Part of `fhir_read`, whose reader is passed in. The main CarePlan is the first that is not part of
another (an "if I get worse" plan is `partOf` it) and not void; others are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from careplanner.clinical.enums import ReferralKind, ReferralStatus
from careplanner.export.fhir_json import concept_text, dict_of, full_date, list_of, text_of
from careplanner.export.fhir_read_decisions import DecisionRecord, read_decisions
from careplanner.export.fhir_resources import ODS_SYSTEM
from careplanner.services.plan_data import CareTeamData, ReferralData

WHAT_MATTERS = "What matters to me: "
PLACE_OF_CARE = "Where I would like to be cared for: "
PLACE_OF_DEATH = "Where I would like to die: "
COORDINATOR = " (named coordinator)"
VOID = frozenset({"entered-in-error", "revoked"})
REFERRAL_OF = {
    "draft": ReferralStatus.SUGGESTED,
    "active": ReferralStatus.REFERRED,
    "on-hold": ReferralStatus.REFERRED,
    "completed": ReferralStatus.COMPLETED,
    "revoked": ReferralStatus.DECLINED,
}
PRIVACY = "patient-privacy"
NO_PLAN = "not part of a care plan in this bundle: not imported"


class PlanReader(Protocol):
    entries: list[tuple[dict[str, Any], dict[str, Any]]]
    by_ref: dict[str, dict[str, Any]]

    def of_kind(self, *kinds: str) -> list[tuple[int, dict[str, Any]]]: ...

    def skip(self, index: int, kind: str, why: str) -> None: ...


@dataclass(frozen=True)
class PlanOrigin:
    """Where an imported plan came from, as the sending system said (no patient data)."""

    status: str = ""  # CarePlan.status as sent: active, draft, completed...
    identifier: str = ""  # the version's own identifier
    replaces: tuple[str, ...] = ()  # identifiers of the versions it replaces
    author: str = ""  # who wrote or agreed it
    author_role: str = ""
    organisation: str = ""  # their organisation
    organisation_code: str = ""  # its ODS code
    agreed_on: date | None = None  # period.start
    agreed_with: str = ""  # "the person", or the representative's name
    representative_role: str = ""  # the representative's relationship, as sent
    agreed_at: datetime | None = None  # CarePlan.created on the day of period.start: when it was agreed
    title: str = ""


def _instant(value: Any) -> datetime | None:
    text = text_of(value)
    if len(text) <= 10:
        return None
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found.astimezone(UTC) if found.tzinfo else None


@dataclass(frozen=True)
class PlanRecord:
    origin: PlanOrigin
    what_matters: str = ""
    review_date: date | None = None
    care_team: tuple[CareTeamData, ...] = ()
    referrals: tuple[ReferralData, ...] = ()
    consent_to_share: bool | None = None
    consent_shared_with: str = ""
    preferred_place_of_care: str = ""
    preferred_place_of_death: str = ""
    decisions: DecisionRecord = field(default_factory=DecisionRecord)  # CPR, ADRT, LPA; contacts


def _name(res: dict[str, Any]) -> str:
    for n in list_of(res.get("name")):
        name = dict_of(n)
        text = text_of(name.get("text")) or " ".join(
            x for x in (*map(text_of, list_of(name.get("given"))), text_of(name.get("family"))) if x
        )
        if text:
            return text
    return text_of(res.get("name"))  # an Organization's name is a string


def _ods(org: dict[str, Any]) -> str:
    return next(
        (
            text_of(dict_of(i).get("value"))
            for i in list_of(org.get("identifier"))
            if dict_of(i).get("system") == ODS_SYSTEM
        ),
        "",
    )


def _telecom(res: dict[str, Any], system: str) -> str:
    return next(
        (
            text_of(dict_of(t).get("value"))
            for t in list_of(res.get("telecom"))
            if dict_of(t).get("system") == system
        ),
        "",
    )


# How exports before 0.2 wrote a referral: a CarePlan activity's detail, kind ServiceRequest, in words.
_OLDER_LEADS = {"Referral to ": ReferralKind.REFERRAL, "Signposted to ": ReferralKind.SIGNPOSTING}
_OLDER_STATUS = {
    "completed": ReferralStatus.REFERRED,
    "not-started": ReferralStatus.SUGGESTED,
    "cancelled": ReferralStatus.DECLINED,
}


def _older_referral(detail: dict[str, Any]) -> ReferralData | None:
    words = text_of(detail.get("description"))
    lead = next((k for k in _OLDER_LEADS if words.startswith(k)), None)
    if detail.get("kind") != "ServiceRequest" or lead is None:
        return None
    service, _sep, reason = words.removeprefix(lead).partition(": ")
    return ReferralData(
        service=service.strip(),
        kind=_OLDER_LEADS[lead],
        reason=reason.strip(),
        status=_OLDER_STATUS.get(text_of(detail.get("status")), ReferralStatus.SUGGESTED),
    )


class _Plan:
    def __init__(self, reader: PlanReader) -> None:
        self.reader = reader

    def target(self, reference: Any) -> dict[str, Any]:
        return dict_of(self.reader.by_ref.get(text_of(dict_of(reference).get("reference"))))

    def person(self, reference: Any) -> tuple[str, str, dict[str, Any]]:
        """(name, role, organisation) of whoever a reference points at, however it is modelled."""
        res = self.target(reference)
        kind = text_of(res.get("resourceType"))
        if kind == "PractitionerRole":
            role = next((concept_text(c) for c in list_of(res.get("code")) if concept_text(c)), "")
            return _name(self.target(res.get("practitioner"))), role, self.target(res.get("organization"))
        if kind in ("Practitioner", "RelatedPerson", "Organization"):
            return _name(res), "", res if kind == "Organization" else {}
        return text_of(dict_of(reference).get("display")), "", {}

    def member(self, part: dict[str, Any]) -> CareTeamData | None:
        name, role, org = self.person(part.get("member"))
        role_res = self.target(part.get("member"))
        words = next((concept_text(r) for r in list_of(part.get("role")) if concept_text(r)), "") or role
        if not name:
            return None
        key_worker = words.endswith(COORDINATOR)
        period = dict_of(role_res.get("period")) or dict_of(part.get("period"))
        return CareTeamData(
            name=name,
            role=words.removesuffix(COORDINATOR).strip(),
            speciality=next(
                (concept_text(s) for s in list_of(role_res.get("specialty")) if concept_text(s)), ""
            ),
            organisation=_name(org) or text_of(dict_of(part.get("onBehalfOf")).get("display")),
            organisation_code=_ods(org),
            phone=_telecom(role_res, "phone"),
            email=_telecom(role_res, "email"),
            is_key_worker=key_worker,
            start_date=full_date(period.get("start")),
            end_date=full_date(period.get("end")),
        )

    def referral(self, index: int, res: dict[str, Any]) -> ReferralData | None:
        status = text_of(res.get("status"))
        if status not in REFERRAL_OF:
            self.reader.skip(index, "ServiceRequest", f"status {status or 'missing'}, so not imported")
            return None
        categories = " ".join(concept_text(c) for c in list_of(res.get("category"))).casefold()
        proposal = res.get("intent") == "proposal" or "signpost" in categories
        notes = [text_of(dict_of(n).get("text")) for n in list_of(res.get("note"))]
        contact = next((n.removeprefix("Contact: ") for n in notes if n.startswith("Contact: ")), "")
        return ReferralData(
            service=concept_text(res.get("code")),
            kind=ReferralKind.SIGNPOSTING if proposal else ReferralKind.REFERRAL,
            contact=contact,
            reason="; ".join(concept_text(r) for r in list_of(res.get("reasonCode")) if concept_text(r)),
            status=REFERRAL_OF[status],
            made_on=full_date(res.get("authoredOn")),
        )

    def consent(self) -> tuple[bool | None, str]:
        found: tuple[bool | None, str] = (None, "")
        for i, res in self.reader.of_kind("Consent"):
            scopes = {
                text_of(dict_of(c).get("code")) for c in list_of(dict_of(res.get("scope")).get("coding"))
            }
            if PRIVACY not in scopes:
                continue  # a decision for a crisis: fhir_read_decisions
            if res.get("status") != "active" or found != (None, ""):
                self.reader.skip(i, "Consent", "consent to share that is not current, so not imported")
                continue
            provision = dict_of(res.get("provision"))
            given = {"permit": True, "deny": False}.get(text_of(provision.get("type")))
            shared = "; ".join(
                text_of(dict_of(dict_of(a).get("reference")).get("display"))
                for a in list_of(provision.get("actor"))
                if text_of(dict_of(dict_of(a).get("reference")).get("display"))
            )
            found = (given, shared)
        return found

    def read(self) -> PlanRecord | None:
        main = next(
            (
                (i, res)
                for i, res in self.reader.of_kind("CarePlan")
                if not list_of(res.get("partOf")) and text_of(res.get("status")) not in VOID
            ),
            None,
        )
        if main is None:
            for i, _res in self.reader.of_kind("RelatedPerson"):
                self.reader.skip(i, "RelatedPerson", NO_PLAN)
            return None
        _index, plan = main
        author, role, org = self.person(plan.get("author"))
        contributor = dict_of((list_of(plan.get("contributor")) or [{}])[0])
        who = self.target(contributor)
        agreed_with = "the person" if who.get("resourceType") == "Patient" else _name(who)
        representative_role = next(
            (concept_text(r) for r in list_of(who.get("relationship")) if concept_text(r)), ""
        )
        period = dict_of(plan.get("period"))
        agreed_on = full_date(period.get("start"))
        created = _instant(plan.get("created"))
        agreed_at = created if created is not None and created.date() == agreed_on else None
        if agreed_at is None and agreed_on is not None:
            agreed_at = datetime(agreed_on.year, agreed_on.month, agreed_on.day, tzinfo=UTC)
        origin = PlanOrigin(
            status=text_of(plan.get("status")),
            identifier=text_of(dict_of((list_of(plan.get("identifier")) or [{}])[0]).get("value")),
            replaces=tuple(
                text_of(dict_of(dict_of(r).get("identifier")).get("value"))
                or text_of(dict_of(r).get("reference"))
                for r in list_of(plan.get("replaces"))
            ),
            author=author,
            author_role=role,
            organisation=_name(org),
            organisation_code=_ods(org),
            agreed_on=agreed_on,
            agreed_with=agreed_with,
            representative_role=representative_role if agreed_with != "the person" else "",
            agreed_at=agreed_at,
            title=text_of(plan.get("title")),
        )
        team: list[CareTeamData] = []
        for reference in list_of(plan.get("careTeam")):
            for part in list_of(self.target(reference).get("participant")):
                member = self.member(dict_of(part))
                if member is not None:
                    team.append(member)
        referrals: list[ReferralData] = []
        for activity in list_of(plan.get("activity")):
            older = _older_referral(dict_of(dict_of(activity).get("detail")))
            if older is not None:
                referrals.append(older)
            reference = text_of(dict_of(dict_of(activity).get("reference")).get("reference"))
            found = [
                (i, r)
                for i, r in self.reader.of_kind("ServiceRequest")
                if self.reader.by_ref.get(reference) is r
            ]
            for i, res in found:
                referral = self.referral(i, res)
                if referral is not None and referral.service:
                    referrals.append(referral)
        matters = [
            text_of(dict_of(n).get("text")).removeprefix(WHAT_MATTERS)
            for n in list_of(plan.get("note"))
            if text_of(dict_of(n).get("text")).startswith(WHAT_MATTERS)
        ]
        notes = [text_of(dict_of(n).get("text")) for n in list_of(plan.get("note"))]
        care = next((n.removeprefix(PLACE_OF_CARE) for n in notes if n.startswith(PLACE_OF_CARE)), "")
        death = next((n.removeprefix(PLACE_OF_DEATH) for n in notes if n.startswith(PLACE_OF_DEATH)), "")
        consent, shared = self.consent()
        return PlanRecord(
            origin=origin,
            what_matters="\n".join(matters),
            review_date=full_date(period.get("end")),
            care_team=tuple(team),
            referrals=tuple(referrals),
            consent_to_share=consent,
            consent_shared_with=shared,
            preferred_place_of_care=care,
            preferred_place_of_death=death,
            decisions=read_decisions(
                self.reader, text_of(contributor.get("reference")) if agreed_with != "the person" else ""
            ),
        )


def read_plan(reader: PlanReader) -> PlanRecord | None:
    """The plan-level content of the bundle's main CarePlan, or None when it has none."""
    return _Plan(reader).read()
