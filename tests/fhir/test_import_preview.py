"""The import preview: per entry of the file, what would be added, updated, skipped or not read, and why,
worked out with nothing written; and the same refusals as the import itself.
"""

from __future__ import annotations

import pytest

from careplanner.app import AppContext
from careplanner.services.fhir_import import (
    DetailsDecision,
    FhirImportService,
    IdentityMismatchError,
)
from careplanner.services.users import Actor
from tests.fhir.gpconnect import entry_index, example


def _audit_count(ctx: AppContext) -> int:
    return len(ctx.services.audit.entries(limit=1_000_000))


def test_the_preview_lists_every_entry_and_writes_nothing(ctx: AppContext, actor: Actor) -> None:
    data = example("meds_response")
    service = FhirImportService(ctx.store.sessions)
    before = _audit_count(ctx)
    preview = service.preview(data, actor)
    assert _audit_count(ctx) == before and ctx.services.people.search("") == []
    assert preview.source == "GP Connect (FHIR STU3)" and preview.new_person
    rows = {row.where: row for row in preview.rows}
    assert len(rows) == len(data["entry"])  # every entry has its row
    active = entry_index(data, "MedicationStatement", "791ceb40-db0a-491d-ab0f-22f5a08509fd")
    row = rows[f"Bundle.entry[{active}]"]
    assert (row.kind, row.action, row.what, row.label) == (
        "MedicationStatement",
        "add",
        "a current medicine (dm+d coded)",
        "Aspirin 75mg dispersible tablets",
    )
    past = rows[
        f"Bundle.entry[{entry_index(data, 'MedicationStatement', '6bff710a-0bdc-4c9b-b98b-40db0a107edc')}]"
    ]
    assert (past.action, past.why) == (
        "skip",
        "a past medicine (status completed): only current medicines come in",
    )
    assert (rows["Bundle.entry[1]"].kind, rows["Bundle.entry[1]"].action) == ("Organization", "ignore")
    assert rows["Bundle.entry[0]"].what == "a new person"
    assert (preview.count("add"), preview.count("update"), preview.count("skip")) == (1, 0, 2)


def test_after_an_import_the_preview_says_update(ctx: AppContext, actor: Actor) -> None:
    data = example("allergies_response1")
    service = FhirImportService(ctx.store.sessions)
    service.import_bundle(data, actor)
    preview = service.preview(data, actor)
    assert not preview.new_person and preview.details_would_change == ()
    allergy_rows = [r for r in preview.rows if r.kind == "AllergyIntolerance"]
    assert [r.action for r in allergy_rows] == ["update"] * 4
    # The resolved allergy sent inside the "Resolved Allergies" List is placed there.
    contained = next(r for r in allergy_rows if ".contained[" in r.where)
    assert contained.what == "a past allergy" and contained.where.startswith("Bundle.entry[5].contained[0]")


def test_the_preview_lists_details_that_would_change_without_asking(ctx: AppContext, actor: Actor) -> None:
    service = FhirImportService(ctx.store.sessions)
    service.import_bundle(example("meds_response"), actor)
    changed = example("meds_response")
    patient = changed["entry"][0]["resource"]
    patient["telecom"] = [{"system": "phone", "value": "01134960000", "use": "home"}]
    preview = service.preview(changed, actor)
    assert preview.details_would_change and not preview.new_person
    assert service.preview(changed, actor, DetailsDecision(keep=True)).details_would_change == ()


def test_the_preview_refuses_someone_elses_record_as_the_import_does(ctx: AppContext, actor: Actor) -> None:
    service = FhirImportService(ctx.store.sessions)
    service.import_bundle(example("meds_response"), actor)
    other = example("meds_response")
    patient = other["entry"][0]["resource"]
    patient["birthDate"] = "1961-01-02"
    patient["name"][0]["family"] = "Someone-Else"
    with pytest.raises(IdentityMismatchError):
        service.preview(other, actor)
