"""Nurse walk-through of issue 10, item 10: the printed clinician summary names medicine review decisions
and referrals in plain, capitalised words ("Continue", "Not reviewed"), never the stored names
("continue", "not_reviewed", "signposting")."""

from __future__ import annotations

import re
from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision, ReferralKind, ReferralStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import pdf_text


def test_decisions_and_referrals_print_in_plain_capitalised_words(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    person = ctx.services.people.create(make_person(first_name="Wyn", family_name="Testwords"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    medicines = (
        d.MedicineData(name="Ramipril 5mg capsules", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Furosemide 40mg", decision=MedicineDecision.CHANGE, decision_reason="oedema"),
        d.MedicineData(name="Bisoprolol 2.5mg tablets"),
    )
    ctx.services.plans.save_section(draft.id, d.MedicalSection(medicines=medicines), actor)
    goals = d.GoalsSection(
        referrals=(
            d.ReferralData(
                service="Walking for Health", kind=ReferralKind.SIGNPOSTING, status=ReferralStatus.SUGGESTED
            ),
        )
    )
    ctx.services.plans.save_section(draft.id, goals, actor)
    text = pdf_text(exports.clinician_summary_pdf(person.id, actor, plan_id=draft.id), tmp_path)
    assert "Continue" in text and "Change: oedema" in text and "Not reviewed" in text
    assert "Signposting: Walking for Health (suggested)" in text
    for stored in ("continue", "change:", "not_reviewed", "not reviewed", "signposting:"):
        assert not re.search(rf"(?<![A-Za-z]){re.escape(stored)}", text), stored
