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
        ("sugar diabetes", "diabetes_type_2"),
        ("parkinsons", "parkinsons"),
        ("Parkinson's", "parkinsons"),
        ("mini stroke", "tia"),
        ("CKD", "ckd"),
        ("asth", "asthma"),
        ("smi", "schizophrenia"),
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
