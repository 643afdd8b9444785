"""Help → About Care Planner: what this is, which release, who makes it, and its clinical safety statement.

A practice's clinical safety officer, or a clinician asked "which version were you using?", needs the
release number and the manufacturer, and everyone using it needs to know what the product is not: the
statement summarises docs/safety/safety-case.md (made in the manner of DCB0129; the practice keeps its
own DCB0160 assessment).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from careplanner import __version__

# As the installer names the publisher (installer/careplanner.iss, AppPublisher).
MANUFACTURER = "Care Planner"


class AboutDialog(QDialog):
    """The About box. `version`, `manufacturer` and `safety` are its labels (read by tests and screen
    readers)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Care Planner"))
        self.setMinimumWidth(520)
        title = QLabel(self.tr("Care Planner"))
        title.setObjectName("pageTitle")
        what = QLabel(self.tr("Personalised care and support planning for general practice."))
        what.setWordWrap(True)
        self.version = QLabel(self.tr("Version {0}").format(__version__))
        self.manufacturer = QLabel(self.tr("Manufacturer: {0}").format(MANUFACTURER))
        heading = QLabel(self.tr("Clinical safety"))
        heading.setObjectName("fieldLabel")
        self.safety = QLabel(
            self.tr(
                "Care Planner is made and kept under a clinical safety case and hazard log in the manner of "
                "DCB0129. It records a care and support planning conversation and prints the plan the "
                "person takes home. It is not a prescribing or decision-support system: the GP clinical "
                "system stays the record of medicines and allergies, and every clinical decision is the "
                "clinician's. Check the printed plan with the person before they take it home. The practice "
                "using it keeps its own DCB0160 assessment and checks its practice settings and templates."
            )
        )
        self.safety.setWordWrap(True)
        self.safety.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.version, self.manufacturer, self.safety):
            label.setAccessibleName(label.text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (title, what, self.version, self.manufacturer, heading, self.safety):
            layout.addWidget(widget)
        layout.addWidget(buttons)


def show_about(parent: QWidget) -> AboutDialog:
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
