"""The audit trail for administrators: filter by person, user, action and dates; check; export CSV."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.audit import Action, AuditEntry
from careplanner.services.auth import Permission, require
from careplanner.services.container import Services
from careplanner.services.errors import ServiceError
from careplanner.services.output_guard import write_output
from careplanner.services.users import Actor

ACTIONS = sorted(v for k, v in vars(Action).items() if k.isupper())
COLUMNS = ("#", "When", "User", "Action", "Person id", "Plan id", "Detail")


class AuditViewer(QDialog):
    """Newest first. Shows ids, not names: the trail holds no patient data."""

    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require(actor, Permission.VIEW_AUDIT)
        self._services = services
        self._entries: list[AuditEntry] = []
        self.setWindowTitle(self.tr("Audit trail"))
        self.resize(1000, 600)
        self.person = QLineEdit()
        self.person.setPlaceholderText(self.tr("person id"))
        self.person.setAccessibleName(self.tr("Person id"))
        self.user = QComboBox()
        self.user.setAccessibleName(self.tr("User"))
        self.user.addItem(self.tr("Anyone"), "")
        self._names = {u.id: u.display_name for u in services.users.list()}
        for user_id, name in sorted(self._names.items(), key=lambda kv: kv[1]):
            self.user.addItem(name, user_id)
        self.action = QComboBox()
        self.action.setAccessibleName(self.tr("Action"))
        self.action.addItem(self.tr("Any action"), "")
        for name in ACTIONS:
            self.action.addItem(name.replace("_", " "), name)
        today = services.clock.today()
        self.since = QDateEdit(QDate(today.year, today.month, today.day).addMonths(-1))
        self.since.setCalendarPopup(True)
        self.since.setAccessibleName(self.tr("From"))
        self.until = QDateEdit(QDate(today.year, today.month, today.day))
        self.until.setCalendarPopup(True)
        self.until.setAccessibleName(self.tr("To"))
        show = QPushButton(self.tr("Show"))
        verify = QPushButton(self.tr("Check the trail"))
        export = QPushButton(self.tr("Export CSV…"))
        filters = QHBoxLayout()
        for widget in (
            self.person,
            self.user,
            self.action,
            QLabel(self.tr("from")),
            self.since,
            QLabel(self.tr("to")),
            self.until,
            show,
        ):
            filters.addWidget(widget)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.status = QLabel()
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(verify)
        bottom.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        show.clicked.connect(self.refresh)
        verify.clicked.connect(self.verify)
        export.clicked.connect(self.choose_export)
        self.refresh()

    def refresh(self) -> None:
        since = self.since.date().toPython()
        until = self.until.date().toPython()
        self._entries = self._services.audit.entries(
            person_id=self.person.text().strip() or None,
            user_id=self.user.currentData() or None,
            action=self.action.currentData() or None,
            since=datetime.combine(since, time(), UTC),  # type: ignore[arg-type]
            until=datetime.combine(until, time(), UTC) + timedelta(days=1),  # type: ignore[arg-type]
            limit=5000,
        )
        self.table.setRowCount(len(self._entries))
        for row, e in enumerate(self._entries):
            values = (
                str(e.seq),
                e.at.astimezone().strftime("%d %b %Y %H:%M:%S"),
                self._names.get(e.user_id or "", e.user_id or "—"),
                e.action.replace("_", " "),
                e.person_id or "",
                e.plan_id or "",
                e.detail,
            )
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.status.setText(self.tr("{n} entries").format(n=len(self._entries)))

    def verify(self) -> None:
        report = self._services.audit.verify()
        if report.ok:
            self.status.setText(
                self.tr("The trail is intact ({n} entries checked).").format(n=report.checked)
            )
        else:
            self.status.setText(self.tr("The trail has been tampered with: {p}.").format(p=report.problem))

    def choose_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the audit trail"), "", "CSV (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        data = self._services.audit.to_csv(self._entries).encode("utf-8")
        try:
            write_output(path, data, self._services.paths)
        except ServiceError as exc:
            self.status.setText(str(exc))
            return
        except OSError as exc:
            self.status.setText(self.tr("The file could not be saved: {0}").format(exc.strerror))
            return
        self.status.setText(self.tr("Exported {n} entries.").format(n=len(self._entries)))
