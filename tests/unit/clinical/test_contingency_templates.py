"""Contingency templates: the defaults load, round-trip, and bad JSON is reported clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from careplanner.clinical.conditions import condition_by_key
from careplanner.clinical.contingency_templates import (
    TemplateError,
    load_default_templates,
    templates_from_json,
    templates_to_json,
)
from careplanner.clinical.enums import ContactRole, Zone


def test_defaults_cover_the_named_conditions() -> None:
    keys = {t.key for t in load_default_templates()}
    assert keys == {
        "copd_exacerbation",
        "heart_failure",
        "asthma",
        "diabetes_hypo_sick_day",
        "falls_frailty",
        "dementia_crisis",
        "palliative_deterioration",
    }


def test_every_default_has_three_zones_and_red_calls_999_or_ooh() -> None:
    for t in load_default_templates():
        assert [z.zone for z in t.zones] == [Zone.GREEN, Zone.AMBER, Zone.RED]
        assert all(z.what_i_do for z in t.zones)
        red = t.zone(Zone.RED)
        assert ContactRole.EMERGENCY_999 in red.contacts or ContactRole.OUT_OF_HOURS in red.contacts
        assert t.trigger_factors
        assert t.early_warning_signs
        if t.condition_key:
            assert condition_by_key(t.condition_key) is not None, t.condition_key


def test_copd_has_rescue_pack() -> None:
    copd = next(t for t in load_default_templates() if t.key == "copd_exacerbation")
    assert any("rescue pack" in line.lower() for line in copd.zone(Zone.AMBER).what_i_do)
    assert any("Rescue pack" in item for item in copd.anticipatory_items)


def test_patient_text_is_first_person() -> None:
    for t in load_default_templates():
        for z in t.zones:
            for line in z.what_i_do:
                assert not line.lower().startswith(("the patient", "patient ")), line


def test_round_trip() -> None:
    templates = load_default_templates()
    assert templates_from_json(templates_to_json(templates)) == templates


def _doc() -> dict[str, Any]:
    return json.loads(templates_to_json(load_default_templates()[:1]))  # type: ignore[no-any-return]


def test_missing_red_zone_is_reported() -> None:
    doc = _doc()
    doc["templates"][0]["zones"] = doc["templates"][0]["zones"][:2]
    with pytest.raises(TemplateError, match="exactly one red zone"):
        templates_from_json(json.dumps(doc))


def test_unknown_contact_and_bad_zone_are_all_reported() -> None:
    doc = _doc()
    doc["templates"][0]["zones"][0]["contacts"] = ["gp_mobile"]
    doc["templates"][0]["zones"][1]["zone"] = "purple"
    with pytest.raises(TemplateError) as info:
        templates_from_json(json.dumps(doc))
    text = str(info.value)
    assert "unknown contact 'gp_mobile'" in text
    assert "purple" in text
    assert "copd_exacerbation" in text  # says where


def test_duplicate_keys() -> None:
    doc = _doc()
    doc["templates"].append(doc["templates"][0])
    with pytest.raises(TemplateError, match="used twice"):
        templates_from_json(json.dumps(doc))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"format": "other", "version": 1, "templates": []}', "not a contingency templates file"),
        ('{"format": "careplanner-contingency-templates", "version": 99, "templates": [{}]}', "Version 99"),
        (b"\xff\xfe", "not valid JSON"),
    ],
)
def test_bad_files(text: str | bytes, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        templates_from_json(text)


def test_empty_what_i_do_rejected() -> None:
    doc = _doc()
    doc["templates"][0]["zones"][2]["what_i_do"] = []
    with pytest.raises(TemplateError, match="what_i_do"):
        templates_from_json(json.dumps(doc))
