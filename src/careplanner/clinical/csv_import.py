"""Careful CSV import and export for the practice's directories.

Practices keep these lists in spreadsheets, so imports meet every spreadsheet habit: a UTF-8 BOM,
renamed or missing columns, blank lines, stray commas, duplicates. The parser never raises on bad
input and never changes anything itself: it returns a report of the rows it would add and, for
each row it would skip, the line number and a plain reason, so the user can confirm or fix the
file. Export protects against spreadsheet formula injection (a cell starting "=" is written as
"'=") and import undoes that, so files round-trip.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Column",
    "ImportReport",
    "SkippedRow",
    "name_key",
    "parse_csv",
    "write_csv",
]

T = TypeVar("T")

MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 5_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Column:
    """An expected column: its name in the file, whether it must have a value, its length limit."""

    name: str
    required: bool = False
    max_length: int = 500
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row that will not be imported: its line in the file and why, in plain words."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport(Generic[T]):
    """What an import would do. Nothing is saved until the service layer confirms `accepted`.

    `problems` are file-level failures (wrong columns, bad encoding, empty file): when there are
    any, nothing is accepted. `notes` are harmless remarks such as ignored extra columns.
    """

    accepted: tuple[T, ...]
    skipped: tuple[SkippedRow, ...]
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for the confirmation dialog."""
        if self.problems:
            return "The file could not be imported: " + " ".join(self.problems)
        rows = "row" if len(self.accepted) == 1 else "rows"
        text = f"{len(self.accepted)} {rows} ready to add"
        if self.skipped:
            text += f"; {len(self.skipped)} skipped (see the reasons)"
        return text + "."


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").casefold())


def name_key(text: str) -> str:
    """How names are compared for duplicates: case and repeated spaces ignored."""
    return " ".join(text.casefold().split())


def _unescape(value: str) -> str:
    if value.startswith("'") and value[1:2] and (value[1] in _FORMULA_START or value[1] == "'"):
        return value[1:]
    return value


def _escape(value: str) -> str:
    if value.startswith(_FORMULA_START) or value.startswith("'"):
        return "'" + value
    return value


def _has_control_chars(value: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in value)


def parse_csv(
    data: bytes,
    columns: Sequence[Column],
    build: Callable[[Mapping[str, str]], T | str],
    key: Callable[[T], str],
    existing: Iterable[str] = (),
) -> ImportReport[T]:
    """Parse `data` against `columns`; `build` turns a row into an item or returns a reason.

    Rows are skipped, with reasons, for: more values than columns, control characters, empty
    required fields, over-long fields, whatever `build` rejects, and duplicates (by `key`, within
    the file or against `existing`). Blank lines are ignored.
    """
    if not data.strip():
        return ImportReport((), (), ("The file is empty.",))
    if len(data) > MAX_FILE_BYTES:
        return ImportReport((), (), (f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB.",))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ImportReport(
            (),
            (),
            (
                f"The file is not UTF-8 text (unreadable character on line {line}). Save it from "
                "your spreadsheet as 'CSV UTF-8' and try again.",
            ),
        )
    if "\x00" in text:
        return ImportReport((), (), ("The file contains binary data; it is not a CSV file.",))

    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return ImportReport((), (), (f"The first line could not be read as CSV ({exc}).",))
    if header is None or not any(h.strip() for h in header):
        return ImportReport((), (), ("The first line must name the columns.",))

    by_name: dict[str, Column] = {}
    for col in columns:
        for n in (col.name, *col.aliases):
            by_name[_header_key(n)] = col
    positions: dict[str, int] = {}
    notes: list[str] = []
    problems: list[str] = []
    for i, raw_name in enumerate(header):
        col_or_none = by_name.get(_header_key(raw_name))
        if col_or_none is None:
            if raw_name.strip():
                notes.append(f"Column '{raw_name.strip()}' is not used and was ignored.")
            continue
        if col_or_none.name in positions:
            problems.append(f"The column '{col_or_none.name}' appears more than once.")
        positions[col_or_none.name] = i
    missing = [c.name for c in columns if c.required and c.name not in positions]
    if missing:
        expected = ", ".join(c.name for c in columns)
        problems.append(
            f"The file is missing the column(s): {', '.join(missing)}. The first line should "
            f"name the columns: {expected}."
        )
    if problems:
        return ImportReport((), (), tuple(problems), tuple(notes))

    accepted: list[T] = []
    skipped: list[SkippedRow] = []
    seen: dict[str, int] = {}
    already = {name_key(n) for n in existing}
    line = reader.line_num + 1
    rows = 0
    while True:
        start = line
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            skipped.append(SkippedRow(start, f"could not be read as CSV ({exc})"))
            line = reader.line_num + 1
            continue
        line = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        rows += 1
        if rows > MAX_ROWS:
            problems.append(f"The file has more than {MAX_ROWS} rows; split it and import again.")
            return ImportReport((), (), tuple(problems), tuple(notes))
        reason = _row_problem(values, len(header), columns, positions)
        if reason:
            skipped.append(SkippedRow(start, reason))
            continue
        row = {
            c.name: _unescape(values[positions[c.name]].strip())
            if c.name in positions and positions[c.name] < len(values)
            else ""
            for c in columns
        }
        built = build(row)
        if isinstance(built, str):
            skipped.append(SkippedRow(start, built))
            continue
        k = name_key(key(built))
        if k in already:
            skipped.append(SkippedRow(start, f"'{key(built)}' is already in the directory"))
        elif k in seen:
            skipped.append(SkippedRow(start, f"'{key(built)}' repeats line {seen[k]}"))
        else:
            seen[k] = start
            accepted.append(built)
    return ImportReport(tuple(accepted), tuple(skipped), (), tuple(notes))


def _row_problem(
    values: Sequence[str], width: int, columns: Sequence[Column], positions: Mapping[str, int]
) -> str:
    if len(values) > width:
        return (
            f"has {len(values)} values but the first line names {width} columns (is there an unquoted comma?)"
        )
    for col in columns:
        pos = positions.get(col.name)
        value = values[pos].strip() if pos is not None and pos < len(values) else ""
        if col.required and not value:
            return f"the '{col.name}' column is empty"
        if len(value) > col.max_length:
            return f"the '{col.name}' value is longer than {col.max_length} characters"
        if _has_control_chars(value):
            return f"the '{col.name}' value contains unreadable control characters"
    return ""


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 CSV with a BOM (so spreadsheets detect the encoding) and formula-safe cells."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_escape(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
