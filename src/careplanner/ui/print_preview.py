"""The print preview as a nurse wants it, and where a saved file went.

The preview opened small at 38.5 %: every time, the nurse maximised it and chose "fit width". It now opens
large (the size of the window it belongs to, within the screen) at fit-to-width. After Save as PDF the
status bar says where the file was saved, so it can be found again
to attach or print.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QMainWindow, QWidget

SAVED_MESSAGE_MS = 20_000


def preview_dialog(
    printer: QPrinter, parent: QWidget, title: str, paint: Callable[[QPrinter], object]
) -> QPrintPreviewDialog:
    """A preview that opens at the window's size (within the screen), fitted to the page width."""
    preview = QPrintPreviewDialog(printer, parent)
    preview.setWindowTitle(title)
    preview.paintRequested.connect(paint)
    window = parent.window()
    screen = window.screen().availableGeometry() if window.screen() is not None else None
    width, height = window.width(), window.height()
    if screen is not None:
        width, height = min(max(width, 900), screen.width()), min(max(height, 640), screen.height())
    preview.resize(width, height)
    view = preview.findChild(QPrintPreviewWidget)
    if view is not None:
        view.fitToWidth()
    return preview


def say_saved(parent: QWidget, path: str, tr: Callable[[str], str] | None = None) -> str:
    """Tell the user where the file was saved, in the window's status bar."""
    words = (tr or QObject().tr)("Saved to {0}").format(str(Path(path)))
    window = parent.window()
    if isinstance(window, QMainWindow):  # the app's window; never a modal box that stops the work
        window.statusBar().showMessage(words, SAVED_MESSAGE_MS)
    return words


def suggested_name(stem: str, suffix: str, today: date | None = None) -> str:
    """A file name to offer: what the document is and today's date, never a name or NHS number (file
    names are seen in folders, e-mail attachments and recent-file lists)."""
    return f"{stem}-{(today or date.today()).isoformat()}{suffix}"
