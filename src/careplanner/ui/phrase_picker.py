"""A short pick-list of goal or action phrases for the person's conditions, under the goal (or action) field.

Picking a phrase puts it in the field as a starting point, to be written on with the person in their own
words; it can be undone with Ctrl+Z in the field, like typing. The field itself is never blocked: the list
sits under it and typing goes on as before. The person's own words are never replaced: while the field
holds anything but an offered phrase, the list cannot be used (clear the field to start from a phrase).
Arrow keys on the list step through the phrases, each replacing the last one picked. With no matching
condition the list is hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLineEdit

from careplanner.services.goal_phrases import PhraseGroup

__all__ = ["PhrasePicker"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("PhrasePicker", text)


class PhrasePicker(QComboBox):
    """Offers `pick(group)` phrases (a group's goals or its actions) for `target`. No signals of its own:
    a picked phrase reaches the form as an edit of `target` (its textEdited signal)."""

    def __init__(self, target: QLineEdit, pick: Callable[[PhraseGroup], Sequence[str]], what: str) -> None:
        super().__init__()
        self._target, self._pick, self._what = target, pick, what
        self.setObjectName("phrasePicker")
        self.setAccessibleName(_tr("Starting points for the {0}").format(what))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(40)
        self.setMaximumWidth(560)
        self.activated.connect(self._picked)
        target.textChanged.connect(self._follow)
        self.hide()

    def offer(self, groups: Sequence[PhraseGroup]) -> None:
        """Show the phrases of these condition groups (hidden when none has any)."""
        offered = [(g.condition, list(self._pick(g))) for g in groups]
        offered = [(name, phrases) for name, phrases in offered if phrases]
        self.blockSignals(True)
        self.clear()
        if offered:
            names = ", ".join(name for name, _ in offered)
            self.addItem(_tr("Starting points for {0} (optional: then put it in their words)").format(names))
            model = self.model()
            assert isinstance(model, QStandardItemModel)
            for name, phrases in offered:
                self.addItem(name)
                header = model.item(self.count() - 1)
                header.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading: not a phrase to pick
                for phrase in phrases:
                    self.addItem(f"    {phrase}", phrase)
        self.setCurrentIndex(0)
        self.blockSignals(False)
        self.setVisible(bool(offered))
        self._follow(self._target.text())

    def phrases(self) -> list[str]:
        """The phrases offered, in order."""
        return [str(self.itemData(i)) for i in range(self.count()) if self.itemData(i)]

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt override
        """Hidden (nothing to offer, or a read-only view hides it), it is off too, so nothing can pick."""
        super().setVisible(visible)
        self._follow(self._target.text())

    def own_words(self) -> bool:
        """True while the field holds the person's own words (anything but blank or an offered phrase)."""
        text = self._target.text().strip()
        return bool(text) and text not in self.phrases()

    def _follow(self, text: str) -> None:
        """Show which phrase the field holds, if any; off limits while it holds the person's own words."""
        index = self.findData(text.strip()) if text.strip() else 0
        self.blockSignals(True)
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)
        own = self.own_words()
        self.setEnabled(not own and not self.isHidden())  # hidden (none to offer, a read-only view): off
        self.setToolTip(
            _tr("The {0} is in the person's own words: clear it to start from a phrase.").format(self._what)
            if own
            else ""
        )

    def _picked(self, index: int) -> None:
        phrase = self.itemData(index)
        if not phrase or self.own_words():
            self._follow(self._target.text())
            return
        edit = self._target
        edit.selectAll()
        edit.insert(str(phrase))  # on the field's own undo stack: Ctrl+Z takes it back out
        edit.textEdited.emit(edit.text())  # saved as if typed
