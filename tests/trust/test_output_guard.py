"""No output path may overwrite the live store, its key file, or anything else in its data folder.

The attacks (from the reliability report): `backup`, `export --pdf` and `audit export --csv` pointed at
`careplanner.db` or `careplanner.store.json` replaced the store, or destroyed a passphrase store's salt so it
could never be opened again. Each is now refused with exit 7 and every file in the folder is unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from careplanner.app import AppContext, open_context
from careplanner.cli import run
from careplanner.config import Paths
from careplanner.services.output_guard import (
    ProtectedPathError,
    check_output_folder,
    check_output_path,
)
from careplanner.services.users import Actor
from tests.cli_signin import ADMIN, CLINICIAN, add_accounts, signed_in
from tests.conftest import TEST_PASSPHRASE
from tests.trust.helpers import fingerprint, person_with_agreed_plan

NHS = "943 476 5919"


@pytest.fixture
def store(ctx: AppContext, actor: Actor, paths: Paths, tmp_path: Path) -> Paths:
    person_with_agreed_plan(ctx, actor, "Walking to the shops", nhs_number=NHS)
    ctx.close()
    add_accounts(paths)
    return paths


def _cli(paths: Paths, tmp_path: Path, *argv: str) -> int:
    user = ADMIN if argv[0] == "audit" else CLINICIAN
    return run(signed_in(paths, tmp_path, *argv, user=user))


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("careplanner.db", ("backup", "{target}", "--backup-passphrase-file", "{bp}")),
        ("careplanner.store.json", ("backup", "{target}", "--backup-passphrase-file", "{bp}")),
        ("careplanner.db", ("export", "--nhs-number", NHS, "--pdf", "{target}")),
        ("careplanner.store.json", ("export", "--nhs-number", NHS, "--fhir", "{target}")),
        ("careplanner.db", ("audit", "export", "--csv", "{target}")),
        ("careplanner.store.json", ("report", "--out", "{target}")),
        ("new-file-in-the-data-folder.pdf", ("export", "--nhs-number", NHS, "--letter", "{target}")),
    ],
)
def test_outputs_over_the_store_or_into_its_folder_are_refused(
    store: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, argv: tuple[str, ...]
) -> None:
    bp = tmp_path / "backup-pass"
    bp.write_text("a backup passphrase for the test")
    before = fingerprint(store.data_dir)
    target = store.data_dir / name
    code = _cli(store, tmp_path, *(a.format(target=target, bp=bp) for a in argv))
    err = capsys.readouterr().err
    assert code == 7
    assert "data folder" in err and "Traceback" not in err
    after = fingerprint(store.data_dir)
    assert after == before
    # The store still opens with its key: nothing was destroyed.
    open_context(store, passphrase=TEST_PASSPHRASE, create=False).close()


def test_a_hard_link_to_the_store_elsewhere_is_refused_too(
    store: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = elsewhere / "innocent-looking.pdf"
    os.link(store.store_file, link)
    before = fingerprint(store.data_dir)
    assert _cli(store, tmp_path, "export", "--nhs-number", NHS, "--pdf", str(link)) == 7
    assert fingerprint(store.data_dir) == before
    symlink = elsewhere / "key.json"
    symlink.symlink_to(store.store_info_file)
    with pytest.raises(ProtectedPathError):
        check_output_path(symlink, store)


def test_outputs_elsewhere_and_in_the_backups_folder_are_allowed(store: Paths, tmp_path: Path) -> None:
    assert check_output_path(tmp_path / "copy.pdf", store) == (tmp_path / "copy.pdf").resolve()
    assert check_output_path(store.backup_dir / "manual.cpbackup", store).name == "manual.cpbackup"
    assert check_output_folder(store.backup_dir, store) == store.backup_dir.resolve()
    with pytest.raises(ProtectedPathError):
        check_output_folder(store.data_dir, store)
    with pytest.raises(ProtectedPathError):
        check_output_path(store.log_dir / "careplanner.log", store)
    assert _cli(store, tmp_path, "export", "--nhs-number", NHS, "--pdf", str(tmp_path / "copy.pdf")) == 0
    assert (tmp_path / "copy.pdf").read_bytes().startswith(b"%PDF")


def test_scheduled_backup_into_the_data_folder_is_refused(store: Paths, tmp_path: Path) -> None:
    bp = tmp_path / "backup-pass"
    bp.write_text("a backup passphrase for the test")
    before = fingerprint(store.data_dir)
    code = _cli(
        store, tmp_path, "backup", "--scheduled", str(store.data_dir), "--backup-passphrase-file", str(bp)
    )
    assert code == 7
    assert fingerprint(store.data_dir) == before


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_apps_audit_export_refuses_the_store_file(store: Paths, qtbot: object, tmp_path: Path) -> None:
    from careplanner.ui.main import application
    from careplanner.ui.trust.audit_viewer import AuditViewer

    application()
    ctx = open_context(store, passphrase=TEST_PASSPHRASE, create=False)
    try:
        admin = ctx.services.users.by_username(ADMIN)
        assert admin is not None
        viewer = AuditViewer(ctx.services, admin)
        before = fingerprint(store.data_dir)
        viewer.export_to(store.store_file)
        assert "data folder" in viewer.status.text()
        assert fingerprint(store.data_dir) == before
        viewer.export_to(tmp_path / "audit.csv")
        assert (tmp_path / "audit.csv").read_text(encoding="utf-8").startswith("seq")
        viewer.close()
    finally:
        ctx.close()


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_apps_save_dialog_refuses_the_store_file_before_making_the_document(
    store: Paths, qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

    from careplanner.ui.main import application
    from careplanner.ui.printing import DocumentActions
    from careplanner.ui.session import UserSession

    application()
    ctx = open_context(store, passphrase=TEST_PASSPHRASE, create=False)
    try:
        nurse = ctx.services.users.by_username(CLINICIAN)
        assert nurse is not None
        person = ctx.services.people.by_nhs_number(NHS)
        window = QWidget()
        actions = DocumentActions(window, ctx.services, UserSession(nurse), lambda: person.id)
        actions.build()
        warnings: list[str] = []
        # The modal message box is the one seam: it would wait for a click that no test can give.
        monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
        for chosen in (store.store_file, store.store_info_file):
            before = fingerprint(store.data_dir)
            monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, c=chosen, **k: (str(c), "PDF"))
            actions.actions["pdf"].trigger()
            assert warnings and "data folder" in warnings[-1]
            assert fingerprint(store.data_dir) == before
        assert ctx.services.audit.entries(person_id=person.id, action="printed") == []
        window.close()
    finally:
        ctx.close()


def test_devices_fifos_and_missing_folders_are_refused_before_anything_is_written(
    store: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Renaming the document over /dev/full or a FIFO would replace the device with a file."""
    fifo = tmp_path / "a-pipe.pdf"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/null")):
        assert _cli(store, tmp_path, "export", "--nhs-number", NHS, "--pdf", str(target)) != 0
        assert "not an ordinary file" in capsys.readouterr().err
    assert fifo.is_fifo() and Path("/dev/null").is_char_device()
    missing = tmp_path / "no-such-folder" / "copy.pdf"
    assert _cli(store, tmp_path, "export", "--nhs-number", NHS, "--pdf", str(missing)) != 0
    err = capsys.readouterr().err
    assert "does not exist" in err and ".partial" not in err
    assert not missing.parent.exists()
