"""Whether an incoming MedicationStatement or MedicationRequest is a medicine the person takes now.

Only a medicine being taken now comes in as a current medicine. Anything else is listed as not
imported, with why, and never silently: a stopped, completed or cancelled one, one recorded in error or
not taken; one on hold, only intended, of unknown status or a draft; a request that is only a proposal
or an option (intent "plan" is how a repeat authorisation is sent, so it counts as current); and a
statement whose period of use has already ended. Reasons name statuses and rules, never values (no
names, no dates), so they are safe to show and log.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from careplanner.export.fhir_json import dict_of, text_of

__all__ = ["NOT_TAKEN", "WITHDRAWN", "not_current_reason"]

# The record says the medicine is no longer taken (or never was): a held one needs checking.
WITHDRAWN = {
    "MedicationStatement": frozenset({"stopped", "entered-in-error", "not-taken", "completed"}),
    "MedicationRequest": frozenset({"cancelled", "stopped", "entered-in-error"}),
}
# Not imported as current, with the reasons below.
NOT_TAKEN = {
    "MedicationStatement": WITHDRAWN["MedicationStatement"] | {"on-hold", "intended", "unknown"},
    "MedicationRequest": WITHDRAWN["MedicationRequest"] | {"completed", "draft", "on-hold", "unknown"},
}
_WHY = {
    "on-hold": "on hold: not a medicine taken now",
    "intended": "only intended: not a medicine taken now",
    "unknown": "not known whether it is taken now",
    "draft": "a draft: not a medicine taken now",
}
_NOT_ORDERS = frozenset({"proposal", "option"})
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?")


def _ended(value: Any, today: date) -> bool:
    """Whether a FHIR date or dateTime ("2012", "2012-01", "2012-01-01T…") is wholly before today."""
    match = _PARTIAL.match(text_of(value))
    if match is None:
        return False
    text = text_of(value)[:10]
    if len(text) == 10:
        try:
            return date.fromisoformat(text) < today
        except ValueError:
            return False
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return year < today.year
    return (year, int(month)) < (today.year, today.month)


def not_current_reason(kind: str, res: dict[str, Any], today: date) -> str | None:
    """Why this medicine entry is not brought in as a current medicine, or None when it is one."""
    status = text_of(res.get("status"))
    if status in NOT_TAKEN.get(kind, frozenset()):
        why = _WHY.get(status)
        return f"status {status}" + (f" ({why})" if why else "") + ", so not imported"
    if not status:
        return "no status, so it cannot be taken as a medicine taken now: not imported"
    if kind == "MedicationRequest":
        intent = text_of(res.get("intent"))
        if intent in _NOT_ORDERS:
            return (
                f"intent {intent}: a proposed or planned medicine, not a record that it is taken now, "
                "so not imported (check the medicines with the person)"
            )
    if kind == "MedicationStatement" and _ended(dict_of(res.get("effectivePeriod")).get("end"), today):
        return "its period of use has ended, so not a medicine taken now: not imported"
    return None
