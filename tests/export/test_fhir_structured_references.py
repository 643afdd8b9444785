"""Every reference in an export resolves inside the bundle (a `urn:uuid:` must), on the richest plan and
on every seeded demo person; the previous version is named by an identifier scoped to the practice, as are
the Bundle, CarePlan and DocumentReference; the person's copy is dated when it was agreed."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.fhir_export import ODS_SYSTEM, build_bundle
from careplanner.export.fhir_references import dangling_references
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import rich_plan
from careplanner.services.exports import ExportService
from careplanner.services.seed import seed_people
from careplanner.services.users import Actor

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
Json = dict[str, Any]


def _of(bundle: Json, kind: str) -> list[Json]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _scoped(identifier: Json, value: str) -> None:
    assert identifier["value"] == f"urn:uuid:{value}"
    assert identifier["assigner"]["identifier"] == {"system": ODS_SYSTEM, "value": SAMPLE_PRACTICE.ods_code}


def test_the_check_finds_a_reference_to_nothing_in_the_bundle() -> None:
    bundle = build_bundle(sample_person(), rich_plan(), SAMPLE_PRACTICE, pdf=None, now=NOW)
    assert dangling_references(bundle) == []
    # What the export sent before: the previous version as a urn:uuid that is not in the bundle.
    broken = copy.deepcopy(bundle)
    plans = _of(broken, "CarePlan")
    plans[0]["replaces"][0]["reference"] = "urn:uuid:43da45bd-0000-5000-8000-000000000000"
    plans[1]["partOf"] = [{"reference": "CarePlan/elsewhere"}]
    found = dangling_references(broken)
    assert len(found) == 2 and all(
        ".replaces[0].reference" in p or ".partOf[0].reference" in p for p in found
    )
    # "Type/id" of an entry resolves; a contained "#id" resolves within its resource.
    plans[1]["partOf"] = [{"reference": f"CarePlan/{plans[0]['id']}"}]
    plans[0]["replaces"] = [{"reference": "#old"}]
    plans[0]["contained"] = [{"resourceType": "CarePlan", "id": "old", "status": "revoked", "intent": "plan"}]
    assert dangling_references(broken) == []


@pytest.mark.parametrize("draft", [False, True])
def test_the_richest_plan_resolves_and_is_scoped_to_the_practice(draft: bool) -> None:
    plan = rich_plan(draft=draft)
    bundle = build_bundle(sample_person(), plan, SAMPLE_PRACTICE, pdf=b"%PDF-1.7 test", now=NOW)
    Bundle.model_validate(bundle)
    assert dangling_references(bundle) == []
    _scoped(bundle["identifier"], bundle["id"])
    (main,) = [p for p in _of(bundle, "CarePlan") if "partOf" not in p]
    _scoped(main["identifier"][0], plan.id)
    (doc,) = [x for x in _of(bundle, "DocumentReference") if "masterIdentifier" in x]
    _scoped(doc["identifier"][0], plan.id)
    assert doc["masterIdentifier"]["assigner"] == doc["identifier"][0]["assigner"]
    if draft:
        assert "replaces" not in main and "relatesTo" not in doc
        assert doc["date"] == "2026-11-22T10:45:00+00:00"  # last changed, not exported
    else:
        (previous,) = main["replaces"]
        assert "reference" not in previous
        _scoped(previous["identifier"], "sample-plan-1")
        assert doc["relatesTo"][0]["code"] == "replaces" and "reference" not in doc["relatesTo"][0]["target"]
        assert doc["date"] == "2026-11-22T11:00:00+00:00"  # when agreed, not the export's 12:00
        assert doc["content"][0]["attachment"]["creation"] == doc["date"]


def test_every_seeded_demo_person_exports_with_every_reference_resolved(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService
) -> None:
    made = seed_people(ctx.store.sessions, count=12, seed=2, actor=actor, today=ctx.services.clock.today())
    people = ctx.services.people.search(limit=50)
    assert made == len(people) == 12
    replaced = 0
    for person in people:
        bundle = exports.fhir_bundle(person.id, actor, with_pdf=False)
        Bundle.model_validate(bundle)
        assert dangling_references(bundle) == [], person.id
        for plan in _of(bundle, "CarePlan"):
            replaced += len(plan.get("replaces", []))
    assert replaced > 0  # the seed holds later versions: the case that dangled before


def test_a_bundle_without_practice_settings_still_resolves() -> None:
    plan = dataclasses.replace(rich_plan(), agreed_by_name="")
    bundle = build_bundle(sample_person(), plan, None, pdf=b"%PDF", now=NOW)
    Bundle.model_validate(bundle)
    assert dangling_references(bundle) == []
