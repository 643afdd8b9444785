"""The Qt binding must not leak references to None: on Python 3.11 that aborts a long session."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject
app = QCoreApplication([])
holder = QObject()
before = sys.getrefcount(None)
for _ in range(2000):
    holder.setObjectName("probe")
    app.processEvents()
print(sys.getrefcount(None) - before)
"""


def test_void_qt_calls_keep_none_alive() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-500:]
    # A binding that drops one reference per call loses thousands here; a sound one loses none.
    assert abs(int(result.stdout.strip())) < 100
