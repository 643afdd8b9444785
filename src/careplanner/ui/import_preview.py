"""The preview shown before a record is imported: what will be added, updated, skipped (and why) and not
read, per entry of the file, with the person it is for. Nothing is written until the clinician presses
Import; Cancel (the default, so a stray Return imports nothing) leaves the store exactly as it was.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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

from careplanner.clinical.nhs_number import format_nhs_number
from careplanner.services.fhir_import_plan import KEPT_AGREED as AGREED_THERE
from careplanner.services.import_preview import ADD, IGNORE, SKIP, UPDATE, USED, ImportPreview, PreviewRow
from careplanner.services.people import PersonSummary

__all__ = ["ImportPreviewDialog"]


class ImportPreviewDialog(QDialog):
    """Shows one ImportPreview; accept() means "Import". No signals beyond QDialog's.

    `shown`: the person selected in the list or open in the app (None: no one), and `open_now` whether
    they are open rather than only selected. When the record is someone else's, the dialog says so in
    plain words above everything else, before Import can be pressed."""

    def __init__(
        self,
        preview: ImportPreview,
        parent: QWidget | None = None,
        shown: PersonSummary | None = None,
        *,
        open_now: bool = False,
    ) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Check the record before importing it"))
        self.setMinimumSize(760, 460)
        self.whose = QLabel(self.whose_text())
        self.whose.setObjectName("heading")
        self.whose.setWordWrap(True)
        self.whose.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.whose.font()
        font.setBold(True)
        self.whose.setFont(font)
        self.whose.setAccessibleName(self.tr("Whose record this is"))
        self.not_them = QLabel(self.not_them_text(shown, open_now))
        self.not_them.setObjectName("warning")
        self.not_them.setWordWrap(True)
        self.not_them.setStyleSheet(
            "QLabel { background: #fff6e0; border-left: 4px solid #ffb81c; padding: 6px; }"
        )
        self.not_them.setAccessibleName(self.tr("The record is for someone else"))
        self.not_them.setVisible(bool(self.not_them.text()))
        self.summary = QLabel(self.summary_text())
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(self.tr("What the import will do"))
        self.details = QLabel()
        self.details.setObjectName("warning")
        self.details.setWordWrap(True)
        if preview.details_would_change:
            self.details.setText(
                self.tr(
                    "This record would change the person's details: {0}. You will be asked whether to update "
                    "them or keep the details already held."
                ).format(", ".join(preview.details_would_change))
            )
        self.details.setVisible(bool(preview.details_would_change))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("What happens"), self.tr("What it is"), self.tr("Item"), self.tr("Why")]
        )
        self.table.setAccessibleName(self.tr("Each entry of the record and what the import does with it"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The item and why share what is left and wrap, so neither is cut off behind a scroll bar.
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        # What changes the plan first (the person, added, updated, skipped), then what is not read.
        order = ("person", ADD, UPDATE, SKIP, IGNORE, USED)
        for row in sorted(preview.rows, key=lambda r: order.index(r.action) if r.action in order else 9):
            self._add_row(row)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox()
        self.import_button = QPushButton(self.tr("&Import"))
        self.import_button.setAutoDefault(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setDefault(True)  # Return never imports by accident
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.whose)
        layout.addWidget(self.not_them)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.table, 1)
        note = QLabel(self.note_text())
        note.setObjectName("hint")
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.cancel_button.setFocus()

    def action_text(self, action: str) -> str:
        return {
            ADD: self.tr("Will be added"),
            UPDATE: self.tr("Will update the draft"),
            SKIP: self.tr("Skipped"),
            IGNORE: self.tr("Not read"),
            USED: self.tr("Read with another entry"),
            "person": self.tr("The person"),
        }.get(action, action)

    def kind_text(self, kind: str) -> str:
        """A resource type in plain words (the type itself is in the row's tooltip)."""
        return {
            "Patient": self.tr("the person"),
            "Condition": self.tr("a condition"),
            "MedicationStatement": self.tr("a medicine"),
            "MedicationRequest": self.tr("a prescription"),
            "Medication": self.tr("a medicine's details"),
            "AllergyIntolerance": self.tr("an allergy"),
            "Observation": self.tr("a result or observation"),
            "Goal": self.tr("a goal"),
            "Organization": self.tr("an organisation"),
            "Practitioner": self.tr("a member of staff"),
            "PractitionerRole": self.tr("a member of staff's role"),
            "List": self.tr("a heading"),
            "Immunization": self.tr("an immunisation"),
            "Encounter": self.tr("a consultation"),
            # the plan's own content (issue 13): who is in the care team, referrals, decisions, contacts
            "CareTeam": self.tr("the care team"),
            "ServiceRequest": self.tr("a referral or signposting"),
            "Consent": self.tr("a decision or consent"),
            "RelatedPerson": self.tr("a person close to them"),
            "DocumentReference": self.tr("a document or form"),
            "CarePlan": self.tr("the care plan"),
        }.get(kind, kind or self.tr("an entry"))

    def _add_row(self, row: PreviewRow) -> None:
        at = self.table.rowCount()
        self.table.insertRow(at)
        what = row.what or self.kind_text(row.kind)
        for column, text in enumerate((self.action_text(row.action), what, row.label, row.why)):
            item = QTableWidgetItem(text)
            place = f"{row.where} ({row.kind})" if row.kind else row.where
            item.setToolTip(f"{place}: {row.why}" if row.why else place)
            self.table.setItem(at, column, item)

    def whose_text(self) -> str:
        """The record's own name, date of birth and NHS number, first thing in the dialog."""
        person = self.preview.person
        if person is None:
            return ""
        nhs = (
            format_nhs_number(person.nhs_number)
            if person.nhs_number
            else self.tr("no NHS number in the record")
        )
        return self.tr("This record is for {0} · born {1} · NHS number {2}").format(
            f"{person.first_name} {person.family_name.upper()}".strip(),
            person.date_of_birth.strftime("%d/%m/%Y"),
            nhs,
        )

    def not_them_text(self, shown: PersonSummary | None, open_now: bool) -> str:
        """'This record is for Kwame Ahmed, not Jane Jackson, who is open.' ("" when it is theirs, or when
        no one is selected or open)."""
        person = self.preview.person
        if person is None or shown is None:
            return ""
        if person.is_same_as(shown.first_name, shown.family_name, shown.date_of_birth, shown.nhs_number):
            return ""
        other = f"{shown.first_name} {shown.family_name}".strip()
        text = (
            self.tr("This record is for {0}, not {1}, who is open.")
            if open_now
            else self.tr("This record is for {0}, not {1}, who is selected in the list.")
        )
        return (
            text.format(person.name, other)
            + " "
            + self.tr("Import puts it in {0}'s plan, not {1}'s. Cancel if you meant {1}.").format(
                person.name, other
            )
        )

    def note_text(self) -> str:
        """Where the import puts it: a plan agreed where it came from is kept as that agreed version."""
        if any(AGREED_THERE in n for n in self.preview.notices):
            return self.tr(
                "Nothing has been written yet. Import keeps this plan as agreed where it came from, marked "
                "as imported; it cannot be changed here without a review."
            )
        return self.tr("Nothing has been written yet. Import adds this to the person's draft plan.")

    def summary_text(self) -> str:
        p = self.preview
        who = (
            self.tr("This record is for a person not yet held: they will be added.")
            if p.new_person
            else self.tr("This record is for a person already held: it fills in their draft plan.")
        )
        counts = self.tr(
            "{0} to add, {1} to update, {2} skipped, {3} not read (a kind Care Planner does not read)."
        )
        lines = [
            self.tr("From: {0}.").format(p.source),
            who,
            counts.format(p.count(ADD), p.count(UPDATE), p.count(SKIP), p.count(IGNORE)),
        ]
        lines += list(p.notices)  # each says what it is (absent Patient.active is not "not active")
        if p.no_known_allergies:
            lines.append(self.tr("The record says no known allergies: it will be recorded as that."))
        return "\n".join(lines)

    def rows_shown(self) -> list[tuple[str, str, str, str]]:
        """The table as shown, row by row (what happens, what it is, item, why)."""
        out = []
        for r in range(self.table.rowCount()):
            cells = [self.table.item(r, c) for c in range(4)]
            a, b, c, d = (cell.text() if cell is not None else "" for cell in cells)
            out.append((a, b, c, d))
        return out
