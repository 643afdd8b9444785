"""NHS England's published GP Connect structured-record examples (fixtures/gpconnect/SOURCE.md), loaded
for the tests. They all carry the placeholder NHS number 9999999999, which Care Planner refuses (one
repeated digit); `example()` puts a valid synthetic number (999 range) in its place, and with
`own_subjects` points references at the bundle's own Patient where NHS England's example does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "gpconnect"
SYNTHETIC_NHS_NUMBER = "9990001235"  # valid Modulus 11, in the 999 range kept for test data
# Patient ids NHS England's consultations example uses for the same person in other resources.
OTHER_PATIENT_IDS = (
    "9340157B-6973-4209-9B57-BF6C64F29E46",
    "3ddadd9a-e64a-4b6c-bdec-45ef1fcb89e2",
    "6c41ebfd-57c3-4162-9d7b-208c171a2fd7",
)


def published(name: str) -> dict[str, Any]:
    """The example exactly as NHS England published it."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return data


def example(
    name: str, *, own_subjects: bool = False, nhs_number: str = SYNTHETIC_NHS_NUMBER
) -> dict[str, Any]:
    data = published(name)
    patient = next(e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient")
    for ident in patient["identifier"]:
        if ident["system"] == "https://fhir.nhs.uk/Id/nhs-number":
            ident["value"] = nhs_number
    if own_subjects:
        text = json.dumps(data)
        for other in OTHER_PATIENT_IDS:
            text = text.replace(f"Patient/{other}", f"Patient/{patient['id']}")
        data = json.loads(text)
    return data


def entry_index(data: dict[str, Any], kind: str, rid: str) -> int:
    return next(
        i
        for i, e in enumerate(data["entry"])
        if e["resource"]["resourceType"] == kind and e["resource"].get("id") == rid
    )
