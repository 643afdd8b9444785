"""The medicine form's "Checked: not on the ACB scale" tick (issue 12; services/acb_checks.py).

It is offered only for a line the ACB matcher does not recognise (or one already ticked, so a tick is never
hidden), and it keeps its room while hidden, so nothing under it moves as a name is typed. Changing the
medicine's name unticks it: the check was made for the name as it was.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QCheckBox, QLineEdit

from careplanner.services.acb_checks import is_unrecognised
from careplanner.ui.list_editor import ListEditor

__all__ = ["AcbCheck"]


class AcbCheck(QObject):
    """Shows or hides the tick for the selected medicine. No signals: the tick is a form field."""

    def __init__(self, medicines: ListEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = medicines
        box = medicines.form.widget("acb_checked")
        name = medicines.form.widget("name")
        assert isinstance(box, QCheckBox) and isinstance(name, QLineEdit)
        self.box = box
        room = box.sizePolicy()
        room.setRetainSizeWhenHidden(True)
        box.setSizePolicy(room)
        box.setToolTip(
            self.tr(
                "Tick once you have checked this medicine yourself and it is not on the anticholinergic "
                "burden scale. It still counts 0; it is then no longer listed as not recognised."
            )
        )
        name.textEdited.connect(self._name_typed)
        medicines.changed.connect(self.refresh)
        medicines.current_changed.connect(lambda _row: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        row = self._editor.current_index()
        items = self._editor.items()
        medicine = items[row] if 0 <= row < len(items) else None
        self.box.setVisible(medicine is not None and (medicine.acb_checked or is_unrecognised(medicine)))

    def _name_typed(self, _text: str) -> None:
        if self.box.isChecked() and self.box.isEnabled():
            self.box.setChecked(False)  # a check of the old name says nothing about the new one
