"""`careplanner export` and `report`: plans on paper and to other systems (`import` is in import_cmd.py).

    careplanner export --nhs-number N --pdf FILE [--large-print | --easy-read] [--language cy]
                       [--draft | --version N]
    careplanner export --nhs-number N --card FILE [--large-print] [--draft | --version N]
    careplanner export --nhs-number N --fhir FILE
    careplanner export --nhs-number N --clinician-summary FILE
    careplanner export --nhs-number N --letter FILE [--appointment "2026-12-03 10:20"] [--place TEXT]
                       [--with TEXT]
    careplanner report --out FILE [--due-within DAYS] [--page N] [--per-page N] [--progress]

Each signs in first (`--user NAME`, see commands/common.py): export and report need an account that may
print. Output names only counts and file names the user chose, never
patient details.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from careplanner.app import AppContext, paths_for
from careplanner.commands.common import add_sign_in_options, open_from_args, sign_in
from careplanner.commands.progress import add_progress_option, watched
from careplanner.services.auth import Permission
from careplanner.services.errors import ValidationError
from careplanner.services.exports import ExportService
from careplanner.services.output_guard import check_output_path, write_output
from careplanner.services.practice_report import DEFAULT_PER_PAGE


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export", help="print a person's plan to PDF or export it as a FHIR R4 bundle")
    export.add_argument("--nhs-number", required=True, metavar="N", help="the person's 10-digit NHS number")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--pdf", metavar="FILE", help="the person's copy as PDF")
    what.add_argument("--fhir", metavar="FILE", help="the plan as a FHIR R4 Bundle (JSON)")
    what.add_argument("--clinician-summary", metavar="FILE", help="the clinician summary with coding, as PDF")
    what.add_argument("--letter", metavar="FILE", help="the preparation letter, as PDF")
    what.add_argument(
        "--card", metavar="FILE", help='the emergency card alone ("If I get worse"), as PDF, for the fridge'
    )
    export.add_argument(
        "--large-print", action="store_true", help="large print (chosen anyway when the person needs it)"
    )
    export.add_argument(
        "--language",
        choices=["en-GB", "cy"],
        help="the language of the person's copy and card: en-GB or cy (Welsh); "
        "by default Welsh when the person's record says so",
    )
    export.add_argument(
        "--easy-read",
        action="store_true",
        help="the easy-read copy (chosen anyway when the person needs it)",
    )
    export.add_argument(
        "--appointment",
        type=_appointment_time,
        metavar="'YYYY-MM-DD HH:MM'",
        help="the letter: when the appointment is",
    )
    export.add_argument("--place", default="", metavar="TEXT", help="the letter: where the appointment is")
    export.add_argument(
        "--with", dest="with_whom", default="", metavar="TEXT", help="the letter: who the appointment is with"
    )
    chosen = export.add_mutually_exclusive_group()
    chosen.add_argument(
        "--draft", action="store_true", help="print the open draft (marked DRAFT) rather than the agreed plan"
    )
    chosen.add_argument("--version", type=int, metavar="N", help="print agreed version N of the plan")
    add_sign_in_options(export)
    export.set_defaults(func=run_export)

    report = sub.add_parser("report", help="the practice report (plans agreed, reviews due, declined) as PDF")
    report.add_argument("--out", required=True, metavar="FILE")
    report.add_argument("--due-within", type=int, default=30, metavar="DAYS")
    report.add_argument(
        "--page", type=int, default=1, metavar="N", help="which page of each list of people (default 1)"
    )
    report.add_argument(
        "--per-page", type=int, default=DEFAULT_PER_PAGE, metavar="N", help="people per page of each list"
    )
    add_progress_option(report)
    add_sign_in_options(report)
    report.set_defaults(func=run_report)


def _appointment_time(value: str) -> datetime:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError("give the date and time as 2026-12-03 10:20") from None


def _write(ctx: AppContext, path: str, data: bytes) -> None:
    write_output(path, data, ctx.paths)


def run_export(args: argparse.Namespace) -> int:
    # Checked before anything is made (or audited): never over the store or inside its data folder.
    chosen = args.fhir or args.clinician_summary or args.letter or args.pdf or args.card
    check_output_path(chosen, paths_for(args.data_dir))
    ctx = open_from_args(args, create=False)
    try:
        services = ctx.services
        actor = sign_in(args, ctx, Permission.PRINT)
        person = services.people.by_nhs_number(args.nhs_number)
        exports = ExportService(ctx.store.sessions, now=services.clock.now, today=services.clock.today)
        if args.fhir:
            bundle = exports.fhir_bundle(person.id, actor)
            _write(ctx, args.fhir, json.dumps(bundle, indent=2, ensure_ascii=False).encode("utf-8"))
            print(f"Saved a FHIR R4 bundle of {len(bundle['entry'])} resources to {args.fhir}.")
        elif args.clinician_summary:
            _write(ctx, args.clinician_summary, exports.clinician_summary_pdf(person.id, actor))
            print(f"Saved the clinician summary to {args.clinician_summary}.")
        elif args.letter:
            from careplanner.export.preparation_letter import Appointment

            appointment = Appointment(args.appointment, args.place, args.with_whom)
            letter = exports.preparation_letter_pdf(
                person.id, actor, appointment=appointment, large_print=True if args.large_print else None
            )
            _write(ctx, args.letter, letter)
            print(f"Saved the preparation letter to {args.letter}.")
        else:
            large = True if args.large_print else None
            plan_id = exports.version_id(person.id, draft=args.draft, version=args.version)
            plan = exports.plan_to_print(person.id, plan_id)
            newer = exports.open_draft_newer_than(plan) if plan is not None and plan_id is None else None
            if newer is not None:  # never the old agreed version silently while a draft is open
                print(
                    f"Note: a newer draft (started {newer.created_at:%d %B %Y}) is not yet agreed; this "
                    f"prints agreed version {plan.version_number if plan else ''}. Use --draft to print "
                    "the draft.",
                    file=sys.stderr,
                )
            if args.card:
                _write(
                    ctx,
                    args.card,
                    exports.emergency_card_pdf(
                        person.id, actor, large_print=large, language=args.language, plan_id=plan_id
                    ),
                )
                print(f"Saved the emergency card to {args.card}.")
            else:
                _write(
                    ctx,
                    args.pdf,
                    exports.person_copy_pdf(
                        person.id,
                        actor,
                        large_print=large,
                        easy_read=True if args.easy_read else None,
                        language=args.language,
                        plan_id=plan_id,
                    ),
                )
                print(f"Saved the person's copy to {args.pdf}.")
        return 0
    finally:
        ctx.close()


def run_report(args: argparse.Namespace) -> int:
    if not 1 <= args.due_within <= 366:
        raise ValidationError({"due_within": "--due-within must be between 1 and 366 days."})
    check_output_path(args.out, paths_for(args.data_dir))
    ctx = open_from_args(args, create=False)
    try:
        services = ctx.services
        actor = sign_in(args, ctx, Permission.PRINT)
        exports = ExportService(ctx.store.sessions, now=services.clock.now, today=services.clock.today)
        with watched(args, "Making the report") as watch:  # Ctrl+C: no file is written, exit 130
            pdf = exports.practice_report_pdf(
                actor, due_within_days=args.due_within, page=args.page, per_page=args.per_page, progress=watch
            )
            _write(ctx, args.out, pdf)
        print(f"Saved the practice report to {args.out}.")
        return 0
    finally:
        ctx.close()
