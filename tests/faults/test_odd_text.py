"""Very long and odd Unicode text in every text field of every plan section is stored exactly."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careplanner.app import AppContext
from careplanner.services.errors import NotFoundError
from careplanner.services.plan_data import SECTION_TYPES, AboutMeData, AboutMeSection
from careplanner.services.users import Actor
from tests.conftest import make_person

ODD = [
    "Zoë Ōla-Ñúñez — “quoted”, ‘single’, naïve café, ß, Æsir, Łódź",
    "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🇬🇧 flag, skin tone 👋🏽, keycap 1️⃣",
    "e\u0301 combining, \u200b zero width, \u200d joiner, \ufeff BOM, \u00a0 no-break",
    "\u202eRTL override\u202c and עברית and العربية mixed with English",
    "中文, 日本語, 한국어, ไทย, हिन्दी, Ελληνικά, Кириллица",
    "tabs\tand\nnew lines\r\nand \\ backslashes ' \" ; -- DROP TABLE person; %s {0} {{}}",
    "\U0001f600" * 500,
    "Long text. " * 20_000,  # about 220,000 characters
    "x",
    "   leading and trailing spaces   ",
]


def _unwrap(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint


def _fill(cls: type[Any], texts: list[str], counter: list[int]) -> Any:
    """An instance of a plan dataclass with every str field (however deeply nested) set to odd text."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        hint = _unwrap(hints[f.name])
        if f.name == "lineage_id":
            continue
        if hint is str:
            values[f.name] = texts[counter[0] % len(texts)]
            counter[0] += 1
        elif dataclasses.is_dataclass(hint):
            values[f.name] = _fill(hint, texts, counter)  # type: ignore[arg-type]
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            if dataclasses.is_dataclass(item):
                values[f.name] = (_fill(item, texts, counter), _fill(item, texts, counter))  # type: ignore[arg-type]
    return cls(**values)


def _texts(value: Any) -> list[str]:
    """Every str field in a section, in order, ignoring lineage ids the service assigns."""
    out: list[str] = []
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name != "lineage_id":
                out.extend(_texts(getattr(value, f.name)))
    elif isinstance(value, tuple):
        for item in value:
            out.extend(_texts(item))
    elif isinstance(value, str):
        out.append(value)
    return out


@pytest.mark.parametrize("key", list(SECTION_TYPES))
def test_every_text_field_keeps_odd_and_long_text(ctx: AppContext, actor: Actor, key: str) -> None:
    person = ctx.services.people.create(make_person(), actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    section = _fill(SECTION_TYPES[key], ODD, [0])
    written = _texts(section)
    assert len(written) >= 1
    ctx.services.plans.save_section(draft.id, section, actor)
    stored = ctx.services.plans.get(draft.id).content.section(key)
    assert _texts(stored) == written


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=2000))
def test_any_text_is_stored_intact(ctx: AppContext, actor: Actor, text: str) -> None:
    try:
        person_id = ctx.services.people.by_nhs_number("943 476 5919").id
    except NotFoundError:
        person_id = ctx.services.people.create(make_person(), actor).id
    draft = ctx.services.plans.start_draft(person_id, actor)
    ctx.services.plans.save_section(draft.id, AboutMeSection(about=AboutMeData(what_matters=text)), actor)
    assert ctx.services.plans.get(draft.id).content.about_me.about.what_matters == text
