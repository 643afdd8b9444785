"""The PRSB Personalised Care and Support Plan v2.0 conformance map, and the check that keeps it true.

The map (resources/prsb/pcsp_v2_conformance.csv) says, for every element of the published data set,
which model attribute holds it or why it is not held. It is only worth having if it cannot drift
from the code: `find_problems` walks the data set itself and checks each mapped attribute against
the SQLAlchemy mappers, so renaming a column or leaving a required element unexplained fails a test.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import inspect

from careplanner.models import Base

__all__ = [
    "ConformanceRow",
    "DataSetElement",
    "find_problems",
    "load_conformance_map",
    "load_pcsp_elements",
    "mapped_attributes",
]

PATH_SEPARATOR = " > "
_CHECKED_MRO = frozenset({"M", "R"})


@dataclass(frozen=True, slots=True)
class DataSetElement:
    """One concept of the data set: its path of names, obligation (MRO), kind and text."""

    path: str
    obligation: str  # the data set's MRO: "M", "R", "O" or ""
    kind: str  # "group" or "item"
    description: str


@dataclass(frozen=True, slots=True)
class ConformanceRow:
    """One line of the map: the attributes that hold the element, or the reason it is not held."""

    path: str
    obligation: str  # the data set's MRO: "M", "R", "O" or ""
    attributes: tuple[str, ...]
    reason: str
    note: str

    @property
    def held(self) -> bool:
        return bool(self.attributes)


def _resource(name: str) -> str:
    return (files("careplanner.resources") / "prsb" / name).read_text(encoding="utf-8")


def _walk(concepts: Iterable[Mapping[str, Any]], prefix: tuple[str, ...]) -> Iterator[DataSetElement]:
    for concept in concepts:
        names = (*prefix, str(concept["name"]).strip())
        yield DataSetElement(
            path=PATH_SEPARATOR.join(names),
            obligation=str(concept.get("mro") or ""),
            kind=str(concept.get("type", "")),
            description=str(concept.get("description", "")).strip(),
        )
        yield from _walk(concept.get("concept", ()), names)


def elements_from_json(text: str) -> tuple[DataSetElement, ...]:
    """Every element of a PRSB data set JSON export, depth first in the published order."""
    doc = json.loads(text)
    return tuple(_walk(doc["dataset"][0]["concept"], ()))


@lru_cache(maxsize=1)
def load_pcsp_elements() -> tuple[DataSetElement, ...]:
    """The PCSP v2.0 data set shipped in resources/prsb."""
    return elements_from_json(_resource("prsb_pcsp_v2.json"))


def rows_from_csv(text: str) -> tuple[ConformanceRow, ...]:
    return tuple(
        ConformanceRow(
            path=row["path"].strip(),
            obligation=row["mro"].strip(),
            attributes=tuple(a.strip() for a in row["attribute"].split(";") if a.strip()),
            reason=row["reason"].strip(),
            note=row["note"].strip(),
        )
        for row in csv.DictReader(io.StringIO(text))
    )


@lru_cache(maxsize=1)
def load_conformance_map() -> tuple[ConformanceRow, ...]:
    """The map shipped in resources/prsb/pcsp_v2_conformance.csv."""
    return rows_from_csv(_resource("pcsp_v2_conformance.csv"))


@lru_cache(maxsize=1)
def mapped_attributes() -> dict[str, frozenset[str]]:
    """Model class name -> the names of its mapped columns and relationships (from SQLAlchemy)."""
    return {
        mapper.class_.__name__: frozenset(attr.key for attr in inspect(mapper.class_).attrs)
        for mapper in Base.registry.mappers
    }


def find_problems(
    elements: Sequence[DataSetElement],
    rows: Sequence[ConformanceRow],
    attributes: Mapping[str, frozenset[str]] | None = None,
) -> list[str]:
    """Everything wrong with the map, one plain line each; empty when the map is complete and true."""
    known = mapped_attributes() if attributes is None else attributes
    problems: list[str] = []
    by_path: dict[str, ConformanceRow] = {}
    for line in rows:
        if line.path in by_path:
            problems.append(f"'{line.path}' is in the map twice.")
        by_path[line.path] = line
    in_data_set = {e.path for e in elements}
    problems += [
        f"'{r.path}' is in the map but not in the data set." for r in rows if r.path not in in_data_set
    ]
    for element in elements:
        row = by_path.get(element.path)
        if row is None:
            problems.append(f"'{element.path}' is not in the map.")
            continue
        if row.obligation != element.obligation:
            problems.append(
                f"'{element.path}': the map says MRO '{row.obligation}', the data set '{element.obligation}'."
            )
        if element.obligation in _CHECKED_MRO and not row.attributes and not row.reason:
            problems.append(f"'{element.path}' ({element.obligation}) has neither an attribute nor a reason.")
        for attribute in row.attributes:
            model, _, name = attribute.partition(".")
            if model not in known:
                problems.append(f"'{element.path}': there is no model called '{model}'.")
            elif name not in known[model]:
                problems.append(f"'{element.path}': {model} has no attribute '{name}'.")
    return problems
