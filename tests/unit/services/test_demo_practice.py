"""The demo store carries a fictional practice, so templates and the person's copy have real-looking numbers
(including the local crisis team) and no demo contact is left without one."""

from __future__ import annotations

from careplanner.app import open_demo
from careplanner.services.demo_practice import DEMO_PRACTICE


def test_the_demo_store_has_its_practice_and_the_audit_still_verifies() -> None:
    ctx = open_demo(seed_people=2)
    try:
        practice = ctx.services.practice.get()
        assert practice == DEMO_PRACTICE
        assert practice.crisis_team_phone.startswith("0113 496 0")  # Ofcom's drama range
        assert ctx.services.audit.verify().ok
    finally:
        ctx.close()
