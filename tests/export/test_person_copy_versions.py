"""Print what is on screen and say which copy to keep: the draft or a chosen version, never the old agreed
version silently while a draft is open; "This replaces version N"; a declined plan's one-page record; the
emergency card alone from the service, the command line and the app."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext, open_context
from careplanner.clinical.practice import PracticeSettings
from careplanner.config import resolve_paths
from careplanner.export.emergency_card import CARD_TITLE
from careplanner.export.sample import sample_person
from careplanner.services import audit
from careplanner.services.exports import ExportService
from careplanner.services.plan_data import AboutMeSection
from careplanner.services.users import Actor
from careplanner.ui.printing import DocumentActions
from careplanner.ui.session import UserSession
from tests.export.conftest import page_count, pdf_text, store_plan
from tests.export.test_export_cli import PASS, cli, home  # noqa: F401 - the CLI fixture

DRAFT_WORDS = "Words typed today and not yet agreed"


def _review_draft(ctx: AppContext, actor: Actor, person_id: str) -> str:
    review = ctx.services.plans.start_draft(person_id, actor)
    about = review.content.about_me
    changed = dataclasses.replace(about, about=dataclasses.replace(about.about, what_matters=DRAFT_WORDS))
    assert isinstance(changed, AboutMeSection)
    ctx.services.plans.save_section(review.id, changed, actor)
    return review.id


def test_a_second_version_says_which_it_replaces_and_when_it_was_printed(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    first = store_plan(ctx, actor)
    review = _review_draft(ctx, actor, first.person.id)
    ctx.services.plans.agree(review, actor, review_date=date(2027, 11, 1))
    text = pdf_text(exports.person_copy_pdf(first.person.id, actor), tmp_path)
    agreed = first.plan.agreed_at
    assert agreed is not None
    assert (
        f"This is version 2 of my plan. This replaces version 1 (agreed {agreed.day} {agreed:%B %Y}) — "
        "please throw older copies away." in text
    )
    today = ctx.services.clock.today()
    assert f"Printed on {today.day} {today:%B %Y}." in text
    assert "I made this plan with" in text and "Signed (me):" in text


@pytest.mark.gui
def test_the_draft_on_screen_prints_as_a_draft_and_the_agreed_copy_never_replaces_it(
    ctx: AppContext,
    actor: Actor,
    practice: PracticeSettings,
    exports: ExportService,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = store_plan(ctx, actor)
    draft_id = _review_draft(ctx, actor, stored.person.id)
    assert exports.open_draft_newer_than(stored.plan) is not None
    window = QWidget()
    qtbot.addWidget(window)
    actions = DocumentActions(
        window, ctx.services, UserSession(actor), lambda: stored.person.id, lambda: draft_id
    )
    actions.build()
    assert "card" in actions.actions  # the print menu's "Print the emergency card only…"
    target = tmp_path / "on-screen.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    actions.actions["pdf"].trigger()
    text = pdf_text(target.read_bytes(), tmp_path)
    assert DRAFT_WORDS in text
    assert "Draft — not yet agreed" in text
    pages = PdfReader(io.BytesIO(target.read_bytes())).pages
    assert all("DRAFT — NOT AGREED" in (page.extract_text() or "") for page in pages)  # the watermark
    assert "This is a draft. It has not been agreed yet." in text


def test_a_declined_plan_prints_a_one_page_record(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    person = ctx.services.people.create(sample_person().details, actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.decline(
        draft.id, actor, reason="Does not want paperwork", review_date=date(2027, 6, 1)
    )
    for pdf in (exports.person_copy_pdf(person.id, actor), exports.emergency_card_pdf(person.id, actor)):
        assert page_count(pdf) == 1
        text = pdf_text(pdf, tmp_path)
        assert "I chose not to have a written care and support plan." in text
        assert "I can change my mind at any time" in text
        assert "My GP practice — 0113 496 0123" in text and "999" in text
        assert "The practice will ask me again by: 1 June 2027" in text
        assert "Does not want paperwork" not in text  # the reason is for the clinician summary


def test_the_card_alone_through_the_service_is_audited(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    pdf = exports.emergency_card_pdf(stored.person.id, actor)
    assert page_count(pdf) == 1
    assert pdf_text(pdf, tmp_path).startswith(CARD_TITLE)
    entries = ctx.services.audit.entries(person_id=stored.person.id, action=audit.Action.PRINTED)
    assert [e.detail for e in entries] == ["document=emergency_card status=agreed"]


def test_cli_prints_the_card_and_warns_when_a_newer_draft_is_open(home: Path, tmp_path: Path) -> None:  # noqa: F811
    done = cli(home, "export", "--nhs-number", "9990001235", "--card", str(home / "card.pdf"))
    assert done.returncode == 0, done.stderr
    assert "Saved the emergency card" in done.stdout
    card = (home / "card.pdf").read_bytes()
    assert pdf_text(card, tmp_path).startswith(CARD_TITLE) and page_count(card) <= 2
    done = cli(home, "export", "--nhs-number", "9990001235", "--pdf", str(home / "v1.pdf"), "--version", "1")
    assert done.returncode == 0, done.stderr
    assert "Version 1" in pdf_text((home / "v1.pdf").read_bytes(), tmp_path)
    done = cli(home, "export", "--nhs-number", "9990001235", "--pdf", str(home / "d.pdf"), "--draft")
    assert done.returncode != 0 and "no draft plan open" in done.stderr
    ctx = open_context(resolve_paths(home / "store"), passphrase=PASS)
    try:
        actor = ctx.services.users.ensure_first_clinician()
        person = ctx.services.people.by_nhs_number("9990001235")
        _review_draft(ctx, actor, person.id)
    finally:
        ctx.close()
    done = cli(home, "export", "--nhs-number", "9990001235", "--pdf", str(home / "agreed.pdf"))
    assert done.returncode == 0, done.stderr
    assert "a newer draft" in done.stderr and "Use --draft to print the draft." in done.stderr
    assert DRAFT_WORDS not in pdf_text((home / "agreed.pdf").read_bytes(), tmp_path)
    done = cli(home, "export", "--nhs-number", "9990001235", "--pdf", str(home / "d.pdf"), "--draft")
    assert done.returncode == 0, done.stderr
    draft = pdf_text((home / "d.pdf").read_bytes(), tmp_path)
    assert DRAFT_WORDS in draft and "Draft — not yet agreed" in draft
