"""Body text at a readable size that follows the system's font.

The platform's font is the user's choice (a larger system font at 150 % is a larger font here too), but
never under 10 pt: Qt's default on many Linux set-ups is 9 pt, small on a clinic screen read at arm's
length while talking to someone. Headings in the style sheet are sized on top of it.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

MIN_BODY_POINTS = 10.0


def readable(system: QFont) -> QFont:
    """`system` as it is when it is 10 pt or more; else the same family and style at 10 pt."""
    font = QFont(system)
    if 0 < font.pointSizeF() < MIN_BODY_POINTS or (font.pointSizeF() <= 0 and 0 < font.pixelSize() < 13):
        font.setPointSizeF(MIN_BODY_POINTS)
    return font


def apply_readable_font(app: QApplication) -> None:
    """Make the application's body font readable; the system's family and a larger size are kept."""
    font = readable(app.font())
    if font != app.font():
        app.setFont(font)
