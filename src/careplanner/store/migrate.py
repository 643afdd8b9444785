"""Schema migrations with Alembic, run on open. An older store is copied aside before it is upgraded."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from careplanner.store.errors import NewerStoreError

log = logging.getLogger("careplanner.store.migrate")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(connection: Connection, target: str = "head") -> None:
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
