"""Nurse walk-through of issue 10, item 2: last time's medicine review is not carried as today's.

At a review every carried medicine starts "Not reviewed" with its reason and "What this means for me"
blank, last time's decision stays available to show beside it, and a medicine stopped last time is not
carried at all. The person's copy printed from the review draft then says nothing was changed or
stopped today.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical.enums import MedicineDecision
from careplanner.export.copy_medicines import STOPPED_HEADING
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.services import plan_data as d
from careplanner.services.last_time import medicine_decisions_last_time
from careplanner.services.users import Actor
from tests.conftest import make_person

FUROSEMIDE = d.MedicineData(
    name="Furosemide 40mg tablets",
    dose="1 each morning",
    purpose="to clear extra fluid",
    decision=MedicineDecision.CHANGE,
    decision_reason="Ankles swollen: dose doubled",
    person_note="I now take two tablets each morning.",
)
OXYBUTYNIN = d.MedicineData(
    name="Oxybutynin 5mg tablets",
    decision=MedicineDecision.STOP,
    decision_reason="ACB 3, confusion",
    person_note="It was making me muddled.",
)
PARACETAMOL = d.MedicineData(name="Paracetamol 500mg tablets", decision=MedicineDecision.START)
BISOPROLOL = d.MedicineData(name="Bisoprolol 2.5mg tablets")  # not reviewed last time
LAST_MEDICAL = d.MedicalSection(
    conditions=(d.ConditionData(term="Heart failure", snomed_code="84114007"),),
    medicines=(FUROSEMIDE, OXYBUTYNIN, PARACETAMOL, BISOPROLOL),
)


def _agreed_then_review(ctx: AppContext, actor: Actor) -> tuple[d.PlanVersion, d.PlanVersion]:
    person = ctx.services.people.create(make_person(), actor)
    plans = ctx.services.plans
    draft = plans.start_draft(person.id, actor)
    plans.save_section(draft.id, LAST_MEDICAL, actor)
    agreed = plans.agree(draft.id, actor, review_date=date(2027, 5, 1))
    return agreed, plans.start_draft(person.id, actor)


def test_a_review_starts_each_medicine_not_reviewed_and_leaves_stopped_ones_behind(
    ctx: AppContext, actor: Actor
) -> None:
    agreed, review = _agreed_then_review(ctx, actor)
    carried = review.content.medical.medicines
    assert [m.name for m in carried] == [
        "Furosemide 40mg tablets",
        "Paracetamol 500mg tablets",
        "Bisoprolol 2.5mg tablets",
    ]
    for m in carried:
        assert (m.decision, m.decision_reason, m.person_note) == (MedicineDecision.NOT_REVIEWED, "", "")
    # What the medicine is carries, with its identity, so last time's decision can be shown beside it.
    last = {m.lineage_id: m for m in agreed.content.medical.medicines}
    furosemide = carried[0]
    assert (furosemide.dose, furosemide.purpose) == ("1 each morning", "to clear extra fluid")
    assert last[furosemide.lineage_id].decision is MedicineDecision.CHANGE


def test_last_times_decisions_are_worded_for_the_screen_by_medicine(ctx: AppContext, actor: Actor) -> None:
    agreed, review = _agreed_then_review(ctx, actor)
    decisions = medicine_decisions_last_time(agreed.content.medical)
    by_name = {m.name: decisions.get(m.lineage_id, "") for m in agreed.content.medical.medicines}
    assert by_name["Furosemide 40mg tablets"] == (
        "Change — Ankles swollen: dose doubled "
        '(on the person\'s copy: "I now take two tablets each morning.")'
    )
    assert by_name["Oxybutynin 5mg tablets"].startswith("Stop — ACB 3, confusion")
    assert by_name["Paracetamol 500mg tablets"] == "Start"
    assert by_name["Bisoprolol 2.5mg tablets"] == ""  # nothing was decided: nothing to show
    assert medicine_decisions_last_time(None) == {}
    # The review draft's own medicines find last time's decision through their carried identity.
    assert decisions[review.content.medical.medicines[0].lineage_id].startswith("Change")


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(out.split())


def test_the_copy_of_a_review_draft_prints_no_change_or_stop_made_today(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    agreed, review = _agreed_then_review(ctx, actor)
    last_copy = _text(render_person_copy(sample_person(), agreed, SAMPLE_PRACTICE), tmp_path)
    assert "CHANGED" in last_copy and STOPPED_HEADING in last_copy  # last time's copy said so, rightly
    today = _text(render_person_copy(sample_person(), review, SAMPLE_PRACTICE), tmp_path)
    assert "Furosemide 40mg tablets" in today
    assert "CHANGED" not in today and "NEW —" not in today
    assert "I now take two tablets each morning." not in today
    assert STOPPED_HEADING not in today and "Oxybutynin" not in today
