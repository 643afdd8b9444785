"""The codes to record in the GP system for a plan version, with a "Copy codes" button.

The clinician pastes the block into EMIS Web or SystmOne: one line per thing that happened,
"concept id | term | value". Only verified SNOMED CT concepts carry an id (export.coding.clipboard_block);
everything else says "no verified code — record as text", so nothing unverified reaches the GP record.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.export.coding import clipboard_block, coding_summary
from careplanner.services.plan_data import PlanVersion


class CodingDialog(QDialog):
    """Shows the coding block read-only; "Copy codes" puts exactly that text on the clipboard."""

    def __init__(self, plan: PlanVersion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Codes for the GP record"))
        self.block = clipboard_block(coding_summary(plan))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Paste these into the GP record (EMIS Web or SystmOne): concept id, term and value. "
                "Lines that say \u201cno verified code\u201d have no checked SNOMED CT code: "
                "record them as text."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QPlainTextEdit(self.block)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.text)
        self.status = QLabel("")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy codes"))
        self.copy_button.setDefault(True)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_codes)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 360)

    def copy_codes(self) -> None:
        QGuiApplication.clipboard().setText(self.block)
        self.status.setText(self.tr("Copied. Paste the codes into the GP record."))
