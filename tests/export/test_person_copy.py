"""The person's copy read back as a person would: every section, in order, with the right numbers."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person, sample_plan
from careplanner.services import audit
from careplanner.services.errors import NotFoundError
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.export.conftest import pdf_text, store_plan

SECTIONS_IN_ORDER = [
    "My care and support plan",
    "My allergies",
    "Penicillin — rash (moderate)",
    "My conditions: COPD (a long-term lung condition)",
    "If I get worse",
    "Red: I need help now",
    "Amber: I am getting worse",
    "Green: I feel well",
    "Decisions for an emergency",
    "Resuscitation (CPR): If my heart or breathing stops, CPR (resuscitation) should not be tried.",
    "Where my CPR or ReSPECT form is kept: ReSPECT form in the kitchen drawer",
    "Who coordinates my care",
    "My named coordinator: Jane Doyle",
    "My medicines are listed on page",
    "About me",
    "What matters to me",
    "Staying in my own home",
    "My goals and what I will do",
    "I want to walk to the shop and back without stopping",
    "Walk for 10 minutes every day",
    "I want to feel less lonely",
    "My health conditions • COPD (a long-term lung condition)",
    "My medicines Medicines I have stopped — do not take",
    "Oxybutynin 5mg tablets — stopped on 22 November 2026. I do not take this any more.",
    "The medicines I take now",
    "Metformin 500mg tablets",
    "Ramipril 5mg capsules",
    "CHANGED on 22 November 2026. How I take this has changed.",
    "More about my plans for when I get worse",
    "Support and services",
    "I was referred to Pulmonary rehabilitation",
    "I was told about Walking for health group",
    "Information I was given",
    "Living well with COPD",
    "My future wishes",
    "Where I would like to be cared for: At home",
    "Who is involved in my care",
    "Copies of this plan: Me; my daughter Aoife",
    "Making this plan",
    "We will look at this plan again by: 22 May 2027",
    "This replaces version 1 — please throw older copies away.",
]


def _pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _font_sizes(pdf: bytes) -> set[float]:
    sizes: set[float] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                sizes.add(round(size * scale, 1))

        page.extract_text(visitor_text=visit)
    return sizes


def test_every_section_appears_in_order(tmp_path: Path) -> None:
    text = pdf_text(render_person_copy(sample_person(), sample_plan(), SAMPLE_PRACTICE), tmp_path)
    positions = []
    for phrase in SECTIONS_IN_ORDER:
        assert phrase in text, phrase
        positions.append(text.index(phrase))
    assert positions == sorted(positions)


def test_contacts_print_the_practice_numbers_from_settings(tmp_path: Path) -> None:
    text = pdf_text(render_person_copy(sample_person(), sample_plan(), SAMPLE_PRACTICE), tmp_path)
    assert "Who I call: My GP practice — 0113 496 0123; Out of hours — 0113 496 0777; NHS 111 — 111" in text
    assert "Who I call: Emergency — 999" in text
    assert "Who I call: My practice nurse — 0113 496 0555" in text
    assert "0113 496 0000" not in text  # the number typed on the contact is superseded by the settings


def test_without_practice_settings_the_typed_number_is_used(tmp_path: Path) -> None:
    text = pdf_text(render_person_copy(sample_person(), sample_plan(), None), tmp_path)
    assert "My GP practice — 0113 496 0000" in text


def test_every_page_has_page_n_of_m_date_and_version() -> None:
    pages = _pages(render_person_copy(sample_person(), sample_plan(), SAMPLE_PRACTICE))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Agreed 22 November 2026 · Version 2" in page
        assert "NHS number 999 000 1235" in page
        assert "Draft" not in page


def test_a_draft_says_so_on_every_page() -> None:
    pages = _pages(render_person_copy(sample_person(), sample_plan(draft=True), SAMPLE_PRACTICE))
    assert len(pages) >= 2
    for page in pages:
        assert "Draft — not yet agreed" in page
        assert "Agreed" not in page


def test_future_wishes_only_when_the_person_wished_to_discuss_them(tmp_path: Path) -> None:
    content = sample_content()
    wishes = dataclasses.replace(content.future_wishes.wishes, wishes_to_discuss=False)
    quiet = dataclasses.replace(
        content, future_wishes=dataclasses.replace(content.future_wishes, wishes=wishes)
    )
    text = pdf_text(
        render_person_copy(sample_person(), sample_plan(content=quiet), SAMPLE_PRACTICE), tmp_path
    )
    assert "My future wishes" not in text
    assert "CPR" not in text
    assert "Who is involved in my care" in text


def test_large_print_uses_nothing_under_16_point() -> None:
    large = _font_sizes(render_person_copy(sample_person(), sample_plan(), SAMPLE_PRACTICE, large_print=True))
    standard = _font_sizes(render_person_copy(sample_person(), sample_plan(), SAMPLE_PRACTICE))
    assert min(large) >= 16
    assert min(standard) < 16  # the check can tell the two apart


def test_large_print_is_chosen_from_communication_needs() -> None:
    person = sample_person(large_print=True)
    assert min(_font_sizes(render_person_copy(person, sample_plan(), SAMPLE_PRACTICE))) >= 16
    assert (
        min(_font_sizes(render_person_copy(person, sample_plan(), SAMPLE_PRACTICE, large_print=False))) < 16
    )


@pytest.mark.parametrize(
    ("first", "family"), [("Zoë", "Quennell"), ("Siobhán", "Ó Súilleabháin"), ("Łukasz", "Nguyễn")]
)
def test_unicode_names_survive(first: str, family: str, tmp_path: Path) -> None:
    person = sample_person(first_name=first, family_name=family)
    for large in (False, True):
        text = pdf_text(
            render_person_copy(person, sample_plan(), SAMPLE_PRACTICE, large_print=large), tmp_path
        )
        assert f"{first} {family}" in text


def test_printing_through_the_service_is_audited(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor, large_print=True, first_name="Zoë")
    pdf = exports.person_copy_pdf(stored.person.id, actor)
    text = pdf_text(pdf, tmp_path)
    assert "Zoë Nguyễn" in text and "0113 496 0123" in text
    assert min(_font_sizes(pdf)) >= 16
    entries = ctx.services.audit.entries(person_id=stored.person.id, action=audit.Action.PRINTED)
    assert [e.detail for e in entries] == ["document=person_copy_large_print status=agreed"]
    assert "Zoë" not in entries[0].detail


def test_a_person_with_only_a_draft_gets_a_draft_copy(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService
) -> None:
    stored = store_plan(ctx, actor, agree=False)
    pages = _pages(exports.person_copy_pdf(stored.person.id, actor))
    assert all("Draft — not yet agreed" in p for p in pages)


def test_a_person_with_no_plan_cannot_be_printed(
    ctx: AppContext, actor: Actor, exports: ExportService
) -> None:
    person = ctx.services.people.create(sample_person().details, actor)
    with pytest.raises(NotFoundError, match="no plan to print"):
        exports.person_copy_pdf(person.id, actor)
