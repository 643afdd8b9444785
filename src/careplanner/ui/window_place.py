"""Where the app's window opens: maximised on the first start, then where and how it was left.

A practice PC's screen is often 1366x768: a 1280x720 window left a strip of desktop and made every step
longer than it needed to be. The main window saves its geometry (which includes whether it was
maximised) when it closes; until there is a saved geometry, this is the first start.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

GEOMETRY_KEY = "window/geometry"
# The smallest the window may be made, in logical pixels. At 150 % (Windows scaling, or QT_FONT_DPI=144)
# a 1366x768 screen is 911x512 logical pixels, less a title bar (about 20) and often a task bar: a minimum
# of 520 high pushed the status bar (save state, appointment clock, who is signed in) off the screen.
SMALLEST = (860, 440)


def first_start() -> bool:
    """No window geometry saved yet (a new install, or settings cleared)."""
    geometry = QSettings().value(GEOMETRY_KEY)
    return not (isinstance(geometry, QByteArray) and not geometry.isEmpty())


def show_window(window: QWidget) -> None:
    """Show a top-level window: maximised on the first start, else as its restored geometry says."""
    if first_start():
        window.showMaximized()
    else:
        window.show()
