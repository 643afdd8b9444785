"""A saved GP Connect Access Record: Structured response (FHIR STU3) imports into the draft plan, on a real
encrypted store, from NHS England's own published examples (fixtures/gpconnect/SOURCE.md).

Only the current medicine and the active problems and allergies come in as current; past medicines are
left out with the reason; resolved allergies (sent contained in the "Resolved Allergies" List) come in as
history; codes are kept (SNOMED CT for problems, dm+d for medicines, through the store); kinds the import
does not read are listed with their place. The same safety rules as for R4 apply: NHS England's
placeholder NHS number is refused, and problems that refer to another patient refuse the record.
"""

from __future__ import annotations

import pytest

from careplanner.app import AppContext
from careplanner.services.fhir_import import BundleRefusedError, FhirImportService
from careplanner.services.plan_data import MedicalSection
from careplanner.services.users import Actor
from tests.fhir.gpconnect import entry_index, example, published


def _import(ctx: AppContext, actor: Actor, data: dict[str, object]) -> tuple[object, MedicalSection]:
    result = FhirImportService(ctx.store.sessions).import_bundle(data, actor)
    return result, ctx.services.plans.get(result.plan_id).content.medical


def test_the_published_placeholder_nhs_number_is_refused_and_nothing_is_stored(
    ctx: AppContext, actor: Actor
) -> None:
    with pytest.raises(BundleRefusedError) as caught:
        FhirImportService(ctx.store.sessions).import_bundle(published("meds_response"), actor)
    assert [str(p) for p in caught.value.problems] == [
        "entry[0] (Patient).identifier (NHS number): This NHS number is a placeholder used in test and "
        "example records (one digit repeated), not a real person's NHS number."
    ]
    assert ctx.services.people.search("") == []


def test_only_the_current_medicine_comes_in_with_its_dmd_code(ctx: AppContext, actor: Actor) -> None:
    data = example("meds_response")
    result, medical = _import(ctx, actor, data)
    assert result.source == "GP Connect (FHIR STU3)"
    assert result.created_person
    # Three MedicationStatements: two completed (amoxicillin, 2016), one active (aspirin 75 mg).
    assert [(m.name, m.dmd_code) for m in medical.medicines] == [
        ("Aspirin 75mg dispersible tablets", "319773006")
    ]
    assert medical.medicines[0].dose == "TAKE ONE DAILY (INSTRUCTIONS FOR PATIENT)"
    skipped = {p.where: p.what for p in result.skipped}
    for rid in ("6bff710a-0bdc-4c9b-b98b-40db0a107edc", "985eba1d-e4fd-41ad-90aa-f840dff453d9"):
        where = f"entry[{entry_index(data, 'MedicationStatement', rid)}] (MedicationStatement)"
        assert skipped[where] == "a past medicine (status completed): only current medicines come in"
    ignored = [p.where for p in result.ignored]
    # The six prescriptions behind the statements are listed as not read, each with its place.
    assert sum("(MedicationRequest)" in w for w in ignored) == 6
    assert "entry[1] (Organization)" in ignored and "entry[4] (List)" in ignored


def test_the_dmd_code_survives_the_store_and_a_second_import_updates_not_duplicates(
    ctx: AppContext, actor: Actor
) -> None:
    _import(ctx, actor, example("meds_response"))
    data = example("meds_response")
    medication = next(
        e["resource"] for e in data["entry"] if e["resource"].get("id", "").startswith("8b339981")
    )
    medication["code"]["coding"][0]["display"] = "Aspirin 75mg dispersible tablets (renamed by the supplier)"
    result, medical = _import(ctx, actor, data)
    assert result.updated == {"medicines": 1} and result.added == {}
    # Matched by its dm+d code, not its name: one aspirin, with the code kept.
    assert [m.dmd_code for m in medical.medicines] == ["319773006"]


def test_active_allergies_are_current_and_resolved_ones_from_the_list_are_history(
    ctx: AppContext, actor: Actor
) -> None:
    result, medical = _import(ctx, actor, example("allergies_response1"))
    current = sorted(a.substance for a in medical.allergies if not a.is_history)
    past = [(a.substance, a.clinical_status) for a in medical.allergies if a.is_history]
    # GP Connect marks these allergies "unconfirmed": kept, and marked so (never dropped).
    assert current == [
        "Allergy to paracetemol (unconfirmed)",
        "Amoxicillin 250mg capsules (unconfirmed)",
        "Nut allergy (unconfirmed)",
    ]
    assert past == [("Aspirin 75mg dispersible tablet (unconfirmed)", "resolved")]
    assert not medical.review.no_known_allergies
    assert result.imported["allergies"] == 3 and result.imported["past allergies"] == 1


def test_an_empty_allergy_list_is_not_no_known_allergies(ctx: AppContext, actor: Actor) -> None:
    result, medical = _import(ctx, actor, example("allergies_response3"))
    assert medical.allergies == () and not medical.review.no_known_allergies
    assert not result.no_known_allergies


def test_problems_that_refer_to_another_patient_refuse_the_published_consultations(
    ctx: AppContext, actor: Actor
) -> None:
    data = example("consultations_response1")  # the NHS number fixed, the references as published
    with pytest.raises(BundleRefusedError) as caught:
        FhirImportService(ctx.store.sessions).import_bundle(data, actor)
    condition = entry_index(data, "Condition", "Problem-A-Anxiety-With-Depression")
    assert (
        f"entry[{condition}] (Condition).subject: refers to a different patient from the bundle's Patient"
        in [str(p) for p in caught.value.problems]
    )
    assert ctx.services.people.search("Jackson") == []


def test_active_problems_come_in_coded_and_results_keep_their_values(ctx: AppContext, actor: Actor) -> None:
    data = example("consultations_response1", own_subjects=True)
    result, medical = _import(ctx, actor, data)
    assert [(c.term, c.snomed_code, c.is_history) for c in medical.conditions] == [
        ("Mixed anxiety and depressive disorder", "231504006", False),
        ("Swelling of lower limb", "449614009", False),
        ("Upper respiratory infection", "54150009", False),
        ("Postviral cough", "445241004", False),
    ]
    results = [(r.name, r.value, r.unit) for r in medical.results]
    assert ("Temperature", "36.7", "C") in results
    # A blood pressure comes as two components: kept as one value with its unit, never an empty one.
    bp = next(r for r in medical.results if "blood pressure" in r.name.casefold())
    assert (bp.value, bp.unit) == ("130/72", "mm[Hg]")  # as sent: systolic 130, diastolic 72
    assert "Systolic" in bp.plain_note and "Diastolic" in bp.plain_note
    assert all(value for _name, value, _unit in results)
    reasons = {p.what for p in result.skipped}
    assert "no value (a heading, a comment or a coded entry): not a result" in reasons
    # All five medicines in this example are past (completed): none comes in as current.
    assert medical.medicines == ()


def test_pathology_results_come_in_and_the_group_heading_is_left_out(ctx: AppContext, actor: Actor) -> None:
    data = example("pathology_response1")
    result, medical = _import(ctx, actor, data)
    values = {r.name: (r.value, r.unit) for r in medical.results}
    assert values["Total white cell count"] == ("5.7", "10*9/L")
    assert len(medical.results) == 18
    assert [str(p) for p in result.skipped] == [
        "entry[7] (Observation): no value (a heading, a comment or a coded entry): not a result"
    ]


def test_the_town_and_the_practice_come_in_with_the_person(ctx: AppContext, actor: Actor) -> None:
    result, _medical = _import(ctx, actor, example("meds_response"))
    person = ctx.services.people.get(result.person_id)
    assert person.details.gp_practice_ods_code == "O001"
    assert person.details.gp_practice_name == "The Trevelyan Practice"
    address = person.details.addresses[0]
    assert (address.line1, address.line2, address.line3, address.postcode) == (
        "Cable Place",
        "Roundhay",
        "Leeds",
        "LS1 5HT",
    )
