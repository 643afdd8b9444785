"""A person's plan history: every version (number, agreed when and by whom, declined records, the draft),
any of them opened to read and print, and two compared side by side (ui/plan_compare.py).

`PlanHistory` also wires the read-only view's buttons (ui/plan_view_mode.py): Start review / Start a plan
(the only way a draft is started from an opened person), Plan history, and back to the latest plan.
An earlier version opens in the same steps, read-only; File → Print then prints that version, because
printing always prints the version on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from careplanner.clinical.enums import PlanStatus
from careplanner.services.consultation import OpenedPlan
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import PlanSummary, PlanVersion
from careplanner.services.presence import ClaimedOpen
from careplanner.ui.plan_compare import PlanCompareDialog

if TYPE_CHECKING:
    from careplanner.ui.main_window import MainWindow


def _day(summary: PlanSummary) -> str:
    moment = summary.agreed_at or summary.created_at
    local = moment.astimezone() if moment.tzinfo else moment
    return local.strftime("%d/%m/%Y")


class PlanHistoryDialog(QDialog):
    """The versions, newest first. Signals come from its buttons: `open_button` opens the selected version
    to read; `compare_button` compares the two selected."""

    def __init__(
        self, person: PersonRecord, versions: list[PlanSummary], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.person, self.versions = person, versions
        self.chosen: list[str] = []  # ids picked by Open (one) or Compare (two)
        self.compare_wanted = False
        self.setWindowTitle(self.tr("Plan history: {0}").format(person.summary.display_name))
        self.resize(760, 420)
        self.table = QTableWidget(len(versions), 5)
        self.table.setAccessibleName(self.tr("Versions of the plan"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Version"), self.tr("What"), self.tr("Date"), self.tr("By"), self.tr("Review due")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, summary in enumerate(versions):
            for column, text in enumerate(self.describe(summary)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, summary.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        hint = QLabel(
            self.tr(
                "Open a version to read or print it. Select two (Ctrl+click) to compare them side by side."
            )
            if versions
            else self.tr("No plan has been written for this person yet.")
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton(self.tr("Open to read"))
        self.compare_button = QPushButton(self.tr("Compare the two selected"))
        for button in (self.open_button, self.compare_button):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self.open_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        if versions:
            self.table.selectRow(0)
        self._selection_changed()

    def describe(self, summary: PlanSummary) -> tuple[str, str, str, str, str]:
        """One row: version, what it is, its date, who agreed (or recorded the decline), review due."""
        if summary.status is PlanStatus.DRAFT:
            number, what = self.tr("Draft"), self.tr("Draft in progress, not agreed")
        elif summary.status is PlanStatus.DECLINED:
            number, what = "—", self.tr("The person declined a written plan")
        else:
            number = str(summary.version_number)
            what = self.tr("Agreed (earlier version)") if summary.superseded else self.tr("Agreed (latest)")
        review = summary.review_date.strftime("%d/%m/%Y") if summary.review_date else ""
        return number, what, _day(summary), summary.agreed_by_name, review

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.versions[row].id for row in rows]

    def _selection_changed(self) -> None:
        count = len(self.selected_ids())
        self.open_button.setEnabled(count == 1)
        self.compare_button.setEnabled(count == 2)

    def open_selected(self) -> None:
        chosen = self.selected_ids()
        if len(chosen) == 1:
            self.chosen, self.compare_wanted = chosen, False
            self.accept()

    def compare_selected(self) -> None:
        chosen = self.selected_ids()
        if len(chosen) == 2:
            self.chosen, self.compare_wanted = chosen, True
            self.accept()


class PlanHistory(QObject):
    """The window's side of plan versions. `dialog` / `comparison`: the open dialogs, if any (for tests
    and accessibility tools). `action`: Person → Plan history…"""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: PlanHistoryDialog | None = None
        self.comparison: PlanCompareDialog | None = None
        self.action = QAction(self.tr("Plan &history…"), window)
        self.action.setShortcut("Ctrl+H")
        self.action.triggered.connect(self.show_history)
        window.person_menu.addAction(self.action)
        # Plan → Start review (or Start a plan): the same as the read-only view's button.
        self.start_action = QAction(self.tr("&Start review"), window)
        self.start_action.triggered.connect(self.start_review)
        window.plan_menu.insertAction(window.plan_menu.actions()[0], self.start_action)
        window.plan_menu.aboutToShow.connect(self.refresh)
        window.editor.opened.connect(self.refresh)
        bar = window.editor.mode_bar
        bar.start_requested.connect(self.start_review)
        bar.history_requested.connect(self.show_history)
        bar.latest_requested.connect(self.show_latest)
        window.stack.currentChanged.connect(lambda _index: self.refresh())
        self.refresh()

    def _person(self) -> PersonRecord | None:
        editor = self.window.editor
        return editor.person if self.window.stack.currentWidget() is editor else None

    def refresh(self) -> None:
        self.action.setEnabled(self._person() is not None)
        start = self.window.editor.mode_bar.start_button
        offered = (
            self._person() is not None and self.window.editor.read_only and start.isVisibleTo(self.window)
        )
        self.start_action.setEnabled(offered)
        self.start_action.setText(start.text() if offered else self.tr("&Start review"))

    def start_review(self) -> None:
        """Start review / Start a plan: the draft is started (or a colleague's reopened) only now."""
        person = self._person()
        if person is not None and self.window.session.actor.can_edit_plans and self.window.editor.read_only:
            self.window.open_person(person.id)

    def show_latest(self) -> None:
        person = self._person()
        if person is not None:
            self.window.view_person(person.id, self.window.editor.navigator.current_key())

    def show_history(self) -> None:
        person = self._person()
        if person is None or self.dialog is not None:
            return
        plans = self.window.services.plans
        self.window.worker.submit(lambda: plans.history(person.id), lambda found: self._listed(person, found))

    def _listed(self, person: PersonRecord, versions: list[PlanSummary]) -> None:
        if self._person() is None or self.dialog is not None:
            return
        dialog = PlanHistoryDialog(person, versions, self.window)
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted and dialog.chosen:
                if dialog.compare_wanted:
                    self.compare(*dialog.chosen)
                else:
                    chosen = next(v for v in dialog.versions if v.id == dialog.chosen[0])
                    if chosen.status is PlanStatus.DRAFT:  # the draft opens as opening the person does
                        self.window.view_person(person.id, self.window.editor.navigator.current_key())
                    else:
                        self.open_version(person, chosen.id)

        dialog.finished.connect(finished)
        dialog.open()

    def open_version(self, person: PersonRecord, plan_id: str) -> None:
        """Show one agreed or declined version read-only in the steps."""
        window = self.window
        if window.sharing.watch.ask_before_leaving(lambda: self.open_version(person, plan_id)):
            return  # text on screen that can never be saved: asked first (ui/plan_watch.py)
        editor, consultation, actor = window.editor, window.services.consultation, window.session.actor

        def show(version: PlanVersion) -> None:
            if editor.person is None or editor.person.id != person.id:
                return
            editor.open_plan(person, version, editable=False, step=editor.navigator.current_key())
            window.sharing.opened(ClaimedOpen(OpenedPlan(person, version, editable=False)))  # lets go
            window.discard.refresh()

        window.worker.submit(lambda: consultation.open_version(plan_id, actor), show)  # audited as a view

    def compare(self, first_id: str, second_id: str) -> None:
        plans = self.window.services.plans
        self.window.worker.submit(lambda: (plans.get(first_id), plans.get(second_id)), self._compared)

    def _compared(self, pair: tuple[PlanVersion, PlanVersion]) -> None:
        dialog = PlanCompareDialog(pair[0], pair[1], self.window)
        self.comparison = dialog

        def closed(_result: int) -> None:
            self.comparison = None

        dialog.finished.connect(closed)
        dialog.open()
