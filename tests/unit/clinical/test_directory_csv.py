"""Directory CSV import/export: clear reports for bad files, nothing lost on round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careplanner.clinical.directory import (
    Leaflet,
    Service,
    leaflets_to_csv,
    load_default_leaflets,
    load_default_services,
    parse_leaflets_csv,
    parse_services_csv,
    search_services,
    services_to_csv,
)
from careplanner.clinical.enums import ReferralKind, ServiceCategory

HEADER = "name,category,description,phone,email,website,address,referral_or_signposting\n"


def test_good_file_with_bom_and_labels() -> None:
    data = (
        "\ufeffName,Category,Description,Phone,Email,Website,Address,Referral or signposting\r\n"
        "Walking group,Exercise,Short walks,0113 496 0100,,www.example.org,,signposting\r\n"
        "Money advice,Debt and money,,01632 960100,help@example.org,,,Referral\r\n"
    ).encode()
    report = parse_services_csv(data)
    assert report.ok
    assert report.skipped == ()
    assert [s.name for s in report.accepted] == ["Walking group", "Money advice"]
    assert report.accepted[1].category is ServiceCategory.DEBT_AND_MONEY
    assert report.accepted[1].kind is ReferralKind.REFERRAL
    assert "2 rows ready to add" in report.summary()


def test_wrong_columns_rejects_whole_file() -> None:
    report = parse_services_csv(b"title,phone\nSomething,0113 496 0100\n")
    assert not report.ok
    assert report.accepted == ()
    assert "missing the column(s): name" in report.problems[0]
    assert "could not be imported" in report.summary()


def test_extra_columns_are_noted_not_fatal() -> None:
    report = parse_services_csv(b"name,notes\nWalking group,bring shoes\n")
    assert report.ok
    assert len(report.accepted) == 1
    assert "Column 'notes' is not used" in report.notes[0]


def test_bad_encoding_is_reported_with_line() -> None:
    data = HEADER.encode() + "Caf\u00e9 group,other\n".encode("latin-1")
    report = parse_services_csv(data)
    assert not report.ok
    assert "not UTF-8" in report.problems[0]
    assert "line 2" in report.problems[0]


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_file(data: bytes) -> None:
    report = parse_services_csv(data)
    assert not report.ok
    assert report.accepted == ()


def test_header_only_gives_nothing_and_no_problem() -> None:
    report = parse_services_csv(HEADER.encode())
    assert report.ok
    assert report.accepted == ()
    assert report.skipped == ()


def test_row_level_skips_have_line_numbers_and_reasons() -> None:
    long_row = "Long,other," + "x" * 2001 + ",,,,,\n"
    lines = [
        HEADER,
        "Walking group,exercise,,,,,,\n",  # line 2 ok
        "\n",  # line 3 blank: ignored
        ",exercise,,,,,,\n",  # line 4 empty name
        "walking  GROUP,exercise,,,,,,\n",  # line 5 duplicate of line 2
        "Singing,choir,,,,,,\n",  # line 6 unknown category
        "Phone typo,other,,0113 496 01O0,,,,\n",  # line 7 letter O
        "Too many,other,,,,,,,extra\n",  # line 8
        "Bad email,other,,,someone@,,,\n",  # line 9
        "Carers group,carers,,,,,,\n",  # line 10 already in directory
        long_row,  # line 11
        "Bad kind,other,,,,,,maybe\n",  # line 12
    ]
    data = "".join(lines).encode()
    report = parse_services_csv(data, existing=["Carers Group"])
    assert [s.name for s in report.accepted] == ["Walking group"]
    reasons = {s.line: s.reason for s in report.skipped}
    assert set(reasons) == {4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert "'name' column is empty" in reasons[4]
    assert "repeats line 2" in reasons[5]
    assert "choir" in reasons[6]
    assert "UK number" in reasons[7]
    assert "unquoted comma" in reasons[8]
    assert "email" in reasons[9]
    assert "already in the directory" in reasons[10]
    assert "longer than 2000" in reasons[11]
    assert "referral" in reasons[12]


def test_multiline_quoted_field_keeps_line_numbers() -> None:
    data = (HEADER + 'A,other,"line one\nline two",,,,,\n' + ",other,,,,,,\n").encode()
    report = parse_services_csv(data)
    assert report.accepted[0].description == "line one\nline two"
    assert report.skipped[0].line == 4


def test_binary_file() -> None:
    report = parse_services_csv(b"name\x00,category\n")
    assert not report.ok


def test_formula_cells_are_escaped_and_round_trip() -> None:
    s = Service(name='=HYPERLINK("x")', description="-2+3", address="'quoted")
    data = services_to_csv([s])
    assert b"'=HYPERLINK" in data
    assert parse_services_csv(data).accepted == (s,)


def test_defaults_are_valid_and_synthetic() -> None:
    services = load_default_services()
    assert len(services) >= 10
    names = {s.name for s in services}
    assert "Social prescribing link worker (practice)" in names
    for s in services:
        digits = s.phone.replace(" ", "")
        assert digits.startswith(("01134960", "01632960")), s.phone  # Ofcom drama ranges
        assert not s.email or s.email.endswith("@example.org")
    assert len(load_default_leaflets()) >= 5


def test_search_services() -> None:
    services = load_default_services()
    assert search_services(services, "walk")[0].name == "Walking for health group"
    assert [s.name for s in search_services(services, "debt")] == ["Citizens Advice \u2014 debt and money"]
    assert all(
        s.category is ServiceCategory.EXERCISE
        for s in search_services(services, "", category=ServiceCategory.EXERCISE)
    )
    assert search_services(services, "COPD")[0].name == "Pulmonary rehabilitation"  # description match


def test_leaflets_import() -> None:
    data = b"title,topic,url\nUsing your inhaler,COPD,https://www.example.org/inhaler\nUsing your inhaler,,\n"
    report = parse_leaflets_csv(data)
    assert report.accepted == (Leaflet("Using your inhaler", "COPD", "", "https://www.example.org/inhaler"),)
    assert report.skipped[0].line == 3


# --- properties -----------------------------------------------------------------------------

_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40).map(str.strip)
_phone = st.sampled_from(["", "0113 496 0123", "01632 960999", "+44 113 496 0000", "111"])
_services = st.builds(
    Service,
    name=_text.filter(bool),
    category=st.sampled_from(ServiceCategory),
    description=_text,
    phone=_phone,
    email=st.sampled_from(["", "a@example.org"]),
    website=st.sampled_from(["", "https://www.example.org/x"]),
    address=_text,
    kind=st.sampled_from(ReferralKind),
)


@given(st.lists(_services, max_size=8, unique_by=lambda s: " ".join(s.name.casefold().split())))
@settings(max_examples=200)
def test_services_round_trip(services: list[Service]) -> None:
    report = parse_services_csv(services_to_csv(services))
    assert report.ok
    assert report.skipped == ()
    assert report.accepted == tuple(services)


@given(st.lists(st.builds(Leaflet, _text.filter(bool), _text, _text, _text), max_size=8,
                unique_by=lambda lf: " ".join(lf.title.casefold().split())))  # fmt: skip
def test_leaflets_round_trip(leaflets: list[Leaflet]) -> None:
    assert parse_leaflets_csv(leaflets_to_csv(leaflets)).accepted == tuple(leaflets)


@given(st.binary(max_size=400))
@settings(max_examples=300)
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    report = parse_services_csv(data)
    assert report.ok or report.accepted == ()


@given(st.lists(st.lists(st.text(max_size=12), max_size=10), max_size=10))
@settings(max_examples=300)
def test_every_data_row_is_accepted_or_skipped(rows: list[list[str]]) -> None:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows([["name", "category"], *rows])
    report = parse_services_csv(buf.getvalue().encode())
    non_blank = [r for r in rows if any(v.strip() for v in r)]
    if report.ok:
        assert len(report.accepted) + len(report.skipped) <= len(non_blank)
        lines = [s.line for s in report.skipped]
        assert all(line >= 2 for line in lines)
        names = [" ".join(s.name.casefold().split()) for s in report.accepted]
        assert len(names) == len(set(names))
