"""File → Import a record (FHIR): a person's record from another system, into their draft plan.

The import is refused whole when anything is wrong, including a record whose NHS number is held for
someone with another date of birth or family name. When the record is for a person already held and
would change their details, the clinician is shown which details and chooses: update them, keep the
details already held, or cancel (nothing is imported). Afterwards the app says what came in, what was
left out and why, and whether the record says "No known allergies".
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from careplanner.services.container import Services
from careplanner.services.errors import ServiceError
from careplanner.services.fhir_import import (
    DetailsDecision,
    DetailsWouldChangeError,
    ImportPreview,
    ImportResult,
    PossibleMatchError,
    parse_json,
    read_bundle_file,
)
from careplanner.services.import_names import named_problem, with_names
from careplanner.services.people import PersonSummary
from careplanner.ui.import_preview import ImportPreviewDialog
from careplanner.ui.medicine_rows import ImportedRecords
from careplanner.ui.session import UserSession

log = logging.getLogger("careplanner.ui.record_import")


class RecordImport(QObject):
    """The import action. `plan_open()` says whether a plan is open in the editor (then the import waits:
    the editor's next autosave would otherwise write over what was imported); `imported(person_id)` is
    called after a successful import (to refresh the list); `shown()` gives the person selected in the
    list or open (and whether open), so the preview can say when the record is someone else's."""

    def __init__(
        self,
        window: QWidget,
        services: Services,
        session: UserSession,
        plan_open: Callable[[], bool],
        imported: Callable[[str], None],
        shown: Callable[[], tuple[PersonSummary | None, bool]] = lambda: (None, False),
    ) -> None:
        super().__init__(window)
        self._window, self._services, self._session = window, services, session
        self._plan_open, self._imported, self._shown = plan_open, imported, shown
        self._data: Any = None
        self.action = QAction(self.tr("&Import a record (FHIR)…"), window)
        self.last_result: ImportResult | None = None
        self.last_preview: ImportPreview | None = None

    def choose_file(self) -> None:
        if self._plan_open():
            QMessageBox.information(
                self._window,
                self.tr("Import a record"),
                self.tr(
                    "Close the plan that is open (go back to the list of people), then import the record."
                ),
            )
            return
        path, _ = QFileDialog.getOpenFileName(
            self._window, self.tr("Import a record"), str(Path.home()), self.tr("FHIR JSON (*.json)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> ImportResult | None:
        """Import `path`, asking before any of the person's details change. None when nothing was imported."""
        title = self.tr("Import a record")
        try:
            data = parse_json(read_bundle_file(path))
        except ServiceError as exc:
            QMessageBox.warning(self._window, title, str(exc))
            return None
        self._data = data
        decision = self._previewed(data)
        if decision is None:
            return None
        while True:
            try:
                result = self._run(data, decision)
            except DetailsWouldChangeError as exc:
                chosen = self.ask_about_details(exc.changes)
                if chosen is None:
                    return None
                decision = dataclasses.replace(chosen, new_person=decision.new_person)
                continue
            except PossibleMatchError:
                if not self.ask_new_person():
                    return None
                decision = dataclasses.replace(decision, new_person=True)
                continue
            except ServiceError as exc:
                QMessageBox.warning(self._window, title, str(exc))
                return None
            break
        self.last_result = result
        self._keep_medicines(result)
        log.info("Imported a record")
        QMessageBox.information(self._window, title, "\n".join(self.summary(result)))
        self._imported(result.person_id)
        return result

    def _keep_medicines(self, result: ImportResult) -> None:
        """The record's medicines (as they now stand in the draft), for the medicines step to offer."""
        preview = self.last_preview
        names = (
            {r.label for r in preview.rows if r.what.startswith("a current medicine")} if preview else set()
        )
        draft = self._services.plans.draft_of(result.person_id)
        medicines = draft.content.medical.medicines if draft is not None else ()
        shelf = ImportedRecords.of(self._services).medicines
        now = tuple(m for m in medicines if m.name in names)
        # A later import (say, of allergies only) adds to what earlier ones brought; it never empties it.
        taken = {m.name.casefold() for m in now}
        shelf[result.person_id] = now + tuple(
            m for m in shelf.get(result.person_id, ()) if m.name.casefold() not in taken
        )

    def _previewed(self, data: Any) -> DetailsDecision | None:
        """Show what the import will do, with nothing written; the decision to import with, or None when
        the clinician cancels (or the record is refused)."""
        title = self.tr("Import a record")
        decision = DetailsDecision()
        while True:
            try:
                preview = self._services.importer.preview(data, self._session.actor, decision)
            except PossibleMatchError:
                if not self.ask_new_person():
                    return None
                decision = dataclasses.replace(decision, new_person=True)
                continue
            except ServiceError as exc:
                QMessageBox.warning(self._window, title, str(exc))
                return None
            break
        preview = with_names(preview, data)
        self.last_preview = preview
        return decision if self.confirm(preview) else None

    def confirm(self, preview: ImportPreview) -> bool:
        """The preview, with Import and Cancel (the default)."""
        shown, open_now = self._shown()
        dialog = ImportPreviewDialog(preview, self._window, shown, open_now=open_now)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _run(self, data: Any, decision: DetailsDecision) -> ImportResult:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self._services.importer.import_bundle(data, self._session.actor, decision)
        finally:
            QApplication.restoreOverrideCursor()

    def ask_about_details(self, changes: tuple[str, ...]) -> DetailsDecision | None:
        """Update, keep, or cancel: the clinician's choice when the record changes the person's details."""
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("The record changes this person's details"))
        box.setText(self.tr("This record would change the person's details: {0}.").format(", ".join(changes)))
        box.setInformativeText(
            self.tr(
                "Check the record is for this person. Update their details from the record, keep the details "
                "already held (the rest of the record is still imported), or cancel and import nothing."
            )
        )
        update = box.addButton(self.tr("&Update details"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("&Keep details held"), QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # Enter never changes someone's details
        box.exec()
        clicked = box.clickedButton()
        if clicked is update:
            return DetailsDecision(update=True)
        if clicked is keep:
            return DetailsDecision(keep=True)
        return None

    def ask_new_person(self) -> bool:
        """The record has no NHS number and a person with its family name and date of birth is held:
        add it as a new person only when the clinician says so (Cancel is the default)."""
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("This may be someone already held"))
        box.setText(
            self.tr(
                "This record has no NHS number, and a person with the same family name and date of birth "
                "is already held."
            )
        )
        box.setInformativeText(
            self.tr(
                "If it is the same person, cancel, add their NHS number to the record or the person, and "
                "import again. Add a new person only if you are sure it is someone else."
            )
        )
        add = box.addButton(self.tr("&Add a new person"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # Enter never makes a second copy of a person
        box.exec()
        return box.clickedButton() is add

    def summary(self, result: ImportResult) -> list[str]:
        got = ", ".join(f"{n} {what}" for what, n in result.imported.items() if n) or self.tr(
            "nothing to add"
        )
        if result.already_held:  # the same version again (issue 13): the plan is left as it is
            return [*result.notices, *self._details(result)]
        lines = [
            self.tr("Kept their plan as agreed where it came from, marked as imported ({0}).").format(got)
            if result.stored_as_agreed
            else self.tr("Added a new person and filled in their draft plan ({0}).").format(got)
            if result.created_person
            else self.tr("Filled in the person's draft plan ({0}).").format(got)
        ]
        added = ", ".join(f"{n} {what}" for what, n in result.added.items() if n) or self.tr("nothing")
        updated = ", ".join(f"{n} {what}" for what, n in result.updated.items() if n) or self.tr("nothing")
        lines.append(
            self.tr("In the imported version: {0}. No draft was changed.").format(added)
            if result.stored_as_agreed
            else self.tr("Added to the draft: {0}. Updated in the draft: {1}. Nothing was removed.").format(
                added, updated
            )
        )
        lines += list(result.notices)  # each in its own words: an absent Patient.active is not "not active"
        if result.no_known_allergies:
            lines.append(self.tr("The record says no known allergies: recorded as that, not as an allergy."))
        lines += self._details(result)
        if result.skipped:
            lines.append(self.tr("Not imported:"))
            lines += [f"• {named_problem(self._data, p)}" for p in result.skipped]
        if result.ignored:
            lines.append(self.tr("Ignored (kinds of entry Care Planner does not read):"))
            lines += [f"• {named_problem(self._data, p)}" for p in result.ignored]
        if not result.skipped and not result.ignored:
            lines.append(self.tr("Nothing in the record was left out."))
        return lines

    def _details(self, result: ImportResult) -> list[str]:
        if result.details_changed:
            return [self.tr("Updated the person's details: {0}.").format(", ".join(result.details_changed))]
        if result.details_kept:
            return [
                self.tr("Kept the person's details as held (the record differs in: {0}).").format(
                    ", ".join(result.details_kept)
                )
            ]
        return []


def install(window: QWidget, services: Services, session: UserSession) -> RecordImport:
    """Add File → Import a record (FHIR)… to the main window."""

    def plan_open() -> bool:
        editor, stack = getattr(window, "editor", None), getattr(window, "stack", None)
        return editor is not None and stack is not None and stack.currentWidget() is editor

    def imported(_person_id: str) -> None:
        people = getattr(window, "people", None)
        if people is not None:
            people.model.refresh()

    def shown() -> tuple[PersonSummary | None, bool]:
        """The person open in the editor, else the one selected in the list (None: no one)."""
        editor = getattr(window, "editor", None)
        if plan_open() and editor is not None and editor.person is not None:
            return editor.person.summary, True
        people = getattr(window, "people", None)
        if people is None:
            return None, False
        rows = people.table.selectionModel().selectedRows()
        if len(rows) != 1 or not 0 <= rows[0].row() < people.model.rowCount():
            return None, False
        return people.model.person(rows[0].row()), False

    importer = RecordImport(window, services, session, plan_open, imported, shown)
    # The connection holds the importer (parented to the window), so it lives as long as the window.
    importer.action.triggered.connect(lambda: importer.choose_file())
    file_menu = getattr(window, "file_menu", None)
    if file_menu is not None:
        first = file_menu.actions()[0] if file_menu.actions() else None
        file_menu.insertAction(first, importer.action)
    return importer
