"""The practice's own details (name, ODS code, phone numbers), read by plans and printouts.

Every printed plan tells the person who to ring, so settings are validated field by field before
they are saved (a wrong number here would be printed on every plan), and each change is audited.
The store holds one practice row; before it is filled in, `get()` returns None and callers show
"not set up yet" rather than printing an empty number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from careplanner.clinical.practice import PracticeSettings, normalise_ods_code
from careplanner.models import Practice
from careplanner.services import audit
from careplanner.services.auth import Permission, can
from careplanner.services.errors import NotAllowedError, ValidationError
from careplanner.services.users import Actor

__all__ = ["PracticeService"]


def _settings_of(row: Practice) -> PracticeSettings:
    return PracticeSettings(
        practice_name=row.name,
        ods_code=row.ods_code,
        in_hours_phone=row.phone_in_hours,
        out_of_hours_phone=row.phone_out_of_hours,
        address=row.address,
        nhs_111=row.phone_nhs_111,
        emergency=row.phone_emergency,
        crisis_team_phone=row.phone_crisis_team,
    )


class PracticeService:
    """Get and update the practice settings. Only administrators may change them: the numbers are printed
    on every plan, so a change is a practice decision, not one clinician's (see docs/security.md)."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = sessions
        self._now = now

    @staticmethod
    def _row(session: Session) -> Practice | None:
        return session.scalar(select(Practice).order_by(Practice.created_at).limit(1))

    def get(self) -> PracticeSettings | None:
        """The saved settings, or None when the practice has not been set up yet."""
        with self._sessions() as session:
            row = self._row(session)
            return None if row is None else _settings_of(row)

    def update(self, settings: PracticeSettings, actor: Actor) -> PracticeSettings:
        """Validate and save. Raises ValidationError (field -> plain message) and saves nothing
        when any field is wrong."""
        if not can(actor, Permission.PRACTICE_SETTINGS):
            raise NotAllowedError("Only an administrator can change the practice details and phone numbers.")
        cleaned = PracticeSettings(
            practice_name=settings.practice_name.strip(),
            ods_code=normalise_ods_code(settings.ods_code),
            in_hours_phone=settings.in_hours_phone.strip(),
            out_of_hours_phone=settings.out_of_hours_phone.strip(),
            address=settings.address.strip(),
            nhs_111=settings.nhs_111.strip(),
            emergency=settings.emergency.strip(),
            crisis_team_phone=settings.crisis_team_phone.strip(),
        )
        problems = cleaned.validate()
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            row = self._row(session)
            if row is None:
                row = Practice()
                session.add(row)
            row.name = cleaned.practice_name
            row.ods_code = cleaned.ods_code
            row.address = cleaned.address
            row.phone_in_hours = cleaned.in_hours_phone
            row.phone_out_of_hours = cleaned.out_of_hours_phone
            row.phone_nhs_111 = cleaned.nhs_111
            row.phone_emergency = cleaned.emergency
            row.phone_crisis_team = cleaned.crisis_team_phone
            session.flush()
            audit.record(
                session, audit.Action.SETTINGS_CHANGED, user_id=actor.id, detail="practice", now=self._now
            )
            return _settings_of(row)
