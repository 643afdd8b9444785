"""The demo store's practice: fictional details, so a demo plan prints the numbers a real one would.

The numbers are in Ofcom's range kept for drama (0113 496 0000-0999), so nobody real is ever rung.
Written straight into the demo store when it is made; a practice's own store is set up by its
administrator (Tools → Practice settings).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.practice import PracticeSettings
from careplanner.models import Practice
from careplanner.services import audit

DEMO_PRACTICE = PracticeSettings(
    practice_name="Riverside Surgery (demo)",
    ods_code="B86999",
    in_hours_phone="0113 496 0123",
    out_of_hours_phone="0113 496 0777",
    address="1 Mill Lane, Leeds LS1 1XY",
    crisis_team_phone="0113 496 0555",
)


def ensure_demo_practice(sessions: sessionmaker[Session], now: Callable[[], datetime]) -> bool:
    """Give the demo store its fictional practice when it has none; True when one was written."""
    with sessions.begin() as session:
        if session.scalar(select(Practice.id).limit(1)) is not None:
            return False
        s = DEMO_PRACTICE
        session.add(
            Practice(
                name=s.practice_name,
                ods_code=s.ods_code,
                address=s.address,
                phone_in_hours=s.in_hours_phone,
                phone_out_of_hours=s.out_of_hours_phone,
                phone_crisis_team=s.crisis_team_phone,
            )
        )
        session.flush()
        audit.record(session, audit.Action.SETTINGS_CHANGED, user_id=None, detail="practice demo", now=now)
        return True
