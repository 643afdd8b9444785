"""`server check`'s look at the roles that could reach this practice's data outside its design.

The design (server/roles.py): the database owner; three group roles; and one login role per app account,
each in exactly one group. Anything else that can reach the practice is reported by kind and count (role
names are account names, so they are printed only as the count and, for roles that are not accounts, the
role's own name, which identifies no patient):
  * another role with CREATEROLE: on PostgreSQL 15 it can grant itself this practice's groups and reset its
    accounts' passwords (PostgreSQL 16 limits CREATEROLE to roles it made or was given ADMIN OPTION on, so
    there only roles holding ADMIN OPTION on this practice's roles are reported);
  * a member of a group that is not the login role of an app account (granted by hand);
  * a login role named as this practice's that belongs to no app account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

from careplanner.server import roles
from careplanner.store.errors import StoreError

# PostgreSQL 16 (160000) narrowed CREATEROLE to the roles its holder made or administers.
CREATEROLE_NARROWED = 160000


@dataclass
class RoleFindings:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _account_roles(conn: Connection, database: str) -> set[str]:
    names = [str(r[0]) for r in conn.execute(text("SELECT username FROM app_user"))]
    out: set[str] = set()
    for name in names:
        try:
            out.add(roles.login_role(database, name))
        except StoreError:  # a user name with no login role (empty key): it has no role to find
            continue
    return out


def role_findings(conn: Connection) -> RoleFindings:
    """What `server check` says about roles (run as the database owner or a superuser)."""
    found = RoleFindings()
    database = str(conn.execute(text("SELECT current_database()")).scalar())
    if not roles.DATABASE_NAME.match(database):
        return found
    groups = [roles.group_role(database, g) for g in roles.GROUPS]
    owner = str(
        conn.execute(
            text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
        ).scalar()
    )
    version = int(conn.execute(text("SHOW server_version_num")).scalar() or 0)
    pattern = roles.login_role_pattern(database)
    if version < CREATEROLE_NARROWED:
        reach = conn.execute(
            text(
                "SELECT rolname FROM pg_roles WHERE rolcreaterole AND NOT rolsuper AND rolname <> :owner "
                "ORDER BY rolname"
            ),
            {"owner": owner},
        )
    else:
        reach = conn.execute(
            text(
                "SELECT DISTINCT a.rolname FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member "
                "JOIN pg_roles t ON t.oid = m.roleid WHERE m.admin_option AND NOT a.rolsuper "
                "AND a.rolname <> :owner AND (t.rolname = ANY(:groups) OR t.rolname ~ :pattern) "
                "ORDER BY a.rolname"
            ),
            {"owner": owner, "groups": groups, "pattern": pattern},
        )
    creators = [str(r[0]) for r in reach]
    if creators:
        found.warnings.append(
            f"{len(creators)} other role(s) on this PostgreSQL server can take this practice's groups or "
            f"reset its passwords (CREATEROLE or ADMIN OPTION): {', '.join(creators)}. Keep one practice "
            "per PostgreSQL server on PostgreSQL 15, and give CREATEROLE to no one else "
            "(docs/practice-server.md)."
        )
    if not conn.execute(
        text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:g)"), {"g": groups}
    ).scalar():
        return found  # not set up by `server init`: no accounts are login roles here
    accounts = _account_roles(conn, database)
    members = {
        str(r[0])
        for r in conn.execute(
            text(
                "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY(:groups)"
            ),
            {"groups": groups},
        )
    }
    strangers = sorted(members - accounts - set(groups) - {owner})
    if strangers:
        shown = [s for s in strangers if not s.startswith(database + ".")]
        found.problems.append(
            f"{len(strangers)} role(s) belong to this practice's groups without being an app account's "
            f"sign-in{': ' + ', '.join(shown) if shown else ''}: revoke them (REVOKE group FROM role)."
        )
    logins = {
        str(r[0])
        for r in conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname ~ :p"), {"p": pattern}
        )
    }
    orphans = logins - accounts
    if orphans:
        found.problems.append(
            f"{len(orphans)} sign-in role(s) named as this practice's accounts have no app account: switch "
            "them off (ALTER ROLE … NOLOGIN) or drop them."
        )
    return found
