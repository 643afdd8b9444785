"""A medicine against the person's recorded allergies (clinical/allergy_match): the reviewing nurse's
case (Amoxicillin imported as a current allergy, then added as a medicine) is flagged, by code when both
are coded and by the substance's name otherwise; history, other drugs and unsourced classes are not."""

from __future__ import annotations

from careplanner.clinical.allergy_match import AllergyRef, allergy_matches, normalised_substance

AMOXICILLIN = AllergyRef("Amoxicillin 250mg capsules (unconfirmed)", "323509004")


def test_the_nurses_amoxicillin_is_flagged_by_name_whatever_the_strength() -> None:
    found = allergy_matches("Amoxicillin 500mg capsules", "", [AMOXICILLIN])
    assert [(m.allergy, m.by_code) for m in found] == [("Amoxicillin 250mg capsules (unconfirmed)", False)]


def test_the_same_dmd_code_matches_whatever_the_name_says() -> None:
    found = allergy_matches("Amoxil 250 caps", "323509004", [AMOXICILLIN])
    assert [m.by_code for m in found] == [True]


def test_the_substance_is_the_allergy_as_written_without_form_strength_or_notes() -> None:
    assert normalised_substance("Allergy to paracetamol") == "paracetamol"
    assert normalised_substance("Aspirin 75mg dispersible tablet (unconfirmed)") == "aspirin"
    assert normalised_substance("Nut allergy") == "nut"


def test_no_match_for_history_other_drugs_or_a_class_without_a_source() -> None:
    past = AllergyRef("Aspirin", current=False)
    assert allergy_matches("Aspirin 75mg dispersible tablets", "", [past]) == ()
    assert allergy_matches("Paracetamol 500mg tablets", "", [AMOXICILLIN]) == ()
    # A penicillin allergy is not matched to amoxicillin by class: no cited class list in the app.
    assert allergy_matches("Amoxicillin 500mg capsules", "", [AllergyRef("Penicillin")]) == ()
    assert allergy_matches("Peanut oil", "", [AllergyRef("Nut allergy")]) == ()  # whole words only
