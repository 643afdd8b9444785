"""The practice's own details that every printed plan carries (name, ODS code, numbers).

The person's copy tells them who to ring, so a mistyped number here would be printed on every
plan: the settings are checked field by field and the UI marks each bad field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from careplanner.clinical.enums import ContactRole

__all__ = [
    "NHS_111_MENTAL_HEALTH",
    "SAMARITANS",
    "PracticeSettings",
    "is_plausible_uk_phone",
    "normalise_ods_code",
]

#: National numbers for a mental health crisis (see resources/clinical/README.md for the sources).
NHS_111_MENTAL_HEALTH = "NHS 111, option 2 (mental health)"
SAMARITANS = "Samaritans 116 123 (free, day or night)"

# GP practice ODS codes are one letter then five digits (for example L81008). Other kinds of
# organisation have other shapes; this field holds the practice's own code only.
_ODS_PRACTICE = re.compile(r"[A-Z][0-9]{5}")
_PHONE_CHARS = re.compile(r"[0-9 ()+\-]+")
_SHORT_NUMBERS = frozenset({"111", "999", "112"})


def is_plausible_uk_phone(text: str) -> bool:
    """A UK number as people write it: 0 then 9-10 more digits, or +44 then 9-10 digits, or 111/999.

    Spaces, brackets and hyphens are allowed. This catches typos (a digit short, a letter O for a
    zero); it cannot tell whether anyone answers.
    """
    text = text.strip()
    if not text or not _PHONE_CHARS.fullmatch(text):
        return False
    if "+" in text[1:]:
        return False
    digits = re.sub(r"\D", "", text)
    if digits in _SHORT_NUMBERS and not text.startswith("+"):
        return True
    if text.startswith("+"):
        if not digits.startswith("44"):
            return False
        national = digits[2:]
        return national[:1] != "0" and 9 <= len(national) <= 10
    return digits.startswith("0") and 10 <= len(digits) <= 11


def normalise_ods_code(text: str) -> str:
    """Upper-case with spaces removed, as ODS codes are printed."""
    return re.sub(r"\s", "", text).upper()


@dataclass(frozen=True, slots=True)
class PracticeSettings:
    """Practice details used in plans. NHS 111 and 999 are fixed national numbers."""

    practice_name: str
    ods_code: str
    in_hours_phone: str
    out_of_hours_phone: str
    address: str = ""
    nhs_111: str = "111"
    emergency: str = "999"
    # The local mental health crisis team, given to a person who reports thoughts of self-harm (PHQ-9
    # item 9). Optional: a practice that has not entered it gives the national numbers only.
    crisis_team_phone: str = ""

    def validate(self) -> dict[str, str]:
        """Field name -> plain-English problem; empty when everything is usable."""
        errors: dict[str, str] = {}
        if not self.practice_name.strip():
            errors["practice_name"] = "Enter the practice name."
        elif len(self.practice_name) > 200:
            errors["practice_name"] = "The practice name is too long (200 characters at most)."
        if not _ODS_PRACTICE.fullmatch(normalise_ods_code(self.ods_code)):
            errors["ods_code"] = (
                "The ODS code should be one letter followed by five numbers, for example L81008."
            )
        if not is_plausible_uk_phone(self.in_hours_phone):
            errors["in_hours_phone"] = "Enter the practice phone number, for example 0113 496 0000."
        if not is_plausible_uk_phone(self.out_of_hours_phone):
            errors["out_of_hours_phone"] = "Enter the out-of-hours phone number."
        if self.nhs_111 != "111":
            errors["nhs_111"] = "NHS 111 is always 111."
        if self.emergency != "999":
            errors["emergency"] = "The emergency number is always 999."
        if self.crisis_team_phone.strip() and not is_plausible_uk_phone(self.crisis_team_phone):
            errors["crisis_team_phone"] = "Enter the local crisis team's number, for example 0113 496 0123."
        if len(self.address) > 500:
            errors["address"] = "The address is too long (500 characters at most)."
        return errors

    def crisis_numbers(self) -> tuple[str, ...]:
        """The crisis numbers to give a person at risk: the national ones, then the local team if set."""
        local = self.crisis_team_phone.strip()
        team = (f"Local mental health crisis team {local}",) if local else ()
        return (NHS_111_MENTAL_HEALTH, SAMARITANS, *team)

    def number_for(self, role: ContactRole) -> str | None:
        """The number a contingency plan shows for a role, or None for person-specific roles
        (named nurse, carer, teams) that the plan itself holds."""
        return {
            ContactRole.PRACTICE: self.in_hours_phone,
            ContactRole.OUT_OF_HOURS: self.out_of_hours_phone,
            ContactRole.NHS_111: self.nhs_111,
            ContactRole.EMERGENCY_999: self.emergency,
        }.get(role)
