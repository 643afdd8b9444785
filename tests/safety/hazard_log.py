"""Reads the clinical hazard log (docs/safety/hazard-log.md) into plain records.

The log is written for people (a practice's clinical safety officer reads it), so it is Markdown: each
hazard is a level-3 heading "### H-NN Title" followed by "- **Field:** value" lines. This module is the one
place that knows the format, so the checks and the runtime guard in tests/conftest.py agree on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LOG_PATH = Path(__file__).resolve().parents[2] / "docs" / "safety" / "hazard-log.md"

SEVERITIES = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
LIKELIHOODS = ("Very low", "Low", "Medium", "High", "Very high")
REQUIRED = (
    "Cause",
    "Effect",
    "Severity",
    "Likelihood before",
    "Likelihood after",
    "Control",
    "Tests",
    "Status",
)

_HEADING = re.compile(r"^### (H-\d{2,3}) (.+)$")
_FIELD = re.compile(r"^- \*\*([A-Za-z ]+):\*\* ?(.*)$")
_TEST_ID = re.compile(r"`(tests/[^`]+\.py::[^`]+)`")


@dataclass(frozen=True)
class Hazard:
    hazard_id: str
    title: str
    fields: dict[str, str]

    @property
    def tests(self) -> tuple[str, ...]:
        return tuple(_TEST_ID.findall(self.fields.get("Tests", "")))


def read_hazards(path: Path = LOG_PATH) -> list[Hazard]:
    hazards: list[Hazard] = []
    current: tuple[str, str] | None = None
    fields: dict[str, str] = {}
    last_field = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading or line.startswith("## "):
            if current:
                hazards.append(Hazard(current[0], current[1], fields))
            current, fields, last_field = None, {}, ""
            if heading:
                current = (heading.group(1), heading.group(2).strip())
            continue
        if current is None:
            continue
        field = _FIELD.match(line)
        if field:
            last_field = field.group(1).strip()
            fields[last_field] = field.group(2).strip()
        elif line.startswith("  ") and last_field:  # a wrapped field continues on an indented line
            fields[last_field] += " " + line.strip()
    if current:
        hazards.append(Hazard(current[0], current[1], fields))
    return hazards


def named_tests(path: Path = LOG_PATH) -> set[str]:
    return {test for hazard in read_hazards(path) for test in hazard.tests}


def level(value: str, scale: tuple[str, ...]) -> int | None:
    """1-based position of a rating such as "Major" or "Very low" on its scale, or None."""
    words = value.split("(")[0].strip().rstrip(".")
    return scale.index(words) + 1 if words in scale else None


def risk(severity: int, likelihood: int) -> int:
    """The DCB0129/DCB0160 5x5 matrix: 1 acceptable … 5 unacceptable."""
    matrix = (
        (1, 1, 2, 2, 3),
        (1, 2, 2, 3, 4),
        (2, 2, 3, 3, 4),
        (2, 3, 3, 4, 5),
        (3, 4, 4, 5, 5),
    )
    return matrix[likelihood - 1][severity - 1]
