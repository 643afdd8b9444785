"""Closing an editing dialog with unsaved edits asks first: Save, Discard or Cancel.

The directory and template editors used to close on Close (or Escape, or the window's close button) and
drop what had been typed without a word: a practice's corrected crisis number was lost. `UnsavedGuard`
sits in the dialog's `reject()` (QDialog's close event goes through it too): with nothing unsaved the
dialog closes; otherwise the question opens and the dialog stays until it is answered.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox

__all__ = ["UnsavedGuard"]


class UnsavedGuard(QObject):
    """Asks before `dialog` closes with unsaved edits. `question` is the open box, if any (for tests).

    `unsaved()` says whether anything typed is not saved; `save()` saves it (False when it could not be
    saved: the dialog then stays open with the problem marked); `close()` closes the dialog for good."""

    def __init__(
        self,
        dialog: QDialog,
        unsaved: Callable[[], bool],
        save: Callable[[], bool],
        close: Callable[[], None],
    ) -> None:
        super().__init__(dialog)
        self._dialog, self._unsaved, self._save, self._close = dialog, unsaved, save, close
        self.question: QMessageBox | None = None

    def close_or_ask(self) -> None:
        """Close now when nothing is unsaved; otherwise ask Save / Discard / Cancel."""
        if self.question is not None:
            return
        if not self._unsaved():
            self._close()
            return
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved changes"),
            self.tr("You have changes that are not saved. Save them before closing?"),
            buttons,
            self._dialog,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        self.question = box

        def answered() -> None:
            self.question = None
            choice = box.standardButton(box.clickedButton())
            if choice == QMessageBox.StandardButton.Discard or (
                choice == QMessageBox.StandardButton.Save and self._save()
            ):
                self._close()

        box.finished.connect(lambda _result: answered())
        box.open()
