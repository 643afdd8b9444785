"""One questionnaire answered in place, scored live with its band; PHQ-9 item 9 raises a safety prompt.

Each item's options are a row of option buttons, answered with one click (`ui/radio_questionnaire.py`).
The score follows every change, but the safety prompt waits for a *committed* answer: one clicked,
picked with Space or a digit, confirmed with Return, or still there when the cursor leaves the
question. Arrowing along a row passes over "Several days" on the way to another answer; that must not
raise a modal prompt mid-way.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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
from careplanner.ui.radio_questionnaire import AnswerRow


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
        self.rows: list[AnswerRow] = []
        self.last_time_labels: list[QLabel] = []
        options = [(f"{o.label} ({o.points})", o.points) for o in self.questionnaire.options]
        for number, item in enumerate(self.questionnaire.items, start=1):
            row = AnswerRow(options, self.tr("Question {0}: {1}").format(number, item))
            row.changed.connect(self._answered)
            row.committed.connect(self._committed)
            label = QLabel(f"{number}. {item}")
            label.setObjectName("fieldLabel")
            label.setWordWrap(True)
            label.setBuddy(row)
            form.addWidget(label)
            form.addWidget(row)
            last = QLabel()
            last.setObjectName("hint")
            last.setWordWrap(True)
            last.hide()
            form.addWidget(last)
            form.addSpacing(6)
            self.rows.append(row)
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
        return tuple(row.value() for row in self.rows)

    def has_answers(self) -> bool:
        return any(a is not None for a in self.answers())

    def set_answers(self, answers: tuple[int | None, ...]) -> None:
        self._loading = True
        try:
            for row, answer in zip(self.rows, list(answers) + [None] * len(self.rows), strict=False):
                row.set_value(answer)
        finally:
            self._loading = False
        result = self.result()
        self._flagged = result.safety_flag
        self._show(result)

    def show_last_time(self, when: str, items: Sequence[str], summary: str) -> None:
        """Last time's answers beside today's (read-only text); empty `items` and `summary` hide them.

        `when` is the date as shown ("30/11/2026"), or "" when unknown."""
        head = self.tr("Last time ({0})").format(when) if when else self.tr("Last time")
        for label, text in zip(self.last_time_labels, list(items) + [""] * len(self.rows), strict=False):
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
