"""The practice server knows whom each connection speaks for, and holds every account to it.

`server_login` maps a login role to its account (app_user id). It exists on both back ends so their
schemas stay the same; only the practice server fills it, through the owner's `careplanner_save_login`
(no account may write it directly: server/roles.py). Existing accounts of a server set up before are
mapped here from their user names, exactly as their login roles were named; a login role of this database
with no account behind it loses its group.

The server's guard triggers are then made again (store/guards.py), now also refusing: an audit entry in
another account's name, at another time, or not following the newest entry; agreeing or declining a draft
in another's name or at another time; a content change racing an agreement (the version's row is read
FOR SHARE); and the newest-entry mark moved to anything but an entry in the trail.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 19:30:00.000000
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from careplanner.store import guards

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_login",
        sa.Column("login_role", sa.String(length=63), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name="fk_server_login_user_id_app_user"),
        sa.PrimaryKeyConstraint("login_role", name="pk_server_login"),
        sa.UniqueConstraint("user_id", name="uq_server_login_user_id"),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _map_existing_accounts(bind)
    guards.create_all(op.execute, "postgresql")


def _map_existing_accounts(bind: sa.engine.Connection) -> None:
    from careplanner.server import roles
    from careplanner.store.errors import StoreError

    database = str(bind.execute(sa.text("SELECT current_database()")).scalar())
    if not roles.DATABASE_NAME.match(database):
        return
    groups = [roles.group_role(database, g) for g in roles.GROUPS]
    memberships = bind.execute(
        sa.text(
            "SELECT r.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = ANY(:groups)"
        ),
        {"groups": groups},
    ).all()
    members = {str(r[0]) for r in memberships}
    mapped: set[str] = set()
    for user_id, username in bind.execute(sa.text("SELECT id, username FROM app_user")).all():
        try:
            role = roles.login_role(database, str(username))
        except StoreError:
            continue
        if role in members:
            bind.execute(
                sa.text("INSERT INTO server_login (login_role, user_id) VALUES (:r, :u)"),
                {"r": role, "u": str(user_id)},
            )
            mapped.add(role)
    # A login role of this database with no account behind it (made outside the app) loses its group:
    # it could read every record without a trace, as no audit entry can name it.
    pattern = re.compile(roles.login_role_pattern(database))
    for member, group in memberships:
        if pattern.match(str(member)) and str(member) not in mapped:
            bind.execute(
                sa.text(f"REVOKE {roles.quote_ident(str(group))} FROM {roles.quote_ident(str(member))}")
            )


def downgrade() -> None:
    op.drop_table("server_login")
