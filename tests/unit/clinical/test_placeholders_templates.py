"""Blanks left to fill in ("___ kg", "[…]", "<…>", "{…}") are found wherever they are, so none reaches
print; ordinary text (an ellipsis, "<4", a price in brackets (...) or a phone number) is not a blank."""

from __future__ import annotations

import pytest

from careplanner.clinical.contingency_templates import load_default_templates
from careplanner.clinical.placeholders import unfilled_placeholders


@pytest.mark.parametrize(
    ("text", "blanks"),
    [
        ("My weight has gone up by more than ___ kg in a few days", ["___"]),
        ("I take [dose] of [medicine]", ["[dose]", "[medicine]"]),
        ("Ring [\u2026]", ["[\u2026]"]),
        ("I ring <number of the team>", ["<number of the team>"]),
        ("I call my local crisis team: {crisis_team}.", ["{crisis_team}"]),
        ("My weight goes up by ... kg", ["..."]),
        ("Weigh: XX kg", ["XX"]),
        ("Review date TBC", ["TBC"]),
    ],
)
def test_blanks_are_found(text: str, blanks: list[str]) -> None:
    assert unfilled_placeholders(text) == blanks


@pytest.mark.parametrize(
    "text",
    [
        "I or someone with me calls 999.",
        "If my sugar is under 4 (<4) I treat a hypo.",
        "Sugar below <4 or above >15",
        "I keep going... and rest when I need to.",
        "Ring 0113 496 0000 (the surgery).",
        "Xanax and Xarelto are not blanks",
        "",
    ],
)
def test_ordinary_text_is_not_a_blank(text: str) -> None:
    assert unfilled_placeholders(text) == []


def test_the_heart_failure_weight_blank_is_found_in_the_shipped_template() -> None:
    hf = next(t for t in load_default_templates() if t.key == "heart_failure")
    assert any("___" in unfilled_placeholders(sign) for z in hf.zones for sign in z.signs)
