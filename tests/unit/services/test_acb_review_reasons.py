"""Issue 10, defect 4: the review-date suggestion names medicines the ACB total could not score."""

from __future__ import annotations

from datetime import date

from careplanner.app import AppContext
from careplanner.services import plan_data as d
from careplanner.services.users import Actor
from tests.conftest import make_person

TODAY = date(2026, 11, 22)


def test_unrecognised_medicines_are_named_in_the_review_reasons(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    medical = d.MedicalSection(
        medicines=(d.MedicineData(name="Oxybutinin 5mg"), d.MedicineData(name="Methocarbamol 750mg"))
    )
    proposal = ctx.services.clinical.suggest_review(person, d.PlanContent(medical=medical), start=TODAY)
    reasons = " ".join(proposal.suggestion.reasons)
    assert "Anticholinergic burden total 0 may be too low" in reasons
    assert "not recognised — check these by hand: Oxybutinin 5mg (did you mean oxybutynin?)" in reasons
    assert "scored by other lists: Methocarbamol 750mg (acbcalc.com 3)" in reasons


def test_a_brand_name_now_scores_and_raises_the_need(ctx: AppContext, actor: Actor) -> None:
    person = ctx.services.people.create(make_person(), actor)
    medical = d.MedicalSection(medicines=(d.MedicineData(name="Seroquel 25mg"),))
    proposal = ctx.services.clinical.suggest_review(person, d.PlanContent(medical=medical), start=TODAY)
    assert proposal.suggestion.months == 3
    assert any("Anticholinergic burden total 3" in r for r in proposal.suggestion.reasons)
    assert not any("may be too low" in r for r in proposal.suggestion.reasons)
