"""Contingency templates: the defaults load, round-trip, and bad JSON is reported clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from careplanner.clinical.conditions import condition_by_key
from careplanner.clinical.contingency_templates import (
    FILL_CRISIS_TEAM,
    FILL_PAUSE_MEDICINES,
    ContingencyTemplate,
    TemplateError,
    load_default_templates,
    red_zone_rings_999,
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
        "mental_health_crisis",
        "palliative_deterioration",
    }


def test_every_default_has_three_zones_and_red_calls_999_or_ooh() -> None:
    for t in load_default_templates():
        assert [z.zone for z in t.zones] == [Zone.GREEN, Zone.AMBER, Zone.RED]
        assert all(z.what_i_do for z in t.zones)
        red = t.zone(Zone.RED)
        assert ContactRole.EMERGENCY_999 in red.contacts, t.key
        assert red_zone_rings_999(" ".join(red.what_i_do)), t.key
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


def _template(key: str) -> ContingencyTemplate:
    return next(t for t in load_default_templates() if t.key == key)


def _zone_text(key: str, zone: Zone) -> str:
    z = _template(key).zone(zone)
    return " ".join([*z.signs, *z.what_i_do])


def test_dementia_red_zone_rings_999_and_111_is_in_amber() -> None:
    red = _template("dementia_crisis").zone(Zone.RED)
    assert ContactRole.NHS_111 not in red.contacts
    assert "111" not in " ".join(red.what_i_do)
    assert "999" in " ".join(red.what_i_do)
    amber = _template("dementia_crisis").zone(Zone.AMBER)
    assert ContactRole.NHS_111 in amber.contacts
    assert "not sure" in " ".join(amber.what_i_do)


def _red_without_999(doc: dict[str, Any]) -> dict[str, Any]:
    red = doc["templates"][0]["zones"][2]
    red["what_i_do"] = ["I ring the surgery when it opens."]
    red["contacts"] = ["practice"]
    return doc


def test_practice_template_with_no_999_in_red_is_refused_on_load() -> None:
    with pytest.raises(TemplateError, match="red zone must tell the person to ring 999"):
        templates_from_json(json.dumps(_red_without_999(_doc())))


def test_red_zone_needs_999_in_its_words_not_only_as_a_contact() -> None:
    doc = _doc()
    doc["templates"][0]["zones"][2]["what_i_do"] = ["I ring NHS 111 if I am not sure."]
    with pytest.raises(TemplateError, match="ring 999"):
        templates_from_json(json.dumps(doc))


def test_red_zone_needs_the_999_contact_as_well() -> None:
    doc = _doc()
    doc["templates"][0]["zones"][2]["contacts"] = ["nhs_111"]
    with pytest.raises(TemplateError, match="ring 999"):
        templates_from_json(json.dumps(doc))


@pytest.mark.parametrize(
    ("text", "rings"),
    [("I call 999.", True), ("999", True), ("Ring 01134960999", False), ("Ring 9990", False), ("", False)],
)
def test_red_zone_rings_999_reads_999_as_a_number_on_its_own(text: str, rings: bool) -> None:
    assert red_zone_rings_999(text) is rings


def test_diabetes_sick_day_rules_follow_uk_guidance() -> None:
    amber = _zone_text("diabetes_hypo_sick_day", Zone.AMBER)
    assert "never stop my insulin" in amber
    assert "ketones" in amber and "SGLT2" in amber
    assert "check my blood sugar more often" in amber
    assert FILL_PAUSE_MEDICINES in amber  # the person's own list goes here on insertion
    assert "24 to 48 hours" in amber
    assert "pause the medicines listed in my plan" not in amber
    red = _zone_text("diabetes_hypo_sick_day", Zone.RED)
    assert "ketoacidosis" in red and "3 mmol/L" in red
    assert "999" in red


def test_heart_failure_has_sick_day_advice_with_the_persons_own_list() -> None:
    amber = _zone_text("heart_failure", Zone.AMBER)
    assert FILL_PAUSE_MEDICINES in amber
    assert "diarrhoea" in amber
    assert "24 to 48 hours" in amber


def test_mental_health_crisis_template() -> None:
    t = _template("mental_health_crisis")
    amber = _zone_text("mental_health_crisis", Zone.AMBER)
    assert "NHS 111 and choose option 2" in amber
    assert "Samaritans free on 116 123" in amber
    assert FILL_CRISIS_TEAM in amber
    assert ContactRole.NHS_111 in t.zone(Zone.AMBER).contacts
    red = t.zone(Zone.RED)
    assert "999" in " ".join(red.what_i_do) and "A&E" in " ".join(red.what_i_do)
    assert "immediate danger" in " ".join(red.what_i_do)
    assert red.contacts == (ContactRole.EMERGENCY_999,)
    assert any("ending my life" in s for s in t.early_warning_signs)
