"""`careplanner server set-password`: the database owner gives an account a password on this server.

For when no administrator can sign in to do it in the app: after a restore onto a new server (the backup
holds the accounts, not their login roles), the owner sets an administrator's password first; that
administrator then sets everyone else's (Users, Set password). It goes through the same owner's function
as the app (`careplanner_save_login`, server/accounts.py), which makes the login role when it is missing,
and it is recorded in the audit trail.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from careplanner.server.connection import ServerAddress
from careplanner.server.ops import ServerOpsError, owner_engine, practice_revision

log = logging.getLogger("careplanner.server.owner_password")


def set_password_as_owner(address: ServerAddress, password: str | None, username: str, new: str) -> None:
    """Make or reset `username`'s login role with the password `new`, as the database owner."""
    from careplanner.server.accounts import save_login
    from careplanner.services.audit import Action, record
    from careplanner.services.users import user_named

    engine = owner_engine(address, password)
    try:
        with sessionmaker(engine)() as session, session.begin():
            if practice_revision(session.connection()) is None:
                raise ServerOpsError(
                    "This database has no Care Planner yet: set it up with `careplanner server init`."
                )
            user = user_named(session, username)
            if user is None:
                raise ServerOpsError(f"There is no account {username} in this practice database.")
            if not user.active:
                raise ServerOpsError(
                    f"The account {username} is switched off: an administrator switches it on in the app."
                )
            try:
                save_login(session, user.username, user.role, password=new, active=True)
            except DBAPIError as exc:
                raise ServerOpsError(
                    "The password was not set: run this as the practice's database owner (in --url). "
                    "Nothing was changed."
                ) from exc
            record(
                session,
                Action.USER_CHANGED,
                user_id=None,
                detail=f"user={user.id} password (server set-password, by the database owner)",
                check_actor=False,
            )
    finally:
        engine.dispose()
    log.info("An account's server password was set by the database owner")
