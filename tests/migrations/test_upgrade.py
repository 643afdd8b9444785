"""A store made with the first schema opens in this release with nothing lost, after a copy is taken."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from careplanner.config import Paths
from careplanner.store.engine import make_engine, open_store
from careplanner.store.migrate import current_revision, head_revision, upgrade


def test_first_schema_store_is_upgraded_with_a_copy(paths: Paths) -> None:
    paths.ensure()
    key = secrets.token_bytes(32)
    engine = make_engine(paths.store_file, key)
    with engine.begin() as conn:
        upgrade(conn, "0001")
    now = datetime(2025, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO person (id, first_name, family_name, title, preferred_name, name_suffix, aliases, "
            "date_of_birth, sex, gender, ethnicity, religion, marital_status, place_of_birth, other_identifier, "
            "other_contact_information, interpreter_language, communication_other, gp_name, gp_practice_name, "
            "gp_practice_ods_code, palliative_register, search_name, has_draft, declined_written_plan, "
            "created_at, updated_at, row_version) VALUES ('p1', 'Old', 'Schema', '', '', '', '', ?, 'female', "
            "'', '', '', '', '', '', '', '', '', '', '', '', 0, 'old schema', 0, 0, ?, ?, 1)",
            (date(1950, 1, 1), now, now),
        )
    engine.dispose()

    store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    try:
        assert store.schema_revision() == head_revision() != "0001"
        assert store.upgraded_from_copy is not None
        assert store.counts()["people"] == 1
        assert store.integrity_check() == []
    finally:
        store.close()
    copies = list(paths.backup_dir.glob("before-upgrade-0001-*.db"))
    assert len(copies) == 1
    copy_engine = make_engine(copies[0], key)
    with copy_engine.connect() as conn:
        assert current_revision(conn) == "0001"
    copy_engine.dispose()
