"""The PRSB PCSP v2.0 conformance map covers every element and names only attributes that exist."""

from __future__ import annotations

import dataclasses
from collections import Counter

from careplanner.services.conformance import (
    ConformanceRow,
    DataSetElement,
    find_problems,
    load_conformance_map,
    load_pcsp_elements,
    mapped_attributes,
)


def test_data_set_is_the_published_pcsp_v2() -> None:
    elements = load_pcsp_elements()
    assert len(elements) == 287
    counts = Counter(e.obligation for e in elements)
    assert counts["M"] == 11
    assert counts["R"] == 275
    assert elements[0].path == "Person demographics"
    mandatory = {e.path for e in elements if e.obligation == "M"}
    assert "Contingency/safety plans > Trigger factors" in mandatory
    assert "GP practice > GP practice record entry > GP practice identifier" in mandatory


def test_map_is_complete_and_every_attribute_exists() -> None:
    assert find_problems(load_pcsp_elements(), load_conformance_map()) == []


def test_every_mandatory_element_is_held() -> None:
    rows = {r.path: r for r in load_conformance_map()}
    groups = {e.path for e in load_pcsp_elements() if e.kind == "group"}
    for element in load_pcsp_elements():
        if element.obligation == "M" and element.path not in groups:
            assert rows[element.path].held, element.path


def test_attributes_come_from_the_sqlalchemy_mappers() -> None:
    known = mapped_attributes()
    assert "first_name" in known["Person"]
    assert "review_date" in known["CarePlan"]
    assert "importance" in known["Goal"]
    assert "care_team" in known["CarePlan"]  # relationships count too
    assert "not_a_column" not in known["Person"]


def _sample() -> tuple[list[DataSetElement], list[ConformanceRow]]:
    elements = [
        DataSetElement("Person demographics", "M", "group", ""),
        DataSetElement("Person demographics > Date of birth", "M", "item", ""),
    ]
    rows = [
        ConformanceRow("Person demographics", "M", (), "A heading.", ""),
        ConformanceRow("Person demographics > Date of birth", "M", ("Person.date_of_birth",), "", ""),
    ]
    return elements, rows


def test_checker_accepts_a_good_sample() -> None:
    elements, rows = _sample()
    assert find_problems(elements, rows) == []


def test_checker_catches_a_missing_attribute() -> None:
    elements, rows = _sample()
    rows[1] = dataclasses.replace(rows[1], attributes=("Person.birthday",))
    assert find_problems(elements, rows) == [
        "'Person demographics > Date of birth': Person has no attribute 'birthday'."
    ]
    rows[1] = dataclasses.replace(rows[1], attributes=("Patient.date_of_birth",))
    assert "no model called 'Patient'" in find_problems(elements, rows)[0]


def test_checker_catches_an_unexplained_required_element() -> None:
    elements, rows = _sample()
    rows[0] = dataclasses.replace(rows[0], reason="")
    assert find_problems(elements, rows) == [
        "'Person demographics' (M) has neither an attribute nor a reason."
    ]


def test_checker_catches_elements_left_out_or_invented() -> None:
    elements, rows = _sample()
    assert find_problems(elements, rows[:1]) == ["'Person demographics > Date of birth' is not in the map."]
    extra = [*rows, ConformanceRow("Person demographics > Shoe size", "R", (), "Not asked.", "")]
    assert find_problems(elements, extra) == [
        "'Person demographics > Shoe size' is in the map but not in the data set."
    ]
    wrong_mro = [rows[0], dataclasses.replace(rows[1], obligation="R")]
    assert "MRO" in find_problems(elements, wrong_mro)[0]
