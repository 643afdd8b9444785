"""One questionnaire answered in place, scored live with its band; PHQ-9 item 9 raises a safety prompt."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
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


class QuestionnaireForm(QGroupBox):
    """Signals: changed() on any answer; full_version_wanted(object) with the QuestionnaireKind to add;
    safety_raised() when PHQ-9 item 9 turns positive."""

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
        for number, item in enumerate(self.questionnaire.items, start=1):
            combo = QComboBox()
            combo.addItem(self.tr("Not answered"), None)
            for option in self.questionnaire.options:
                combo.addItem(f"{option.label} ({option.points})", option.points)
            combo.setAccessibleName(self.tr("Question {0}: {1}").format(number, item))
            combo.setMaximumWidth(340)
            combo.currentIndexChanged.connect(self._answered)
            label = QLabel(f"{number}. {item}")
            label.setObjectName("fieldLabel")
            label.setWordWrap(True)
            label.setBuddy(combo)
            form.addWidget(label)
            form.addWidget(combo)
            form.addSpacing(6)
            self.combos.append(combo)
        layout.addLayout(form)
        self.score_label = QLabel()
        self.score_label.setObjectName("score")
        self.score_label.setAccessibleName(self.tr("{0} score").format(self.questionnaire.title))
        self.score_label.setWordWrap(True)
        layout.addWidget(self.score_label)
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

    def result(self) -> ScoreResult:
        return score_questionnaire(self.kind, self.answers())

    def _answered(self) -> None:
        if self._loading:
            return
        result = self.result()
        self._show(result)
        if result.safety_flag and not self._flagged:
            self._flagged = True
            self._raise_safety(result.safety_text)
        self._flagged = result.safety_flag
        self.changed.emit()

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
