"""Round trip on the richest plan: agreed twice in one store, exported, imported into an EMPTY store.
The care team, "what matters to me", referrals, review date (the period's end) and consent to share land
in the imported version field by field; the plan's status, author, agreed date and version chain come back
as where the plan came from (an agreed plan is kept as an agreed version marked as imported)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from careplanner.app import AppContext, open_context
from careplanner.clinical.enums import ReferralKind, ReferralStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.config import resolve_paths
from careplanner.export.fhir_export import build_bundle
from careplanner.export.fhir_read import read_bundle
from careplanner.export.fhir_read_plan import PlanOrigin
from careplanner.export.fhir_references import dangling_references
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import rich_content, rich_plan
from careplanner.services import audit
from careplanner.services import plan_data as d
from careplanner.services.exports import ExportService
from careplanner.services.fhir_import import FhirImportService, ImportResult
from careplanner.services.fhir_import_plan import origin_audit
from careplanner.services.plan_data import SECTION_TYPES, PlanVersion
from careplanner.services.users import Actor
from tests.conftest import TEST_PASSPHRASE

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TEAM_FIELDS = ("name", "role", "speciality", "organisation", "phone", "email", "is_key_worker")
REFERRAL_FIELDS = ("service", "kind", "contact", "reason", "status", "made_on")


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(resolve_paths(tmp_path / "empty-store"), passphrase=TEST_PASSPHRASE)
    yield context
    context.close()


def _content() -> d.PlanContent:
    content = rich_content()
    team = (
        *content.sharing.care_team,
        d.CareTeamData(
            "Sam Okafor",
            "District nurse",
            speciality="Community nursing",
            organisation="Leeds Community Healthcare",
            organisation_code="RY6",
            phone="0113 496 0222",
            email="sam.okafor@example.nhs.uk",
        ),
    )
    goals = tuple(dataclasses.replace(g, importance=8) for g in content.goals.goals)
    return dataclasses.replace(
        content,
        sharing=dataclasses.replace(content.sharing, care_team=team),
        goals=dataclasses.replace(content.goals, goals=goals),
    )


def _agreed_twice(ctx: AppContext, actor: Actor) -> tuple[PlanVersion, PlanVersion, str]:
    person = ctx.services.people.create(sample_person().details, actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    content = _content()
    for key in SECTION_TYPES:
        ctx.services.plans.save_section(draft.id, content.section(key), actor)
    first = ctx.services.plans.agree(draft.id, actor)
    second = ctx.services.plans.agree(ctx.services.plans.start_draft(person.id, actor).id, actor)
    return first, second, person.id


def _import(empty: AppContext, bundle: dict[str, Any]) -> tuple[ImportResult, PlanVersion]:
    actor = empty.services.users.ensure_first_clinician()
    assert empty.services.people.count() == 0
    importer = FhirImportService(
        empty.store.sessions, now=empty.services.clock.now, today=empty.services.clock.today
    )
    result = importer.import_bundle(bundle, actor)
    return result, empty.services.plans.get(result.plan_id)


def test_an_export_imported_into_an_empty_store_keeps_the_plan(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, empty: AppContext
) -> None:
    first, second, person_id = _agreed_twice(ctx, actor)
    bundle = exports.fhir_bundle(person_id, actor, with_pdf=False)
    assert dangling_references(bundle) == []
    result, draft = _import(empty, bundle)
    sent = _content()
    got = draft.content
    # The care team, member by member, field by field (the ODS code too, where the plan held one).
    assert len(got.sharing.care_team) == len(sent.sharing.care_team)
    for held, back in zip(sent.sharing.care_team, got.sharing.care_team, strict=True):
        assert [getattr(back, f) for f in TEAM_FIELDS] == [getattr(held, f) for f in TEAM_FIELDS]
        if held.organisation_code:
            assert back.organisation_code == held.organisation_code
        elif held.organisation == SAMPLE_PRACTICE.practice_name:
            assert back.organisation_code == SAMPLE_PRACTICE.ods_code  # the practice, now with its code
    # Referrals and signposting, field by field.
    assert len(got.goals.referrals) == len(sent.goals.referrals) == 2
    for held_ref, back_ref in zip(sent.goals.referrals, got.goals.referrals, strict=True):
        assert [getattr(back_ref, f) for f in REFERRAL_FIELDS] == [
            getattr(held_ref, f) for f in REFERRAL_FIELDS
        ]
    assert got.about_me.about.what_matters == sent.about_me.about.what_matters
    assert got.sharing.sharing.review_date == sent.sharing.sharing.review_date  # CarePlan.period.end
    assert got.sharing.sharing.consent_to_share is True
    wishes, sent_wishes = got.future_wishes.wishes, sent.future_wishes.wishes
    assert wishes.preferred_place_of_care == sent_wishes.preferred_place_of_care == "At home"
    assert wishes.preferred_place_of_death == sent_wishes.preferred_place_of_death
    assert got.sharing.sharing.consent_shared_with == sent.sharing.sharing.consent_shared_with
    assert [g.text for g in got.goals.goals] == [g.text for g in sent.goals.goals]
    # Where it came from: status, author, when agreed, and the version chain.
    origin = result.origin
    assert origin is not None
    assert origin.status == "active"
    assert origin.identifier == f"urn:uuid:{second.id}"
    assert origin.replaces == (f"urn:uuid:{first.id}",)
    assert (origin.author, origin.author_role) == (second.agreed_by_name, second.agreed_by_role)
    assert (origin.organisation, origin.organisation_code) == (
        SAMPLE_PRACTICE.practice_name,
        SAMPLE_PRACTICE.ods_code,
    )
    assert second.agreed_at is not None and origin.agreed_on == second.agreed_at.date()
    assert origin.agreed_with == "the person"
    assert any("'active' in the sending system" in n and "1 earlier version" in n for n in result.notices)
    assert result.imported["care team members"] == 3 and result.imported["referrals"] == 2
    # The version chain is kept in the new store's own record: the import's audit entry names it.
    (entry,) = empty.services.audit.entries(action=audit.Action.IMPORTED)
    assert entry.detail.endswith(
        f" from_plan=urn:uuid:{second.id} from_status=active replaces=urn:uuid:{first.id}"
    )
    # Agreed there, so kept as an agreed version here, marked as imported (issue 13); the crisis decisions
    # come in with it (tests/export/test_fhir_round_trip_provenance.py checks them field by field).
    assert result.stored_as_agreed and draft.status is d.PlanStatus.AGREED
    assert draft.provenance is not None and draft.provenance.identifier == f"urn:uuid:{second.id}"
    assert got.future_wishes.wishes.cpr_decision == sent.future_wishes.wishes.cpr_decision
    # Exported again from the new store: the same team, referrals, what matters and review date.
    again = ExportService(
        empty.store.sessions, now=empty.services.clock.now, today=empty.services.clock.today
    )
    after = again.fhir_bundle(result.person_id, empty.services.users.ensure_first_clinician(), with_pdf=False)
    assert dangling_references(after) == []
    assert _summary(after) == _summary(bundle)


def _summary(bundle: dict[str, Any]) -> dict[str, Any]:
    of = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    (plan,) = [r for r in of.values() if r["resourceType"] == "CarePlan" and "partOf" not in r]
    team = of[plan["careTeam"][0]["reference"]]
    return {
        "team": [(p["member"]["display"], p["role"][0]["text"]) for p in team["participant"]],
        "referrals": [
            (of[a["reference"]["reference"]]["code"]["text"], of[a["reference"]["reference"]]["status"])
            for a in plan["activity"]
            if "reference" in a
        ],
        "notes": plan["note"],
        "review": plan["period"]["end"],
    }


def test_the_audit_entry_never_carries_free_text_from_the_file() -> None:
    origin = PlanOrigin(
        status="Mrs Siobhán Nguyễn",
        identifier="urn:uuid:Siobhan Nguyen 1950",
        replaces=("urn:uuid:0b7e5f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b", "NHS 999 000 1235"),
    )
    assert origin_audit(origin) == (
        " from_plan=other from_status=other replaces=urn:uuid:0b7e5f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b,other"
    )


def test_an_older_export_still_gives_its_team_and_referrals() -> None:
    """Bundles exported before this release: care team members by display only, referrals as activity
    details in words. Built from today's export, reshaped the way the older one wrote them."""
    bundle = build_bundle(sample_person(), rich_plan(), SAMPLE_PRACTICE, pdf=None, now=NOW)
    keep = {"Patient", "Condition", "Goal", "CareTeam", "CarePlan"}
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] in keep]
    for entry in bundle["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "CareTeam":
            res.pop("managingOrganization")
            for part in res["participant"]:
                part["member"] = {"display": part["member"]["display"]}
                part["onBehalfOf"] = {"display": "Riverside Surgery"}
        if res["resourceType"] == "CarePlan" and "partOf" not in res:
            res.pop("author"), res.pop("contributor"), res.pop("supportingInfo")
            res["activity"] = [a for a in res["activity"] if "detail" in a] + [
                {
                    "detail": {
                        "kind": "ServiceRequest",
                        "status": "completed",
                        "description": "Referral to Pulmonary rehabilitation: to help with my breathing",
                    }
                },
                {
                    "detail": {
                        "kind": "ServiceRequest",
                        "status": "not-started",
                        "description": "Signposted to Walking for health group",
                    }
                },
            ]
    bundle["entry"] = [e for e in bundle["entry"] if "partOf" not in e["resource"]]
    assert dangling_references(bundle) == []
    plan = read_bundle(bundle, NOW.date()).plan
    assert plan is not None
    assert [(m.name, m.role, m.organisation, m.is_key_worker) for m in plan.care_team] == [
        ("Jane Doyle", "Practice nurse", "Riverside Surgery", True),
        ("Dr A Shah", "GP", "Riverside Surgery", False),
    ]
    assert [(r.service, r.kind, r.reason, r.status) for r in plan.referrals] == [
        (
            "Pulmonary rehabilitation",
            ReferralKind.REFERRAL,
            "to help with my breathing",
            ReferralStatus.REFERRED,
        ),
        ("Walking for health group", ReferralKind.SIGNPOSTING, "", ReferralStatus.SUGGESTED),
    ]
    assert plan.origin.author == ""  # the older export named nobody
