"""The language of the person's printed copy: English (en-GB) or Welsh (cy), and the design for more.

Every fixed word the person's copy prints goes through `t()`, with the English as the key (as gettext
does), and sentences with something filled in are templates: `t("Agreed {date} · Version {number}")
.format(...)`. A language is a JSON file in `resources/copy_text/` mapping each English text to its
translation; `speaking("cy")` chooses it while one document is drawn (a context variable, so two documents
drawn at once never mix). What the clinician typed, and the names of conditions and medicines from the
clinical reference data, print as written. Dates use the language's month and day names.

`tests/export/test_copy_language.py` prints every hard case in Welsh and fails on any English key used
that has no Welsh, so a new sentence cannot slip into a Welsh copy in English.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from importlib import resources

ENGLISH = "en-GB"
WELSH = "cy"
LANGUAGES = {ENGLISH: "English", WELSH: "Cymraeg (Welsh)"}
# How a language is written on a person's record ("Welsh", "Cymraeg") → the copy's language code.
NAMES = {"english": ENGLISH, "welsh": WELSH, "cymraeg": WELSH, "cy": WELSH}

_current: ContextVar[str] = ContextVar("copy_language", default=ENGLISH)
_used: ContextVar[set[str] | None] = ContextVar("copy_language_used", default=None)

MONTHS = {
    WELSH: (
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ),
}  # fmt: skip
WEEKDAYS = {
    WELSH: ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul"),
}


@cache
def catalogue(language: str) -> dict[str, str]:
    if language == ENGLISH:
        return {}
    text = (
        resources.files("careplanner.resources").joinpath("copy_text", f"{language}.json").read_text("utf-8")
    )
    data: dict[str, str] = json.loads(text)
    return data


def language_of(name: str) -> str | None:
    """The copy's language for a language as written on a record ("Welsh", "cymraeg"), or None when the
    copy has no headings in it."""
    return NAMES.get(name.strip().casefold())


def current() -> str:
    return _current.get()


def t(text: str) -> str:
    """`text` (English, the key) in the language being printed; English when there is no translation."""
    if not text:
        return text
    used = _used.get()
    if used is not None:
        used.add(text)
    language = _current.get()
    if language == ENGLISH:
        return text
    return catalogue(language).get(text, text)


def t_both(text: str) -> str:
    """A safety line in the language being printed with the English after it ("… (English)"), so a
    paramedic or out-of-hours doctor who does not read the person's language reads it too. English alone
    when the copy is in English."""
    translated = t(text)
    if _current.get() == ENGLISH or translated == text:
        return translated
    if translated.endswith(":") and text.endswith(":"):  # a label: "Dadebru (CPR) (Resuscitation (CPR)):"
        return f"{translated[:-1]} ({text[:-1]}):"
    return f"{translated} ({text})"


@contextmanager
def speaking(language: str) -> Iterator[None]:
    if language != ENGLISH and language not in LANGUAGES:
        raise ValueError(f"no printed copy in language {language!r}")
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Every English key looked up while inside (for the test that each has its translation)."""
    used: set[str] = set()
    token = _used.set(used)
    try:
        yield used
    finally:
        _used.reset(token)


def month_year(day: date) -> str:
    months = MONTHS.get(_current.get())
    return f"{months[day.month - 1]} {day.year}" if months else f"{day:%B %Y}"


def weekday(day: date) -> str:
    days = WEEKDAYS.get(_current.get())
    return days[day.weekday()] if days else f"{day:%A}"
