"""A person's details changed on a workstation while offline and on the practice server to different values:
both were kept, and here the clinician chooses which to keep for each (sync/person_choice.py). Opened from
Tools → Sync… (its Merge… button, for a conflict about a person's details).

Each detail shows both values; nothing is chosen for the clinician. Keep saves the choice (audited; sync
sends it like any change). A value that changed again meanwhile is refused in plain words and nothing is
written: the clinician closes and looks again.

Signals: chosen(str) — the person's id, once the choice is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.users import Actor
from careplanner.sync.person_choice import DetailConflict, DetailConflicts, Keep
from careplanner.ui.worker import Worker


class PersonDetailsChoice(QDialog):
    chosen = Signal(str)

    def __init__(
        self,
        conflicts: DetailConflicts,
        conflict: DetailConflict,
        actor: Actor,
        worker: Worker,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._conflicts, self._conflict, self._actor, self._worker, self._now = (
            conflicts,
            conflict,
            actor,
            worker,
            now,
        )
        self.setWindowTitle(self.tr("Choose which details to keep"))
        title = QLabel(
            self.tr("{0}: details changed on a workstation and on the practice server").format(
                conflict.person_name or self.tr("Unknown person")
            )
        )
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        hint = QLabel(self.tr("Check with the person, then choose which to keep for each detail."))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        self.groups: dict[str, QButtonGroup] = {}
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        for clash in conflict.clashes:
            box = QGroupBox(clash.label[:1].upper() + clash.label[1:])
            here = QRadioButton(self.tr("Typed on a workstation: {0}").format(clash.workstation))
            there = QRadioButton(self.tr("On the practice server: {0}").format(clash.server))
            group = QButtonGroup(box)
            group.addButton(here)
            group.addButton(there)
            here.toggled.connect(self._enable)
            there.toggled.connect(self._enable)
            column = QVBoxLayout(box)
            column.addWidget(here)
            column.addWidget(there)
            layout.addWidget(box)
            self.groups[clash.field] = group
            self.choices[clash.field] = (here, there)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("fieldError")
        layout.addWidget(self.message)
        self.keep_button = QPushButton(self.tr("&Keep these"))
        self.keep_button.setObjectName("primary")
        cancel = QPushButton(self.tr("Cancel"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.keep_button)
        layout.addLayout(buttons)
        self.keep_button.clicked.connect(self.keep)
        cancel.clicked.connect(self.reject)
        self._enable()

    def _enable(self, _checked: bool = False) -> None:
        self.keep_button.setEnabled(all(g.checkedButton() is not None for g in self.groups.values()))

    def keep(self) -> None:
        keep: dict[str, Keep] = {
            field: ("workstation" if here.isChecked() else "server")
            for field, (here, _there) in self.choices.items()
        }
        conflicts, conflict_id, actor, now = (
            self._conflicts,
            self._conflict.conflict_id,
            self._actor,
            self._now,
        )
        self.keep_button.setEnabled(False)
        self._worker.submit(
            lambda: conflicts.choose(conflict_id, keep, actor, now=now()), self._saved, self._refused
        )

    def _saved(self, _result: object) -> None:
        self.chosen.emit(self._conflict.person_id)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.message.setText(str(exc))
        self._enable()
