"""The preparation letter sent before a care planning appointment.

People get more from the conversation when they have seen their results and thought about what they
want to talk about, so the letter says when and where the appointment is and with whom, gives recent
results in plain words beside the value before, and leaves room to write. It is a letter: the person's
name and address sit at the top left, the practice's details on the right, and it ends with how to reach
the practice and a sign-off from the care team. When the practice's details are not set up, the letter
says plainly that the phone number is missing rather than leaving a gap. A result's plain-words note is
quoted as the plan has it ("Your plan says: …"), because it is written in the person's own voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from careplanner.clinical.practice import PracticeSettings
from careplanner.export import pdf_base as pb
from careplanner.export.plan_frame import who_line
from careplanner.services.people import AddressData, PersonRecord
from careplanner.services.plan_data import ResultData

TITLE = "Getting ready for your care planning appointment"
PROMPTS = (
    "What would you like to talk about?",
    "What matters most to you at the moment?",
    "What is going well, and what is getting harder?",
    "Is there anything about your medicines you would like to ask?",
    "What would you like to be able to do in the next few months?",
)


@dataclass(frozen=True)
class Appointment:
    """When, where and with whom; any part may be unknown when the letter is printed."""

    when: datetime | None = None
    place: str = ""
    with_whom: str = ""
    minutes: int = 30

    def sentence(self) -> str:
        """ "on Tuesday 8 December 2026 at 10:30, at Riverside Surgery, with Jane Doyle (practice nurse)"."""
        parts = []
        if self.when is not None:
            parts.append(
                f"on {self.when.strftime('%A')} {pb.long_date(self.when.date())} at "
                f"{self.when.strftime('%H:%M')}"
            )
        if self.place.strip():
            parts.append(f"at {pb.text(self.place.strip())}")
        if self.with_whom.strip():
            parts.append(f"with {pb.text(self.with_whom.strip())}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ResultPair:
    """A result as it is now, and the same test the time before (None when there is no earlier one)."""

    now: ResultData
    earlier: ResultData | None = None


def _value(r: ResultData) -> str:
    return " ".join(p for p in (r.value.strip(), r.unit.strip()) if p)


def _result_line(pair: ResultPair) -> str:
    r = pair.now
    line = f"<b>{pb.text(r.name)}</b>"
    if _value(r):
        line += f": {pb.text(_value(r))}"
    if r.taken_on:
        line += f" (taken on {pb.long_date(r.taken_on)})"
    if r.taken_on or _value(r):
        line += "."
    before = pair.earlier
    if before is not None and _value(before):
        line += f" The time before it was {pb.text(_value(before))}"
        line += f" ({pb.long_date(before.taken_on)})." if before.taken_on else "."
    if r.plain_note.strip():
        line += " " + your_plan_says(r.plain_note)
    return line


def your_plan_says(note: str) -> str:
    """A result's plain-words note, quoted as the plan has it. Notes are written for the person's own copy,
    often in the first person ("my blood pressure is a little high"); quoted after "Your plan says", they
    read naturally in a letter that speaks to "you", and so does a note with no person in it."""
    words = note.strip()
    words = words[0].upper() + words[1:]
    if words[-1] not in ".!?":
        words += "."
    return f"Your plan says: \u201c{pb.text(words)}\u201d"


def contact_lines(practice: PracticeSettings | None) -> list[str]:
    """How to reach the practice, for the end of the letter (markup). When the practice's details are not
    set up the letter says so plainly, rather than leaving a gap where the number should be."""
    name = practice.practice_name.strip() if practice is not None else ""
    phone = practice.in_hours_phone.strip() if practice is not None else ""
    if phone:
        who = pb.text(name) if name else "the practice"
        return [
            f"If you need to change the appointment, or need this letter in another format, ring {who} on "
            f"<b>{pb.phone(phone)}</b>."
        ]
    return [
        "<b>The practice's phone number is missing from this letter.</b>",
        "If you need to change the appointment, or need this letter in another format, please contact "
        + (f"{pb.text(name)}" if name else "your GP practice")
        + " by phone or at reception.",
    ]


def sign_off(practice: PracticeSettings | None, appointment: Appointment, s: pb.Styles) -> list[Flowable]:
    """ "Yours sincerely", who the letter is from, and the practice's name, address and phone when set."""
    name = practice.practice_name.strip() if practice is not None else ""
    lines = [appointment.with_whom.strip()] if appointment.with_whom.strip() else []
    lines.append(f"The care team at {name}" if name else "The care team at your GP practice")
    details = [pb.text(line) for line in lines]
    if practice is not None:
        details += [pb.text(line.strip()) for line in practice.address.splitlines() if line.strip()]
        if practice.in_hours_phone.strip():
            details.append(f"Telephone {pb.phone(practice.in_hours_phone)}")
    return [
        KeepTogether(
            [
                Paragraph("Yours sincerely,", s.body),
                pb.spacer(s, 2.5),
                Paragraph("<br/>".join(details), s.body),
            ]
        )
    ]


def _address_lines(address: AddressData | None) -> list[str]:
    if address is None:
        return []
    lines = [address.line1, address.line2, address.line3, address.line4, address.line5, address.postcode]
    return [line.strip() for line in lines if line.strip()]


def _letterhead(
    person: PersonRecord, practice: PracticeSettings | None, written_on: date, s: pb.Styles
) -> Table:
    """The person's name and address on the left, the practice on the right, as a letter has them."""
    d = person.details
    name = " ".join(p for p in (d.title, d.first_name, d.family_name) if p.strip())
    home = next((a for a in person.details.addresses if a.kind == "main"), None) or next(
        iter(person.details.addresses), None
    )
    left = "<br/>".join(pb.text(line) for line in [name, *_address_lines(home)])
    right: list[str] = []
    if practice is not None:
        right.append(f"<b>{pb.text(practice.practice_name)}</b>")
        right += [pb.text(line.strip()) for line in practice.address.splitlines() if line.strip()]
        if practice.in_hours_phone.strip():
            right.append(f"Telephone {pb.phone(practice.in_hours_phone)}")
    right.append(pb.long_date(written_on))
    # Both cells are escaped line by line above: Paragraph, not pb.para, keeps their line breaks.
    table = Table(
        [[Paragraph(left, s.body), Paragraph("<br/>".join(right), s.body)]], colWidths=["58%", "42%"]
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return table


def build_story(
    person: PersonRecord,
    results: tuple[ResultPair, ...],
    practice: PracticeSettings | None,
    appointment: Appointment,
    s: pb.Styles,
    written_on: date,
) -> list[Flowable]:
    first = person.details.preferred_name.strip() or person.details.first_name
    out: list[Flowable] = [
        _letterhead(person, practice, written_on, s),
        pb.spacer(s, 1.5),
        Paragraph(TITLE, s.title),
        pb.para(f"Dear {first},", s.body),
    ]
    when = appointment.sentence()
    intro = "You are invited to a care and support planning appointment"
    intro += f" {when}." if when else ". We will tell you the date and time."
    out += [
        Paragraph(intro, s.body),
        pb.para(
            f"It lasts about {appointment.minutes} minutes. It is a conversation about you: your health, "
            "what matters to you and what you would like to do. Please read this letter before you come, "
            "and bring it with you. You can bring someone with you.",
            s.body,
        ),
    ]
    if results:
        out.append(Paragraph("Your recent results", s.h2))
        out += [Paragraph("• " + _result_line(r), s.body) for r in results]
        out.append(pb.para("We will talk about what your results mean for you at the appointment.", s.body))
    out.append(Paragraph("Things to think about", s.h2))
    for prompt in PROMPTS:
        box = Table(
            [[pb.para(prompt, s.bold)], [""]], colWidths=["100%"], rowHeights=[None, s.body.fontSize * 4]
        )
        box.setStyle(
            TableStyle([("BOX", (0, 0), (-1, -1), 0.6, pb.NHS_GREY), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        )
        out += [KeepTogether([box]), pb.spacer(s, 0.6)]
    out += [Paragraph(line, s.body) for line in contact_lines(practice)]
    out += [pb.spacer(s), *sign_off(practice, appointment, s)]
    return out


def render_preparation_letter(
    person: PersonRecord,
    results: tuple[ResultPair, ...],
    practice: PracticeSettings | None,
    *,
    appointment: Appointment | None = None,
    written_on: date,
    large_print: bool | None = None,
) -> bytes:
    large = person.wants_large_print if large_print is None else large_print
    styles = pb.make_styles(large=large, clear_print=not large)
    frame = pb.Frame(
        TITLE if not large else "Getting ready", who_line(person), f"Written {pb.long_date(written_on)}"
    )
    story = build_story(person, results, practice, appointment or Appointment(), styles, written_on)
    return pb.render(story, frame, styles)
