"""Choices read as a clinician writes them: "Not for CPR", never "Not for cpr"."""

from __future__ import annotations

from careplanner.clinical.enums import ContactRole, CprDecision, MedicineDecision
from careplanner.ui.fields import enum_label


def test_choices_name_cpr_gp_and_nhs_in_capitals() -> None:
    assert enum_label(CprDecision.NOT_FOR_CPR) == "Not for CPR"
    assert enum_label(CprDecision.FOR_CPR) == "For CPR"
    assert enum_label(ContactRole.NHS_111) == "NHS 111"
    assert enum_label(MedicineDecision.STOP) == "Stop"
