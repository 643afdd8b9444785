"""Clinical Frailty Scale (CFS) version 2.0: level numbers and names only.

The scale is "(c)2005-2020 Rockwood, Version 2.0 (EN). All rights reserved" (scores.md S26, S29),
so the level descriptions and the pictures are deliberately not reproduced here; the practice
needs a permission-for-use agreement from Geriatric Medicine Research, Dalhousie University,
before showing them. Level names: Rockwood & Theou 2020 (S25), openEHR CKM (S26), the Dalhousie
GMR toolkit (S27); the v1 names are from the BMJ TSACO table (S28), kept because older records use
them.

Score the person's usual state, as they were about two weeks ago if they are unwell now (S27).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CFS_ATTRIBUTION",
    "FRAILTY_LEVELS",
    "FRAIL_FROM",
    "FrailtyLevel",
    "frailty_level",
    "is_frail",
]

CFS_ATTRIBUTION = (
    "Clinical Frailty Scale \u00a92005-2020 Rockwood, Version 2.0 (EN). All rights reserved. "
    "For permission: https://www.geriatricmedicineresearch.ca"
)

#: CFS 5 ("Living with mild frailty") and above counts as frail.
FRAIL_FROM = 5


@dataclass(frozen=True, slots=True)
class FrailtyLevel:
    """One CFS level: its number, its v2.0 name and its older v1 name."""

    score: int
    name: str
    v1_name: str

    @property
    def frail(self) -> bool:
        return self.score >= FRAIL_FROM


FRAILTY_LEVELS: tuple[FrailtyLevel, ...] = (
    FrailtyLevel(1, "Very fit", "Very fit"),
    FrailtyLevel(2, "Fit", "Well"),
    FrailtyLevel(3, "Managing well", "Managing well"),
    FrailtyLevel(4, "Living with very mild frailty", "Vulnerable"),
    FrailtyLevel(5, "Living with mild frailty", "Mildly frail"),
    FrailtyLevel(6, "Living with moderate frailty", "Moderately frail"),
    FrailtyLevel(7, "Living with severe frailty", "Severely frail"),
    FrailtyLevel(8, "Living with very severe frailty", "Very severely frail"),
    FrailtyLevel(9, "Terminally ill", "Terminally ill"),
)


def frailty_level(score: int) -> FrailtyLevel:
    """The CFS level for a score of 1-9; anything else raises ValueError."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 9:
        raise ValueError(f"Clinical Frailty Scale score must be 1 to 9, not {score!r}")
    return FRAILTY_LEVELS[score - 1]


def is_frail(score: int) -> bool:
    """True for CFS 5 or more: the point at which the plan should plan for frailty."""
    return frailty_level(score).frail
