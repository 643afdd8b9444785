"""ACB scale data file and matching of record-style medicine names."""

from __future__ import annotations

from collections import Counter

import pytest

from careplanner.clinical.acb import acb_total, load_acb_entries, match_medicine, match_medicines


def test_data_file_size_and_score_counts() -> None:
    entries = load_acb_entries()
    assert len(entries) == 103
    assert Counter(e.score for e in entries) == {1: 45, 2: 13, 3: 45}
    assert len({e.generic_name for e in entries}) == 103
    assert all(e.source for e in entries)


@pytest.mark.parametrize(
    ("generic", "score"),
    [
        ("amitriptyline", 3), ("oxybutynin", 3), ("chlorphenamine", 3), ("solifenacin", 3),
        ("quetiapine", 3), ("paroxetine", 3), ("amantadine", 2), ("carbamazepine", 2),
        ("pethidine", 2), ("levomepromazine", 2), ("cimetidine", 1), ("haloperidol", 1),
        ("furosemide", 1), ("warfarin", 1), ("codeine", 1), ("atenolol", 1),
    ],
)  # fmt: skip
def test_known_values(generic: str, score: int) -> None:
    entry = match_medicine(generic)
    assert entry is not None
    assert (entry.generic_name, entry.score) == (generic, score)


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("Amitriptyline 10mg tablets", "amitriptyline"),
        ("oxybutynin hydrochloride", "oxybutynin"),
        ("Chlorphenamine 4mg", "chlorphenamine"),
        ("CHLORPHENIRAMINE MALEATE 4 MG", "chlorphenamine"),  # US name
        ("Oxybutynin 5mg/5ml oral solution", "oxybutynin"),
        ("Amitriptyline10mg", "amitriptyline"),
        ("Tolterodine tartrate 2mg MR capsules", "tolterodine"),
        ("Detrusitol 2mg tablets", "tolterodine"),  # brand
        ("Kwells 300microgram tablets", "hyoscine hydrobromide"),
        ("Hyoscine hydrobromide 1mg/72hours patch", "hyoscine hydrobromide"),
        ("Isosorbide mononitrate 60mg modified-release", "isosorbide mononitrate"),
        ("Frusemide 40mg", "furosemide"),  # former UK name
        ("Co-codamol 30mg/500mg tablets", "codeine"),
        ("Paracetamol 500mg / Codeine phosphate 30mg", "codeine"),
        ("benzhexol 2mg", "trihexyphenidyl"),
    ],
)
def test_record_style_names(written: str, generic: str) -> None:
    entry = match_medicine(written)
    assert entry is not None, written
    assert entry.generic_name == generic


@pytest.mark.parametrize(
    "written",
    [
        "Paracetamol 500mg",
        "Hyoscine butylbromide 10mg (Buscopan)",  # not on the scale; must not match hydrobromide
        "Hyoscine",  # salt unknown, so not guessed
        "Co-careldopa 25mg/100mg",  # neither ingredient is on the 2012 list
        "Dihydrocodeine 30mg",  # codeine only as a whole word
        "Desloratadine 5mg",
        "Levocetirizine 5mg",
        "Methotrexate 2.5mg",
        "",
    ],
)
def test_no_substring_accidents(written: str) -> None:
    entry = match_medicine(written)
    if written.startswith("Desloratadine"):
        assert entry is not None
        assert entry.generic_name == "desloratadine"
    elif written.startswith("Levocetirizine"):
        assert entry is not None
        assert entry.generic_name == "levocetirizine"
    else:
        assert entry is None


def test_word_inside_another_word_does_not_match() -> None:
    assert match_medicine("chlorpromazine 25mg").generic_name == "chlorpromazine"  # type: ignore[union-attr]
    assert match_medicine("Levomepromazine 6mg") is not None
    assert match_medicine("Levomepromazine 6mg").generic_name == "levomepromazine"  # type: ignore[union-attr]
    assert match_medicine("xatenololx") is None
    assert match_medicine("atenololum") is None


def test_combination_counts_each_ingredient() -> None:
    names = [e.generic_name for e in match_medicines("Co-tenidone 50mg/12.5mg tablets")]
    assert names == ["atenolol", "chlortalidone"]


def test_total_contributors_and_warning() -> None:
    result = acb_total(["Amitriptyline 10mg tablets", "Paracetamol 500mg", "Furosemide 40mg"])
    assert result.total == 4
    assert result.warning
    assert [tuple(c) for c in result.contributors] == [
        ("Amitriptyline 10mg tablets", "amitriptyline", 3),
        ("Furosemide 40mg", "furosemide", 1),
    ]
    assert result.not_on_scale == ("Paracetamol 500mg",)
    assert "amitriptyline (3)" in result.warning_text
    assert "furosemide (1)" in result.warning_text


def test_below_three_has_no_warning_and_unknown_is_listed() -> None:
    result = acb_total(["Atenolol 50mg", "Codeine 30mg", "Ramipril 5mg"])
    assert result.total == 2
    assert not result.warning
    assert result.warning_text == ""
    assert result.not_on_scale == ("Ramipril 5mg",)


def test_warning_at_exactly_three() -> None:
    assert acb_total(["oxybutynin 5mg"]).warning


def test_same_drug_twice_counts_once() -> None:
    result = acb_total(["Amitriptyline 10mg", "Amitriptyline 25mg", ""])
    assert result.total == 3
    assert result.duplicates == ("Amitriptyline 25mg",)


def test_empty_list() -> None:
    result = acb_total([])
    assert (result.total, result.contributors, result.not_on_scale, result.warning) == (0, (), (), False)
