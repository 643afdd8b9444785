"""The import preview lists the plan's own content that will come in (issue 13): each care-team member,
referral, crisis decision and personal contact, with its name, before anything is written; a plan agreed
where it came from says it will be kept as that agreed version, marked as imported."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from careplanner.app import AppContext
from careplanner.clinical.enums import CprDecision
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample_hard import HARD_CASES
from careplanner.services.fhir_import import FhirImportService
from careplanner.services.users import Actor
from careplanner.ui.import_preview import ImportPreviewDialog
from careplanner.ui.steps.sharing import agreement_text

pytestmark = [pytest.mark.gui]
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_the_preview_lists_team_referrals_decisions_and_contacts(
    qtbot: QtBot, ctx: AppContext, actor: Actor
) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    bundle = build_bundle(person, plan, practice, pdf=None, now=NOW)
    before = len(ctx.services.audit.entries())
    preview = FhirImportService(ctx.store.sessions).preview(bundle, actor)
    dialog = ImportPreviewDialog(preview)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = dialog.rows_shown()
    added = {(what, item) for happens, what, item, _why in rows if happens == "Will be added"}
    content = plan.content
    for m in content.sharing.care_team:
        assert ("a care-team member", f"{m.name} ({m.role})") in added, m.name
    for r in content.goals.referrals:
        assert any(what in ("a referral", "signposting") and item == r.service for what, item in added), (
            r.service
        )
    wishes = content.future_wishes.wishes
    assert wishes.cpr_decision is CprDecision.NOT_FOR_CPR
    assert ("a CPR decision", f"Not for CPR (decided by {wishes.cpr_decision_by})") in added
    contacts = [c for c in content.sharing.personal_contacts if c.name.strip()]
    assert contacts
    for c in contacts:
        assert any(what == "a personal contact" and item.startswith(c.name) for what, item in added), c.name
    assert "kept as an agreed version" in dialog.summary.text()
    assert "marked as imported" in dialog.note_text()
    assert len(ctx.services.audit.entries()) == before  # a preview writes nothing


def test_the_plan_screen_says_an_imported_plan_was_agreed_elsewhere(ctx: AppContext, actor: Actor) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    bundle = build_bundle(person, plan, practice, pdf=None, now=NOW)
    result = FhirImportService(ctx.store.sessions).import_bundle(bundle, actor)
    version = ctx.services.plans.get(result.plan_id)
    text = agreement_text(version)
    assert version.provenance is not None and version.provenance.line in text
    assert "(imported)" in text and actor.display_name not in text
