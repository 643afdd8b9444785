"""What changed at a review is said in the clinician's words, never with internal names like "phq2"."""

from __future__ import annotations

import dataclasses

from careplanner.clinical.enums import MedicineDecision, QuestionnaireKind, WellbeingArea
from careplanner.services.diff import diff_plans
from careplanner.services.plan_data import (
    HolisticSection,
    MedicalSection,
    MedicineData,
    PlanContent,
    QuestionnaireData,
    WellbeingData,
)


def test_changes_name_questionnaires_areas_and_decisions_in_words() -> None:
    before = PlanContent(medical=MedicalSection(medicines=(MedicineData("Oxybutynin 5mg tablets"),)))
    medicine = dataclasses.replace(before.medical.medicines[0], decision=MedicineDecision.STOP)
    after = dataclasses.replace(
        before,
        medical=MedicalSection(medicines=(medicine,)),
        holistic=HolisticSection(
            questionnaires=(QuestionnaireData(kind=QuestionnaireKind.PHQ2),),
            wellbeing=(WellbeingData(area=WellbeingArea.LOOKING_AFTER_YOURSELF, score=4),),
        ),
    )
    words = " ".join(
        f"{c.label} {c.before} {c.after}" for section in diff_plans(before, after) for c in section.changes
    )
    assert "PHQ-2 (mood screen)" in words and "Looking after yourself" in words
    assert "Stop" in words
    for internal in ("phq2", "looking_after_yourself", "not_reviewed"):
        assert internal not in words


def _field_names(cls: type, seen: set[type] | None = None) -> set[str]:
    import typing

    seen = seen if seen is not None else set()
    if cls in seen:
        return set()
    seen.add(cls)
    names: set[str] = set()
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        names.add(f.name)
        for inner in (hints[f.name], *typing.get_args(hints[f.name])):
            if dataclasses.is_dataclass(inner) and isinstance(inner, type):
                names |= _field_names(inner, seen)
    return names


def test_every_plan_field_has_a_plain_label_without_abbreviated_internal_words() -> None:
    from careplanner.services.diff_labels import field_label

    for name in _field_names(PlanContent):
        label = field_label(name)
        assert "_" not in label and label[:1].isupper(), name
        naive = name.replace("_", " ")
        # Field names with an abbreviation, a flag prefix or a code read badly as they are.
        if any(
            part in name.split("_") for part in ("key", "id", "lpa", "adrt", "cpr", "is", "snomed", "dmd")
        ):
            assert label != naive[:1].upper() + naive[1:], f"{name} still reads as its internal name"


def test_a_changed_contact_kind_is_named_in_words() -> None:
    from careplanner.services.plan_data import ContingencyContactData, ContingencyData, ContingencySection

    contact = ContingencyContactData(zone="red", name="Out of hours", role_key="practice")
    before = PlanContent(
        contingency=ContingencySection(plans=(ContingencyData(name="COPD", contacts=(contact,)),))
    )
    changed = dataclasses.replace(contact, role_key="out_of_hours")
    plan = dataclasses.replace(before.contingency.plans[0], contacts=(changed,))
    after = dataclasses.replace(before, contingency=ContingencySection(plans=(plan,)))
    words = " ".join(
        f"{c.label} {c.before} {c.after}" for section in diff_plans(before, after) for c in section.changes
    )
    assert "Kind of contact" in words and "role key" not in words
