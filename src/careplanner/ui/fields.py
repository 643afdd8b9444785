"""Describing a form by its fields, so each plan step lists what it edits instead of wiring widgets.

A `Field` names a dataclass attribute, its label and how it is edited. `DataForm` (forms.py) builds the
widgets; `ListEditor` (list_editor.py) edits a tuple of such dataclasses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication

# text | long | date | int | bool | tribool | enum | choice | lines | list
Kind = str


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = "text"
    enum: type[StrEnum] | None = None
    low: int = 0
    high: int = 10
    hint: str = ""
    item: type | None = None  # list: the item dataclass
    fields: tuple[Field, ...] = ()  # list: the item's fields
    describe: Callable[[Any], str] | None = None  # list: one-line label of an item
    noun: str = "item"  # list: "medicine" → "No medicines yet — add one"
    nouns: str = ""
    future_ok: bool = True  # date: False marks a date in the future
    past_ok: bool = True  # date: False marks a date in the past
    # text: a message to show at the field while its value is not acceptable ("" when it is), checked
    # on load and on every edit, e.g. a contact with no phone number. It marks, it never blocks typing.
    check: Callable[[str], str] | None = None
    # choice: a pick-list over a text field, as (stored value, label) pairs; the value is stored as
    # plain text, and a stored value not in the list is shown as it is and kept unless changed.
    choices: tuple[tuple[str, str], ...] = ()
    # A rarely used field, kept behind the form's "More…" (ui/more_fields.py); shown whenever it holds
    # something. Never for a list.
    more: bool = False


def tr(text: str) -> str:
    """Translate a label shared by the plan forms (context "PlanFields")."""
    return QCoreApplication.translate("PlanFields", text)


# Words a clinician reads in capitals wherever they appear in a choice ("Not for CPR", "NHS 111").
_CAPITALS = {"cpr": "CPR", "gp": "GP", "nhs": "NHS"}


def enum_label(value: StrEnum) -> str:
    """'not_reviewed' → 'Not reviewed', 'not_for_cpr' → 'Not for CPR' (translatable)."""
    words = [_CAPITALS.get(w, w) for w in str(value.value).split("_")]
    text = " ".join(words)
    return tr(text[:1].upper() + text[1:])


_DATE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
# Eight digits and nothing else, day month year: 20112026 is 20/11/2026 (as the person search reads it).
_DIGITS_DATE = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy or ddmmyyyy (UK order) → date; raises ValueError for text that is not a real date."""
    if not text.strip():
        return None
    m = _DATE.match(text) or _DIGITS_DATE.match(text)
    if m is None:
        raise ValueError(tr("Enter the date as day/month/year, for example 14/03/2026."))
    day, month, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(tr("That date does not exist: check the day and month.")) from None


def format_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")
