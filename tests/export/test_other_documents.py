"""Clinician summary with its coding summary, preparation letter and practice report."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical import snomed
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.clinician_summary import render_clinician_summary
from careplanner.export.coding import coding_block, coding_summary
from careplanner.export.preparation_letter import Appointment
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person, sample_plan
from careplanner.services import audit
from careplanner.services.exports import ExportService
from careplanner.services.people import PersonInput
from careplanner.services.users import Actor
from tests.export.conftest import page_count, pdf_text, store_plan


def test_coding_summary_uses_only_verified_codes_and_says_where_none_exists() -> None:
    entries = coding_summary(sample_plan())
    coded = {e.code for e in entries if e.code}
    assert coded == {
        snomed.HEALTH_AND_SOCIAL_CARE_PLAN_AGREED,
        snomed.CFS_SCORE,
        snomed.PHQ9_SCORE,
        snomed.HAS_PERSONAL_WELFARE_LPA,
        snomed.NOT_FOR_RESUSCITATION,
    }
    assert all(code in snomed.load_concepts() for code in coded)
    uncoded = [e.event for e in entries if e.code is None]
    assert "Care plan reviewed (replaces the previous version)" in uncoded
    assert "Advance care planning discussed" in uncoded
    assert "Referral to Pulmonary rehabilitation" in uncoded
    block = coding_block(entries)
    assert "720433000 Patient Health Questionnaire Nine Item score = 4" in block
    assert "Advance care planning discussed: No verified SNOMED CT code" in block


def test_a_draft_has_nothing_coded_as_agreed() -> None:
    assert snomed.HEALTH_AND_SOCIAL_CARE_PLAN_AGREED not in {
        e.code for e in coding_summary(sample_plan(draft=True))
    }


def test_clinician_summary_fits_two_pages_and_carries_the_codes(tmp_path: Path) -> None:
    pdf = render_clinician_summary(sample_person(), sample_plan(), SAMPLE_PRACTICE)
    assert page_count(pdf) <= 2
    text = pdf_text(pdf, tmp_path)
    for phrase in (
        "Chronic obstructive pulmonary disease (13645005)",
        "Coding summary (SNOMED CT)",
        "811871000000107 Health and social care plan agreed",
        "304253006 Not for resuscitation",
        "No verified code: record as text",
        "CPR: not for CPR",
        "Page 1 of",
    ):
        assert phrase in text, phrase


APPOINTMENT = Appointment(datetime(2026, 12, 3, 10, 20), "Riverside Surgery", "Jane Doyle (practice nurse)")


def test_preparation_letter_has_results_in_plain_english_and_prompts(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    text = pdf_text(
        exports.preparation_letter_pdf(stored.person.id, actor, appointment=APPOINTMENT), tmp_path
    )
    assert "Dear Siobhán," in text
    assert (
        "HbA1c: 52 mmol/mol (taken on 1 November 2026). Your plan says: “My average blood sugar is a little "
        "high.”" in text
    )
    assert "What would you like to talk about?" in text
    assert "ring Riverside Surgery on 0113 496 0123" in text
    assert ctx.services.audit.entries(action=audit.Action.PRINTED)[0].detail == "document=preparation_letter"


def test_practice_report_counts_agreed_due_overdue_and_declined(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    today = ctx.services.clock.today()
    store_plan(ctx, actor)  # agreed today, review 22 May 2027
    late = ctx.services.people.create(PersonInput("Łukasz", "Kowalski", date(1950, 1, 1)), actor)
    draft = ctx.services.plans.start_draft(late.id, actor)
    ctx.services.plans.agree(draft.id, actor, review_date=today + timedelta(days=10))
    refuser = ctx.services.people.create(PersonInput("Zoë", "Declined-Synthetic", date(1960, 1, 1)), actor)
    draft = ctx.services.plans.start_draft(refuser.id, actor)
    ctx.services.plans.decline(draft.id, actor, reason="does not want paperwork")
    data = exports.practice_report_data()
    assert sum(n for _, n in data.agreed_per_month) == 2
    assert data.agreed_per_month[-1] == (today.replace(day=1), 2)
    assert [r.name for r in data.due_soon] == ["Łukasz Kowalski"]
    assert [r.name for r in data.declined] == ["Zoë Declined-Synthetic"]
    assert data.overdue == ()
    assert data.people_total == 3
    text = pdf_text(exports.practice_report_pdf(actor), tmp_path)
    assert "Reviews due in the next 30 days (1)" in text
    assert "People who declined a written plan (1)" in text
    assert "Zoë Declined-Synthetic" in text
    assert "Reviews overdue (0)" in text


def test_an_amended_plan_with_a_dementia_diagnosis_codes_the_dementia_plan() -> None:
    content = sample_content()
    medical = dataclasses.replace(
        content.medical,
        conditions=(
            *content.medical.conditions,
            dataclasses.replace(content.medical.conditions[0], snomed_code="52448006"),
        ),
    )
    plan = sample_plan(content=dataclasses.replace(content, medical=medical))
    assert snomed.DEMENTIA_CARE_PLAN_AGREED in {e.code for e in coding_summary(plan)}
