"""Each medicine's line in the medicines list says at once whether it counted in the anticholinergic
burden: "ACB 3", "ACB 0: not on the ACB list", "not counted: skin, eye or ear", or "not recognised —
check by hand". The box under the list gives the total; this puts the answer beside the medicine the
clinician has just typed or picked, so a misspelling is seen while the name is still in front of them.

And, when the person's record has just been imported, the medicine name field offers that record's
medicines: picking one fills in its name, dose and how it is taken (and its dm+d code), or the
clinician types any other.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QObject, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from careplanner.clinical.acb import MedicineRef, acb_total
from careplanner.clinical.allergy_match import AllergyRef, allergy_matches
from careplanner.clinical.enums import MedicineDecision
from careplanner.services.plan_data import AllergyData, MedicineData
from careplanner.ui.list_editor import ListEditor

__all__ = [
    "AllergyFlags",
    "ImportedRecords",
    "RecordMedicines",
    "acb_status",
    "allergy_flag",
    "medicine_line",
]


def _tr(text: str) -> str:
    return QCoreApplication.translate("MedicineRows", text)


def acb_status(medicine: MedicineData) -> str:
    """Whether this one medicine was recognised for the ACB, in a few words ("" for a blank name)."""
    if not medicine.name.strip():
        return ""
    result = acb_total([MedicineRef(medicine.name, medicine.dmd_code)])
    if result.contributors:
        score = max(c.score for c in result.contributors)
        text = _tr("ACB {0}").format(score)
    elif result.not_counted_route:
        text = _tr("ACB: not counted (skin, eye or ear)")
    elif result.left_out:
        text = _tr("ACB 0: not on the ACB list (another list scores it: check)")
    elif result.outside_scale:
        text = _tr("ACB 0: not on the ACB list")
    elif medicine.acb_checked:  # the clinician's own check: still 0, never a made-up score
        text = _tr("ACB 0: checked by the clinician — not on the ACB scale")
    else:
        guess = result.not_recognised[0].did_you_mean if result.not_recognised else ""
        text = (
            _tr("ACB: not recognised (did you mean {0}?) — check by hand").format(guess)
            if guess
            else _tr("ACB: not recognised — check by hand")
        )
    if medicine.decision is MedicineDecision.STOP:
        text += _tr("; stopping, so not in the total")
    return text


def medicine_line(medicine: MedicineData) -> str:
    """The medicine's line in the list: name, dose and its ACB status."""
    head = f"{medicine.name} — {medicine.dose}".strip(" —") if medicine.name else ""
    status = acb_status(medicine)
    return f"{head}   [{status}]" if status else head


def allergy_flag(medicine: MedicineData, allergies: Sequence[AllergyData]) -> str:
    """ "ALLERGY: … is recorded — check before giving" when the medicine matches a current recorded
    allergy (clinical/allergy_match: the same code, or the substance's name in the medicine's name)."""
    refs = [AllergyRef(a.substance, a.substance_code, not a.is_history) for a in allergies]
    found = allergy_matches(medicine.name, medicine.dmd_code, refs)
    if not found:
        return ""
    named = "; ".join(dict.fromkeys(m.allergy.strip() for m in found))
    return _tr("ALLERGY recorded: {0} — check before it is given").format(named)


class AllergyFlags(QObject):
    """Puts the allergy warning on each medicine's line in the list (after its ACB status) and in its
    tooltip, refreshed whenever a medicine or an allergy is added, edited or removed."""

    def __init__(self, medicines: ListEditor, allergies: ListEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._medicines, self._allergies = medicines, allergies
        for editor in (medicines, allergies):
            editor.changed.connect(self.refresh)
            editor.current_changed.connect(lambda _row: self.refresh())

    def flags(self) -> list[str]:
        """Each medicine's allergy warning, in list order ("" where none)."""
        allergies = self._allergies.items()
        return [allergy_flag(m, allergies) for m in self._medicines.items()]

    def refresh(self) -> None:
        rows = self._medicines.list
        for i, (medicine, flag) in enumerate(zip(self._medicines.items(), self.flags(), strict=True)):
            item = rows.item(i)
            if item is None:
                continue
            text = medicine_line(medicine) or item.text()
            item.setText(f"{text}   ⚠ {flag}" if flag else text)
            item.setToolTip(flag)


class RecordMedicines(QObject):
    """Offers the imported record's medicines in the medicine name field (a completer), and fills the
    picked one's details in. Set `medicines` to the record's list; an empty list offers nothing."""

    def __init__(self, editor: ListEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editor = editor
        self._medicines: tuple[MedicineData, ...] = ()
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        edit = editor.form.widget("name")
        assert isinstance(edit, QLineEdit)
        self.name_edit: QLineEdit = edit
        self.name_edit.setCompleter(self.completer)
        self.completer.activated.connect(self.pick)
        editor.changed.connect(self._offer)
        editor.current_changed.connect(lambda _row: self._offer())

    @property
    def medicines(self) -> tuple[MedicineData, ...]:
        return self._medicines

    def set_medicines(self, medicines: Sequence[MedicineData]) -> None:
        self._medicines = tuple(m for m in medicines if m.name.strip())
        self._offer()

    def offered(self) -> tuple[MedicineData, ...]:
        """The record's medicines not already in the list (the row being typed in aside): one the draft
        holds is never offered again, so picking cannot make a duplicate."""
        row = self._editor.current_index()
        listed = [m for i, m in enumerate(self._editor.items()) if i != row]
        names = {m.name.casefold().strip() for m in listed}
        codes = {m.dmd_code for m in listed if m.dmd_code}
        return tuple(
            m
            for m in self._medicines
            if m.name.casefold().strip() not in names and not (m.dmd_code and m.dmd_code in codes)
        )

    def _offer(self) -> None:
        names = [m.name for m in self.offered()]
        if names != self.model.stringList():
            self.model.setStringList(names)
        hint = _tr("Type a medicine, or pick one from the imported record as you type.")
        self.name_edit.setPlaceholderText(hint if names else "")

    def pick(self, name: str) -> None:
        """Fill the selected medicine from the record's one of that name (its dose, how it is taken and
        dm+d code), keeping what the clinician recorded about it (decision, notes)."""
        found = next((m for m in self._medicines if m.name == name), None)
        row = self._editor.current_index()
        if found is None or row < 0:
            return
        current = self._editor.items()[row]
        self._editor.replace_item(
            row,
            dataclasses.replace(
                current,
                name=found.name,
                dose=found.dose or current.dose,
                how_taken=found.how_taken or current.how_taken,
                purpose=current.purpose or found.purpose,
                dmd_code=found.dmd_code,
            ),
        )


class ImportedRecords:
    """The medicines of each record imported in this run of the app, by person: what the medicines step
    offers to pick from. Kept in memory with the services it belongs to (nothing written; another
    store, or the next start, begins empty)."""

    _shelves: ClassVar[weakref.WeakKeyDictionary[object, ImportedRecords]] = weakref.WeakKeyDictionary()

    def __init__(self) -> None:
        self.medicines: dict[str, tuple[MedicineData, ...]] = {}

    @classmethod
    def of(cls, services: object) -> ImportedRecords:
        shelf = cls._shelves.get(services)
        if shelf is None:
            shelf = cls._shelves[services] = cls()
        return shelf
