"""Hard cases for the layout of the person's copy and the emergency card: three contingency plans,
fourteen medicines, a 60-character name, no practice settings, no contingency plan, a declined plan and a
draft. The layout tests print each in standard and large print; `HARD_CASES` names them. Synthetic only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

from careplanner.clinical.enums import MedicineDecision, PlanStatus
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import rich_content, rich_plan
from careplanner.services import plan_data as d
from careplanner.services.people import PersonRecord

# 60 characters, hyphenated and accented, as a family name can be.
LONG_FIRST = "Bernadette-Aoibheann"
LONG_FAMILY = "Ó Súilleabháin-Featherstonehaugh-Nguyễn"
assert len(f"{LONG_FIRST} {LONG_FAMILY}") == 60

# (name, dose, route, purpose): inhalers are inhaled, never "by mouth".
EXTRA_MEDICINES = (
    ("Atorvastatin 20mg tablets", "1 tablet at night", "by mouth", "to lower my cholesterol"),
    ("Aspirin 75mg dispersible tablets", "1 tablet once a day", "by mouth", "to thin my blood"),
    ("Omeprazole 20mg capsules", "1 capsule in the morning", "by mouth", "to protect my stomach"),
    ("Fostair 100/6 inhaler", "2 puffs twice a day", "inhaled", "to keep my airways open"),
    ("Tiotropium 18micrograms inhaler", "1 puff once a day", "inhaled", "to keep my airways open"),
    ("Sertraline 50mg tablets", "1 tablet once a day", "by mouth", "to help my mood"),
)


def fourteen_medicines() -> tuple[d.MedicineData, ...]:
    meds = rich_content().medical.medicines
    extra = tuple(
        d.MedicineData(name, dose, route, purpose, MedicineDecision.CONTINUE)
        for name, dose, route, purpose in EXTRA_MEDICINES
    )
    out = meds + extra
    assert len(out) == 14
    return out


def _with(content: d.PlanContent, **sections: object) -> d.PlanContent:
    return dataclasses.replace(content, **sections)  # type: ignore[arg-type]


Case = tuple[PersonRecord, d.PlanVersion, PracticeSettings | None]


def three_plans() -> Case:
    return sample_person(), rich_plan(), SAMPLE_PRACTICE


def many_medicines() -> Case:
    content = rich_content()
    medical = dataclasses.replace(content.medical, medicines=fourteen_medicines())
    return sample_person(), rich_plan_with(_with(content, medical=medical)), SAMPLE_PRACTICE


def long_name() -> Case:
    return sample_person(first_name=LONG_FIRST, family_name=LONG_FAMILY), rich_plan(), SAMPLE_PRACTICE


def no_practice() -> Case:
    return sample_person(), rich_plan(), None


def no_contingency() -> Case:
    content = rich_content()
    quiet = _with(content, contingency=d.ContingencySection(()))
    return sample_person(), rich_plan_with(quiet), SAMPLE_PRACTICE


def declined() -> Case:
    plan = dataclasses.replace(
        rich_plan_with(d.PlanContent()),
        status=PlanStatus.DECLINED,
        version_number=None,
        replaces_id=None,
        declined_reason="Does not want paperwork at home",
        agreed_at=datetime(2026, 11, 22, 11, 0, tzinfo=UTC),
    )
    return sample_person(), plan, SAMPLE_PRACTICE


def draft() -> Case:
    return sample_person(), rich_plan(draft=True), SAMPLE_PRACTICE


def rich_plan_with(content: d.PlanContent) -> d.PlanVersion:
    return dataclasses.replace(rich_plan(), content=content)


HARD_CASES: dict[str, Callable[[], Case]] = {
    "three-plans": three_plans,
    "fourteen-medicines": many_medicines,
    "long-name": long_name,
    "no-practice": no_practice,
    "no-contingency": no_contingency,
    "declined": declined,
    "draft": draft,
}
