"""Schema migrations with Alembic, run on open. An older store is copied aside before it is upgraded.

Alembic itself is imported only when a store needs creating or upgrading: on the everyday path (the store
is already current) the revision check is one SELECT and a look at the revision files' headers, which keeps
a third of a second off start-up.
"""

from __future__ import annotations

import logging
import re
import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from careplanner.store.errors import NewerStoreError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("careplanner.store.migrate")

VERSIONS = Path(__file__).with_name("migrations") / "versions"
_HEADER = re.compile(r'^(revision|down_revision)\s*=\s*["\']?([\w.-]+|None)["\']?\s*$', re.MULTILINE)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return cfg


@cache
def _revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the headers of the revision files (one straight line)."""
    graph: dict[str, str | None] = {}
    for path in sorted(VERSIONS.glob("[0-9]*.py")):
        fields = dict(_HEADER.findall(path.read_text(encoding="utf-8")))
        down = fields.get("down_revision")
        graph[fields["revision"]] = None if down in (None, "None") else down
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - {down for down in graph.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must form one line; heads: {sorted(heads)}")
    return heads.pop()


def current_revision(connection: Connection) -> str | None:
    # On PostgreSQL a query of a missing table aborts the transaction: ask first.
    if (
        connection.dialect.name == "postgresql"
        and connection.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar() is None
    ):
        return None
    try:
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except sa_exc.OperationalError:
        return None  # a new, empty store: no version table yet


def known_revisions() -> set[str]:
    return set(_revision_graph())


def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, target)


def check_and_upgrade(engine: Engine, store_file: Path, *, backup_dir: Path) -> str | None:
    """Bring the store to the newest schema; returns the path of the pre-upgrade copy, if one was made.

    A store whose revision we do not know was made by a newer release: refuse before writing anything.
    """
    with engine.connect() as conn:
        current = current_revision(conn)
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in known_revisions():
        raise NewerStoreError()
    copy_path: Path | None = None
    if current is not None:
        # Checkpoint so the main file holds everything, then copy it (still encrypted) before touching it.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        copy_path = backup_dir / f"before-upgrade-{current}-{stamp}.db"
        shutil.copy2(store_file, copy_path)
        log.info("Copied the store before upgrading from revision %s", current)
    with engine.begin() as conn:
        upgrade(conn)
    log.info("Store schema now at revision %s", head)
    return str(copy_path) if copy_path else None
