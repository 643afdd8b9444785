"""Small readers of values in an incoming FHIR resource: an address with its town, a reading in parts
(a blood pressure), a medicine's dm+d code. Forgiving of shape (the models have validated it)."""

from __future__ import annotations

from typing import Any

from careplanner.clinical.snomed import is_valid_sctid
from careplanner.export.fhir_coded import BP_DIASTOLIC, BP_SYSTOLIC, DMD_SYSTEM, LOINC_SYSTEM, SNOMED_SYSTEM
from careplanner.export.fhir_json import concept_text as _concept_text
from careplanner.export.fhir_json import dict_of as _dict
from careplanner.export.fhir_json import list_of as _list
from careplanner.export.fhir_json import text_of as _s
from careplanner.services.people import AddressData

_BP_ORDER = {BP_SYSTOLIC[0]: 0, BP_DIASTOLIC[0]: 1}


def address_of(a: dict[str, Any]) -> AddressData:
    """Address lines, then the town or city (Address.city) on the next line when the lines lack it."""
    lines = [_s(x) for x in _list(a.get("line")) if _s(x)][:5]
    city = _s(a.get("city"))
    if city and city.casefold() not in (x.casefold() for x in lines) and len(lines) < 5:
        lines.append(city)
    lines += [""] * 5
    return AddressData(lines[0], lines[1], lines[2], lines[3], lines[4], _s(a.get("postalCode"))[:10])


def components_of(res: dict[str, Any]) -> tuple[str, str, str]:
    """A reading in parts (a blood pressure's systolic and diastolic) as one value: "130/80" in their
    shared unit, with the parts' names; parts in different units each with its own. LOINC's systolic and
    diastolic parts (8480-6, 8462-4, as this app's export sends them) read systolic first and need no
    names. ("", "", "") when no part has a number."""
    parts: list[tuple[str, str, str]] = []
    loinc: list[str] = []
    for comp in _list(res.get("component")):
        quantity = _dict(_dict(comp).get("valueQuantity"))
        number = quantity.get("value")
        if isinstance(number, int | float) and not isinstance(number, bool):
            unit = _s(quantity.get("unit")) or _s(quantity.get("code"))
            parts.append((_concept_text(_dict(comp).get("code")), f"{number:g}", unit))
            loinc.append(_loinc_code(_dict(comp).get("code")))
    if not parts:
        return "", "", ""
    if sorted(loinc) == sorted(_BP_ORDER) and len({u for _n, _v, u in parts}) == 1:
        # LOINC's systolic and diastolic parts in one unit: written systolic first whatever order they
        # came in, and "130/72" under "Blood pressure" needs no part names (a round trip adds none).
        ordered = [
            part for _code, part in sorted(zip(loinc, parts, strict=True), key=lambda x: _BP_ORDER[x[0]])
        ]
        return "/".join(v for _n, v, _u in ordered), ordered[0][2], ""
    names = " / ".join(name for name, _v, _u in parts if name)
    if len({unit for _n, _v, unit in parts}) == 1:
        return "/".join(v for _n, v, _u in parts), parts[0][2], names
    return "; ".join(f"{v} {u}".strip() for _n, v, u in parts), "", names


def _loinc_code(concept: Any) -> str:
    for coding in _list(_dict(concept).get("coding")):
        if _dict(coding).get("system") == LOINC_SYSTEM:
            return _s(_dict(coding).get("code"))
    return ""


def dmd_code_of(concept: Any) -> str:
    """The medicine's dm+d code (a SNOMED CT id, under SNOMED CT or the dm+d system), when it passes its
    check digit; "" otherwise (a medicine without a trustworthy code is matched by its name)."""
    for coding in _list(_dict(concept).get("coding")):
        c = _dict(coding)
        code = _s(c.get("code"))
        if c.get("system") in (SNOMED_SYSTEM, DMD_SYSTEM) and code.isdigit() and is_valid_sctid(code):
            return code
    return ""
