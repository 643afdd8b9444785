"""Issue 10, defect 4: no medicine is silently scored 0 by the ACB matcher.

Brands and UK names are recognised through the sourced alias file; a misspelling is "not recognised"
(never fuzzy-scored); skin, eye and ear preparations are listed as not counted; medicines outside the
2012 list that other lists score (prednisolone, methocarbamol) are shown as left out.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files

import pytest

from careplanner.clinical.acb import (
    ACB_SCALE_NOTE,
    AcbEntry,
    MedicineRef,
    acb_total,
    load_acb_entries,
    match_medicine,
    match_outside_scale,
)
from careplanner.clinical.acb_data import load_acb_aliases, load_outside_scale
from careplanner.clinical.acb_text import acb_check_lines, acb_review_reason


def _resource_rows(name: str) -> list[dict[str, str]]:
    text = (files("careplanner.resources") / "clinical" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO("\n".join(x for x in text.splitlines() if not x.startswith("#")))))


def test_the_field_report_case_is_no_longer_a_silent_zero() -> None:
    """ "Seroquel 25mg" plus a one-letter typo of oxybutynin showed "ACB total: 0" with nothing else."""
    result = acb_total(["Seroquel 25mg", "Oxybutinin 5mg"])
    assert result.total == 3  # Seroquel is quetiapine (3); the typo is not guessed into the total
    assert [(c.as_written, c.generic_name) for c in result.contributors] == [("Seroquel 25mg", "quetiapine")]
    assert [n.as_written for n in result.not_recognised] == ["Oxybutinin 5mg"]
    assert result.not_recognised[0].did_you_mean == "oxybutynin"
    assert result.needs_check
    lines = acb_check_lines(result)
    assert lines[0].startswith(
        "Not recognised — check these by hand: Oxybutinin 5mg (did you mean oxybutynin?)"
    )


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("Seroquel 25mg tablets", "quetiapine"),
        ("Seroquel XL 50mg", "quetiapine"),
        ("Ditropan 2.5mg tablets", "oxybutynin"),
        ("Lyrinel XL 10mg prolonged-release tablets", "oxybutynin"),
        ("Kentera 3.9mg/24hours transdermal patches", "oxybutynin"),  # a patch is absorbed: counted
        ("Emselex 7.5mg tablets", "darifenacin"),
        ("Vesicare 5mg tablets", "solifenacin"),
        ("Phenergan 25mg tablets", "promethazine"),
        ("Sominex 20mg tablets", "promethazine"),
        ("Avomine 25mg tablets", "promethazine"),
        ("Nytol One-A-Night 50mg tablets", "diphenhydramine"),
        ("Trimeprazine 10mg", "alimemazine"),
        ("Dicycloverine 10mg", "dicycloverine"),  # UK name (US dicyclomine)
        ("Chlorphenamine 4mg", "chlorphenamine"),
        ("Meclozine 12.5mg", "meclizine"),
        ("Levomepromazine 6mg", "levomepromazine"),
        ("Frusemide 20mg", "furosemide"),
    ],
)
def test_brand_and_uk_names_score(written: str, generic: str) -> None:
    result = acb_total([written])
    assert [c.generic_name for c in result.contributors] == [generic], written
    assert not result.not_recognised


@pytest.mark.parametrize(
    "typo", ["Oxybutinin 5mg", "Amitryptiline 10mg", "Quetiepine 25mg", "Solifenacine 5mg", "Seroquell 25mg"]
)
def test_a_misspelling_is_not_recognised_and_never_scored(typo: str) -> None:
    result = acb_total([typo])
    assert result.total == 0
    assert result.contributors == ()
    assert [n.as_written for n in result.not_recognised] == [typo]
    assert "check these by hand" in acb_check_lines(result)[0]


def test_plain_nytol_is_not_guessed() -> None:
    """Nytol Herbal has no diphenhydramine, so the bare brand is checked by hand, not scored 3."""
    result = acb_total(["Nytol"])
    assert result.total == 0
    assert [n.as_written for n in result.not_recognised] == ["Nytol"]


@pytest.mark.parametrize(
    "written",
    [
        "Hydrocortisone 1% cream",
        "Hydrocortisone 0.5% ointment",
        "Atropine 1% eye drops",
        "Atropine 1% eye drops 0.5ml unit dose",
        "Hydrocortisone 1% / Gentamicin 0.3% ear drops",
        "Diphenhydramine 2% gel",
        "Doxepin 5% cream",
    ],
)
def test_skin_eye_and_ear_preparations_are_listed_not_counted(written: str) -> None:
    result = acb_total([written, "Atenolol 50mg"])
    assert result.total == 1
    assert result.not_counted_route == (written,)
    assert f"Not counted (topical/eye/ear): {written}." in acb_check_lines(result)


@pytest.mark.parametrize(
    ("written", "score"),
    [
        ("Hyoscine hydrobromide 1mg/72hours patch", 3),
        ("Fentanyl 12micrograms/hour transdermal patches", 1),
        ("Hydrocortisone 10mg tablets", 1),
        ("Atropine 600micrograms/1ml solution for injection", 3),
    ],
)
def test_systemic_forms_still_count(written: str, score: int) -> None:
    result = acb_total([written])
    assert result.total == score
    assert result.not_counted_route == ()


def test_prednisolone_is_recognised_as_outside_the_2012_list_and_shown() -> None:
    """The 2012 list has prednisone (1), not prednisolone: it is not scored as prednisone, but it is
    recognised and shown with the scores acbcalc.com and the AEC give it."""
    assert match_medicine("Prednisolone 5mg tablets") is None
    assert "prednisolone" not in {e.generic_name for e in load_acb_entries()}
    assert match_medicine("Prednisone 5mg").generic_name == "prednisone"  # type: ignore[union-attr]
    result = acb_total(["Prednisolone 5mg tablets"])
    assert result.total == 0
    assert result.not_recognised == ()
    assert [o.as_written for o in result.left_out] == ["Prednisolone 5mg tablets"]
    assert result.left_out[0].entry.other_scores == (("acbcalc.com", 1), ("AEC", 1))
    assert acb_check_lines(result) == [
        "Not on the ACB 2012 list, so not in this total, but other lists score them: "
        "Prednisolone 5mg tablets (acbcalc.com 1, AEC 1)."
    ]


def test_methocarbamol_is_not_on_the_list_used_and_is_shown_with_its_acbcalc_score() -> None:
    assert "methocarbamol" not in {e.generic_name for e in load_acb_entries()}
    entry = match_outside_scale("Methocarbamol 750mg tablets")
    assert entry is not None
    assert entry.other_scores == (("acbcalc.com", 3),)
    assert "UNVERIFIED" in entry.source and "2012" in entry.source
    result = acb_total(["Methocarbamol 750mg tablets", "Amitriptyline 10mg"])
    assert result.total == 3
    assert "Methocarbamol 750mg tablets (acbcalc.com 3)" in acb_check_lines(result)[0]
    assert "Methocarbamol" in acb_review_reason(result)


@pytest.mark.parametrize(
    "written", ["Dosulepin 75mg", "Dothiepin 25mg", "Prochlorperazine 5mg", "Tramadol 50mg"]
)
def test_uk_anticholinergics_the_scale_leaves_out_are_named(written: str) -> None:
    result = acb_total([written])
    assert result.total == 0
    assert [o.as_written for o in result.left_out] == [written]


def test_medicines_known_to_score_zero_are_neither_counted_nor_flagged() -> None:
    result = acb_total(["Paracetamol 500mg tablets", "Simvastatin 40mg", "Amlodipine 5mg"])
    assert result.total == 0
    assert result.not_recognised == ()
    assert result.left_out == ()
    assert not result.needs_check
    assert acb_check_lines(result) == []
    assert acb_review_reason(result) == ""


def test_scale_note_names_the_scale_and_what_it_leaves_out() -> None:
    for phrase in ("Anticholinergic Cognitive Burden (ACB) scale, 2012 update", "Boustani", "Campbell",
                   "Aging Brain Care", "does not weigh the dose", "dosulepin", "eye and ear"):  # fmt: skip
        assert phrase in ACB_SCALE_NOTE, phrase


def test_every_alias_and_outside_row_has_a_source_and_names_known_drugs() -> None:
    aliases = load_acb_aliases()
    assert {"seroquel", "ditropan", "vesicare", "emselex", "phenergan"} <= {a.alias for a in aliases}
    assert all(a.source for a in aliases)
    assert all(row["source"].strip() for row in _resource_rows("acb_aliases.csv"))
    outside = load_outside_scale()
    assert all(o.source for o in outside)
    on_scale = {e.generic_name for e in load_acb_entries()}
    assert not {o.name for o in outside} & on_scale
    assert all(row["source"].strip() for row in _resource_rows("acb_outside_scale.csv"))


def test_a_coded_medicine_can_be_matched_by_code_first() -> None:
    """The seam for a later dm+d matcher: a known code wins; an unknown code falls back to the name."""
    quetiapine = next(e for e in load_acb_entries() if e.generic_name == "quetiapine")

    def by_code(code: str) -> tuple[AcbEntry, ...] | None:
        return {"111": (quetiapine,), "222": ()}.get(code)

    result = acb_total(
        [
            MedicineRef("Qtp 25", dmd_code="111"),
            MedicineRef("Paracet", dmd_code="222"),
            MedicineRef("Oxybutinin", "9"),
        ],
        code_matcher=by_code,
    )
    assert [(c.as_written, c.generic_name) for c in result.contributors] == [("Qtp 25", "quetiapine")]
    assert [o.as_written for o in result.outside_scale] == ["Paracet"]
    assert [n.as_written for n in result.not_recognised] == ["Oxybutinin"]
