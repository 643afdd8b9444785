"""Security settings, for administrators: how long the app waits, unused, before it locks the screen.

The value lives in the security settings file beside the store (trust_settings), shared by everyone who
uses this workstation. Saving rereads the file first and changes only the idle time, so the daily backup
settings saved from the Back up screen are kept. The change is audited and reaches the running idle timer
straight away through the `saved` signal: nobody needs to restart the app for a shorter lock to apply.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from careplanner.crashlog import known_problem
from careplanner.services import trust_settings
from careplanner.services.auth import Permission, require
from careplanner.services.container import Services
from careplanner.services.errors import ValidationError
from careplanner.services.users import Actor


class SecuritySettingsDialog(QDialog):
    """Signals: saved(object) with the TrustSettings just written, before the dialog closes."""

    saved = Signal(object)

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require(actor, Permission.PRACTICE_SETTINGS)
        self._services = services
        self._actor = actor
        self.setWindowTitle(self.tr("Security settings"))
        self.setMinimumWidth(500)
        current = trust_settings.load(services.backups.data_dir)
        intro = QLabel(
            self.tr(
                "Care Planner locks the screen when nobody has used it for a while, so a workstation left "
                "open does not show anyone's care plan. Unlocking needs the password, and nothing typed "
                "is lost. This applies to everyone who uses Care Planner on this computer."
            )
        )
        intro.setWordWrap(True)
        self.minutes = QSpinBox()
        self.minutes.setRange(trust_settings.MIN_LOCK_MINUTES, trust_settings.MAX_LOCK_MINUTES)
        self.minutes.setValue(current.lock_minutes)
        self.minutes.setMinimumWidth(self.minutes.fontMetrics().horizontalAdvance("000") + 60)
        # The app's style sheet gives fields a border, which squeezes the step buttons to a sliver here.
        self.minutes.setAccessibleName(self.tr("Minutes without use before the screen locks"))
        self.minutes.setAccessibleDescription(
            self.tr("From {low} to {high} minutes.").format(
                low=trust_settings.MIN_LOCK_MINUTES, high=trust_settings.MAX_LOCK_MINUTES
            )
        )
        unit = QLabel(self.tr("minutes without use"))
        row = QHBoxLayout()
        row.addWidget(self.minutes)
        row.addWidget(unit)
        row.addStretch(1)
        form = QFormLayout()
        label = QLabel(self.tr("&Lock the screen after"))
        label.setBuddy(self.minutes)
        form.addRow(label, row)
        hint = QLabel(
            self.tr("Between {low} and {high} minutes. Shorter is safer in a busy room.").format(
                low=trust_settings.MIN_LOCK_MINUTES, high=trust_settings.MAX_LOCK_MINUTES
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        self.message.setObjectName("fieldError")  # it only ever says what went wrong
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setObjectName("primary")
        save.setAccessibleName(self.tr("Save"))
        save.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.minutes.setFocus()

    def save(self) -> None:
        data_dir = self._services.backups.data_dir
        minutes = self.minutes.value()
        # Reread, so another screen's settings saved since this one opened are not put back.
        chosen = dataclasses.replace(trust_settings.load(data_dir), lock_minutes=minutes)
        try:
            trust_settings.save(data_dir, chosen)
        except ValidationError as exc:
            self.message.setText(str(exc))
            return
        except OSError as exc:
            problem = known_problem(exc)
            self.message.setText(
                str(problem) if problem else self.tr("The settings could not be saved on this computer.")
            )
            return
        self._services.auth.record_settings_change(self._actor, f"security lock_minutes={minutes}")
        self.saved.emit(chosen)
        self.accept()
