"""The preparation letter sent before a care planning appointment.

People get more from the conversation when they have seen their results and thought about what they
want to talk about, so the letter gives recent results in plain English and leaves room to write.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.plan_frame import who_line
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import ResultData

TITLE = "Getting ready for your care planning appointment"
PROMPTS = (
    "What would you like to talk about?",
    "What matters most to you at the moment?",
    "What is going well, and what is getting harder?",
    "Is there anything about your medicines you would like to ask?",
    "What would you like to be able to do in the next few months?",
)


def _result_line(r: ResultData) -> str:
    value = " ".join(p for p in (r.value, r.unit) if p.strip())
    line = f"<b>{pb.text(r.name)}</b>"
    if value:
        line += f": {pb.text(value)}"
    if r.taken_on:
        line += f" (taken on {pb.long_date(r.taken_on)})"
    if r.plain_note.strip():
        line += f" — {pb.text(r.plain_note)}"
    return line


def build_story(
    person: PersonRecord,
    results: tuple[ResultData, ...],
    practice: PracticeSettings | None,
    appointment: str,
    s: pb.Styles,
) -> list[Flowable]:
    first = person.details.preferred_name.strip() or person.details.first_name
    out: list[Flowable] = [Paragraph(TITLE, s.title), pb.para(f"Dear {first},", s.body)]
    intro = "You are invited to a care and support planning appointment"
    intro += f" {appointment.strip()}." if appointment.strip() else "."
    out += [
        pb.para(intro, s.body),
        pb.para(
            "It is a conversation about you: your health, what matters to you and what you would like "
            "to do. Please read this letter before you come, and bring it with you.",
            s.body,
        ),
    ]
    if results:
        out.append(Paragraph("Your recent results", s.h2))
        out += [Paragraph("• " + _result_line(r), s.body) for r in results]
    out.append(Paragraph("Things to think about", s.h2))
    for prompt in PROMPTS:
        box = Table(
            [[pb.para(prompt, s.bold)], [""]], colWidths=["100%"], rowHeights=[None, s.body.fontSize * 4]
        )
        box.setStyle(
            TableStyle([("BOX", (0, 0), (-1, -1), 0.6, pb.NHS_GREY), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        )
        out += [KeepTogether([box]), pb.spacer(s, 0.6)]
    if practice is not None and practice.in_hours_phone.strip():
        out.append(
            Paragraph(
                f"If you need to change the appointment, or need this letter in another format, "
                f"ring {pb.text(practice.practice_name)} on {pb.phone(practice.in_hours_phone)}.",
                s.body,
            )
        )
    return out


def render_preparation_letter(
    person: PersonRecord,
    results: tuple[ResultData, ...],
    practice: PracticeSettings | None,
    *,
    appointment: str = "",
    written_on: date,
    large_print: bool | None = None,
) -> bytes:
    large = person.wants_large_print if large_print is None else large_print
    styles = pb.make_styles(large=large)
    frame = pb.Frame(
        TITLE if not large else "Getting ready", who_line(person), f"Written {pb.long_date(written_on)}"
    )
    return pb.render(build_story(person, results, practice, appointment, styles), frame, styles)
