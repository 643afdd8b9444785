"""Read a file's bundle into an `ImportedRecord`, whichever of the two forms it is in.

A FHIR R4 bundle (UK Core, or Care Planner's own export) is read as it is; a saved GP Connect Access
Record: Structured response (FHIR STU3) is first checked against the limits for STU3 and rewritten in R4
shape (`gpconnect_read`), then read by the same reader, and every place named in a problem is the place
in the file as sent. Nothing here touches the store.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from careplanner.export.fhir_problems import BundleRefusedError
from careplanner.export.fhir_read import ImportedRecord, read_bundle
from careplanner.services.fhir_record_codes import patient_of, with_codes
from careplanner.services.gpconnect_read import convert, is_gp_connect
from careplanner.services.import_limits import duplicate_problems, limit_problems

GP_CONNECT = "GP Connect (FHIR STU3)"


def read_record(data: Any, today: date) -> ImportedRecord:
    """The record in `data`, or BundleRefusedError listing every problem and where it is."""
    if not is_gp_connect(data):
        return with_codes(read_bundle(data, today), data, patient_of(data))
    limits = limit_problems(data, "STU3") or duplicate_problems(data)
    if limits:
        raise BundleRefusedError(limits)
    converted = convert(data)
    try:
        record = read_bundle(converted.bundle, today)
    except BundleRefusedError as exc:
        raise BundleRefusedError(converted.placed(exc.problems)) from None
    # Codes from the converted entries (places still point into them); the person's details from the
    # Patient as sent, whose STU3 extensions the conversion does not carry.
    record = with_codes(record, converted.bundle, patient_of(data))
    return dataclasses.replace(
        record,
        skipped=tuple(converted.left_out) + tuple(converted.placed(record.skipped)),
        ignored=tuple(converted.ignored),
        notices=tuple(converted.notices) + record.notices,
        places={
            **{k: tuple(converted.where(p) for p in v) for k, v in record.places.items()},
            "used": tuple(converted.used),
        },
        counts=_counts(data),
        source=GP_CONNECT,
    )


def kinds_at(data: Any) -> dict[str, str]:
    """Each entry's place ("entry[3]") and resourceType, as the file holds them."""
    entries = data.get("entry") if isinstance(data, dict) else None
    out: dict[str, str] = {}
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        out[f"entry[{i}]"] = kind if isinstance(kind, str) else ""
    return out


def _counts(data: Any) -> dict[str, int]:
    kinds = list(kinds_at(data).values())
    return {k: kinds.count(k) for k in sorted(set(kinds))}
