"""Plans made before the contingency templates stopped repeating the zone's words start a zone's text with
those words ("I need help now: …", "Green — …"). The person's copy already prints "Red: I need help now."
before each zone's words, so a repeat read "Red: I need help now. I need help now: …" (issue 12). Read back
from the real PDF with pdftotext."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person, sample_plan
from tests.export.conftest import pdf_text

# What the COPD template wrote into a plan before the repeated heading was dropped, and what a clinician
# typing after the printed convention wrote ("Green — …").
OLD_GREEN = "Green — I take my inhalers every day as prescribed."
OLD_AMBER = "Amber: I am getting worse: I am more breathless than usual.\nI start my rescue pack."
OLD_RED = "I need help now: I am very breathless even at rest.\nI or someone with me calls 999."


def test_an_older_plan_prints_each_zones_words_once(tmp_path: Path) -> None:
    content = sample_content()
    old = dataclasses.replace(
        content.contingency.plans[0],
        green_what_i_do=OLD_GREEN,
        amber_what_i_do=OLD_AMBER,
        red_what_i_do=OLD_RED,
    )
    content = dataclasses.replace(content, contingency=dataclasses.replace(content.contingency, plans=(old,)))
    pdf = render_person_copy(sample_person(), sample_plan(content=content), SAMPLE_PRACTICE)
    first_page = pdf_text(pdf, tmp_path).split("If I get worse", 1)[1]

    assert "Red: I need help now. I am very breathless even at rest." in first_page
    assert "Amber: I am getting worse. I am more breathless than usual." in first_page
    assert "Green: I feel well. I take my inhalers every day as prescribed." in first_page
    for repeat in ("I need help now. I need help now", "Green — ", "Amber: I am getting worse: "):
        assert repeat not in first_page
