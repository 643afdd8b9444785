"""One questionnaire answered in place, scored live with its band; PHQ-9 item 9 raises a safety prompt.

The score follows every change, but the safety prompt waits for a *committed* answer: one picked from
the open list (mouse or keyboard), confirmed with Return, or still there when the cursor leaves the
question. Arrowing through the answers of a closed list (or turning the mouse wheel over it) passes
over "Several days" on the way to another answer; that must not raise a modal prompt mid-way.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import QuestionnaireKind
from careplanner.clinical.questionnaires import ScoreResult, get_questionnaire, score_questionnaire


class AnswerBox(QComboBox):
    """A questionnaire answer. Signals: committed() when the shown answer is the one the clinician
    chose, as opposed to one passed over while browsing with the arrow keys or the wheel."""

    committed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._browsing = False
        self.activated.connect(self._activated)

    def _activated(self, _index: int) -> None:
        if not self._browsing:  # picked from the open list, by mouse or keyboard
            self.committed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.committed.emit()
            event.ignore()
            return
        self._browsing = True  # arrows, Page Up/Down, Home/End and letters move through the list
        try:
            super().keyPressEvent(event)
        finally:
            self._browsing = False

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        self._browsing = True
        try:
            super().wheelEvent(event)
        finally:
            self._browsing = False

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # its own list opening is not leaving
            self.committed.emit()


class QuestionnaireForm(QGroupBox):
    """Signals: changed() on any answer; full_version_wanted(object) with the QuestionnaireKind to add;
    safety_raised() when a committed answer makes PHQ-9 item 9 positive (see the module docstring)."""

    changed = Signal()
    full_version_wanted = Signal(object)
    safety_raised = Signal()

    def __init__(self, kind: QuestionnaireKind, parent: QWidget | None = None) -> None:
        self.questionnaire = get_questionnaire(kind)
        super().__init__(self.questionnaire.title, parent)
        self.kind = kind
        self.setAccessibleName(self.questionnaire.title)
        self.safety_dialog: QMessageBox | None = None
        layout = QVBoxLayout(self)
        stem = QLabel(self.questionnaire.stem)
        stem.setWordWrap(True)
        stem.setObjectName("hint")
        stem.setVisible(bool(self.questionnaire.stem))
        layout.addWidget(stem)
        form = QVBoxLayout()
        form.setSpacing(4)
        self.combos: list[QComboBox] = []
        self.last_time_labels: list[QLabel] = []
        for number, item in enumerate(self.questionnaire.items, start=1):
            combo = AnswerBox()
            combo.addItem(self.tr("Not answered"), None)
            for option in self.questionnaire.options:
                combo.addItem(f"{option.label} ({option.points})", option.points)
            combo.setAccessibleName(self.tr("Question {0}: {1}").format(number, item))
            combo.setMaximumWidth(340)
            combo.currentIndexChanged.connect(self._answered)
            combo.committed.connect(self._committed)
            label = QLabel(f"{number}. {item}")
            label.setObjectName("fieldLabel")
            label.setWordWrap(True)
            label.setBuddy(combo)
            form.addWidget(label)
            form.addWidget(combo)
            last = QLabel()
            last.setObjectName("hint")
            last.setWordWrap(True)
            last.hide()
            form.addWidget(last)
            form.addSpacing(6)
            self.combos.append(combo)
            self.last_time_labels.append(last)
        layout.addLayout(form)
        self.score_label = QLabel()
        self.score_label.setObjectName("score")
        self.score_label.setAccessibleName(self.tr("{0} score").format(self.questionnaire.title))
        self.score_label.setWordWrap(True)
        layout.addWidget(self.score_label)
        self.last_time_summary = QLabel()
        self.last_time_summary.setObjectName("hint")
        self.last_time_summary.setWordWrap(True)
        self.last_time_summary.hide()
        layout.addWidget(self.last_time_summary)
        self.offer_button = QPushButton()
        self.offer_button.setAccessibleName(self.tr("Ask the full questionnaire"))
        self.offer_button.clicked.connect(self._offer_clicked)
        self.offer_button.hide()
        layout.addWidget(self.offer_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.safety = QFrame()
        self.safety.setObjectName("safety")
        safety_layout = QVBoxLayout(self.safety)
        self.safety_label = QLabel()
        self.safety_label.setWordWrap(True)
        safety_layout.addWidget(self.safety_label)
        self.safety.hide()
        layout.addWidget(self.safety)
        self._offer: QuestionnaireKind | None = None
        self._loading = False
        self._flagged = False
        self._show(self.result())

    def answers(self) -> tuple[int | None, ...]:
        return tuple(c.currentData() for c in self.combos)

    def has_answers(self) -> bool:
        return any(a is not None for a in self.answers())

    def set_answers(self, answers: tuple[int | None, ...]) -> None:
        self._loading = True
        try:
            for combo, answer in zip(self.combos, list(answers) + [None] * len(self.combos), strict=False):
                combo.setCurrentIndex(max(0, combo.findData(answer)))
        finally:
            self._loading = False
        result = self.result()
        self._flagged = result.safety_flag
        self._show(result)

    def show_last_time(self, when: str, items: Sequence[str], summary: str) -> None:
        """Last time's answers beside today's (read-only text); empty `items` and `summary` hide them.

        `when` is the date as shown ("30/11/2026"), or "" when unknown."""
        head = self.tr("Last time ({0})").format(when) if when else self.tr("Last time")
        for label, text in zip(self.last_time_labels, list(items) + [""] * len(self.combos), strict=False):
            label.setText(f"{head}: {text}" if text else "")
            label.setAccessibleName(label.text())
            label.setVisible(bool(text))
        self.last_time_summary.setText(f"{head}: {summary}" if summary else "")
        self.last_time_summary.setAccessibleName(self.last_time_summary.text())
        self.last_time_summary.setVisible(bool(summary))

    def result(self) -> ScoreResult:
        return score_questionnaire(self.kind, self.answers())

    def _answered(self) -> None:
        """Any change of answer: the score and the safety panel follow at once; no prompt yet."""
        if self._loading:
            return
        self._show(self.result())
        self.changed.emit()

    def _committed(self) -> None:
        """An answer the clinician settled on: raise the prompt once when item 9 has become positive."""
        if self._loading:
            return
        result = self.result()
        if result.safety_flag and not self._flagged:
            self._flagged = True
            self._raise_safety(result.safety_text)
        self._flagged = result.safety_flag

    def _show(self, result: ScoreResult) -> None:
        if result.answered == 0:
            text = self.tr("Score: not started")
        elif result.complete:
            text = self.tr("Score: {0} of {1} — {2}").format(
                result.total, result.max_total, result.band_label
            )
        else:
            text = self.tr("Score so far: {0} — {1}").format(result.total, result.band_label)
        if result.positive_screen and "positive" not in text.casefold():
            text += " " + self.tr("(positive screen)")
        self.score_label.setText(text)
        self._offer = result.offer_full_version
        if self._offer is not None:
            title = get_questionnaire(self._offer).title
            self.offer_button.setText(self.tr("Positive screen: ask the full {0}").format(title))
            self.offer_button.setAccessibleName(self.offer_button.text())
        self.offer_button.setVisible(self._offer is not None)
        self.safety_label.setText("⚠ " + result.safety_text if result.safety_flag else "")
        self.safety.setVisible(result.safety_flag)

    def _offer_clicked(self) -> None:
        if self._offer is not None:
            self.full_version_wanted.emit(self._offer)

    def _raise_safety(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Safety: act on this today"), text, parent=self)
        box.setAccessibleName(self.tr("Safety prompt"))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText(self.tr("I will act on this now"))
        self.safety_dialog = box
        box.open()
        self.safety_raised.emit()
