"""The faults the independent review of the FHIR import found (issue 10, /tmp/review-attack/REPORT.md):
an import never removes anything from the draft, a status it cannot trust refuses that entry, a real
allergy never becomes "no known allergies", a record without an NHS number does not silently duplicate a
held person, and a twin, someone who has died or an over-long record is refused.

Every bundle is synthetic and built here; refusals are checked by reading the store back.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from careplanner.app import AppContext
from careplanner.clinical.enums import GoalStatus
from careplanner.services.fhir_import import (
    BundleRefusedError,
    DetailsDecision,
    FhirImportService,
    IdentityMismatchError,
    PossibleMatchError,
)
from careplanner.services.plan_data import GoalData, GoalsSection
from careplanner.services.users import Actor
from tests.export.test_fhir_import_status import (
    ALLERGY_CLINICAL,
    CONDITION_CLINICAL,
    CONDITION_VER,
    PATIENT_URL,
    PENICILLIN,
    SNOMED,
    _allergy,
    _bundle,
    _condition,
    _medical,
)

NHS = "https://fhir.nhs.uk/Id/nhs-number"


def _medicine(name: str, status: str = "active") -> dict[str, Any]:
    return {
        "resource": {
            "resourceType": "MedicationStatement",
            "status": status,
            "medicationCodeableConcept": {"text": name},
            "subject": {"reference": PATIENT_URL},
        }
    }


def _goal(text: str, lifecycle: str = "active", url: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": {
            "resourceType": "Goal",
            "lifecycleStatus": lifecycle,
            "description": {"text": text},
            "subject": {"reference": PATIENT_URL},
        }
    }
    if url:
        entry["fullUrl"] = url
    return entry


def _snapshot(ctx: AppContext) -> tuple[object, ...]:
    people = ctx.services.people.search(limit=1000)
    drafts = [ctx.services.plans.draft_of(p.id) for p in people]
    return (ctx.store.counts(), people, [d.content if d else None for d in drafts])


def _import(ctx: AppContext, actor: Actor, bundle: dict[str, Any], **decision: bool) -> Any:
    return FhirImportService(ctx.store.sessions).import_bundle(bundle, actor, DetailsDecision(**decision))


# HIGH 1: an import only adds or updates.


def _held_draft(ctx: AppContext, actor: Actor) -> str:
    """A person whose draft holds two conditions, two medicines and a goal of their own."""
    first = _import(
        ctx,
        actor,
        _bundle(
            _condition("13645005", "Chronic obstructive lung disease"),
            _condition("44054006", "Diabetes mellitus type 2"),
            _medicine("Salbutamol 100 micrograms inhaler"),
            _medicine("Sertraline 50 mg tablets"),
        ),
    )
    goals = ctx.services.plans.get(first.plan_id).content.goals
    own = GoalsSection(goals.needs, (GoalData(text="I want to feel less lonely"),), goals.referrals)
    ctx.services.plans.save_section(first.plan_id, own, actor)
    return str(first.plan_id)


def test_an_entered_in_error_condition_removes_nothing_from_the_draft(ctx: AppContext, actor: Actor) -> None:
    plan_id = _held_draft(ctx, actor)
    result = _import(ctx, actor, _bundle(_condition("195967001", "Asthma", verification="entered-in-error")))
    assert [c.term for c in _medical(ctx, plan_id).conditions] == [
        "Chronic obstructive lung disease",
        "Diabetes mellitus type 2",
    ]
    assert result.added == {} and result.updated == {}
    assert [str(p) for p in result.skipped] == ["entry[1] (Condition): recorded in error, so not imported"]


def test_a_stopped_medicine_removes_no_medicine_from_the_draft(ctx: AppContext, actor: Actor) -> None:
    plan_id = _held_draft(ctx, actor)
    result = _import(ctx, actor, _bundle(_medicine("Salbutamol 100 micrograms inhaler", status="stopped")))
    assert [m.name for m in _medical(ctx, plan_id).medicines] == [
        "Salbutamol 100 micrograms inhaler",
        "Sertraline 50 mg tablets",
    ]
    assert [p.what for p in result.skipped] == ["status stopped, so not imported"]


def test_a_bundles_goals_are_added_beside_the_persons_own(ctx: AppContext, actor: Actor) -> None:
    plan_id = _held_draft(ctx, actor)
    result = _import(
        ctx,
        actor,
        _bundle(_goal("Walk to the shops each week"), _goal("i want to feel LESS lonely", "completed")),
    )
    goals = ctx.services.plans.get(plan_id).content.goals.goals
    assert [g.text for g in goals] == ["i want to feel LESS lonely", "Walk to the shops each week"]
    assert result.added == {"goals": 1} and result.updated == {"goals": 1}


def test_a_matched_condition_is_updated_and_keeps_its_lineage(ctx: AppContext, actor: Actor) -> None:
    plan_id = _held_draft(ctx, actor)
    before = {c.snomed_code: c.lineage_id for c in _medical(ctx, plan_id).conditions}
    result = _import(
        ctx,
        actor,
        _bundle(
            _condition("44054006", "Diabetes mellitus type 2", clinical="resolved"),
            _condition("38341003", "Hypertensive disorder"),
        ),
    )
    conditions = _medical(ctx, plan_id).conditions
    assert [(c.snomed_code, c.clinical_status) for c in conditions] == [
        ("13645005", "active"),
        ("44054006", "resolved"),
        ("38341003", "active"),
    ]
    assert conditions[1].lineage_id == before["44054006"]
    assert result.added == {"conditions": 1} and result.updated == {"conditions": 1}


# HIGH 2: code and text that disagree.


@pytest.mark.parametrize(
    "code",
    [
        {"coding": [{"system": SNOMED, "code": "409137002"}], "text": "Penicillin"},
        {
            "coding": [{"system": SNOMED, "code": "764146007", "display": "Penicillin"}],
            "text": "No known drug allergies",
        },
        {"coding": [{"system": SNOMED, "code": "409137002"}, {"system": SNOMED, "code": "764146007"}]},
    ],
    ids=["nkda-code-penicillin-text", "penicillin-code-nkda-text", "nkda-and-substance-codes"],
)
def test_code_and_text_that_disagree_never_become_no_known_allergies(
    ctx: AppContext, actor: Actor, code: dict[str, Any]
) -> None:
    result = _import(ctx, actor, _bundle(_allergy(code)))
    medical = _medical(ctx, result.plan_id)
    assert medical.review.no_known_allergies is False and result.no_known_allergies is False
    assert medical.allergies == ()
    assert [p.where for p in result.skipped] == ["entry[1] (AllergyIntolerance)"]
    assert "code and text disagree" in result.skipped[0].what


# HIGH 3: statuses matched case-insensitively on the right system only; anything else refuses the entry.


def test_status_codes_match_without_regard_to_case(ctx: AppContext, actor: Actor) -> None:
    result = _import(
        ctx,
        actor,
        _bundle(
            _condition("195967001", "Asthma", clinical=None, verification="ENTERED-IN-ERROR"),
            _condition("38341003", "Hypertensive disorder", clinical="RESOLVED"),
            _allergy(PENICILLIN, clinical=None, verification="Entered-In-Error"),
        ),
    )
    medical = _medical(ctx, result.plan_id)
    assert [(c.term, c.clinical_status) for c in medical.conditions] == [
        ("Hypertensive disorder", "resolved")
    ]
    assert medical.allergies == ()
    assert [p.what for p in result.skipped] == ["recorded in error, so not imported"] * 2


def _status(system: str, *codes: str, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": system, "code": c} for c in codes]}
    if text is not None:
        concept["text"] = text
    if not codes:
        del concept["coding"]
    return concept


UNTRUSTED = {
    "past": ("clinicalStatus", _status(CONDITION_CLINICAL, "past")),
    "wrong-system": ("clinicalStatus", _status(ALLERGY_CLINICAL, "resolved")),
    "snomed-eie": ("verificationStatus", _status(SNOMED, "entered-in-error")),
    "text-only-eie": ("verificationStatus", _status(CONDITION_VER, text="entered in error.")),
    "text-only-qualifier": ("clinicalStatus", _status(CONDITION_CLINICAL, text="Resolved (qualifier value)")),
    "active-text-resolved": ("clinicalStatus", _status(CONDITION_CLINICAL, "active", text="resolved")),
    "two-codings": ("clinicalStatus", _status(CONDITION_CLINICAL, "active", "resolved")),
    "no-system": ("clinicalStatus", {"coding": [{"code": "resolved"}]}),
}


@pytest.mark.parametrize("case", sorted(UNTRUSTED))
def test_a_condition_status_that_cannot_be_trusted_refuses_the_entry(
    ctx: AppContext, actor: Actor, case: str
) -> None:
    key, concept = UNTRUSTED[case]
    entry = _condition("195967001", "Asthma")
    entry["resource"][key] = concept
    result = _import(ctx, actor, _bundle(entry, _condition("38341003", "Hypertensive disorder")))
    assert [c.term for c in _medical(ctx, result.plan_id).conditions] == ["Hypertensive disorder"]
    assert [p.where for p in result.skipped] == ["entry[1] (Condition)"]
    assert result.skipped[0].what.startswith(key) and "not imported" in result.skipped[0].what


@pytest.mark.parametrize(
    "clinical",
    [
        _status(ALLERGY_CLINICAL, "remission"),
        _status(CONDITION_CLINICAL, "resolved"),
        _status(ALLERGY_CLINICAL, "active", text="Resolved"),
    ],
    ids=["remission", "condition-system", "text-disagrees"],
)
def test_an_allergy_status_that_cannot_be_trusted_refuses_the_entry(
    ctx: AppContext, actor: Actor, clinical: dict[str, Any]
) -> None:
    entry = _allergy({"text": "Latex"})
    entry["resource"]["clinicalStatus"] = clinical
    result = _import(ctx, actor, _bundle(entry, _allergy(PENICILLIN)))
    assert [a.substance for a in _medical(ctx, result.plan_id).allergies] == ["Penicillin"]
    assert [p.where for p in result.skipped] == ["entry[1] (AllergyIntolerance)"]


def test_the_fhir_display_as_text_agrees_with_its_code(ctx: AppContext, actor: Actor) -> None:
    entry = _condition("195967001", "Asthma")
    entry["resource"]["verificationStatus"] = _status(
        CONDITION_VER, "entered-in-error", text="Entered in Error"
    )
    entry["resource"].pop("clinicalStatus")
    other = _condition("38341003", "Hypertensive disorder")
    other["resource"]["clinicalStatus"] = _status(CONDITION_CLINICAL, "Resolved", text="Resolved.")
    result = _import(ctx, actor, _bundle(entry, other))
    assert [(c.term, c.clinical_status) for c in _medical(ctx, result.plan_id).conditions] == [
        ("Hypertensive disorder", "resolved")
    ]
    assert [p.what for p in result.skipped] == ["recorded in error, so not imported"]


# MEDIUM 8: negations written other ways; food only is not the general negation.


@pytest.mark.parametrize("text", ["No known allergies.", "None known", "Nil known", "NKDA."])
def test_other_ways_of_writing_no_known_allergies(ctx: AppContext, actor: Actor, text: str) -> None:
    result = _import(ctx, actor, _bundle(_allergy({"text": text})))
    medical = _medical(ctx, result.plan_id)
    assert medical.allergies == () and medical.review.no_known_allergies is True


@pytest.mark.parametrize(
    "code",
    [
        {"text": "No known food allergy"},
        {"coding": [{"system": SNOMED, "code": "429625007", "display": "No known food allergy"}]},
    ],
    ids=["text", "coded"],
)
def test_no_known_food_allergy_is_neither_an_allergy_nor_no_known_allergies(
    ctx: AppContext, actor: Actor, code: dict[str, Any]
) -> None:
    result = _import(ctx, actor, _bundle(_allergy(code)))
    medical = _medical(ctx, result.plan_id)
    assert medical.allergies == () and medical.review.no_known_allergies is False
    assert "says nothing about other allergies" in result.skipped[0].what


# MEDIUM 9 and 10: unconfirmed entries; void goals and care plans.


@pytest.mark.parametrize("verification", ["unconfirmed", "provisional", "differential"])
def test_an_unconfirmed_diagnosis_is_not_imported_as_a_problem(
    ctx: AppContext, actor: Actor, verification: str
) -> None:
    result = _import(ctx, actor, _bundle(_condition("195967001", "Asthma", verification=verification)))
    assert _medical(ctx, result.plan_id).conditions == ()
    assert [p.what for p in result.skipped] == [
        f"verification status {verification}: not a confirmed problem"
    ]


def test_an_unconfirmed_allergy_is_kept_and_marked(ctx: AppContext, actor: Actor) -> None:
    result = _import(ctx, actor, _bundle(_allergy(PENICILLIN, verification="unconfirmed")))
    assert [a.substance for a in _medical(ctx, result.plan_id).allergies] == ["Penicillin (unconfirmed)"]


def test_void_goals_and_care_plans_are_not_imported(ctx: AppContext, actor: Actor) -> None:
    plan_url = "urn:uuid:0d7c1f7e-1a5b-4c9e-8f00-3d6b2a9c4e11"
    careplan = {
        "resource": {
            "resourceType": "CarePlan",
            "status": "entered-in-error",
            "intent": "plan",
            "subject": {"reference": PATIENT_URL},
            "goal": [{"reference": plan_url}],
            "activity": [
                {
                    "detail": {
                        "status": "scheduled",
                        "description": "Ring the day centre",
                        "goal": [{"reference": plan_url}],
                    }
                }
            ],
        }
    }
    result = _import(
        ctx,
        actor,
        _bundle(
            _goal("Wrong person's goal", "entered-in-error"),
            _goal("Rejected goal", "rejected"),
            _goal("Goal of a void plan", url=plan_url),
            _goal("Keep up with the garden"),
            careplan,
        ),
    )
    goals = ctx.services.plans.get(result.plan_id).content.goals.goals
    assert [(g.text, g.status, g.actions) for g in goals] == [
        ("Keep up with the garden", GoalStatus.ACTIVE, ())
    ]
    assert [p.where for p in result.skipped] == [
        "entry[5] (CarePlan)",
        "entry[1] (Goal)",
        "entry[2] (Goal)",
        "entry[3] (Goal)",
    ]


# HIGH 4 and MEDIUM 6, 7: identity.


def _patient_of(bundle: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    return resource


@pytest.mark.parametrize(
    "system",
    ["http://fhir.nhs.uk/Id/nhs-number", "https://fhir.nhs.uk/Id/nhs-number/"],
    ids=["http", "slash"],
)
def test_nhs_number_system_spellings_find_the_held_person(ctx: AppContext, actor: Actor, system: str) -> None:
    first = _import(ctx, actor, _bundle())
    again = _bundle(_condition("195967001", "Asthma"))
    _patient_of(again)["identifier"] = [{"system": system, "value": "943 476 5919"}]
    second = _import(ctx, actor, again)
    assert second.person_id == first.person_id and second.created_person is False
    assert len(ctx.services.people.search(limit=10)) == 1


def test_two_different_nhs_numbers_are_refused(ctx: AppContext, actor: Actor) -> None:
    bundle = _bundle()
    _patient_of(bundle)["identifier"] = [
        {"system": NHS, "value": "4010232137"},
        {"system": NHS, "value": "9434765919"},
    ]
    before = _snapshot(ctx)
    with pytest.raises(BundleRefusedError, match="more than one NHS number"):
        _import(ctx, actor, bundle)
    assert _snapshot(ctx) == before


def test_no_nhs_number_and_a_held_namesake_stops_unless_chosen(ctx: AppContext, actor: Actor) -> None:
    held = _import(ctx, actor, _bundle())
    bundle = _bundle(_condition("195967001", "Asthma"))
    del _patient_of(bundle)["identifier"]
    _patient_of(bundle)["name"] = [{"use": "official", "family": "QUENNELL-synthetic", "given": ["Zoe"]}]
    before = _snapshot(ctx)
    with pytest.raises(PossibleMatchError) as caught:
        _import(ctx, actor, bundle)
    assert caught.value.exit_code == 10
    assert "Quennell" not in str(caught.value) and "1948" not in str(caught.value)
    assert _snapshot(ctx) == before
    chosen = _import(ctx, actor, copy.deepcopy(bundle), new_person=True)
    assert chosen.created_person and chosen.person_id != held.person_id
    assert len(ctx.services.people.search(limit=10)) == 2


def test_a_twin_under_a_held_nhs_number_is_refused_even_keeping_details(
    ctx: AppContext, actor: Actor
) -> None:
    _import(ctx, actor, _bundle())
    twin = _bundle(_condition("195967001", "Asthma"))
    _patient_of(twin)["name"] = [{"use": "official", "family": "Quennell-Synthetic", "given": ["Rachel"]}]
    _patient_of(twin)["gender"] = "male"
    before = _snapshot(ctx)
    with pytest.raises(IdentityMismatchError, match="first name and sex differ"):
        _import(ctx, actor, twin, keep=True)
    assert _snapshot(ctx) == before


def test_gender_is_read_without_regard_to_case(ctx: AppContext, actor: Actor) -> None:
    first = _import(ctx, actor, _bundle())
    again = _bundle()
    _patient_of(again)["gender"] = "Female"
    second = _import(ctx, actor, again)
    assert second.person_id == first.person_id and second.details_kept == ()


@pytest.mark.parametrize(
    "deceased", [{"deceasedBoolean": True}, {"deceasedDateTime": "2026-10-01"}], ids=["flag", "date"]
)
def test_a_person_marked_as_died_is_refused(ctx: AppContext, actor: Actor, deceased: dict[str, Any]) -> None:
    bundle = _bundle()
    _patient_of(bundle).update(deceased)
    before = _snapshot(ctx)
    with pytest.raises(BundleRefusedError, match="has died"):
        _import(ctx, actor, bundle)
    assert _snapshot(ctx) == before


def test_an_inactive_record_imports_and_says_so(ctx: AppContext, actor: Actor) -> None:
    bundle = _bundle()
    _patient_of(bundle)["active"] = False
    result = _import(ctx, actor, bundle)
    assert result.notices == ("The sending system marks this person's record as not active.",)


# MEDIUM 11 and LOW 12: limits and bundle shape.


BAD_SHAPES = {
    "long-name": (lambda b: _patient_of(b)["name"][0].update(given=["Z" * 201]), "name longer than 200"),
    "long-text": (
        lambda b: b["entry"].append(_condition("195967001", "A" * 10_001)),
        "longer than 10,000 characters",
    ),
    "message": (lambda b: b.update(type="message"), "Bundle.type"),
    "repeated-fullUrl": (
        lambda b: b["entry"].extend([dict(_condition("195967001", "Asthma"), fullUrl="urn:uuid:1")] * 2),
        "repeats an earlier entry's fullUrl",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SHAPES))
def test_over_long_text_and_bad_bundle_shapes_are_refused(ctx: AppContext, actor: Actor, case: str) -> None:
    change, expected = BAD_SHAPES[case]
    bundle = _bundle()
    change(bundle)
    before = _snapshot(ctx)
    with pytest.raises(BundleRefusedError) as caught:
        _import(ctx, actor, bundle)
    assert expected in str(caught.value)
    assert _snapshot(ctx) == before


def test_accepted_bundle_types(ctx: AppContext, actor: Actor) -> None:
    for kind in ("collection", "document", "searchset", "transaction"):
        bundle = _bundle()
        bundle["type"] = kind
        if kind == "transaction":
            for entry in bundle["entry"]:
                entry["request"] = {"method": "POST", "url": entry["resource"]["resourceType"]}
        assert _import(ctx, actor, bundle).person_id
