"""Issue 11: the clinician summary carries what a colleague needs: the person's communication needs, a
newer open draft, a decline with its reason and code, and who agreed the plan (name, role, with the
person or a named representative)."""

from __future__ import annotations

from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical.enums import AgreedWith, CommunicationNeed
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.exports import ExportService
from careplanner.services.people import NeedEntry
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import pdf_text, store_plan

DEMENTIA = d.ConditionData(term="Dementia", snomed_code="52448006", plain_name="dementia")


def test_communication_needs_are_on_the_summary(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    needs = (NeedEntry(CommunicationNeed.EASY_READ), NeedEntry(CommunicationNeed.INTERPRETER, "Polish"))
    person = ctx.services.people.create(
        make_person(first_name="Krys", family_name="Testneeds", communication_needs=needs), actor
    )
    ctx.services.plans.start_draft(person.id, actor)
    text = pdf_text(exports.clinician_summary_pdf(person.id, actor), tmp_path)
    assert "Communication needs (AIS): Easy read; Interpreter (Polish)" in text


def test_no_needs_says_none_recorded(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    text = pdf_text(exports.clinician_summary_pdf(stored.person.id, actor), tmp_path)
    assert "Communication needs (AIS): none recorded" in text


def test_who_agreed_and_a_newer_draft_are_named(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    person = ctx.services.people.create(make_person(first_name="Rep", family_name="Testagree"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.agree(
        draft.id,
        actor,
        agreed_with=AgreedWith.REPRESENTATIVE,
        representative_name="Aoife Testagree",
        representative_role="daughter, LPA for health and welfare",
        review_date=ctx.services.clock.today().replace(year=ctx.services.clock.today().year + 1),
    )
    text = pdf_text(exports.clinician_summary_pdf(person.id, actor), tmp_path)
    assert f"by {actor.display_name}" in text
    assert "with the representative, Aoife Testagree (daughter, LPA for health and welfare)" in text
    assert "newer draft" not in text

    ctx.services.plans.start_draft(person.id, actor)
    text = pdf_text(exports.clinician_summary_pdf(person.id, actor), tmp_path)
    today = ctx.services.clock.today()
    assert f"A newer draft (started {today.day} {today:%B %Y}) is open and not yet agreed" in text


def test_a_decline_prints_with_its_reason_and_code(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    person = ctx.services.people.create(make_person(first_name="Gwen", family_name="Testdecline"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.save_section(draft.id, d.MedicalSection(conditions=(DEMENTIA,)), actor)
    ctx.services.plans.decline(draft.id, actor, reason="Prefers to talk it through, not a written plan")
    text = pdf_text(exports.clinician_summary_pdf(person.id, actor), tmp_path)
    assert "Declined a written plan: Prefers to talk it through, not a written plan." in text
    assert "Code: 956881000000103" in text


def test_a_decline_without_dementia_says_there_is_no_verified_code(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    person = ctx.services.people.create(make_person(first_name="Hal", family_name="Testdecline"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    ctx.services.plans.decline(draft.id, actor, reason="Not wanted")
    text = pdf_text(exports.clinician_summary_pdf(person.id, actor), tmp_path)
    assert "Declined a written plan: Not wanted. No verified SNOMED CT code applies: record as text." in text
