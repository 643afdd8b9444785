"""Small, forgiving readers over JSON that the FHIR models have already validated."""

from __future__ import annotations

from datetime import date
from typing import Any


def text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def list_of(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def dict_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def concept_text(concept: Any) -> str:
    c = dict_of(concept)
    if text_of(c.get("text")):
        return text_of(c["text"])
    for coding in list_of(c.get("coding")):
        if text_of(dict_of(coding).get("display")):
            return text_of(coding["display"])
    return ""


def full_date(value: Any) -> date | None:
    text = text_of(value)[:10]
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
