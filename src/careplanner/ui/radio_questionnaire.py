"""One questionnaire item answered with one click: its options as a row of option buttons.

A drop-down took two clicks an answer (38 for PHQ-9, GAD-7 and UCLA-3). Here a click on an option
answers; from the keyboard, Tab goes from question to question (only the chosen option, or the first,
is a Tab stop) and the arrow keys move along the options of a question, as in any group of option
buttons. A digit picks the option worth that many points (the focus moves to it, so Tab then goes on to
the next question); Delete or Backspace (or "Clear") takes the answer back.

"Committed" answers: arrowing along a row passes over options on the way to another one, so the row
tells apart an answer the clinician settled on (a click, Space, a digit, Return, or leaving the question
with Tab or the mouse) from one passed over; the PHQ-9 question 9 safety prompt waits for the first.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QButtonGroup, QHBoxLayout, QPushButton, QRadioButton, QWidget

NEXT_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_Down)
PREVIOUS_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Up)
CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
COMMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class AnswerRow(QWidget):
    """The options of one question. Signals: changed() whenever the answer shown changes (the score
    follows at once); committed() when the answer shown is one the clinician settled on."""

    changed = Signal()
    committed = Signal()

    def __init__(self, options: Sequence[tuple[str, int]], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self._points = [points for _, points in options]
        self.group = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        for index, (label, _points) in enumerate(options):
            radio = QRadioButton(label, self)
            radio.setAccessibleName(label)
            radio.setAccessibleDescription(name)
            radio.installEventFilter(self)
            self.group.addButton(radio, index)
            self.radios.append(radio)
            layout.addWidget(radio)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.setObjectName("link")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # from the keyboard: Delete
        self.clear_button.setToolTip(self.tr("Take this answer back (Delete)"))
        self.clear_button.setAccessibleName(self.tr("Clear the answer to {0}").format(name))
        self.clear_button.clicked.connect(self._clear_clicked)
        policy = self.clear_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # showing it never moves anything
        self.clear_button.setSizePolicy(policy)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.group.idToggled.connect(self._toggled)
        self.group.idClicked.connect(lambda _id: self.committed.emit())  # a click, or Space
        self._show_state()

    # ---- the answer -------------------------------------------------------------------------------------

    def value(self) -> int | None:
        """The chosen option's points; None when not answered."""
        index = self.group.checkedId()
        return self._points[index] if index >= 0 else None

    def current_text(self) -> str:
        index = self.group.checkedId()
        return self.radios[index].text() if index >= 0 else self.tr("Not answered")

    def set_value(self, points: int | None) -> None:
        """Show `points` as the answer (None or an unknown value: not answered). Emits changed()."""
        index = self._points.index(points) if points in self._points else -1
        self._check(index)

    def _check(self, index: int) -> None:
        if index == self.group.checkedId():
            return
        if index < 0:
            self.group.setExclusive(False)  # an exclusive group never lets its last option go
            checked = self.group.checkedButton()
            if checked is not None:
                checked.setChecked(False)
            self.group.setExclusive(True)
            self._show_state()
            self.changed.emit()
        else:
            self.radios[index].setChecked(True)  # _toggled follows

    def _toggled(self, _index: int, on: bool) -> None:
        if on:
            self._show_state()
            self.changed.emit()

    def _show_state(self) -> None:
        """One Tab stop per question: the chosen option, or the first while none is chosen."""
        stop = max(self.group.checkedId(), 0)
        for index, radio in enumerate(self.radios):
            wanted = Qt.FocusPolicy.StrongFocus if index == stop else Qt.FocusPolicy.ClickFocus
            if radio.focusPolicy() != wanted:
                radio.setFocusPolicy(wanted)
        if self.radios:
            self.setFocusProxy(self.radios[stop])
            # The focus follows the answer (a digit, Delete): it never stays on an option that is not the
            # answer, where Tab would go to the answer in the same question instead of the next question.
            focus = QApplication.focusWidget()
            if focus in self.radios and focus is not self.radios[stop]:
                self.radios[stop].setFocus(Qt.FocusReason.OtherFocusReason)
        self.clear_button.setVisible(self.group.checkedId() >= 0)

    def _clear_clicked(self) -> None:
        self._check(-1)
        self.committed.emit()

    # ---- keyboard ---------------------------------------------------------------------------------------

    def _key(self, event: QKeyEvent) -> bool:
        """Handle a key pressed on the row or one of its options; True when it was used here."""
        key, index = event.key(), self.group.checkedId()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if key in NEXT_KEYS or key in PREVIOUS_KEYS or key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            if key == Qt.Key.Key_Home:
                target = 0
            elif key == Qt.Key.Key_End:
                target = len(self.radios) - 1
            elif key in NEXT_KEYS:
                target = 0 if index < 0 else min(index + 1, len(self.radios) - 1)
            else:
                target = max(index - 1, 0) if index >= 0 else -1
            if target >= 0:
                self._check(target)  # passed over, not committed
                self.radios[target].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if key in CLEAR_KEYS:
            self._clear_clicked()
            return True
        if key in COMMIT_KEYS:
            self.committed.emit()
            return False  # Return still reaches the window (e.g. a dialog's default button)
        text = event.text()
        if text.isdigit() and int(text) in self._points:
            self._check(self._points.index(int(text)))
            self.committed.emit()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if not self._key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched in self.radios and self.isEnabled():
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._key(event)
            if event.type() == QEvent.Type.FocusOut:
                now = QApplication.focusWidget()
                if now is None or now not in self.radios:  # leaving the question, not moving along it
                    self.committed.emit()
        return False
