"""Issue 10, defect 4: the printed clinician summary never shows an ACB total without the medicines it
could not score, and says which scale it uses and what that scale leaves out."""

from __future__ import annotations

from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import page_count, pdf_text


def _summary_text(
    ctx: AppContext, actor: Actor, exports: ExportService, tmp_path: Path, *medicines: d.MedicineData
) -> tuple[str, bytes]:
    person = ctx.services.people.create(make_person(first_name="Iris", family_name="Testacb"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    medical = d.MedicalSection(conditions=(d.ConditionData(term="Overactive bladder"),), medicines=medicines)
    ctx.services.plans.save_section(draft.id, medical, actor)
    pdf = exports.clinician_summary_pdf(person.id, actor, plan_id=draft.id)
    return pdf_text(pdf, tmp_path), pdf


def test_summary_lists_unrecognised_medicines_and_the_scale(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    text, pdf = _summary_text(
        ctx,
        actor,
        exports,
        tmp_path,
        d.MedicineData(name="Seroquel 25mg tablets", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Oxybutinin 5mg tablets", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Kemadrin 5mg tablets", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Prednisolone 5mg tablets", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Atropine 1% eye drops", decision=MedicineDecision.CONTINUE),
    )
    assert (
        "Anticholinergic burden (ACB) total after review: 3 (3 or more: review anticholinergic load)" in text
    )
    assert (
        "Not recognised — check these by hand: Oxybutinin 5mg tablets (did you mean oxybutynin?), "
        "Kemadrin 5mg tablets. They are not in the total." in text
    )
    assert "other lists score them: Prednisolone 5mg tablets (acbcalc.com 1, AEC 1)." in text
    assert "Not counted (topical/eye/ear): Atropine 1% eye drops." in text
    assert "Scale: the Anticholinergic Cognitive Burden (ACB) scale, 2012 update" in text
    assert "Aging Brain Care" in text and "does not weigh the dose" in text
    assert page_count(pdf) <= 2


def test_summary_with_every_medicine_placed_has_no_check_line(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    text, _ = _summary_text(
        ctx,
        actor,
        exports,
        tmp_path,
        d.MedicineData(name="Amitriptyline 10mg tablets", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Paracetamol 500mg tablets", decision=MedicineDecision.CONTINUE),
    )
    assert "total after review: 3" in text
    assert "Not recognised" not in text
    assert "Scale: the Anticholinergic Cognitive Burden (ACB) scale" in text
