"""The patient list as a lazily fetched table: a page of 200 people at a time, fetched on the worker."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.services.container import Services
from careplanner.services.people import PersonSummary
from careplanner.services.people_search import ListFilter, read_query, terms_match
from careplanner.ui.worker import Worker

PAGE = 200
RECALL = "recall"
Index = QModelIndex | QPersistentModelIndex


def _date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


def matches(person: PersonSummary, text: str) -> bool:
    """Whether `person` answers the search box as the people service's search does (see
    services.people_search): an NHS number prefix, a date of birth, name words, or a name and a date.

    Used on the recall list, which the service returns whole (a few dozen people) and the search
    box must still narrow (a clinician typed a name there and Return opened someone else)."""
    return terms_match(
        read_query(text),
        nhs_number=person.nhs_number,
        date_of_birth=person.date_of_birth,
        first_name=person.first_name,
        family_name=person.family_name,
        preferred_name=person.preferred_name,
    )


def query_key(text: str, list_filter: str) -> tuple[str, str]:
    """What a search means, as the people service reads it. Two texts with one key ("smith", "Smith ")
    find the same people."""
    return (read_query(text).key(), list_filter)


class PatientTableModel(QAbstractTableModel):
    """Signals: loaded(int) with the number of people matching, after each new search."""

    loaded = Signal(int)
    PERSON_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, services: Services, worker: Worker) -> None:
        super().__init__()
        self._services, self._worker = services, worker
        self._rows: list[PersonSummary] = []
        self._cells: list[tuple[str, ...]] = []  # display text, computed once per row (painting is hot)
        self._total = 0
        self._hidden = 0  # people the search text finds but the list filter hides (asked only when none show)
        self._query = ("", "all")
        self._shown = ""
        self._shown_key: tuple[str, str] | None = None  # what the rows on show answer (see query_key)
        self._generation = 0
        self._fetching = False
        self.headers = [
            self.tr("Name"),
            self.tr("NHS number"),
            self.tr("Date of birth"),
            self.tr("Last agreed plan"),
            self.tr("Review due"),
            self.tr("Status"),
        ]

    # ---- loading --------------------------------------------------------------------------------------

    def set_query(self, text: str, list_filter: str) -> None:
        """Search again. A keystroke that leaves the meaning as it was (a space, a capital) keeps the rows
        and the count on show; the same text again (a refresh) reads them afresh."""
        key = query_key(text, list_filter)
        if key == self._shown_key and text != self._query[0] and not self._fetching:
            self._generation += 1  # any search still running answers an older text
            self._query = (text, list_filter)
            self._shown = text
            self.loaded.emit(self._total)
            return
        self._generation += 1
        generation, self._query = self._generation, (text, list_filter)
        people = self._services.people

        def load() -> tuple[int, list[PersonSummary], int]:
            if list_filter == RECALL:
                rows = [p for p in people.reviews_due(within_days=30) if matches(p, text)]
                total = len(rows)
            else:
                rows = people.search(text, list_filter=list_filter, offset=0, limit=PAGE)
                # A page that is not full is everyone: counted without asking the store again.
                total = len(rows) if len(rows) < PAGE else people.count(text, list_filter=list_filter)
            # No one shows under a filter: say whether the search finds someone the filter hides.
            filtered = list_filter != ListFilter.ALL and text.strip()
            hidden = people.count(text) if total == 0 and filtered else 0
            return total, rows, hidden

        self._fetching = True
        self._worker.submit(load, lambda result: self._reset(generation, result))

    def refresh(self) -> None:
        self.set_query(*self._query)

    def _reset(self, generation: int, result: tuple[int, list[PersonSummary], int]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._total, self._rows, self._hidden = result
        self._shown = self._query[0]
        self._shown_key = query_key(*self._query)
        self._cells = [self._texts(p) for p in self._rows]
        self._fetching = False
        self.endResetModel()
        self.loaded.emit(self._total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, offset = self._generation, len(self._rows)
        text, list_filter = self._query
        self._worker.submit(
            lambda: self._services.people.search(text, list_filter=list_filter, offset=offset, limit=PAGE),
            lambda rows: self._append(generation, rows),
        )

    def _append(self, generation: int, rows: list[PersonSummary]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self._cells.extend(self._texts(p) for p in rows)
            self.endInsertRows()

    @property
    def total(self) -> int:
        return self._total

    @property
    def hidden(self) -> int:
        """How many people the search text finds that the list filter hides (0 unless none show)."""
        return self._hidden

    @property
    def shown_query(self) -> str:
        """The search text the rows on show answer (not yet what is typed while a search runs)."""
        return self._shown

    # ---- the table ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def person(self, row: int) -> PersonSummary:
        return self._rows[row]

    def _status(self, p: PersonSummary) -> str:
        today = self._services.clock.today()
        parts = []
        if p.has_draft:
            parts.append(self.tr("Draft in progress"))
        if p.review_due is not None and p.review_due < today:
            parts.append(self.tr("Review overdue"))
        elif p.review_due is not None and (p.review_due.year, p.review_due.month) == (
            today.year,
            today.month,
        ):
            parts.append(self.tr("Review due this month"))
        if p.declined_written_plan:
            parts.append(self.tr("Declined a written plan"))
        return ", ".join(parts)

    def _texts(self, p: PersonSummary) -> tuple[str, ...]:
        return (
            p.display_name,
            format_nhs_number(p.nhs_number) if p.nhs_number else "",
            _date(p.date_of_birth),
            _date(p.last_agreed_on) or self.tr("None yet"),
            _date(p.review_due),
            self._status(p),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
            return self._cells[index.row()][index.column()] if index.isValid() else None
        if role == self.PERSON_ROLE and index.isValid():
            return self._rows[index.row()]
        return None
