"""`careplanner export`, `import` and `report`: plans on paper and to and from other systems.

    careplanner export --nhs-number N --pdf FILE [--large-print]
    careplanner export --nhs-number N --fhir FILE
    careplanner export --nhs-number N --clinician-summary FILE
    careplanner export --nhs-number N --letter FILE
    careplanner import FILE
    careplanner report --out FILE [--due-within DAYS]

Output names only counts and file names the user chose, never patient details.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from careplanner.commands.common import open_from_args
from careplanner.services.errors import ValidationError
from careplanner.services.exports import ExportService
from careplanner.services.fhir_import import FhirImportService, parse_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export", help="print a person's plan to PDF or export it as a FHIR R4 bundle")
    export.add_argument("--nhs-number", required=True, metavar="N", help="the person's 10-digit NHS number")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--pdf", metavar="FILE", help="the person's copy as PDF")
    what.add_argument("--fhir", metavar="FILE", help="the plan as a FHIR R4 Bundle (JSON)")
    what.add_argument("--clinician-summary", metavar="FILE", help="the clinician summary with coding, as PDF")
    what.add_argument("--letter", metavar="FILE", help="the preparation letter, as PDF")
    export.add_argument(
        "--large-print", action="store_true", help="large print (chosen anyway when the person needs it)"
    )
    export.set_defaults(func=run_export)

    imp = sub.add_parser("import", help="import a FHIR R4 Bundle of a person's record into their draft plan")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=run_import)

    report = sub.add_parser("report", help="the practice report (plans agreed, reviews due, declined) as PDF")
    report.add_argument("--out", required=True, metavar="FILE")
    report.add_argument("--due-within", type=int, default=30, metavar="DAYS")
    report.set_defaults(func=run_report)


def _write(path: str, data: bytes) -> None:
    target = Path(path)
    if target.is_dir():
        raise ValidationError({"file": f"{path} is a folder: give a file name."})
    target.write_bytes(data)


def run_export(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        services = ctx.services
        person = services.people.by_nhs_number(args.nhs_number)
        actor = services.users.ensure_first_clinician()
        exports = ExportService(ctx.store.sessions, now=services.clock.now, today=services.clock.today)
        if args.fhir:
            bundle = exports.fhir_bundle(person.id, actor)
            _write(args.fhir, json.dumps(bundle, indent=2, ensure_ascii=False).encode("utf-8"))
            print(f"Saved a FHIR R4 bundle of {len(bundle['entry'])} resources to {args.fhir}.")
        elif args.clinician_summary:
            _write(args.clinician_summary, exports.clinician_summary_pdf(person.id, actor))
            print(f"Saved the clinician summary to {args.clinician_summary}.")
        elif args.letter:
            _write(args.letter, exports.preparation_letter_pdf(person.id, actor))
            print(f"Saved the preparation letter to {args.letter}.")
        else:
            large = True if args.large_print else None
            _write(args.pdf, exports.person_copy_pdf(person.id, actor, large_print=large))
            print(f"Saved the person's copy to {args.pdf}.")
        return 0
    finally:
        ctx.close()


def run_import(args: argparse.Namespace) -> int:
    data = parse_json(Path(args.file).read_bytes())
    ctx = open_from_args(args, create=False)
    try:
        services = ctx.services
        actor = services.users.ensure_first_clinician()
        importer = FhirImportService(ctx.store.sessions, now=services.clock.now, today=services.clock.today)
        result = importer.import_bundle(data, actor)
        read = ", ".join(f"{n} {k}" for k, n in result.counts.items())
        verb = "Added a new person" if result.created_person else "Updated the person"
        print(f"{verb} and filled in their draft plan's medical review ({read}).")
        return 0
    finally:
        ctx.close()


def run_report(args: argparse.Namespace) -> int:
    if not 1 <= args.due_within <= 366:
        raise ValidationError({"due_within": "--due-within must be between 1 and 366 days."})
    ctx = open_from_args(args, create=False)
    try:
        services = ctx.services
        actor = services.users.ensure_first_clinician()
        exports = ExportService(ctx.store.sessions, now=services.clock.now, today=services.clock.today)
        _write(args.out, exports.practice_report_pdf(actor, due_within_days=args.due_within))
        print(f"Saved the practice report to {args.out}.")
        return 0
    finally:
        ctx.close()
