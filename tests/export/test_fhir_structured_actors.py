"""Real actors in the export: the practice as an ODS-coded Organization, who agreed the plan and each
care-team member as Practitioner + PractitionerRole, the person (or their representative) who agreed as
the CarePlan's contributor, referrals as ServiceRequests, and Goal.priority from how much a goal matters."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from careplanner.clinical.enums import AgreedWith, ReferralKind, ReferralStatus
from careplanner.export.fhir_export import ODS_SYSTEM, build_bundle
from careplanner.export.fhir_references import dangling_references
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import rich_content, rich_plan
from careplanner.services import plan_data as d
from tests.support.fhir_schema import schema_errors

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
Json = dict[str, Any]


def _of(bundle: Json, kind: str) -> list[Json]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _refs(bundle: Json) -> dict[str, Json]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def _bundle(plan: d.PlanVersion, practice: Any = SAMPLE_PRACTICE) -> Json:
    bundle = build_bundle(sample_person(), plan, practice, pdf=b"%PDF-1.7 test", now=NOW)
    Bundle.model_validate(bundle)
    assert schema_errors(bundle) == []  # the official R4 JSON schema, as well as the R4 models
    assert dangling_references(bundle) == []
    return bundle


def _main(bundle: Json) -> Json:
    (plan,) = [p for p in _of(bundle, "CarePlan") if "partOf" not in p]
    return plan


def test_the_author_is_the_clinician_who_agreed_in_the_ods_coded_practice() -> None:
    bundle = _bundle(rich_plan())
    refs = _refs(bundle)
    plan = _main(bundle)
    role = refs[plan["author"]["reference"]]
    assert role["resourceType"] == "PractitionerRole" and role["code"] == [{"text": "nurse"}]
    assert refs[role["practitioner"]["reference"]]["name"] == [{"text": "Jane Doyle"}]
    practice = refs[role["organization"]["reference"]]
    assert practice["identifier"] == [{"system": ODS_SYSTEM, "value": SAMPLE_PRACTICE.ods_code}]
    assert practice["name"] == SAMPLE_PRACTICE.practice_name
    (doc,) = [x for x in _of(bundle, "DocumentReference") if "masterIdentifier" in x]
    assert doc["author"] == [plan["author"]] and doc["custodian"] == role["organization"]
    # One Organization for the practice, although a team member names it in words.
    assert [o["name"] for o in _of(bundle, "Organization")] == [SAMPLE_PRACTICE.practice_name]


def test_care_team_members_are_addressable_with_role_organisation_and_number() -> None:
    bundle = _bundle(rich_plan())
    refs = _refs(bundle)
    (team,) = _of(bundle, "CareTeam")
    held = rich_content().sharing.care_team
    assert len(team["participant"]) == len(held)
    for part, member in zip(team["participant"], held, strict=True):
        role = refs[part["member"]["reference"]]
        assert refs[role["practitioner"]["reference"]]["name"] == [{"text": member.name}]
        assert {"system": "phone", "value": member.phone} in role["telecom"]
        assert refs[role["organization"]["reference"]]["identifier"][0]["value"] == SAMPLE_PRACTICE.ods_code
        assert part["role"][0]["text"].endswith("(named coordinator)") is member.is_key_worker
    assert team["managingOrganization"] == [refs[_main(bundle)["author"]["reference"]]["organization"]]
    assert _main(bundle)["careTeam"] == [{"reference": f"urn:uuid:{team['id']}"}]


def test_a_member_of_another_organisation_gets_its_ods_code() -> None:
    content = rich_content()
    nurse = d.CareTeamData(
        "Sam Okafor", "District nurse", organisation="Leeds Community Healthcare", organisation_code="ry6"
    )
    sharing = dataclasses.replace(content.sharing, care_team=(*content.sharing.care_team, nurse))
    bundle = _bundle(dataclasses.replace(rich_plan(), content=dataclasses.replace(content, sharing=sharing)))
    refs = _refs(bundle)
    last = refs[_of(bundle, "CareTeam")[0]["participant"][-1]["member"]["reference"]]
    org = refs[last["organization"]["reference"]]
    assert (org["name"], org["identifier"][0]["value"]) == ("Leeds Community Healthcare", "RY6")


def test_the_person_who_agreed_is_the_contributor_or_their_representative() -> None:
    bundle = _bundle(rich_plan())
    plan = _main(bundle)
    assert plan["contributor"] == [plan["subject"]]
    represented = dataclasses.replace(
        rich_plan(),
        agreed_with=AgreedWith.REPRESENTATIVE,
        representative_name="Ciarán Nguyễn",
        representative_role="Son, with lasting power of attorney",
    )
    bundle = _bundle(represented)
    (who,) = _main(bundle)["contributor"]
    rep = _refs(bundle)[who["reference"]]
    assert rep["resourceType"] == "RelatedPerson"
    assert rep["name"] == [{"text": "Ciarán Nguyễn"}]
    assert rep["relationship"] == [{"text": "Son, with lasting power of attorney"}]


def test_a_draft_is_authored_by_the_practice_and_has_no_contributor() -> None:
    bundle = _bundle(rich_plan(draft=True))
    refs = _refs(bundle)
    plan = _main(bundle)
    assert refs[plan["author"]["reference"]]["resourceType"] == "Organization"
    assert "contributor" not in plan


def test_referrals_are_service_requests_the_plan_points_to() -> None:
    content = rich_content()
    social = d.ReferralData(
        "Social prescribing link worker", ReferralKind.REFERRAL, "0113 496 0777", "", ReferralStatus.DECLINED
    )
    goals = dataclasses.replace(content.goals, referrals=(*content.goals.referrals, social))
    bundle = _bundle(dataclasses.replace(rich_plan(), content=dataclasses.replace(content, goals=goals)))
    refs = _refs(bundle)
    plan = _main(bundle)
    requests = [refs[a["reference"]["reference"]] for a in plan["activity"] if "reference" in a]
    assert [r["resourceType"] for r in requests] == ["ServiceRequest"] * 3
    rehab, walking, link = requests
    assert (rehab["status"], rehab["intent"], rehab["authoredOn"]) == ("active", "order", "2026-11-22")
    assert rehab["code"] == {"text": "Pulmonary rehabilitation"}
    assert rehab["reasonCode"] == [{"text": "to help with my breathing"}]
    assert rehab["requester"] == plan["author"]
    assert (walking["status"], walking["intent"]) == ("draft", "proposal")
    assert link["status"] == "revoked"
    assert link["code"]["coding"][0]["code"] == "871731000000106"  # verified: referral to social prescribing


def test_goal_priority_comes_from_how_much_it_matters() -> None:
    content = rich_content()
    first, second = content.goals.goals[:2]
    goals = dataclasses.replace(
        content.goals,
        goals=(dataclasses.replace(first, importance=9), dataclasses.replace(second, importance=3)),
    )
    bundle = _bundle(dataclasses.replace(rich_plan(), content=dataclasses.replace(content, goals=goals)))
    high, low = _of(bundle, "Goal")
    assert high["priority"]["coding"][0]["code"] == "high-priority"
    assert high["priority"]["text"] == "Matters to me: 9 out of 10"
    assert low["priority"]["coding"][0]["code"] == "low-priority"
    assert high["expressedBy"] == high["subject"]
    plain = _bundle(rich_plan())
    assert all("priority" not in g for g in _of(plain, "Goal"))  # not asked: not invented


def test_without_practice_settings_the_persons_gp_practice_is_the_organisation() -> None:
    bundle = _bundle(rich_plan(), practice=None)
    orgs = _of(bundle, "Organization")
    details = sample_person().details
    assert [o["identifier"][0]["value"] for o in orgs if "identifier" in o] == [details.gp_practice_ods_code]
