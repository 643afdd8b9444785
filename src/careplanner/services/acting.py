"""Is the account acting still allowed to act? Checked inside every write's own transaction.

An `Actor` is decided at sign-in, but an administrator may switch the account off while its session is
open (on this workstation or another). Every service write records an audit entry in the same
transaction as the change (`audit.record`), so that is where the check lives: one primary-key read,
and a refusal rolls the whole change back, so nothing the switched-off account typed is written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from careplanner.models import User
from careplanner.services.errors import AccountInactiveError


def require_active(session: Session, user_id: str) -> None:
    """Raise AccountInactiveError unless `user_id` is an active account in this store."""
    active = session.scalar(select(User.active).where(User.id == user_id))
    if active is not True:
        raise AccountInactiveError(user_id)
