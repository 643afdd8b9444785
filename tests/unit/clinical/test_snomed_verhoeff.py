"""SNOMED CT code checks: the Verhoeff check digit on real ids from the shipped list, the partition
(a concept, not a description), and "known" versus "not checked"."""

from __future__ import annotations

import pytest

from careplanner.clinical import snomed
from careplanner.clinical.conditions import load_conditions
from careplanner.clinical.snomed import CodeCheck, check_code, code_check_message, display_term
from careplanner.clinical.verhoeff import verhoeff_check_digit, verhoeff_valid

# Real SCTIDs from resources/clinical/snomed.csv: short (international) and long (UK extension) forms.
SHIPPED = [
    "52448006",
    "44054006",
    "84114007",
    "195967001",
    "720433000",
    "811871000000107",
    "1095121000000102",
]


@pytest.mark.parametrize("sctid", SHIPPED)
def test_real_ids_pass_and_their_check_digit_is_recomputed(sctid: str) -> None:
    assert verhoeff_valid(sctid)
    assert verhoeff_check_digit(sctid[:-1]) == sctid[-1]
    assert check_code(sctid) is CodeCheck.KNOWN


@pytest.mark.parametrize("sctid", SHIPPED)
def test_every_single_digit_typo_in_a_real_id_is_caught(sctid: str) -> None:
    for i, ch in enumerate(sctid):
        for other in "0123456789":
            if other != ch:
                typo = sctid[:i] + other + sctid[i + 1 :]
                assert not verhoeff_valid(typo), typo


@pytest.mark.parametrize("sctid", SHIPPED)
def test_every_swap_of_neighbouring_digits_is_caught(sctid: str) -> None:
    for i in range(len(sctid) - 1):
        if sctid[i] != sctid[i + 1]:
            swapped = sctid[:i] + sctid[i + 1] + sctid[i] + sctid[i + 2 :]
            assert not verhoeff_valid(swapped), swapped


def test_every_shipped_id_is_a_concept_id() -> None:
    for concept_id in snomed.load_concepts():
        assert snomed.is_concept_sctid(concept_id), concept_id
    for condition in load_conditions():
        if condition.coded:
            assert check_code(condition.snomed_code) is CodeCheck.KNOWN


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("", CodeCheck.EMPTY),
        ("  ", CodeCheck.EMPTY),
        ("52448007", CodeCheck.CHECK_DIGIT_WRONG),  # dementia with the last digit mistyped
        ("52484006", CodeCheck.CHECK_DIGIT_WRONG),  # two digits swapped
        ("5244", CodeCheck.MALFORMED),
        ("052448006", CodeCheck.MALFORMED),
        ("dementia", CodeCheck.MALFORMED),
        ("22298006", CodeCheck.NOT_CHECKED),  # well formed, not in the app's list
        (" 52448006 ", CodeCheck.KNOWN),
    ],
)
def test_check_code(code: str, expected: CodeCheck) -> None:
    assert check_code(code) is expected


def test_a_description_id_is_not_a_concept() -> None:
    # Build a well-formed id in the description partition ("01") with a correct check digit.
    payload = "1234567" + "01"
    description_id = payload + verhoeff_check_digit(payload)
    assert verhoeff_valid(description_id)
    assert check_code(description_id) is CodeCheck.NOT_A_CONCEPT


def test_messages_are_plain_and_empty_when_all_is_well() -> None:
    assert code_check_message("52448006") == ""
    assert code_check_message("") == ""
    assert "check digit" in code_check_message("52448007")
    assert code_check_message("22298006").startswith("Not checked")


def test_display_term_is_the_concepts_own_term() -> None:
    assert display_term("414545008") == "Ischemic heart disease"
    assert display_term("22298006") is None


def test_verhoeff_payload_must_be_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        verhoeff_check_digit("12a")
    assert not verhoeff_valid("")
