"""Issue 11: the practice report names people, so every page says it is confidential; and it lists the
people with no plan at all and the drafts never agreed, which the review-date lists cannot show."""

from __future__ import annotations

import subprocess
from pathlib import Path

from careplanner.app import AppContext
from careplanner.services.exports import ExportService
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import page_count, pdf_text, store_plan

NO_PLAN = 70  # enough names for the report to run to several pages


def _page_text(pdf: bytes, page: int, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return " ".join(out.stdout.split())


def test_every_page_is_confidential_and_people_with_no_plan_or_an_open_draft_are_listed(
    ctx: AppContext, actor: Actor, exports: ExportService, tmp_path: Path
) -> None:
    store_plan(ctx, actor)  # agreed: on neither list
    for i in range(NO_PLAN):
        ctx.services.people.create(
            make_person(first_name=f"Nopl{i:02d}", family_name="Testnoplan", nhs_number=None), actor
        )
    drafted = ctx.services.people.create(
        make_person(first_name="Drafty", family_name="Testdraft", nhs_number=None), actor
    )
    ctx.services.plans.start_draft(drafted.id, actor)

    pdf = exports.practice_report_pdf(actor)
    pages = page_count(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        assert "CONFIDENTIAL: contains patient-identifiable information" in _page_text(pdf, page, tmp_path)

    text = pdf_text(pdf, tmp_path)
    assert f"People with no plan yet ({NO_PLAN})" in text
    assert "Nopl00 Testnoplan" in text and f"Nopl{NO_PLAN - 1} Testnoplan" in text
    drafts = text.split("Drafts never agreed (no plan agreed yet) (1)")[1]
    assert "Drafty Testdraft" in drafts
    assert "Drafty Testdraft" not in text.split("People with no plan yet")[1].split("Drafts never agreed")[0]
    data = exports.practice_report_data()
    assert data.no_plan_total == NO_PLAN and data.drafts_total == 1
