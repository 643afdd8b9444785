"""The printed-copy safety test: the richest synthetic plan, printed for real (standard and large print,
agreed and draft), read back page by page with pdftotext, must be safe to take home.

Stopped medicines only inside the whole "do not take" box; allergies on the first pages; the emergency
decisions with "If I get worse"; no clinician-only wording; every red zone with 999; every contact
printed with its number; no unfilled placeholder.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision
from careplanner.clinical.placeholders import unfilled_placeholders
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.copy_medicines import STOPPED_HEADING
from careplanner.export.copy_safety import ALLERGIES_NOT_RECORDED, NO_KNOWN_ALLERGIES
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import CLINICIAN_ONLY, PERSON_NOTES, rich_content, rich_plan
from careplanner.services.exports import ExportService
from careplanner.services.plan_data import SECTION_TYPES, PlanContent, PlanVersion
from careplanner.services.users import Actor

STOP_END = "If I still have some at home, I take them back to my pharmacy."
STOPPED = ("Oxybutynin 5mg tablets", "Doxazosin 4mg tablets")
CURRENT = (
    "Metformin 500mg tablets",
    "Salbutamol 100micrograms inhaler",
    "Ramipril 5mg capsules",
    "Furosemide 40mg tablets",
    "Paracetamol 500mg tablets",
    "Bisoprolol 2.5mg tablets",
)
ALLERGY_LINES = (
    "Penicillin — rash all over (moderate)",
    "Codeine — being sick (mild)",
    "Sticking plasters — sore, blistered skin",
)
# Where one printed block ends and the next begins, for cutting a zone out of the page text.
BOUNDARIES = (
    "Green: I feel well",
    "Amber: I am getting worse",
    "Red: I need help now",
    "About going into hospital",
    "Medicines and equipment kept",
    "Decisions for an emergency",
    "Who coordinates my care",
    "About me",
    "My heart failure",
    "If I fall",
)
PHONE = re.compile(r"— (?:\d{3,5}(?: \d{3,4}){1,2}|999|111)\b")


def pages_of(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as pdftotext reads it, whitespace (including no-break spaces) made single."""
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def _segments(text: str, start: str) -> list[str]:
    """Every stretch of `text` from `start` up to the next block boundary (or the page footer)."""
    found = []
    for match in re.finditer(re.escape(start), text):
        rest = text[match.end() :]
        ends = [rest.find(b) for b in (*BOUNDARIES, "Page ") if rest.find(b) >= 0]
        found.append(rest[: min(ends)] if ends else rest)
    return found


CASES = [(False, False), (True, False), (False, True), (True, True)]
CASE_IDS = ["standard-agreed", "large-print-agreed", "standard-draft", "large-print-draft"]


@pytest.fixture(params=CASES, ids=CASE_IDS)
def printed(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[list[str], PlanVersion, bool]:
    large, draft = request.param
    plan = rich_plan(draft=draft)
    pdf = render_person_copy(sample_person(), plan, SAMPLE_PRACTICE, large_print=large)
    return pages_of(pdf, tmp_path), plan, large


def test_stopped_medicines_print_only_inside_the_whole_stopped_box(
    printed: tuple[list[str], PlanVersion, bool],
) -> None:
    pages, _plan, _ = printed
    box_pages = [p for p in pages if STOPPED_HEADING in p]
    assert len(box_pages) == 1, "one stopped box"
    page = box_pages[0]
    assert STOP_END in page, "the box is never split across pages"
    box = page[page.index(STOPPED_HEADING) : page.index(STOP_END)]
    text = " ".join(pages)
    when = "on 22 November 2026"  # agreed then; a draft says the date it last changed, never "today"
    for name in STOPPED:
        assert text.count(name) == 1, f"{name} is printed outside the stopped box"
        assert f"{name} — stopped {when}." in box
    for name in CURRENT:
        assert name in text and name not in box
    assert "Oxybutynin" not in text.replace(box, "")


def test_new_and_changed_medicines_say_what_it_means_for_me(
    printed: tuple[list[str], PlanVersion, bool],
) -> None:
    pages, _plan, _ = printed
    text = " ".join(pages)
    when = "on 22 November 2026"  # agreed then; a draft says the date it last changed, never "today"
    assert f"NEW — started {when}. {PERSON_NOTES['Furosemide 40mg tablets']}" in text
    assert f"NEW — started {when}. This is a new medicine for me." in text  # paracetamol: no note
    assert f"CHANGED {when}. {PERSON_NOTES['Ramipril 5mg capsules']}" in text
    assert "It was making me dizzy when I stood up." in text  # doxazosin's note, in the stopped box
    assert text.count("NEW —") == 2 and text.count("CHANGED ") == 1


def test_allergies_are_on_the_first_pages_before_the_medicines(
    printed: tuple[list[str], PlanVersion, bool],
) -> None:
    pages, _, large = printed
    first = pages[0] if not large else " ".join(pages[:2])
    for line in ALLERGY_LINES:
        assert line in first, line
    text = " ".join(pages)
    assert text.index("My allergies") < text.index("If I get worse") < text.index("My medicines")


def test_emergency_decisions_are_with_if_i_get_worse(
    printed: tuple[list[str], PlanVersion, bool],
) -> None:
    pages, _, _ = printed
    text = " ".join(pages)
    worse = text[text.index("If I get worse") : text.index("About me")]
    for phrase in (
        "Resuscitation (CPR): If my heart or breathing stops, CPR (resuscitation) should not be tried.",
        "Decided on 22 November 2026 by Dr A Shah. It was discussed with me.",
        "Where my CPR or ReSPECT form is kept: ReSPECT form in the kitchen drawer",
        "How far my treatment should go: Treatment on a ward; not intensive care.",
        "Going into hospital (If I fall): I would rather be looked after at home if that is safe.",
        "My advance decision to refuse treatment is kept: In the blue folder by my bed",
        "What my advance decision refuses: I do not want to be put on a breathing machine.",
    ):
        assert phrase in worse, phrase
        assert text.count(phrase) == 1, f"{phrase!r} is printed twice"
    # The wish was made for falls only: it must never read as a general "do not take me in".
    assert "Going into hospital: I wish to avoid going into hospital." not in text
    wishes = text[text.index("My future wishes") :]
    assert "should not be tried" not in wishes and "kitchen drawer" not in wishes


def test_no_clinician_only_wording_is_printed(printed: tuple[list[str], PlanVersion, bool]) -> None:
    pages, _, _ = printed
    text = " ".join(pages)
    for words in CLINICIAN_ONLY:
        assert words not in text, words
    for words in ("ACB", "anticholinergic", "SNOMED", "Not reviewed", "not_reviewed", "Reason"):
        assert words.casefold() not in text.casefold(), words


def test_every_red_zone_tells_me_to_ring_999(printed: tuple[list[str], PlanVersion, bool]) -> None:
    pages, plan, _ = printed
    reds = [zone for page in pages for zone in _segments(page, "Red: I need help now")]
    assert len(reds) == len(plan.content.contingency.plans) == 3
    for zone in reds:
        assert "999" in zone, zone
    # The falls plan's red zone says neither 999 in its words nor has a 999 contact: the copy adds it.
    assert any("If it is an emergency, I ring 999." in zone for zone in reds)


def test_every_contact_printed_has_a_number(printed: tuple[list[str], PlanVersion, bool]) -> None:
    pages, _, _ = printed
    # Each zone lists who I call after "Who I call:", one contact after another separated by "; ".
    calls = [
        contact
        for page in pages
        for zone in _segments(page, "Who I call:")
        for contact in zone.split(" If it is an emergency")[0].split(";")
    ]
    assert len(calls) >= 10
    for call in calls:
        assert PHONE.search(call), f"a contact without a number: {call!r}"
    text = " ".join(pages)
    assert "Pat Hollis" not in text  # the contact typed without a number is left out
    assert "Heart failure nurse — 0113 496 0333" in text
    assert "My named coordinator: Jane Doyle, Practice nurse — 0113 496 0555" in text
    team = text[text.index("My care team") :]
    for name in ("Jane Doyle, Practice nurse", "Dr A Shah, GP", "Aoife Nguyễn, Daughter"):
        assert PHONE.search(team[team.index(name) :][:80]), name


def test_nothing_unfilled_is_printed(printed: tuple[list[str], PlanVersion, bool]) -> None:
    pages, _, _ = printed
    for number, page in enumerate(pages, start=1):
        assert unfilled_placeholders(page) == [], f"page {number}"


def _with_allergies(content: PlanContent, *, listed: bool, none_known: bool) -> PlanContent:
    medical = content.medical
    review = dataclasses.replace(medical.review, no_known_allergies=none_known)
    allergies = medical.allergies if listed else ()
    return dataclasses.replace(
        content, medical=dataclasses.replace(medical, review=review, allergies=allergies)
    )


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-print"])
@pytest.mark.parametrize(
    ("listed", "none_known", "expected", "absent"),
    [
        (False, True, NO_KNOWN_ALLERGIES, ALLERGIES_NOT_RECORDED),
        (False, False, ALLERGIES_NOT_RECORDED, NO_KNOWN_ALLERGIES),
        # Both set (an import, or ticked before the list was filled): the allergies win.
        (True, True, ALLERGY_LINES[0], NO_KNOWN_ALLERGIES),
    ],
    ids=["none-known", "not-recorded", "listed-and-none-known"],
)
def test_the_allergy_statement_is_never_silent(
    large: bool, listed: bool, none_known: bool, expected: str, absent: str, tmp_path: Path
) -> None:
    content = _with_allergies(rich_content(), listed=listed, none_known=none_known)
    plan = dataclasses.replace(rich_plan(), content=content)
    pages = pages_of(render_person_copy(sample_person(), plan, SAMPLE_PRACTICE, large_print=large), tmp_path)
    assert "My allergies" in pages[0]
    assert expected in pages[0]
    assert absent not in " ".join(pages)


def test_a_plan_with_only_emergency_decisions_still_prints_them_under_if_i_get_worse(
    tmp_path: Path,
) -> None:
    content = dataclasses.replace(
        rich_content(), contingency=dataclasses.replace(rich_content().contingency, plans=())
    )
    plan = dataclasses.replace(rich_plan(), content=content)
    text = " ".join(pages_of(render_person_copy(sample_person(), plan, SAMPLE_PRACTICE), tmp_path))
    worse = text[text.index("If I get worse") : text.index("Who coordinates my care")]
    assert "CPR (resuscitation) should not be tried" in worse
    assert "In the blue folder by my bed" in worse


def _store_rich_plan(ctx: AppContext, actor: Actor, *, agree: bool) -> tuple[str, PlanVersion]:
    person = ctx.services.people.create(sample_person().details, actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    content = _with_allergies(rich_content(), listed=False, none_known=True)
    for key in SECTION_TYPES:
        ctx.services.plans.save_section(draft.id, content.section(key), actor)
    plan = ctx.services.plans.agree(draft.id, actor) if agree else ctx.services.plans.get(draft.id)
    return person.id, plan


@pytest.mark.parametrize("agree", [True, False], ids=["agreed", "draft"])
def test_the_stored_plan_prints_safely_through_the_service(
    ctx: AppContext,
    actor: Actor,
    practice: PracticeSettings,
    exports: ExportService,
    agree: bool,
    tmp_path: Path,
) -> None:
    """The new fields survive the encrypted store: "No known allergies" and "What this means for me"."""
    person_id, plan = _store_rich_plan(ctx, actor, agree=agree)
    assert plan.content.medical.review.no_known_allergies is True
    notes = {
        m.name: m.person_note for m in plan.content.medical.medicines if m.decision is MedicineDecision.CHANGE
    }
    assert notes == {"Ramipril 5mg capsules": PERSON_NOTES["Ramipril 5mg capsules"]}
    pages = pages_of(exports.person_copy_pdf(person_id, actor), tmp_path)
    text = " ".join(pages)
    assert NO_KNOWN_ALLERGIES in pages[0]
    # The date agreed, or a draft's last change: never "today" (the paper is read later).
    day = plan.agreed_at if agree else plan.last_updated
    assert day is not None
    when = f"on {day.day} {day:%B %Y}"
    assert f"Oxybutynin 5mg tablets — stopped {when}." in text
    assert text.count("Oxybutynin") == 1
    assert PERSON_NOTES["Ramipril 5mg capsules"] in text
    for words in CLINICIAN_ONLY:
        assert words not in text, words


def test_past_conditions_and_allergies_are_not_printed_as_current(tmp_path: Path) -> None:
    """An imported record keeps resolved entries as history; the copy lists only what is current."""
    content = rich_content()
    medical = content.medical
    conditions = (
        *medical.conditions,
        dataclasses.replace(
            medical.conditions[0], term="Pneumonia", plain_name="Pneumonia", clinical_status="resolved"
        ),
    )
    allergies = (
        *medical.allergies,
        dataclasses.replace(medical.allergies[0], substance="Elastoplast", clinical_status="inactive"),
    )
    medical = dataclasses.replace(medical, conditions=conditions, allergies=allergies)
    plan = dataclasses.replace(rich_plan(), content=dataclasses.replace(content, medical=medical))
    text = " ".join(pages_of(render_person_copy(sample_person(), plan, SAMPLE_PRACTICE), tmp_path))
    assert "Pneumonia" not in text and "Elastoplast" not in text
    assert ALLERGY_LINES[0] in text
