"""Issue 12: a medicine line the clinician checked by hand as not on the ACB scale is not listed as "not
recognised" on the printed clinician summary; it is named as the clinician's check, and adds 0 (no score
is made up for it). Read back from the real PDF with pdftotext."""

from __future__ import annotations

from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision
from careplanner.clinical.practice import PracticeSettings
from careplanner.services import plan_data as d
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import pdf_text


def test_the_summary_names_lines_the_clinician_checked_and_scores_none_of_them(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    person = ctx.services.people.create(make_person(first_name="Iris", family_name="Testcheck"), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    medicines = (
        d.MedicineData(name="Oxybutynin 5mg tablets", decision=MedicineDecision.CONTINUE),
        d.MedicineData(name="Ramipril 5mg capsules", decision=MedicineDecision.CONTINUE, acb_checked=True),
        d.MedicineData(name="Trimbow inhaler", decision=MedicineDecision.CONTINUE),  # not checked
    )
    ctx.services.plans.save_section(draft.id, d.MedicalSection(medicines=medicines), actor)
    text = pdf_text(exports.clinician_summary_pdf(person.id, actor, plan_id=draft.id), tmp_path)

    assert "Anticholinergic burden (ACB) total after review: 3 (3 or more" in text  # oxybutynin only
    assert "Not recognised — check these by hand: Trimbow inhaler. They are not in the total." in text
    assert "Checked by the clinician as not on the ACB scale (counted as 0): Ramipril 5mg capsules." in text
