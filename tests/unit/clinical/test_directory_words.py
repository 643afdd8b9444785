"""The table of everyday words that widens a directory search ("lonely" also finds befriending)."""

from __future__ import annotations

from careplanner.services.directory_words import (
    also_finds,
    load_words,
    meaning_matches,
    parse_words,
    words_of,
)


def test_the_shipped_table_reads_and_lonely_finds_befriending() -> None:
    table = load_words()
    assert len(table) > 30
    assert ("befriending",) in also_finds("lonely")
    assert ("befriending",) in also_finds("Lonely")
    assert ("debt",) in also_finds("moneys")  # a plural is looked up by its stem


def test_malformed_rows_are_skipped() -> None:
    table = parse_words("word,also_finds\nlonely,befriending; ;\n,orphan\ntwo words,x\nempty,\n")
    assert table == {"lonely": (("befriending",),)}


def test_every_typed_word_must_be_met_by_itself_or_its_meaning() -> None:
    items = ["Befriending service (volunteer)", "Walking group", "Debt advice"]
    words = words_of
    assert meaning_matches(items, "lonely", words) == ["Befriending service (volunteer)", "Walking group"]
    assert meaning_matches(items, "lonely volunteer", words) == ["Befriending service (volunteer)"]
    assert meaning_matches(items, "money", words) == ["Debt advice"]
    assert meaning_matches(items, "walking", words) == []  # no meaning word: the ordinary search's job
