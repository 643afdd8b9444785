"""Whether a store is the demo store comes from inside the encrypted file, never from careplanner.store.json.

The attack: anyone who can write the data folder sets `"demo": true` in the unauthenticated key information
file; before the fix that switched off sign-in, roles and the lock and labelled real records as synthetic.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from careplanner.app import DEMO_PASSPHRASE, AppContext, open_context, open_demo
from careplanner.config import Paths, demo_paths
from tests.conftest import TEST_PASSPHRASE


def _set_json_demo(paths: Paths, value: bool) -> None:
    info = json.loads(paths.store_info_file.read_text(encoding="utf-8"))
    info["demo"] = value
    paths.store_info_file.write_text(json.dumps(info), encoding="utf-8")


def _real_store_flagged(paths: Paths, passphrase: bytes) -> AppContext:
    open_context(paths, passphrase=passphrase).close()
    _set_json_demo(paths, True)
    return open_context(paths, passphrase=passphrase, create=False)


def test_json_demo_flag_on_a_real_store_changes_nothing(paths: Paths) -> None:
    ctx = _real_store_flagged(paths, TEST_PASSPHRASE)
    try:
        assert ctx.demo is False
        assert ctx.services.demo is False
        assert ctx.store.demo_marked() is False
    finally:
        ctx.close()


def test_a_real_store_with_the_public_demo_passphrase_is_still_not_the_demo(paths: Paths) -> None:
    # The demo's key alone is not enough: the mark is written only when the demo store is made.
    ctx = _real_store_flagged(paths, DEMO_PASSPHRASE)
    try:
        assert ctx.demo is False
    finally:
        ctx.close()


def test_the_demo_store_is_marked_inside_the_encrypted_file() -> None:
    ctx = open_demo(seed_people=2)
    try:
        assert ctx.demo is True
        assert ctx.store.demo_marked() is True
    finally:
        ctx.close()
    # Clearing the JSON flag does not make the demo a real store either (the flag is simply not read).
    _set_json_demo(demo_paths(), False)
    again = open_demo(seed_people=2)
    try:
        assert again.demo is True
    finally:
        again.close()


@pytest.fixture
def hook_restored() -> Iterator[None]:
    previous = sys.excepthook
    yield
    sys.excepthook = previous


@pytest.mark.gui
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_flagged_real_store_still_asks_for_sign_in_and_has_no_demo_label(
    paths: Paths, qtbot: object, hook_restored: None, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QLabel

    from careplanner.ui.main import application, build_window
    from careplanner.ui.trust import Trust

    ctx = _real_store_flagged(paths, TEST_PASSPHRASE)
    try:
        application()
        QSettings().clear()
        window, _session = build_window(ctx)
        try:
            assert isinstance(getattr(window, "trust", None), Trust)  # the sign-in layer is installed
            assert "DEMO" not in window.windowTitle()
            assert window.findChild(QLabel, "demoBanner") is None
        finally:
            window.close()
            window.deleteLater()
    finally:
        ctx.close()
