"""On the practice server an agreed version from elsewhere comes in only through the import's path (issue 13,
migration 0018): imported now, by the person signed in, with its provenance and no account here named as
agreeing it. The import itself works as a clinician's own login role; raw SQL that tries the same shape in
another's name, at another time, naming a local account as agreeing it, or with no provenance, is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from psycopg import errors

from careplanner.clinical.enums import UserRole
from careplanner.config import resolve_paths
from careplanner.export.fhir_export import build_bundle
from careplanner.export.sample_hard import HARD_CASES
from careplanner.services.fhir_import import FhirImportService
from tests import server_support
from tests.server.test_access_forgery import new_draft, refused, user_id
from tests.server_provisioned import ProvisionedDatabase

NURSE = "nia"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def db() -> Iterator[ProvisionedDatabase]:
    made: ProvisionedDatabase = server_support.provisioned_database(
        accounts=[(NURSE, "Nia Nurse-Synthetic", UserRole.NURSE)]
    )
    yield made
    made.server.drop_database(made.database)


def test_a_clinician_imports_an_agreed_plan_on_the_server(db: ProvisionedDatabase, tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    ctx, nurse = db.open_as(NURSE, resolve_paths(tmp_path / "ws"))
    try:
        result = FhirImportService(ctx.store.sessions).import_bundle(
            build_bundle(person, plan, practice, pdf=None, now=NOW), nurse
        )
        got = ctx.services.plans.get(result.plan_id)
        assert result.stored_as_agreed and got.provenance is not None and got.agreed_by_name == ""
        assert plan.agreed_at is not None and got.agreed_at is not None
        assert got.agreed_at.date() == plan.agreed_at.date()  # the sender's date, on the server too
    finally:
        ctx.close()


_AS_IMPORTED = (
    "UPDATE care_plan SET status = 'agreed', version_number = 90, agreed_at = %(agreed)s, "
    "agreed_by_id = %(by)s, origin_identifier = %(ident)s, imported_by_id = %(importer)s, "
    "imported_at = %(at)s WHERE id = %(id)s"
)


def test_an_imported_agreement_is_refused_in_anothers_name_at_another_time_or_named_as_ours(
    db: ProvisionedDatabase, tmp_path: Path
) -> None:
    draft = new_draft(db, tmp_path)
    now = datetime.now(UTC).replace(tzinfo=None)
    long_ago = now - timedelta(days=400)
    with db.connect(NURSE) as conn:
        me, admin = user_id(conn, NURSE), user_id(conn, "ada")
        good = {"agreed": long_ago, "by": None, "ident": "urn:uuid:x", "importer": me, "at": now, "id": draft}
        for change in (
            {"importer": admin},  # imported in another's name
            {"at": long_ago},  # imported at another time
            {"by": me},  # agreed there, yet named as agreed by an account here
            {"ident": ""},  # marked imported with no provenance
        ):
            assert refused(conn, _AS_IMPORTED, {**good, **change}) is errors.RaiseException, change
        # A plain agreement backdated is still refused (no provenance, so not the import's path).
        plain = "UPDATE care_plan SET status = 'agreed', agreed_at = %s, agreed_by_id = %s WHERE id = %s"
        assert refused(conn, plain, (long_ago, me, draft)) is errors.RaiseException
        # The import's own shape: accepted.
        assert refused(conn, _AS_IMPORTED, good) is None
