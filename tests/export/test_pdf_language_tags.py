"""Issue 11: in a copy printed in Welsh, what the clinician typed (in English) is tagged as English, so a
screen reader reads it in English and the Welsh around it in Welsh. The document's language is cy; typed
text sits in marked content whose property list carries /Lang (en-GB), nested inside its paragraph's own
marked content. Read back with PDFium (pypdfium2), which reports each text object's marks; the content
streams must stay balanced when a typed paragraph splits across two pages. The PDF/UA-1 checker outloud
reads the Welsh copies in `test_pdf_tags.test_every_hard_case_is_tagged_with_no_pdf_ua_error`.
"""

from __future__ import annotations

import ctypes
import dataclasses
import io

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from pypdf import PdfReader

from careplanner.export.easy_read import render_easy_read
from careplanner.export.person_copy import render_person_copy
from careplanner.export.sample_hard import HARD_CASES
from tests.export.test_pdf_tags import _text_outside_marked_content

# What the clinician typed in the hardest plan, as it prints: each must be tagged en-GB in the Welsh copy.
TYPED = (
    "I ring 999 if I cannot speak in full sentences.",  # what I do in a zone
    "Rescue pack: antibiotics and steroid tablets",
    "COPD (a long-term lung condition)",  # a condition's plain name
    "Penicillin",
    "rash all over",
    "Treatment on a ward; not intensive care.",
    "In the blue folder by my bed; my daughter has a copy.",
    "Metformin 500mg tablets",
    "to keep my blood sugar steady",
    "Staying in my own home",  # what matters to me
    "I would like the priest to visit.",  # a future wish
)
# The copy's own words in Welsh: never tagged as English.
WELSH = ("Fy meddyginiaethau", "Os byddaf yn gwaethygu", "Coch: Mae angen help arnaf nawr")


def _text_objects(pdf: bytes) -> list[tuple[int, str, tuple[str, ...]]]:
    """(page, text, languages of the marks around it) for every text object, in content order."""
    document = pdfium.PdfDocument(pdf)
    out: list[tuple[int, str, tuple[str, ...]]] = []
    for number in range(len(document)):
        page = document[number]
        textpage = page.get_textpage()
        for index in range(raw.FPDFPage_CountObjects(page)):
            obj = raw.FPDFPage_GetObject(page, index)
            if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT:
                continue
            languages = []
            for m in range(raw.FPDFPageObj_CountMarks(obj)):
                mark = raw.FPDFPageObj_GetMark(obj, m)
                if raw.FPDFPageObjMark_GetParamValueType(mark, b"Lang") != raw.FPDF_OBJECT_STRING:
                    continue
                size = ctypes.c_ulong()
                value = (ctypes.c_ushort * 64)()
                raw.FPDFPageObjMark_GetParamStringValue(mark, b"Lang", value, 128, ctypes.byref(size))
                languages.append(bytes(value)[: size.value].decode("utf-16-le").rstrip("\x00"))
            length = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
            buffer = (ctypes.c_ushort * length)()
            raw.FPDFTextObj_GetText(obj, textpage, buffer, length * 2)
            text = bytes(buffer).decode("utf-16-le").rstrip("\x00")
            out.append((number + 1, text, tuple(languages)))
    return out


def _english_runs(pdf: bytes) -> list[str]:
    """Runs of text tagged en-GB, consecutive text objects joined (a typed sentence wraps over lines)."""
    runs: list[str] = []
    previous = False
    for _, text, languages in _text_objects(pdf):
        tagged = "en-GB" in languages
        if tagged and previous:
            runs[-1] += " " + text
        elif tagged:
            runs.append(text)
        previous = tagged
    return [_norm(run) for run in runs]


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def welsh() -> dict[str, bytes]:
    person, plan, practice = HARD_CASES["fourteen-medicines"]()
    return {
        "standard": render_person_copy(person, plan, practice, large_print=False, language="cy"),
        "easy read": render_easy_read(person, plan, practice, language="cy"),
    }


def test_typed_english_in_the_welsh_copy_is_tagged_en_gb(welsh: dict[str, bytes]) -> None:
    for kind, pdf in welsh.items():
        assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "cy"
        runs = _english_runs(pdf)
        english = " | ".join(runs)
        for typed in TYPED:
            assert any(typed in run for run in runs), (kind, typed)
        for words in WELSH:
            assert words not in english, (kind, words)


def test_the_english_copy_needs_no_language_marks() -> None:
    person, plan, practice = HARD_CASES["fourteen-medicines"]()
    pdf = render_person_copy(person, plan, practice, large_print=False)
    assert all(languages == () for _, _, languages in _text_objects(pdf))


def split_over_two_pages() -> bytes:
    """The Welsh copy with a "what matters to me" long enough to run from one page to the next."""
    person, plan, practice = HARD_CASES["three-plans"]()
    sentence = "I like my garden and my cat, and I want to stay at home for as long as I can. "
    about = dataclasses.replace(plan.content.about_me.about, what_matters=sentence * 60)
    content = dataclasses.replace(
        plan.content, about_me=dataclasses.replace(plan.content.about_me, about=about)
    )
    return render_person_copy(person, dataclasses.replace(plan, content=content), practice, language="cy")


def test_a_typed_paragraph_split_over_two_pages_stays_tagged_and_balanced() -> None:
    pdf = split_over_two_pages()
    pieces = [(page, languages) for page, text, languages in _text_objects(pdf) if "my cat" in text]
    assert len({page for page, _ in pieces}) >= 2, "the paragraph should run over two pages"
    assert all("en-GB" in languages for _, languages in pieces)
    assert _text_outside_marked_content(pdf) == []  # every BDC has its EMC on the same page
