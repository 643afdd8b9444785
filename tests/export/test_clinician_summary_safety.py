"""The clinician summary on the richest plan: allergies never silent, past entries marked as past, and the
emergency decisions (CPR form, ceiling of treatment, admission wishes, advance decision) all present."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from careplanner.export.clinician_summary import render_clinician_summary
from careplanner.export.sample import SAMPLE_PRACTICE, sample_person
from careplanner.export.sample_rich import rich_content, rich_plan
from careplanner.services.plan_data import PlanContent
from tests.export.conftest import pdf_text


def _summary(content: PlanContent, tmp_path: Path) -> str:
    plan = dataclasses.replace(rich_plan(), content=content)
    return pdf_text(render_clinician_summary(sample_person(), plan, SAMPLE_PRACTICE), tmp_path)


def _allergies(content: PlanContent, *, keep: bool, none_known: bool) -> PlanContent:
    medical = content.medical
    medical = dataclasses.replace(
        medical,
        review=dataclasses.replace(medical.review, no_known_allergies=none_known),
        allergies=medical.allergies if keep else (),
    )
    return dataclasses.replace(content, medical=medical)


@pytest.mark.parametrize(
    ("keep", "none_known", "expected"),
    [
        (False, False, "Allergies NOT RECORDED: ask and record."),
        (False, True, "Allergies None known (recorded)."),
    ],
    ids=["not-recorded", "none-known"],
)
def test_allergies_are_never_silent(keep: bool, none_known: bool, expected: str, tmp_path: Path) -> None:
    text = _summary(_allergies(rich_content(), keep=keep, none_known=none_known), tmp_path)
    assert expected in text


def test_past_conditions_and_allergies_are_marked_as_past(tmp_path: Path) -> None:
    content = rich_content()
    medical = content.medical
    medical = dataclasses.replace(
        medical,
        conditions=(
            *medical.conditions,
            dataclasses.replace(medical.conditions[0], term="Pneumonia", clinical_status="resolved"),
        ),
        allergies=(
            *medical.allergies,
            dataclasses.replace(medical.allergies[0], substance="Elastoplast", clinical_status="inactive"),
        ),
    )
    text = _summary(dataclasses.replace(content, medical=medical), tmp_path)
    current = text[text.index("Conditions") : text.index("Past conditions")]
    assert "Pneumonia" not in current
    assert "Past conditions" in text and "Pneumonia" in text and "[resolved]" in text
    assert "Past (inactive): Elastoplast" in text


def test_emergency_decisions_are_all_there(tmp_path: Path) -> None:
    text = _summary(rich_content(), tmp_path)
    for phrase in (
        "not for CPR",
        "discussed with the person",
        "form kept: ReSPECT form in the kitchen drawer",
        "ceiling: Treatment on a ward; not intensive care.",
        "If I fall: wishes to avoid admission",
        "kept: In the blue folder by my bed",
    ):
        assert phrase in text, phrase
