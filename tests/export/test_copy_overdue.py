"""A copy printed after the plan's review date says, at the head of the plan after the card, that it was due
for review (the card keeps its own page).

Read as a carer or a paramedic: paper printed long after the plan should have been looked at again may
no longer be right, and nothing else on it says so.
"""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from careplanner.export.easy_read import render_easy_read
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES


def _page_one(pdf: bytes, tmp_path: Path) -> str:
    """The whole copy's text (the notice heads the plan after the card)."""
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return " ".join(out.stdout.split())


@pytest.mark.parametrize("kind", ["standard", "large", "easy read", "welsh"])
def test_a_copy_printed_after_the_review_date_says_so_first(kind: str, tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    review = plan.content.sharing.sharing.review_date
    assert review is not None
    late = review + timedelta(days=30)
    if kind == "easy read":
        pdf = render_easy_read(person, plan, practice, printed_on=late)
    elif kind == "welsh":
        pdf = render_person_copy(person, plan, practice, large_print=False, printed_on=late, language="cy")
    else:
        pdf = render_person_copy(person, plan, practice, large_print=kind == "large", printed_on=late)
    text = _page_one(pdf, tmp_path)
    due = f"{review.day} {review.strftime('%B')} {review.year}"
    english = (
        f"This plan was due to be looked at again by {due}. I ask my GP practice whether it is still right."
    )
    if kind == "welsh":  # in Welsh, then in English for a paramedic (the date as the copy writes dates)
        assert "Roedd y cynllun hwn i fod i gael ei adolygu erbyn" in text
        assert "(This plan was due to be looked at again by" in text
    else:
        assert english in text
    # Heading the plan: before "About me", the first section after the card.
    about = "Amdanaf i" if kind == "welsh" else "About me"
    assert text.index("plan was due" if kind != "welsh" else "Roedd y cynllun") < text.index(about)


def test_a_copy_printed_before_the_review_date_or_a_draft_says_nothing(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    review = plan.content.sharing.sharing.review_date
    assert review is not None
    on_time = render_person_copy(person, plan, practice, large_print=False, printed_on=review)
    assert "was due to be looked at again" not in _page_one(on_time, tmp_path)
    person, draft, practice = HARD_CASES["draft"]()
    due = draft.content.sharing.sharing.review_date
    if due is not None:
        late = render_person_copy(
            person, draft, practice, large_print=False, printed_on=due + timedelta(days=9)
        )
        assert "was due to be looked at again" not in _page_one(late, tmp_path)
    replaced = dataclasses.replace(plan, superseded=True, replaced_by_version=3)
    late = render_person_copy(
        person, replaced, practice, large_print=False, printed_on=review + timedelta(days=9)
    )
    assert "was due to be looked at again" not in _page_one(late, tmp_path)
