"""Bad input that gave a Python traceback (issue 17, item 10): now one plain line and its own exit code.

The field report's cases: a damaged field in `careplanner.store.json` (salt not base64, scrypt settings
out of range or of the wrong type), an import holding a 100,000-digit number, and `audit verify` (and
`check`) on a store holding an entry the driver cannot read. Every file in the data folder is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlcipher3

from careplanner.app import AppContext
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.store import keys
from tests.cli_signin import signed_in
from tests.conftest import TEST_PASSPHRASE
from tests.trust.helpers import fingerprint


def _store_args(paths: Paths, tmp_path: Path, *argv: str) -> list[str]:
    pf = tmp_path / "store-pass"
    pf.write_bytes(TEST_PASSPHRASE)
    return ["--data-dir", str(paths.data_dir), "--passphrase-file", str(pf), *argv]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("salt", "not base64 at all!"),
        ("scrypt_n", 2**40),
        ("scrypt_n", 3),
        ("scrypt_r", 0),
        ("scrypt_p", 10**6),
        ("scrypt_n", "32768"),
        ("key_check", 12345),
    ],
)
def test_a_damaged_key_information_field_is_one_plain_line(
    ctx: AppContext,
    paths: Paths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    value: object,
) -> None:
    ctx.close()
    raw = json.loads(paths.store_info_file.read_text(encoding="utf-8"))
    raw[field] = value
    paths.store_info_file.write_text(json.dumps(raw), encoding="utf-8")
    before = fingerprint(paths.data_dir)
    assert run(_store_args(paths, tmp_path, "check")) == 23
    err = capsys.readouterr().err
    assert err.startswith("careplanner: The store's key information file") and err.count("\n") == 1
    assert "Traceback" not in err
    assert fingerprint(paths.data_dir) == before


def test_an_import_holding_a_number_of_100000_digits_is_refused_plainly(
    ctx: AppContext, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx.close()
    bundle = tmp_path / "huge-number.json"
    bundle.write_text('{"resourceType": "Bundle", "type": "collection", "total": ' + "9" * 100_000 + "}")
    argv = signed_in(paths, tmp_path, "import", str(bundle))
    before = fingerprint(paths.data_dir)
    code = run(argv)
    err = capsys.readouterr().err
    assert code not in (0, 1, 70), err
    assert "holds a number far too long to be read" in err and "Traceback" not in err
    assert fingerprint(paths.data_dir) == before


def _damage_an_audit_entry(paths: Paths) -> None:
    """With the key (as an insider could), add an audit row whose time is not a time."""
    key = keys.unlock(keys.read_info(paths.store_info_file), TEST_PASSPHRASE)
    conn = sqlcipher3.connect(str(paths.store_file), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(
            "INSERT INTO audit_event (id, at, user_id, action, detail, prev_hash, hash) "
            "VALUES ('00000000-0000-4000-8000-000000000000', 12345, NULL, 'sign_in', '', 'x', 'y')"
        )
    finally:
        conn.close()


@pytest.mark.parametrize("command", [("audit", "verify"), ("check",)])
def test_verifying_a_damaged_audit_trail_reports_it_without_a_traceback(
    ctx: AppContext,
    paths: Paths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
) -> None:
    ctx.services.users.ensure_first_clinician()
    ctx.close()
    _damage_an_audit_entry(paths)
    assert run(_store_args(paths, tmp_path, *command)) == 1
    out = capsys.readouterr().out
    assert "an audit entry cannot be read: the store is damaged" in out
