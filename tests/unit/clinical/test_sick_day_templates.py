"""The sick-day classifier behind the templates' "pause these medicines" list: generic names, UK
brands and combinations map to the UK sick-day groups; insulin is never paused; skin preparations
and low-dose aspirin are left alone."""

from __future__ import annotations

import pytest

from careplanner.clinical.sick_day import (
    PAUSE_GROUPS,
    SickDayGroup,
    medicines_to_pause,
    sick_day_groups,
    takes_insulin,
)

G = SickDayGroup


@pytest.mark.parametrize(
    ("medicine", "groups"),
    [
        ("Gliclazide 80mg tablets", (G.SULFONYLUREA,)),
        ("Ramipril 5mg capsules", (G.ACE_INHIBITOR,)),
        ("Furosemide 40mg tablets", (G.DIURETIC,)),
        ("Bendroflumethiazide 2.5mg", (G.DIURETIC,)),
        ("Metformin 500mg modified-release", (G.METFORMIN,)),
        ("metformin500mg", (G.METFORMIN,)),
        ("Losartan 50mg", (G.ARB,)),
        ("Naproxen 500mg", (G.NSAID,)),
        ("Dapagliflozin 10mg", (G.SGLT2_INHIBITOR,)),
        ("Sacubitril/valsartan 49mg/51mg", (G.ARNI,)),  # named as the ARNI, not also as an ARB
        ("Entresto 24mg/26mg", (G.ARNI,)),
        ("Spironolactone 25mg", (G.MRA,)),
        ("Eplerenone 25mg", (G.MRA,)),
        ("Co-amilofruse 5mg/40mg", (G.DIURETIC,)),
        ("Janumet 50mg/1000mg", (G.METFORMIN,)),
        ("Synjardy 5mg/1000mg", (G.METFORMIN, G.SGLT2_INHIBITOR)),
        ("Zestoretic 20/12.5", (G.ACE_INHIBITOR, G.DIURETIC)),
        ("Lantus SoloStar 100units/ml", (G.INSULIN,)),
        ("Insulin glargine", (G.INSULIN,)),
        ("Ibuprofen 5% gel", ()),  # on the skin: not paused
        ("Voltarol Emulgel", ()),
        ("Aspirin 75mg dispersible", ()),  # low-dose aspirin is not on the sick-day list
        ("Amlodipine 5mg", ()),
        ("Atorvastatin 20mg", ()),
        ("", ()),
    ],
)
def test_groups(medicine: str, groups: tuple[SickDayGroup, ...]) -> None:
    assert sick_day_groups(medicine) == groups


def test_whole_words_only() -> None:
    # "prilocaine" ends nothing; "ramiprilat" is not a listed word: no substring matches.
    assert sick_day_groups("Prilocaine cream") == ()
    assert sick_day_groups("Metforminx") == ()


def test_pause_list_keeps_the_persons_order_and_wording_and_never_insulin() -> None:
    meds = [
        "Insulin aspart (NovoRapid)",
        "Ramipril 5mg capsules",
        "Amlodipine 5mg",
        "Metformin 500mg tablets",
        "Ramipril 5mg capsules",
        "Empagliflozin 10mg",
    ]
    found = medicines_to_pause(meds)
    assert [m.medicine for m in found] == [
        "Ramipril 5mg capsules",
        "Metformin 500mg tablets",
        "Empagliflozin 10mg",
    ]
    assert all(g in PAUSE_GROUPS for m in found for g in m.groups)
    assert "ACE inhibitor" in found[0].reason
    assert takes_insulin(meds)
    assert not takes_insulin(["Metformin 500mg"])


def test_every_sadmans_group_and_the_heart_failure_groups_are_paused() -> None:
    assert {
        G.SULFONYLUREA, G.ACE_INHIBITOR, G.DIURETIC, G.METFORMIN, G.ARB, G.NSAID, G.SGLT2_INHIBITOR,
        G.ARNI, G.MRA,
    } == PAUSE_GROUPS  # fmt: skip
    assert G.INSULIN not in PAUSE_GROUPS
