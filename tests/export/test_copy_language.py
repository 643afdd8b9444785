"""Issue 11: the person's copy in Welsh — every fixed word through the language catalogue, dates in Welsh,
the PDF's language `cy`, chosen by the person's record or asked for — and a design that fails a test when
a new sentence has no Welsh."""

from __future__ import annotations

import ast
import io
import json
import re
from importlib import resources
from pathlib import Path

import pytest
from pypdf import PdfReader

from careplanner.app import AppContext
from careplanner.clinical.enums import CommunicationNeed
from careplanner.clinical.practice import PracticeSettings
from careplanner.export import copy_language
from careplanner.export.copy_language import WELSH, catalogue, recording
from careplanner.export.easy_read import render_easy_read
from careplanner.export.emergency_card import render_emergency_card
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES
from careplanner.services.exports import ExportService
from careplanner.services.people import NeedEntry
from careplanner.services.plan_gaps import unmet_need_messages
from careplanner.services.users import Actor
from tests.conftest import make_person
from tests.export.conftest import pdf_text
from tests.export.test_export_cli import cli, home  # noqa: F401 - `home` is a fixture
from tests.export.test_pdf_tags import _errors

COPY_MODULES = [
    "copy_page_one",
    "emergency_card",
    "copy_sections",
    "copy_medicines",
    "copy_safety",
    "copy_more",
    "copy_future_wishes",
    "copy_agreement",
    "plan_frame",
    "contacts",
    "pdf_base",
    "person_copy",
    "easy_read",
    "page_refs",
]
# "My allergies" is printed in English too on a Welsh copy (after the Welsh): a safety line.
ENGLISH_HEADINGS = ("If I get worse", "My medicines", "About me", "Making this plan")
WELSH_HEADINGS = ("Os byddaf yn gwaethygu", "Fy meddyginiaethau", "Amdanaf i", "Fy alergeddau")


def _renders(case: str) -> dict[str, bytes]:
    person, plan, practice = HARD_CASES[case]()
    return {
        "standard": render_person_copy(person, plan, practice, large_print=False, language=WELSH),
        "large": render_person_copy(person, plan, practice, large_print=True, language=WELSH),
        "easy read": render_easy_read(person, plan, practice, language=WELSH),
        "card": render_emergency_card(person, plan, practice, large_print=False, language=WELSH),
    }


def test_every_word_used_in_a_welsh_copy_has_its_welsh() -> None:
    welsh = catalogue(WELSH)
    with recording() as used:
        for case in HARD_CASES:
            _renders(case)
    # A key already in Welsh (a label translated twice on its way) is fine; English with no Welsh is not.
    missing = sorted(k for k in used if k not in welsh and k not in welsh.values())
    assert missing == []


def _literals(node: ast.AST, consts: dict[str, ast.expr]) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in consts:
        return _literals(consts[node.id], consts)
    if isinstance(node, ast.Dict):
        return [x for v in node.values if v is not None for x in _literals(v, consts)]
    if isinstance(node, ast.Tuple):
        return [x for v in node.elts for x in _literals(v, consts)]
    return []


def _is_label(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(":")


def _literal_keys() -> set[str]:
    """Every literal the copy passes to t() or as a label to labelled(), read from the source."""
    keys: set[str] = set()
    for name in COPY_MODULES:
        source = resources.files("careplanner.export").joinpath(f"{name}.py").read_text("utf-8")
        tree = ast.parse(source)
        consts = {
            n.targets[0].id: n.value
            for n in tree.body
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if called in ("t", "t_both", "labelled"):
                    keys.update(_literals(node.args[0], consts))
            # (label, value) rows handed to labelled() later
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 and _is_label(node.elts[0]):
                keys.update(_literals(node.elts[0], consts))
    return {k for k in keys if k.strip()}


def test_every_sentence_in_the_source_has_its_welsh_with_the_same_blanks() -> None:
    welsh = catalogue(WELSH)
    keys = _literal_keys()
    assert len(keys) > 150  # the scan finds the copy's sentences
    assert sorted(keys - set(welsh)) == []
    for english, cymraeg in welsh.items():
        assert set(re.findall(r"\{\w+\}", english)) == set(re.findall(r"\{\w+\}", cymraeg)), english


@pytest.mark.parametrize("case", ["three-plans", "fourteen-medicines", "declined", "draft"])
def test_a_welsh_copy_reads_in_welsh_with_welsh_dates(case: str, tmp_path: Path) -> None:
    for kind, pdf in _renders(case).items():
        text = pdf_text(pdf, tmp_path)
        if case == "declined" and kind != "card":  # the service prints the record for a declined plan
            assert "Dewisais beidio â chael cynllun gofal a chymorth ysgrifenedig." in text, kind
        elif kind != "card":
            for heading in WELSH_HEADINGS:
                assert heading in text, (kind, heading)
        for heading in ENGLISH_HEADINGS:
            assert heading not in text, (kind, heading)
        assert "Tachwedd 2026" in text and "November" not in text, kind
        assert re.search(r"Tudalen 1 o \d", text), kind


def test_a_welsh_copy_says_its_language_and_passes_the_pdf_ua_check(tmp_path: Path) -> None:
    pdfs = _renders("three-plans")
    for pdf in pdfs.values():
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.trailer["/Root"]["/Lang"] == "cy"
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
        assert "<rdf:li>cy</rdf:li>" in xmp
    assert _errors(pdfs, tmp_path) == {}


def test_english_is_unchanged_by_default(tmp_path: Path) -> None:
    person, plan, practice = HARD_CASES["three-plans"]()
    text = pdf_text(render_person_copy(person, plan, practice), tmp_path)
    assert "If I get worse" in text and "Os byddaf" not in text
    assert copy_language.current() == copy_language.ENGLISH


def test_a_person_whose_record_says_welsh_gets_a_welsh_copy(
    ctx: AppContext, actor: Actor, exports: ExportService, practice: PracticeSettings, tmp_path: Path
) -> None:
    person = ctx.services.people.create(
        make_person(communication_needs=(NeedEntry(CommunicationNeed.INTERPRETER, "Cymraeg"),)), actor
    )
    draft = ctx.services.plans.start_draft(person.id, actor)
    text = pdf_text(exports.person_copy_pdf(person.id, actor, plan_id=draft.id), tmp_path)
    assert "Os byddaf yn gwaethygu" in text
    entry = ctx.services.audit.entries(person_id=person.id, action="printed")[0]
    assert entry.detail.endswith("language=cy")
    english = exports.person_copy_pdf(person.id, actor, plan_id=draft.id, language="en-GB")
    assert "If I get worse" in pdf_text(english, tmp_path)


def test_welsh_is_met_and_other_languages_are_warned_about() -> None:
    assert unmet_need_messages(((CommunicationNeed.INTERPRETER, "Welsh"),)) == []
    polish = unmet_need_messages(((CommunicationNeed.INTERPRETER, "Polish"),))
    assert polish and "English or Welsh only" in polish[0]


def test_the_command_line_prints_in_welsh(home: Path, tmp_path: Path) -> None:  # noqa: F811
    out = home / "cy.pdf"
    done = cli(home, "export", "--nhs-number", "999 000 1235", "--pdf", str(out), "--language", "cy")
    assert done.returncode == 0, done.stderr
    assert "Os byddaf yn gwaethygu" in pdf_text(out.read_bytes(), tmp_path)


def test_the_catalogue_is_valid_json_with_no_empty_translation() -> None:
    raw = resources.files("careplanner.resources").joinpath("copy_text", "cy.json").read_text("utf-8")
    data = json.loads(raw)
    assert all(isinstance(v, str) and v.strip() for v in data.values())


def test_a_welsh_card_gives_the_safety_lines_in_english_too(tmp_path: Path) -> None:
    """A paramedic who does not read Welsh still reads the zones' meaning, 999, allergies and CPR."""
    person, plan, practice = HARD_CASES["three-plans"]()
    text = pdf_text(render_emergency_card(person, plan, practice, language=WELSH), tmp_path)
    for both in (
        "Mae angen help arnaf nawr (I need help now)",
        "Fy alergeddau (My allergies)",
        "ni ddylid rhoi cynnig ar CPR (dadebru). (If my heart or breathing stops, CPR (resuscitation) "
        "should not be tried.)",
        # A label keeps one colon, after both languages.
        "Dadebru (CPR) (Resuscitation (CPR)):",
        "(Where my CPR or ReSPECT form is kept):",
        "(How far my treatment should go):",
        "(Who I call):",
    ):
        assert both in text, both
    assert "(CPR):)" not in text
