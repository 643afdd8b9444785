"""Property test: a GP Connect record with any one value replaced by something odd is either read or
refused with places and reasons, never a crash (a traceback would end the import with a fault message)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from careplanner.services.fhir_import import BundleRefusedError, Problem
from careplanner.services.fhir_import_read import read_record
from tests.fhir.gpconnect import example

BASES = {name: example(name) for name in ("meds_response", "allergies_response1", "pathology_response1")}
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at] if at else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*at, i))
    return out


PATHS = {name: _paths(data) for name, data in BASES.items()}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(BASES)), st.data(), ODD)
def test_any_one_odd_value_is_read_or_refused_never_a_crash(name: str, data: st.DataObject, odd: Any) -> None:
    bundle = copy.deepcopy(BASES[name])
    path = data.draw(st.sampled_from(PATHS[name]))
    node: Any = bundle
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = odd
    problems: list[Problem] = []
    try:
        record = read_record(bundle, date(2026, 11, 30))
    except BundleRefusedError as refused:
        problems = refused.problems
        assert problems, "a refusal says what is wrong"
    else:
        assert record.person.family_name
    assert all(p.where and p.what for p in problems)
