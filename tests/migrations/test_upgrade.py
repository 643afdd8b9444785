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
        columns = {
            "id": "p1",
            "first_name": "Old",
            "family_name": "Schema",
            "date_of_birth": date(1950, 1, 1),
            "sex": "female",
            "palliative_register": 0,
            "search_name": "old schema",
            "has_draft": 0,
            "declined_written_plan": 0,
            "created_at": now,
            "updated_at": now,
            "row_version": 1,
        }
        for text_column in (
            "title",
            "preferred_name",
            "name_suffix",
            "aliases",
            "gender",
            "ethnicity",
            "religion",
            "marital_status",
            "place_of_birth",
            "other_identifier",
            "other_contact_information",
            "interpreter_language",
            "communication_other",
            "gp_name",
            "gp_practice_name",
            "gp_practice_ods_code",
        ):
            columns[text_column] = ""
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f"INSERT INTO person ({names}) VALUES ({marks})", tuple(columns.values()))
    engine.dispose()

    store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    try:
        assert store.schema_revision() == head_revision() != "0001"
        assert store.upgraded_from_copy is not None
        assert store.counts()["people"] == 1
        from careplanner.services.container import Services

        found = Services(store.sessions).people.search("schem")
        assert [p.first_name for p in found] == ["Old"]  # search tokens were backfilled
        assert store.integrity_check() == []
    finally:
        store.close()
    copies = list(paths.backup_dir.glob("before-upgrade-0001-*.db"))
    assert len(copies) == 1
    copy_engine = make_engine(copies[0], key)
    with copy_engine.connect() as conn:
        assert current_revision(conn) == "0001"
    copy_engine.dispose()


def test_quick_revision_check_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from careplanner.store.migrate import alembic_config, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
