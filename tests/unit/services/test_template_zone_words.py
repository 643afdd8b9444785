"""No shipped contingency template prints a zone's words twice ("Red: I need help now. I need help now:")."""

from __future__ import annotations

import re

import pytest

from careplanner.clinical.contingency_templates import ContingencyTemplate, load_default_templates
from careplanner.clinical.enums import Zone
from careplanner.export import pdf_base as pb
from careplanner.export.copy_page_one import ZONE_LABELS, zone_block
from careplanner.services.templates import PRINTED_ZONE_WORDS, to_contingency

TEMPLATES = load_default_templates()


def test_the_template_copy_knows_the_words_the_printed_copy_puts_before_each_zone() -> None:
    assert {zone: meaning for zone, (_, meaning) in ZONE_LABELS.items()} == PRINTED_ZONE_WORDS


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.key for t in TEMPLATES])
def test_no_zone_prints_its_words_twice(template: ContingencyTemplate) -> None:
    plan = to_contingency(template, None)
    styles = pb.make_styles(large=False)
    for zone in (Zone.GREEN, Zone.AMBER, Zone.RED):
        block = zone_block(zone, plan, None, styles)
        if block is None:
            continue
        cell = block._cellvalues[0][1]  # type: ignore[attr-defined]
        words = re.sub(r"<[^>]+>", "", " ".join(p.text for p in cell))
        name, meaning = ZONE_LABELS[zone]
        prefix = f"{name}: {meaning}."
        assert words.startswith(prefix), words
        assert not words[len(prefix) :].strip().casefold().startswith(meaning.casefold()), words
        # The zone's own signs still print, straight after its name.
        first_sign = template.zone(zone).signs[:1]
        if first_sign:
            assert first_sign[0].rstrip(".")[1:] in words
