"""docs/outputs.md maps every field of the plan (services/plan_data.py) to the FHIR element that carries it,
or says why none does: a field added to the plan without a row fails here, so the table cannot fall behind."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from pathlib import Path

from careplanner.services import plan_data

DOC = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"
HEADING = "## Plan content in FHIR"
ROW = re.compile(r"^\|\s*`(\w+)\.(\w+)`\s*\|(.*)\|(.*)\|\s*$")
NONE = "—"


def plan_fields() -> set[tuple[str, str]]:
    """(class, field) for every field of every data class defined in plan_data."""
    return {
        (name, f.name)
        for name, cls in vars(plan_data).items()
        if inspect.isclass(cls) and dataclasses.is_dataclass(cls) and cls.__module__ == plan_data.__name__
        for f in dataclasses.fields(cls)
    }


def table_rows(text: str) -> list[tuple[str, str, str, str]]:
    """The rows of the mapping table: (class, field, FHIR element, note)."""
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    section = text[start : end if end != -1 else len(text)]
    rows = []
    for line in section.splitlines():
        found = ROW.match(line)
        if found:
            cls, field, element, note = found.groups()
            rows.append((cls, field, element.strip(), note.strip()))
    return rows


def problems(text: str) -> list[str]:
    rows = table_rows(text)
    out: list[str] = []
    named = [(cls, field) for cls, field, _e, _n in rows]
    fields = plan_fields()
    out += [f"{c}.{f}: a plan field missing from the table" for c, f in sorted(fields - set(named))]
    out += [f"{c}.{f}: in the table but not a plan field" for c, f in sorted(set(named) - fields)]
    out += [f"{c}.{f}: listed more than once" for c, f in sorted({n for n in named if named.count(n) > 1})]
    for cls, field, element, note in rows:
        if not element or (element == NONE and not note):
            out.append(f"{cls}.{field}: neither a FHIR element nor a reason")
    return out


def test_every_plan_field_is_mapped_to_fhir_or_says_why_not() -> None:
    assert problems(DOC.read_text("utf-8")) == []


ELEMENT = re.compile(r"\b([A-Z][A-Za-z]+)\.([a-z][A-Za-z]*)")


def _r4_fields(kind: str) -> set[str] | None:
    """The element names of an R4 resource type (fhir.resources R4B), or None for no such type."""
    try:
        module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    except ImportError:
        return None
    model = getattr(module, kind, None)
    return set(model.model_fields) if model is not None else None


def element_problems(text: str) -> list[str]:
    """A row that names `CarePlan.notes` or `Observation.valueQty` is wrong however it reads: each
    `Resource.element` in the table is checked against the R4 models; each mapped row names a resource."""
    wrong: list[str] = []
    for cls, field, element, _note in table_rows(text):
        if element == NONE or element.startswith("("):
            continue
        named = ELEMENT.findall(element)
        kinds = [k for k, _e in named if _r4_fields(k) is not None]
        if not kinds and not any(_r4_fields(w) is not None for w in re.findall(r"\b[A-Z][A-Za-z]+", element)):
            wrong.append(f"{cls}.{field}: names no FHIR resource")
        for kind, name in named:
            fields = _r4_fields(kind)
            if fields is not None and name not in fields:
                wrong.append(f"{cls}.{field}: {kind} has no element '{name}'")
    return wrong


def test_every_element_named_is_a_real_r4_element() -> None:
    text = DOC.read_text("utf-8")
    assert element_problems(text) == []
    typo = text.replace(
        "| `PlanVersion.title` | CarePlan.title |", "| `PlanVersion.title` | CarePlan.titel |"
    )
    assert element_problems(typo) == ["PlanVersion.title: CarePlan has no element 'titel'"]


def test_the_check_fails_on_a_missing_field_an_unknown_one_and_a_row_without_reason() -> None:
    text = DOC.read_text("utf-8")
    assert len(table_rows(text)) == len(plan_fields())
    dropped = re.sub(r"^\| `AllergyData\.substance_code` \|.*\n", "", text, flags=re.M)
    assert problems(dropped) == ["AllergyData.substance_code: a plan field missing from the table"]
    invented = text.replace("| `ResultData.unit` |", "| `ResultData.units` |")
    assert "ResultData.units: in the table but not a plan field" in problems(invented)
    blank = re.sub(r"^(\| `FutureWishesData\.organ_donation` \| — \|).*\|$", r"\1 |", text, flags=re.M)
    assert problems(blank) == ["FutureWishesData.organ_donation: neither a FHIR element nor a reason"]
