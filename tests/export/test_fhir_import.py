"""FHIR import: the round trip holds, and a bad bundle is refused whole with the store unchanged."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careplanner.app import AppContext, open_context
from careplanner.config import resolve_paths
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person, sample_plan
from careplanner.services import audit
from careplanner.services.errors import NotAllowedError
from careplanner.services.fhir_import import (
    BundleRefusedError,
    DetailsDecision,
    DetailsWouldChangeError,
    FhirImportService,
    IdentityMismatchError,
    PossibleMatchError,
    VersionConflictError,
    parse_json,
)
from careplanner.services.users import Actor
from tests.conftest import TEST_PASSPHRASE
from tests.export.conftest import store_plan

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _bundle() -> dict[str, Any]:
    return build_bundle(sample_person(), sample_plan(), SAMPLE_PRACTICE, pdf=None, now=NOW)


def _snapshot(ctx: AppContext) -> tuple[object, ...]:
    """Everything an import could change, to prove a refused one changed nothing."""
    people = ctx.services.people.search(limit=1000)
    drafts = [ctx.services.plans.draft_of(p.id) for p in people]
    return (ctx.store.counts(), people, [d.content if d else None for d in drafts])


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[AppContext]:
    other = open_context(resolve_paths(tmp_path / "other-store"), passphrase=TEST_PASSPHRASE)
    yield other
    other.close()


def test_round_trip_into_an_empty_store(ctx: AppContext, actor: Actor, empty: AppContext) -> None:
    from careplanner.services.exports import ExportService

    stored = store_plan(ctx, actor)
    bundle = ExportService(ctx.store.sessions).fhir_bundle(stored.person.id, actor)
    clinician = empty.services.users.ensure_first_clinician()
    result = FhirImportService(empty.store.sessions).import_bundle(json.loads(json.dumps(bundle)), clinician)
    assert result.created_person
    person = empty.services.people.get(result.person_id)
    before, after = stored.person.details, person.details
    for name in (
        "first_name",
        "family_name",
        "date_of_birth",
        "nhs_number",
        "title",
        "sex",
        "addresses",
        "telecoms",
        "gp_practice_name",
        "gp_practice_ods_code",
    ):
        assert getattr(after, name) == getattr(before, name), name
    # Agreed where it came from: kept as an agreed version here, marked as imported (issue 13).
    draft = empty.services.plans.latest_agreed(person.id)
    assert draft is not None and draft.id == result.plan_id and draft.provenance is not None
    old, new = stored.plan.content, draft.content
    key = lambda c: (c.term, c.snomed_code, c.plain_name)  # noqa: E731
    assert [key(c) for c in new.medical.conditions] == [key(c) for c in old.medical.conditions]
    taking = [m for m in old.medical.medicines if m.decision.value != "stop"]
    med = lambda m: (m.name, m.dose, m.how_taken, m.purpose)  # noqa: E731
    assert [med(m) for m in new.medical.medicines] == [med(m) for m in taking]
    assert [(a.substance, a.reaction) for a in new.medical.allergies] == [("Penicillin", "rash")]
    goal = lambda g: (g.text, g.status, [(a.what, a.who_name, a.when) for a in g.actions])  # noqa: E731
    assert [goal(g) for g in new.goals.goals] == [goal(g) for g in old.goals.goals]
    actions = {e.action for e in empty.services.audit.entries(person_id=person.id)}
    assert {audit.Action.IMPORTED, audit.Action.PERSON_CREATED, audit.Action.PLAN_AGREED} <= actions


def test_importing_again_updates_the_same_person_and_draft(ctx: AppContext, actor: Actor) -> None:
    importer = FhirImportService(ctx.store.sessions)
    first = importer.import_bundle(_bundle(), actor)
    changed = _bundle()
    changed["entry"][0]["resource"]["name"][0]["given"] = ["Siobhan"]
    with pytest.raises(DetailsWouldChangeError, match="first name"):
        importer.import_bundle(changed, actor)
    second = importer.import_bundle(changed, actor, DetailsDecision(update=True))
    assert (second.person_id, second.plan_id, second.created_person) == (
        first.person_id,
        first.plan_id,
        False,
    )
    assert second.details_changed == ("first name",)
    assert ctx.services.people.get(first.person_id).details.first_name == "Siobhan"
    assert ctx.store.counts()["people"] == 1


def test_record_only_bundle_from_a_gp_system(ctx: AppContext, actor: Actor) -> None:
    patient = _bundle()["entry"][0]
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            patient,
            {
                "resource": {
                    "resourceType": "MedicationRequest",
                    "status": "active",
                    "intent": "order",
                    "subject": {"reference": patient["fullUrl"]},
                    "medicationReference": {"reference": "Medication/m1"},
                    "dosageInstruction": [{"text": "one daily"}],
                }
            },
            {
                "fullUrl": "Medication/m1",
                "resource": {
                    "resourceType": "Medication",
                    "id": "m1",
                    "code": {
                        "coding": [
                            {"system": "https://dmd.nhs.uk", "code": "1", "display": "Amlodipine 5mg tablets"}
                        ]
                    },
                },
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"text": "Blood pressure"},
                    "valueString": "138/82 mmHg",
                    "effectiveDateTime": "2026-10-01T09:00:00Z",
                }
            },
            {
                "resource": {
                    "resourceType": "AllergyIntolerance",
                    "patient": {"reference": patient["fullUrl"]},
                    "code": {"text": "Latex"},
                }
            },
        ],
    }
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    medical = ctx.services.plans.get(result.plan_id).content.medical
    assert [(m.name, m.dose) for m in medical.medicines] == [("Amlodipine 5mg tablets", "one daily")]
    assert [(r.name, r.value, str(r.taken_on)) for r in medical.results] == [
        ("Blood pressure", "138/82 mmHg", "2026-10-01")
    ]
    assert [a.substance for a in medical.allergies] == ["Latex"]


def _without_birth_date(b: dict[str, Any]) -> None:
    del b["entry"][0]["resource"]["birthDate"]


BAD: dict[str, tuple[Any, str]] = {
    "not a bundle": ({"resourceType": "Patient"}, "resourceType: must be Bundle"),
    "not an object": ([1, 2], "bundle: is not a JSON object"),
    "no patient": (
        {"resourceType": "Bundle", "type": "collection"},
        "must hold exactly one Patient (it holds 0)",
    ),
    "bad date": (
        lambda b: b["entry"][0]["resource"].update(birthDate="02/06/1944"),
        "entry[0] (Patient).resource.birthDate",
    ),
    "year only": (lambda b: b["entry"][0]["resource"].update(birthDate="1944"), "full date of birth"),
    "no birth date": (_without_birth_date, "entry[0] (Patient).birthDate"),
    "bad nhs number": (
        lambda b: b["entry"][0]["resource"]["identifier"][0].update(value="9990001234"),
        "NHS number is not valid",
    ),
    "bad snomed": (
        lambda b: b["entry"][1]["resource"]["code"]["coding"][0].update(code="13645006"),
        "entry[1] (Condition).code.coding: the SNOMED CT code fails its check digit",
    ),
    "unknown field": (
        lambda b: b["entry"][1]["resource"].update(colour="blue"),
        # the place, never the made-up key itself (it may hold anything, a name or an NHS number)
        "entry[1] (Condition).resource: holds a field that FHIR R4 does not define there",
    ),
    "wrong type": (lambda b: b["entry"][3]["resource"].update(status=7), "entry[3] (MedicationStatement)"),
    "other patient": (
        lambda b: b["entry"][2]["resource"].update(subject={"reference": "Patient/someone-else"}),
        "refers to a different patient",
    ),
    "two patients": (
        lambda b: b["entry"].append(copy.deepcopy(b["entry"][0])),
        "exactly one Patient (it holds 2)",
    ),
    "nameless medicine": (
        lambda b: b["entry"][3]["resource"].update(medicationCodeableConcept={"text": " "}),
        "the medicine has no name",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_bundles_are_refused_with_where_and_what(ctx: AppContext, actor: Actor, case: str) -> None:
    store_plan(ctx, actor)
    broken, expected = BAD[case]
    if callable(broken):
        bundle = _bundle()
        broken(bundle)
    else:
        bundle = broken
    before = _snapshot(ctx)
    with pytest.raises(BundleRefusedError) as caught:
        FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    assert caught.value.problems
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)
    assert "Siobhán" not in str(caught.value) and "9990001235" not in str(caught.value)
    assert _snapshot(ctx) == before


def test_broken_json_is_refused_with_its_place() -> None:
    with pytest.raises(BundleRefusedError, match=r"is not valid JSON \(line 1, column 2\)"):
        parse_json(b"{x")


def test_only_clinicians_import(ctx: AppContext) -> None:
    from careplanner.clinical.enums import UserRole

    reader = ctx.services.users.create(
        username="reader", display_name="Reader", role=UserRole.READ_ONLY, actor=None
    )
    with pytest.raises(NotAllowedError):
        FhirImportService(ctx.store.sessions).import_bundle(_bundle(), reader)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6) | st.just("2026-01-01"),
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "resourceType",
                    "Patient",
                    "entry",
                    "resource",
                    "code",
                    "text",
                    "birthDate",
                    "status",
                    "name",
                    "x",
                ]
            ),
            kids,
            max_size=3,
        )
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mangled_bundles_never_half_import(ctx: AppContext, actor: Actor, data: st.DataObject) -> None:
    """Replace or delete one part of a good bundle: it imports whole, or is refused and changes nothing."""
    bundle = _bundle()
    path = data.draw(st.sampled_from(_paths(bundle)[1:]))
    parent = bundle
    for step in path[:-1]:
        parent = parent[step]
    if data.draw(st.booleans()):
        parent[path[-1]] = data.draw(JSON)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    before = _snapshot(ctx)
    problems = []
    try:
        FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    except BundleRefusedError as exc:
        problems = exc.problems
        assert problems, "a refusal always says why"
    except (DetailsWouldChangeError, IdentityMismatchError, PossibleMatchError, VersionConflictError):
        # The second and later imports of the same person: a changed name, date of birth or detail stops it,
        # and so does a record without its NHS number whose family name and date of birth are held, and an
        # agreed plan version held already whose content the mangling changed.
        assert _snapshot(ctx) == before
    if problems:
        assert all(p.where and p.what for p in problems)
        assert _snapshot(ctx) == before


@settings(max_examples=60, deadline=None)
@given(JSON)
def test_arbitrary_json_is_refused_cleanly(value: Any) -> None:
    from datetime import date

    from careplanner.export.fhir_read import read_bundle

    with pytest.raises(BundleRefusedError):
        read_bundle(value, date(2026, 11, 22))
