"""Care-planning event codes: every id well formed, the named constants present."""

from __future__ import annotations

import pytest

from careplanner.clinical import snomed
from careplanner.clinical.enums import QuestionnaireKind


def test_all_ids_pass_verhoeff_and_have_sources() -> None:
    concepts = snomed.load_concepts()
    assert len(concepts) == 57
    for c in concepts.values():
        assert snomed.is_valid_sctid(c.concept_id)
        assert c.source


@pytest.mark.parametrize("bad", ["734163001", "0734163000", "12345", "abc", ""])
def test_verhoeff_rejects_typos(bad: str) -> None:
    assert not snomed.is_valid_sctid(bad)


def test_named_constants_are_in_the_data() -> None:
    names = [n for n in dir(snomed) if n.isupper() and isinstance(getattr(snomed, n), str)]
    assert len(names) > 20
    for name in names:
        assert getattr(snomed, name) in snomed.load_concepts(), name


def test_key_codes() -> None:
    assert snomed.concept(snomed.CARE_PLAN_DOCUMENT).term.startswith("Care plan")
    assert snomed.concept(snomed.PHQ9_SCORE).kind == "score_observable"
    assert snomed.concept(snomed.REFERRAL_TO_SOCIAL_PRESCRIBING).kind == "social_prescribing"


def test_score_codes_only_where_verified() -> None:
    assert snomed.score_concept_for(QuestionnaireKind.PHQ9) is not None
    assert snomed.score_concept_for(QuestionnaireKind.GAD7) is not None
    assert snomed.score_concept_for(QuestionnaireKind.UCLA3) is None
    assert snomed.score_concept_for(QuestionnaireKind.GAD2) is None


def test_kinds() -> None:
    assert {c.concept_id for c in snomed.concepts_of_kind("resuscitation_status")} == {
        snomed.NOT_FOR_RESUSCITATION,
        snomed.FOR_RESUSCITATION,
    }
