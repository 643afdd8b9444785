"""The first screen: find a person as you type (name, NHS number, date of birth), filter, or see recalls."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from careplanner.services.container import Services
from careplanner.services.people_search import ListFilter
from careplanner.ui import wheel_guard
from careplanner.ui.patient_model import RECALL, PatientTableModel, matches
from careplanner.ui.worker import Worker

LIVE_REFRESH_MS = 800


class PatientListPage(QWidget):
    """Signals: open_requested(str) with a person id; new_requested()."""

    open_requested = Signal(str)
    new_requested = Signal()

    def __init__(self, services: Services, worker: Worker) -> None:
        super().__init__()
        wheel_guard.install()  # the first screen: from here on the wheel changes no unfocused value anywhere
        self.model = PatientTableModel(services, worker)
        title = QLabel(self.tr("People"))
        title.setObjectName("pageTitle")
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            self.tr("Search by name, NHS number or date of birth (dd/mm/yyyy), or a name and a date of birth")
        )
        self.search.setAccessibleName(self.tr("Search people"))
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox()
        self.filter.setAccessibleName(self.tr("Show"))
        for text, value in (
            (self.tr("Everyone"), ListFilter.ALL),
            (self.tr("Review due this month"), ListFilter.DUE_THIS_MONTH),
            (self.tr("Review overdue"), ListFilter.OVERDUE),
            (self.tr("Draft in progress"), ListFilter.DRAFT),
            (self.tr("Recall: due or overdue within 30 days"), RECALL),
        ):
            self.filter.addItem(text, value)
        new = QPushButton(self.tr("New person…"))
        new.setObjectName("primary")
        new.clicked.connect(self.new_requested)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("People list"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((260, 130, 120, 140, 120)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._activated)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.empty = QLabel(self.tr("No one matches. Check the spelling, or add a new person."))
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.hide()
        # The search finds someone the Show filter hides: say so, and offer the whole list.
        self.show_all = QPushButton(self.tr("Show everyone"))
        self.show_all.clicked.connect(self._show_everyone)
        self.show_all.hide()

        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(QLabel(self.tr("Show:")))
        row.addWidget(self.filter)
        row.addWidget(new)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.count)
        empty_row = QHBoxLayout()
        empty_row.addWidget(self.empty, 1)
        empty_row.addWidget(self.show_all)
        layout.addLayout(empty_row)
        layout.addWidget(self.table, 1)

        self._pending = False
        self._open_when_loaded = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.run_query)
        # Changes announced by the practice server: re-read once things are quiet, keeping the selection.
        self._keep: str | None = None
        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.setInterval(LIVE_REFRESH_MS)
        self._live.timeout.connect(self._refresh_in_place)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self._open_first)
        self.filter.currentIndexChanged.connect(lambda _: self.run_query())
        self.model.loaded.connect(self._loaded)
        self.search.installEventFilter(self)
        self.setTabOrder(self.search, self.filter)
        self.setTabOrder(self.filter, new)
        self.setTabOrder(new, self.table)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Down in the search box moves into the results, as in any search-as-you-type list."""
        down = isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down
        if watched is self.search and event.type() == QEvent.Type.KeyPress and down and self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(max(self.table.currentIndex().row(), 0))
            return True
        return super().eventFilter(watched, event)

    def run_query(self) -> None:
        self._debounce.stop()
        self._pending = True
        self.model.set_query(self.search.text(), self.filter.currentData())

    def refresh_soon(self) -> None:
        """People or plans changed on another workstation: show them (debounced; only when on screen)."""
        if not self._live.isActive():
            self._live.start()

    def _refresh_in_place(self) -> None:
        if not self.isVisible() or self._pending:
            return  # the list is re-read whenever it is shown again
        row = self.table.currentIndex().row()
        self._keep = self.model.person(row).id if 0 <= row < self.model.rowCount() else None
        self.run_query()

    def _loaded(self, total: int) -> None:
        self._pending = False
        keep, self._keep = self._keep, None
        if keep is not None and total:
            rows = [r for r in range(self.model.rowCount()) if self.model.person(r).id == keep]
            self.count.setText(self.tr("{0} people").format(total) if total != 1 else self.tr("1 person"))
            self._say_why_empty(total)
            self.table.selectRow(rows[0] if rows else 0)
            return
        open_now, self._open_when_loaded = self._open_when_loaded, False  # one Return opens at most once
        self.count.setText(self.tr("{0} people").format(total) if total != 1 else self.tr("1 person"))
        self._say_why_empty(total)
        if total:
            self.table.selectRow(0)
        if open_now:
            self._open_selected()

    def _say_why_empty(self, total: int) -> None:
        """No one on show: either no one matches, or the Show filter hides who the search finds."""
        hidden = self.model.hidden if total == 0 else 0
        if hidden:
            shown = self.filter.currentText()
            if hidden == 1:
                text = self.tr("1 person matches but is hidden by the \u201c{0}\u201d filter.").format(shown)
            else:
                text = self.tr("{0} people match but are hidden by the \u201c{1}\u201d filter.").format(
                    hidden, shown
                )
        else:
            text = self.tr("No one matches. Check the spelling, or add a new person.")
        self.empty.setText(text)
        self.empty.setVisible(total == 0)
        self.show_all.setVisible(bool(hidden))

    def _show_everyone(self) -> None:
        self.filter.setCurrentIndex(self.filter.findData(ListFilter.ALL))
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _activated(self, index: QModelIndex) -> None:
        self.open_requested.emit(self.model.person(index.row()).id)

    def _open_first(self) -> None:
        """Enter in the search box opens the selected match (once the search has run, if it is running)."""
        if self._debounce.isActive() or self._pending:
            self._open_when_loaded = True
            self.run_query()
            return
        self._open_selected()

    def _open_selected(self) -> None:
        """Open the selected row, only if it is on show and answers what is in the search box now."""
        if self.model.shown_query != self.search.text():
            return  # the rows are from an earlier search: never open someone the box does not name
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1 or not 0 <= rows[0].row() < self.model.rowCount():
            return
        row = rows[0].row()
        if self.table.isRowHidden(row) or not matches(self.model.person(row), self.search.text()):
            return
        self.open_requested.emit(self.model.person(row).id)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
