"""Issue 13: a plan imported keeps what it was. Exported, imported into an EMPTY store (real SQLCipher) and
exported again, the richest hard case and every demo person keep the plan's status, period, author,
version chain, care team, what matters, referrals, crisis decisions and personal contacts, field by
field. An agreed plan is kept as an agreed version marked as imported (never re-dated or attributed to
the person who imported it); a draft stays a draft; the same version imported again writes nothing; a
changed version under the same identifier is refused and writes nothing."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from careplanner.app import AppContext, open_context
from careplanner.clinical.enums import PlanStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.config import resolve_paths
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample_hard import HARD_CASES
from careplanner.models import CarePlan
from careplanner.services import audit
from careplanner.services.errors import NotADraftError
from careplanner.services.exports import ExportService
from careplanner.services.fhir_import import FhirImportService, ImportResult, VersionConflictError
from careplanner.services.plan_data import SECTION_TYPES, PlanVersion
from careplanner.services.seed import seed_people
from careplanner.services.store_verify import version_problems
from careplanner.services.users import Actor
from tests.conftest import TEST_PASSPHRASE
from tests.export.conftest import pdf_text

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WISHES = (
    "cpr_decision",
    "cpr_decision_date",
    "cpr_decision_by",
    "cpr_discussed_with_person",
    "cpr_form_location",
    "cpr_review_date",
    "respect_form_location",
    "adrt_exists",
    "adrt_summary",
    "adrt_location",
    "adrt_date",
    "advance_statement_exists",
    "advance_statement_location",
    "lpa_health_welfare_exists",
    "lpa_health_welfare_name",
    "lpa_health_welfare_registered",
    "lpa_health_welfare_location",
    "lpa_property_finance_exists",
    "lpa_property_finance_name",
    "lpa_property_finance_registered",
    "lpa_property_finance_location",
    "preferred_place_of_care",
    "preferred_place_of_death",
)
CONTACT = ("name", "relationship_to_person", "is_carer", "is_next_of_kin", "is_emergency_contact", "phone")


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(resolve_paths(tmp_path / "empty-store"), passphrase=TEST_PASSPHRASE)
    yield context
    context.close()


def _importer(ctx: AppContext) -> FhirImportService:
    return FhirImportService(ctx.store.sessions, now=ctx.services.clock.now, today=ctx.services.clock.today)


def _export(ctx: AppContext, person_id: str, actor: Actor) -> dict[str, Any]:
    exports = ExportService(ctx.store.sessions, now=ctx.services.clock.now, today=ctx.services.clock.today)
    return exports.fhir_bundle(person_id, actor, with_pdf=False)


def _facts(bundle: dict[str, Any]) -> dict[str, Any]:
    """What a receiver acts on, resource by resource (resource ids left out: each store has its own)."""
    of = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    plans = [r for r in of.values() if r["resourceType"] == "CarePlan" and "partOf" not in r]
    if not plans:
        return {"plan": None}
    (plan,) = plans

    def who(reference: dict[str, Any] | None) -> tuple[str, ...]:
        res = of.get((reference or {}).get("reference", ""), {})
        if res.get("resourceType") == "PractitionerRole":
            org = of.get(res.get("organization", {}).get("reference", ""), {})
            name = of[res["practitioner"]["reference"]]["name"][0]["text"]
            return (name, (res.get("code") or [{}])[0].get("text", ""), org.get("name", ""))
        return (res.get("resourceType", ""), str(res.get("name", "")))

    team = of[plan["careTeam"][0]["reference"]] if plan.get("careTeam") else {"participant": []}
    decisions = sorted(
        (
            r["resourceType"],
            str(r.get("status")),
            str([c.get("text") for c in r.get("category", [])]),
            str(r.get("provision", {}).get("type")),
            str(r.get("dateTime")),
            str([who(p) for p in r.get("performer", [])]),
            str(r.get("description")),
            str(r.get("type", {}).get("text")),
        )
        for r in of.values()
        if r["resourceType"] in ("Consent", "DocumentReference")
    )
    related = sorted(
        (str(r["name"]), str(r.get("relationship")), str(r.get("telecom")))
        for r in of.values()
        if r["resourceType"] == "RelatedPerson"
    )
    return {
        "status": plan["status"],
        "title": plan["title"],
        "period": plan.get("period"),
        "created": plan.get("created"),
        "identifier": [i["value"] for i in plan["identifier"]],
        "replaces": [r["identifier"]["value"] for r in plan.get("replaces", [])],
        "author": who(plan.get("author")),
        "contributor": who((plan.get("contributor") or [None])[0]),
        "team": [
            (p["member"].get("display"), p["role"][0]["text"], who(p["member"])) for p in team["participant"]
        ],
        "notes": plan.get("note"),
        "referrals": sorted(
            str(_scrub(of[a["reference"]["reference"]])) for a in plan.get("activity", []) if "reference" in a
        ),
        "decisions": decisions,
        "related": related,
    }


def _scrub(value: Any) -> Any:
    """A resource without its own id and references (each store makes its own ids)."""
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in ("id", "reference")}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _import(ctx: AppContext, bundle: dict[str, Any]) -> tuple[ImportResult, PlanVersion]:
    actor = ctx.services.users.ensure_first_clinician()
    result = _importer(ctx).import_bundle(bundle, actor)
    return result, ctx.services.plans.get(result.plan_id)


def _counts(ctx: AppContext) -> tuple[int, int]:
    with ctx.store.sessions() as session:
        plans = session.query(CarePlan).count()
    return plans, len(ctx.services.audit.entries())


def test_the_richest_hard_case_comes_back_field_by_field_as_an_agreed_imported_version(
    empty: AppContext,
) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    assert plan.status is PlanStatus.AGREED and plan.agreed_at is not None
    bundle = build_bundle(person, plan, practice, pdf=None, now=NOW)
    result, got = _import(empty, bundle)
    assert result.stored_as_agreed and got.status is PlanStatus.AGREED and got.version_number == 1
    # Never re-dated, never attributed to the person who imported it.
    assert got.agreed_at is not None and got.agreed_at.date() == plan.agreed_at.date()
    assert got.agreed_by_name == ""
    p = got.provenance
    assert p is not None and p.imported_by_id == empty.services.users.ensure_first_clinician().id
    assert (p.author, p.author_role) == (plan.agreed_by_name, plan.agreed_by_role)
    assert p.line == (
        f"Agreed at {practice.practice_name} ({practice.ods_code}) by {plan.agreed_by_name} "
        f"({plan.agreed_by_role}) on {plan.agreed_at.day} {plan.agreed_at:%B %Y} (imported)"
    )
    sent, back = plan.content, got.content
    for name in WISHES:
        assert getattr(back.future_wishes.wishes, name) == getattr(sent.future_wishes.wishes, name), name
    assert sent.future_wishes.wishes.cpr_decision.value != "not_discussed"
    assert [[getattr(c, f) for f in CONTACT] for c in back.sharing.personal_contacts] == [
        [getattr(c, f) for f in CONTACT] for c in sent.sharing.personal_contacts if c.name.strip()
    ]
    assert [m.name for m in back.sharing.care_team] == [m.name for m in sent.sharing.care_team]
    assert back.about_me.about.what_matters == sent.about_me.about.what_matters
    assert [(r.service, r.status) for r in back.goals.referrals] == [
        (r.service, r.status) for r in sent.goals.referrals
    ]
    # Nothing the store checks finds it wrong: its seal covers what was imported.
    with empty.store.sessions() as session:
        assert version_problems(session.connection()) == (1, [])
    # Exported again from the new store: the same plan, field by field.
    again = _export(empty, result.person_id, empty.services.users.ensure_first_clinician())
    assert _facts(again) == _facts(bundle)


def test_every_demo_person_comes_back_field_by_field(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, empty: AppContext
) -> None:
    seed_people(ctx.store.sessions, count=6, seed=2, actor=actor, today=date(2026, 11, 22))
    people = ctx.services.people.search("")
    assert len(people) >= 6
    for person in people:
        bundle = _export(ctx, person.id, actor)
        result, _got = _import(empty, bundle)
        again = _export(empty, result.person_id, empty.services.users.ensure_first_clinician())
        assert _facts(again) == _facts(bundle), person.id


def _agreed_twice(ctx: AppContext, actor: Actor) -> tuple[dict[str, Any], dict[str, Any], str]:
    person, plan, _practice = HARD_CASES["three-plans"]()
    stored = ctx.services.people.create(person.details, actor)
    draft = ctx.services.plans.start_draft(stored.id, actor)
    for key in SECTION_TYPES:
        ctx.services.plans.save_section(draft.id, plan.content.section(key), actor)
    ctx.services.plans.agree(draft.id, actor)
    first = _export(ctx, stored.id, actor)
    ctx.services.plans.agree(ctx.services.plans.start_draft(stored.id, actor).id, actor)
    return first, _export(ctx, stored.id, actor), stored.id


def test_importing_v2_after_v1_links_them_and_the_same_version_again_writes_nothing(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, empty: AppContext
) -> None:
    v1, v2, _pid = _agreed_twice(ctx, actor)
    first, one = _import(empty, v1)
    second, two = _import(empty, v2)
    assert (one.version_number, two.version_number) == (1, 2)
    assert two.replaces_id == one.id and empty.services.plans.get(one.id).superseded
    assert two.provenance is not None and two.provenance.replaces == (one.provenance.identifier,)  # type: ignore[union-attr]
    before = _counts(empty)
    again = _importer(empty).import_bundle(copy.deepcopy(v2), empty.services.users.ensure_first_clinician())
    assert again.already_held and again.plan_id == two.id
    assert _counts(empty) == before
    assert empty.services.plans.latest_agreed(first.person_id).id == second.plan_id  # type: ignore[union-attr]


def test_a_changed_version_under_the_same_identifier_is_refused_and_writes_nothing(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, empty: AppContext
) -> None:
    _v1, v2, _pid = _agreed_twice(ctx, actor)
    _import(empty, v2)
    tampered = copy.deepcopy(v2)
    goal = next(e["resource"] for e in tampered["entry"] if e["resource"]["resourceType"] == "Goal")
    goal["description"]["text"] = "I want to stop all my medicines"
    before = _counts(empty)
    with pytest.raises(VersionConflictError, match="same version identifier"):
        _importer(empty).import_bundle(tampered, empty.services.users.ensure_first_clinician())
    assert _counts(empty) == before


def test_an_older_version_after_the_newer_one_is_refused_and_writes_nothing(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, empty: AppContext
) -> None:
    v1, v2, _pid = _agreed_twice(ctx, actor)
    _import(empty, v2)
    before = _counts(empty)
    with pytest.raises(VersionConflictError, match="later version"):
        _importer(empty).import_bundle(v1, empty.services.users.ensure_first_clinician())
    assert _counts(empty) == before


def test_an_imported_agreed_version_is_read_only_and_audited_as_imported(empty: AppContext) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    result, got = _import(empty, build_bundle(person, plan, practice, pdf=None, now=NOW))
    actor = empty.services.users.ensure_first_clinician()
    with pytest.raises(NotADraftError):
        empty.services.plans.save_section(got.id, got.content.section("about_me"), actor)
    (agreed,) = empty.services.audit.entries(action=audit.Action.PLAN_AGREED)
    assert agreed.plan_id == got.id and " imported content=" in agreed.detail
    (imported,) = empty.services.audit.entries(action=audit.Action.IMPORTED)
    assert imported.plan_id == got.id
    (row,) = empty.services.plans.history(result.person_id)  # the history never shows it as agreed here
    assert row.agreed_by_name == f"{got.provenance.author} at {got.provenance.organisation} (imported)"  # type: ignore[union-attr]
    # A review starts from it as from any agreed version.
    review = empty.services.plans.start_draft(result.person_id, actor)
    assert review.base_id == got.id and review.provenance is None


def test_a_draft_stays_a_draft(empty: AppContext) -> None:
    person, plan, practice = HARD_CASES["draft"]()
    assert plan.status is PlanStatus.DRAFT
    result, got = _import(empty, build_bundle(person, plan, practice, pdf=None, now=NOW))
    assert not result.stored_as_agreed and got.status is PlanStatus.DRAFT and got.provenance is None
    assert got.content.future_wishes.wishes.cpr_decision == plan.content.future_wishes.wishes.cpr_decision


def test_a_decision_already_recorded_is_never_changed_by_an_import(
    ctx: AppContext, actor: Actor, practice: PracticeSettings
) -> None:
    person, plan, _practice = HARD_CASES["draft"]()
    stored = ctx.services.people.create(person.details, actor)
    draft = ctx.services.plans.start_draft(stored.id, actor)
    wishes = dataclasses.replace(
        plan.content.future_wishes.wishes, cpr_decision_by="Dr Held Here", cpr_form_location="In the hall"
    )
    section = dataclasses.replace(plan.content.future_wishes, wishes=wishes)
    ctx.services.plans.save_section(draft.id, section, actor)
    _importer(ctx).import_bundle(build_bundle(person, plan, practice, pdf=None, now=NOW), actor)
    back = ctx.services.plans.get(draft.id).content.future_wishes.wishes
    assert (back.cpr_decision_by, back.cpr_form_location) == ("Dr Held Here", "In the hall")


def test_the_persons_copy_of_an_imported_plan_says_where_it_was_agreed(
    empty: AppContext, tmp_path: Path
) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    result, got = _import(empty, build_bundle(person, plan, practice, pdf=None, now=NOW))
    exports = ExportService(
        empty.store.sessions, now=empty.services.clock.now, today=empty.services.clock.today
    )
    actor = empty.services.users.ensure_first_clinician()
    text = " ".join(
        pdf_text(exports.person_copy_pdf(result.person_id, actor, plan_id=got.id), tmp_path).split()
    )
    assert got.provenance is not None
    assert got.provenance.line in text
    assert actor.display_name not in text  # the person who imported it is never named as agreeing it


def test_a_plan_agreed_before_the_one_held_here_comes_into_the_draft_not_as_the_current_plan(
    ctx: AppContext, actor: Actor, practice: PracticeSettings
) -> None:
    person, plan, practice_there = HARD_CASES["three-plans"]()
    stored = ctx.services.people.create(person.details, actor)
    here = ctx.services.plans.agree(
        ctx.services.plans.start_draft(stored.id, actor).id, actor, review_date=NOW.date()
    )
    assert here.agreed_at is not None and plan.agreed_at is not None and plan.agreed_at < here.agreed_at
    result = _importer(ctx).import_bundle(
        build_bundle(person, plan, practice_there, pdf=None, now=NOW), actor
    )
    assert not result.stored_as_agreed and any(
        "agreed before the plan held here" in n for n in result.notices
    )
    latest = ctx.services.plans.latest_agreed(stored.id)
    assert latest is not None and latest.id == here.id and latest.provenance is None
    draft = ctx.services.plans.get(result.plan_id)
    assert draft.status is PlanStatus.DRAFT
    assert draft.content.future_wishes.wishes.cpr_decision == plan.content.future_wishes.wishes.cpr_decision
