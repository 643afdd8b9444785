"""Fixtures for the export tests: the full synthetic plan, stored for real, and PDF reading helpers."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from careplanner.app import AppContext
from careplanner.clinical.practice import PracticeSettings
from careplanner.export.sample import SAMPLE_PRACTICE, sample_content, sample_person
from careplanner.services.exports import ExportService
from careplanner.services.fhir_import import FhirImportService
from careplanner.services.people import PersonRecord
from careplanner.services.plan_data import SECTION_TYPES, PlanVersion
from careplanner.services.users import Actor
from tests import backends


@dataclass(frozen=True)
class Stored:
    person: PersonRecord
    plan: PlanVersion


def store_plan(
    ctx: AppContext, actor: Actor, *, agree: bool = True, large_print: bool = False, **names: str
) -> Stored:
    """The sample person and their full plan, through the real services."""
    person = ctx.services.people.create(sample_person(large_print=large_print, **names).details, actor)
    draft = ctx.services.plans.start_draft(person.id, actor)
    content = sample_content()
    for key in SECTION_TYPES:
        ctx.services.plans.save_section(draft.id, content.section(key), actor)
    plan = ctx.services.plans.agree(draft.id, actor) if agree else ctx.services.plans.get(draft.id)
    return Stored(ctx.services.people.get(person.id), plan)


@pytest.fixture
def practice(ctx: AppContext, practice_admin: Actor) -> PracticeSettings:
    return ctx.services.practice.update(SAMPLE_PRACTICE, practice_admin)


@pytest.fixture
def exports(ctx: AppContext) -> ExportService:
    return ExportService(ctx.store.sessions, now=ctx.services.clock.now, today=ctx.services.clock.today)


@pytest.fixture
def importer(ctx: AppContext) -> FhirImportService:
    return FhirImportService(ctx.store.sessions, now=ctx.services.clock.now, today=ctx.services.clock.today)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it (layout off, so reading order is the story order)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(out.stdout.split())


def page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# The exports and imports that also run on the practice server: those whose path through the services
# differs there (SQL aggregates and paging of the practice report, matching a person by NHS number and
# name, the import's one transaction, version history and its dates). Rendering from the same plan
# objects, and refusals made before anything is written, are the same on both and run locally only,
# which keeps the suite inside CI's time (tests/unit/services runs every service on both).
_SERVER_MODULES = frozenset(
    {
        "test_practice_report_scale",
        "test_practice_report_gaps",
        "test_other_documents",
        "test_fhir_import",
        "test_fhir_import_identity",
        "test_fhir_export",
        "test_person_copy_versions",
    }
)
_SERVER_TESTS = frozenset(
    {
        "test_nhs_number_system_spellings_find_the_held_person",
        "test_no_nhs_number_and_a_held_namesake_stops_unless_chosen",
        "test_a_twin_under_a_held_nhs_number_is_refused_even_keeping_details",
        "test_a_matched_condition_is_updated_and_keeps_its_lineage",
    }
)
# Refused while the bundle is read, before the store is touched: the same on both back ends.
_LOCAL_TESTS = frozenset({"test_bad_bundles_are_refused_with_where_and_what"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "ctx" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    name = metafunc.function.__name__
    if (module in _SERVER_MODULES and name not in _LOCAL_TESTS) or name in _SERVER_TESTS:
        metafunc.parametrize("backend", backends.both())
