"""Hazards H-01 and H-02: the copy printed is the right person's, and their newest agreed plan.

Both are checked through the real services on an encrypted store, reading the PDF back as text.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.sample import sample_person
from careplanner.services.errors import NotFoundError
from careplanner.services.exports import ExportService
from careplanner.services.plan_data import AboutMeSection
from careplanner.services.users import Actor
from tests.export.conftest import pdf_text, store_plan


def _what_matters(ctx: AppContext, plan_id: str, actor: Actor, text: str) -> None:
    about = ctx.services.plans.get(plan_id).content.about_me
    changed = dataclasses.replace(about, about=dataclasses.replace(about.about, what_matters=text))
    assert isinstance(changed, AboutMeSection)
    ctx.services.plans.save_section(plan_id, changed, actor)


def test_the_copy_is_the_newest_agreed_version_never_an_older_one(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    review = ctx.services.plans.start_draft(stored.person.id, actor)
    _what_matters(ctx, review.id, actor, "Seeing my granddaughter graduate in June")
    ctx.services.plans.agree(review.id, actor, review_date=date(2027, 11, 1))

    text = pdf_text(exports.person_copy_pdf(stored.person.id, actor), tmp_path)
    assert "Seeing my granddaughter graduate in June" in text
    assert "Version 2" in text and "Version 1" not in text
    assert stored.plan.content.about_me.about.what_matters not in text


def test_a_draft_started_after_agreeing_is_not_printed_as_the_agreed_plan(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    review = ctx.services.plans.start_draft(stored.person.id, actor)
    _what_matters(ctx, review.id, actor, "Words typed today and not yet agreed")

    agreed = pdf_text(exports.person_copy_pdf(stored.person.id, actor), tmp_path)
    assert "Words typed today and not yet agreed" not in agreed
    assert "Draft" not in agreed
    draft = pdf_text(exports.person_copy_pdf(stored.person.id, actor, plan_id=review.id), tmp_path)
    assert "Words typed today and not yet agreed" in draft and "Draft — not yet agreed" in draft


def test_the_copy_names_only_the_person_it_was_printed_for(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    first = store_plan(ctx, actor, first_name="Aoife")
    other = ctx.services.people.create(
        dataclasses.replace(
            sample_person(first_name="Bartholomew").details,
            nhs_number="999 000 0018",
            family_name="Synthetic-Other",
        ),
        actor,
    )
    text = pdf_text(exports.person_copy_pdf(first.person.id, actor), tmp_path)
    assert "Aoife" in text and "Bartholomew" not in text and "999 000 0018" not in text
    with pytest.raises(NotFoundError, match="someone else"):
        exports.person_copy_pdf(other.id, actor, plan_id=first.plan.id)
