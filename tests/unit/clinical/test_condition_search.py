"""Condition pick-list: codes come only from the verified SNOMED list; as-you-type search."""

from __future__ import annotations

import pytest

from careplanner.clinical.conditions import condition_by_key, load_conditions, search_conditions
from careplanner.clinical.snomed import load_concepts


def test_every_code_is_a_verified_concept_with_the_same_term() -> None:
    concepts = load_concepts()
    for c in load_conditions():
        if c.coded:
            assert c.snomed_code in concepts, c.key
            assert concepts[c.snomed_code].term == c.snomed_term
            assert concepts[c.snomed_code].kind == "condition"
        else:
            assert c.note, f"{c.key} has no code and no note saying why"


def test_frailty_has_no_invented_code() -> None:
    frailty = condition_by_key("frailty")
    assert frailty is not None
    assert frailty.snomed_code == ""
    assert "No verified" in frailty.note


@pytest.mark.parametrize(
    "key",
    [
        "diabetes_type_1", "diabetes_type_2", "copd", "asthma", "heart_failure", "hypertension",
        "coronary_heart_disease", "atrial_fibrillation", "stroke", "tia", "ckd", "dementia", "frailty",
        "depression", "anxiety", "osteoarthritis", "cancer", "parkinsons", "epilepsy", "schizophrenia",
        "bipolar", "learning_disability", "chronic_pain",
    ],
)  # fmt: skip
def test_common_conditions_present(key: str) -> None:
    assert condition_by_key(key) is not None


def test_keys_unique() -> None:
    keys = [c.key for c in load_conditions()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("high blood pressure", "hypertension"),
        ("hi bl", "hypertension"),
        ("AF", "atrial_fibrillation"),
        ("copd", "copd"),
        ("T2DM", "diabetes_type_2"),
        ("IDDM", "diabetes_type_1"),
        ("parkinsons", "parkinsons"),
        ("Parkinson's", "parkinsons"),
        ("mini stroke", "tia"),
        ("CKD", "ckd"),
        ("asth", "asthma"),
        ("ihd", "coronary_heart_disease"),
    ],
)
def test_search_first_result(query: str, first: str) -> None:
    results = search_conditions(query)
    assert results, query
    assert results[0].key == first


def test_exact_beats_prefix() -> None:
    keys = [c.key for c in search_conditions("stroke")]
    assert keys[0] == "stroke"
    assert "tia" in keys  # "mini stroke"


def test_word_prefix_not_substring() -> None:
    assert all(c.key != "atrial_fibrillation" for c in search_conditions("ibrill"))
    assert search_conditions("zzz") == []


def test_limit_and_empty_query() -> None:
    assert len(search_conditions("", limit=5)) == 5
    assert len(search_conditions("d", limit=2)) == 2
    assert search_conditions("diabetes", limit=0) == []


# Symptoms, lay words, and words for a wider or narrower idea: none may lead to a diagnosis code.
@pytest.mark.parametrize(
    "query",
    [
        "memory problems", "memory loss", "cognitive impairment", "fits", "seizures", "psychosis", "SMI",
        "serious mental illness", "low mood", "depressed", "worry", "panic", "anxious", "joint pain",
        "wear and tear", "tumour", "carcinoma", "heart attack", "angina", "wheeze", "inhaler",
        "emphysema", "parkinsonism", "kidney problems", "irregular heartbeat",
        "raised blood pressure", "sugar diabetes", "weak heart", "congestive heart failure",
    ],
)  # fmt: skip
def test_symptoms_and_lay_words_lead_to_no_diagnosis(query: str) -> None:
    assert search_conditions(query) == []


def test_a_wider_word_is_not_a_synonym_of_a_narrower_concept() -> None:
    # "dementia" is not Alzheimer's disease, "depression" is not major depressive disorder, "anxiety"
    # is not generalised anxiety disorder: each may be found by name, but only as a choice, never as
    # the exact (first-ranked) synonym of the narrower concept.
    assert search_conditions("dementia")[0].key == "dementia"
    assert search_conditions("depression")[0].key == "depression"
    assert search_conditions("anxiety")[0].key == "anxiety"
    for c in load_conditions():
        lowered = {s.casefold() for s in c.synonyms}
        assert not lowered & {"dementia", "depression", "anxiety", "arthritis", "diabetes", "pain"}, c.key


@pytest.mark.parametrize(
    "word", ["lung disease", "kidney disease", "MI", "arthritis", "blood pressure", "CCF"]
)
def test_no_lay_or_wider_word_is_a_synonym(word: str) -> None:
    # These may still find a condition by its name as you type (a choice the clinician makes),
    # but none is a synonym that claims to mean the condition.
    for c in load_conditions():
        assert word.casefold() not in {s.casefold() for s in c.synonyms}, c.key


def test_mi_is_not_ischaemic_heart_disease() -> None:
    # "mi" still finds "mini-stroke" by word prefix as you type, but never a heart disease code.
    assert all(c.key != "coronary_heart_disease" for c in search_conditions("MI"))


def test_the_plain_name_is_shown_but_not_searched() -> None:
    af = condition_by_key("atrial_fibrillation")
    assert af is not None and "irregular heartbeat" in af.plain_name
    assert all(c.key != "atrial_fibrillation" for c in search_conditions("irregular heartbeat"))
