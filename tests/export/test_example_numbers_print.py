"""The shipped directory's numbers are examples: a plan that refers the person to a shipped service
never prints its number as if it could be rung; the copy says plainly to ask the practice. A real
number typed by the practice prints as usual."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from careplanner.app import AppContext
from careplanner.clinical.directory import Service
from careplanner.clinical.enums import ServiceCategory
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person, sample_plan
from careplanner.services.users import Actor
from tests.export.conftest import pdf_text


def test_a_shipped_entry_prints_without_its_example_number(
    ctx: AppContext, actor: Actor, tmp_path: Path
) -> None:
    directory = ctx.services.directory
    shipped = next(e for e in directory.search_services("lonely") if e.name.startswith("Befriending"))
    real = directory.save_service(
        Service("Riverside lunch club", ServiceCategory.VOLUNTARY_SECTOR, phone="0113 000 3144"), actor
    )
    content = sample_content()
    goals = dataclasses.replace(
        content.goals, referrals=(directory.referral_from(shipped), directory.referral_from(real))
    )
    plan = sample_plan(content=dataclasses.replace(content, goals=goals))
    text = pdf_text(render_person_copy(sample_person(), plan, SAMPLE_PRACTICE, large_print=False), tmp_path)
    assert (
        "I was referred to Befriending service (volunteer). Contact: not written down — ask my GP practice"
        in (text)
    )
    assert "01632 960006" not in text and "01632960006" not in text
    assert "Example" not in text
    assert "Riverside lunch club. Contact: 0113 000 3144" in text
