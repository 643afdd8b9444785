"""Issue 11: the preparation letter is a letter the person can act on — their name and address where a
window envelope shows them, the practice's address and number, when and where the appointment is and with
whom, each result in plain words beside the value the time before, in Clear Print (12 pt) sizes."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.preparation_letter import Appointment, ResultPair, render_preparation_letter
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.services.exports import ExportService
from careplanner.services.plan_data import MedicalSection, ResultData
from careplanner.services.users import Actor
from tests.export.conftest import pdf_text, store_plan
from tests.export.test_export_cli import cli, home  # noqa: F401 - `home` is a fixture

APPOINTMENT = Appointment(datetime(2026, 12, 3, 10, 20), "Riverside Surgery", "Jane Doyle (practice nurse)")


def _review_with(ctx: AppContext, actor: Actor, person_id: str, results: tuple[ResultData, ...]) -> None:
    """A second agreed version whose results are `results`."""
    draft = ctx.services.plans.start_draft(person_id, actor)
    medical = draft.content.medical
    ctx.services.plans.save_section(draft.id, dataclasses.replace(medical, results=results), actor)
    ctx.services.plans.agree(draft.id, actor, review_date=ctx.services.clock.today() + timedelta(days=180))


def test_the_letter_has_the_address_block_the_appointment_and_the_practice(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    text = pdf_text(
        exports.preparation_letter_pdf(stored.person.id, actor, appointment=APPOINTMENT), tmp_path
    )
    assert "12 Church Street Leeds LS6 2XY" in text  # the person's address, as a letter has it
    assert f"Telephone {practice.in_hours_phone}" in text
    assert (
        "appointment on Thursday 3 December 2026 at 10:20, at Riverside Surgery, with Jane Doyle "
        "(practice nurse)." in text
    )
    assert "It lasts about 30 minutes." in text


def test_without_a_date_the_letter_says_one_will_follow(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    text = pdf_text(exports.preparation_letter_pdf(stored.person.id, actor), tmp_path)
    assert "We will tell you the date and time." in text


def test_each_result_shows_the_value_the_time_before(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    first = stored.plan.content.medical.results
    hba1c = next(r for r in first if r.name == "HbA1c")
    assert hba1c.taken_on is not None
    newer = dataclasses.replace(
        hba1c, value="48", taken_on=hba1c.taken_on + timedelta(days=150), plain_note="better than before"
    )
    _review_with(ctx, actor, stored.person.id, (newer,))
    text = pdf_text(exports.preparation_letter_pdf(stored.person.id, actor), tmp_path)
    later = newer.taken_on
    assert later is not None
    assert (
        f"HbA1c: 48 mmol/mol (taken on {later.day} {later:%B %Y}). The time before it was 52 mmol/mol "
        f"({hba1c.taken_on.day} {hba1c.taken_on:%B %Y}). Your plan says: “Better than before.”" in text
    )


def test_a_result_carried_forward_unchanged_has_no_earlier_value(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    _review_with(ctx, actor, stored.person.id, stored.plan.content.medical.results)
    text = pdf_text(exports.preparation_letter_pdf(stored.person.id, actor), tmp_path)
    assert "HbA1c: 52 mmol/mol" in text
    assert "The time before" not in text


def test_standard_print_letter_is_clear_print(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService
) -> None:
    stored = store_plan(ctx, actor)
    pdf = exports.preparation_letter_pdf(stored.person.id, actor, appointment=APPOINTMENT)
    sizes: list[float] = []

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.append(abs(size * tm[0]) if tm[0] else size)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    body = [s for s in sizes if s < 13]
    assert body and min(body) >= 10  # footers 10 pt, nothing smaller
    assert max(body) >= 12  # body 12 pt


def test_no_medical_section_no_results_heading(
    ctx: AppContext, actor: Actor, practice: PracticeSettings, exports: ExportService, tmp_path: Path
) -> None:
    stored = store_plan(ctx, actor)
    _review_with(ctx, actor, stored.person.id, ())
    text = pdf_text(exports.preparation_letter_pdf(stored.person.id, actor), tmp_path)
    assert "Your recent results" not in text
    assert MedicalSection().results == ()
    assert date.today()  # the letter is dated when printed (the frame says "Written …")


def test_the_command_line_prints_the_letter_with_the_appointment(home: Path, tmp_path: Path) -> None:  # noqa: F811
    out = home / "letter.pdf"
    done = cli(
        home,
        "export",
        "--nhs-number",
        "999 000 1235",
        "--letter",
        str(out),
        "--appointment",
        "2026-12-03 10:20",
        "--place",
        "Riverside Surgery",
        "--with",
        "Jane Doyle (practice nurse)",
    )
    assert done.returncode == 0, done.stderr
    text = pdf_text(out.read_bytes(), tmp_path)
    wanted = "on Thursday 3 December 2026 at 10:20, at Riverside Surgery, with Jane Doyle (practice nurse)"
    assert wanted in text
    bad = cli(home, "export", "--nhs-number", "999 000 1235", "--letter", str(out), "--appointment", "soon")
    assert bad.returncode == 2
    assert "2026-12-03 10:20" in bad.stderr


# Issue 11 residuals: how to reach the practice and who the letter is from, and result notes that read
# naturally in a letter that speaks to "you". Rendered straight from the sample person (no store needed).
WRITTEN = date(2026, 11, 30)
FIRST_PERSON = ResultData(
    "Blood pressure", "148/88", "mmHg", date(2026, 11, 2), "my blood pressure is a bit high"
)


def _letter(practice: PracticeSettings | None, tmp_path: Path, *results: ResultData) -> str:
    pdf = render_preparation_letter(
        sample_person(),
        tuple(ResultPair(r) for r in results),
        practice,
        appointment=APPOINTMENT,
        written_on=WRITTEN,
    )
    return pdf_text(pdf, tmp_path)


def test_the_letter_ends_with_the_practice_number_and_a_sign_off(tmp_path: Path) -> None:
    text = _letter(SAMPLE_PRACTICE, tmp_path)
    ending = text[text.index("Is there anything about your medicines") :]
    assert "ring Riverside Surgery on 0113 496 0123." in ending
    assert (
        "Yours sincerely, Jane Doyle (practice nurse) The care team at Riverside Surgery "
        "1 Mill Lane, Leeds LS1 1XY Telephone 0113 496 0123" in ending
    )
    assert "missing" not in text


def test_without_practice_settings_the_letter_says_the_number_is_missing(tmp_path: Path) -> None:
    text = _letter(None, tmp_path)
    assert "The practice's phone number is missing from this letter" in text
    assert "please contact your GP practice by phone or at reception." in text
    assert "Yours sincerely, Jane Doyle (practice nurse) The care team at your GP practice" in text
    # Never a sentence with a gap where the practice or its number should be.
    assert " on ." not in text and "ring  " not in text and "Telephone" not in text


def test_a_first_person_result_note_reads_naturally_in_a_letter_to_you(tmp_path: Path) -> None:
    text = _letter(SAMPLE_PRACTICE, tmp_path, FIRST_PERSON)
    assert (
        "Blood pressure: 148/88 mmHg (taken on 2 November 2026). Your plan says: “My blood pressure is a bit "
        "high.”" in text
    )
    assert "— my blood pressure" not in text
