"""`careplanner import FILE`: a person's record from another system into their draft plan.

    careplanner import FILE [--preview | --dry-run] [--update-details | --keep-details] [--new-person]

FILE is a FHIR R4 Bundle (UK Core, or Care Planner's own export) or a saved GP Connect Access Record:
Structured response (FHIR STU3). The file is read and checked in full before the store is opened, so a
file that is refused (too big, broken, over a limit, not a record) leaves the store exactly as it was:
no sign-in, no account, no audit entry. `--preview` (or `--dry-run`) signs in and prints, per entry of
the file, what the import would add, update, skip or not read, and why; nothing is written. Output
names places, kinds, counts and reasons, never patient details. Signing in needs an account that may
edit plans (a GP, nurse or HCA).
"""

from __future__ import annotations

import argparse
from collections import Counter

from careplanner.commands.common import add_sign_in_options, open_from_args, sign_in
from careplanner.services.auth import Permission
from careplanner.services.container import Clock
from careplanner.services.fhir_import import (
    DetailsDecision,
    FhirImportService,
    ImportPreview,
    ImportResult,
    parse_json,
    read_bundle_file,
)
from careplanner.services.fhir_import_read import read_record


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser(
        "import",
        help="import a person's record (FHIR R4 Bundle, or a GP Connect structured record) into their "
        "draft plan",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--preview",
        "--dry-run",
        dest="preview",
        action="store_true",
        help="print what the import would add, update and skip, per entry, and why; change nothing",
    )
    details = imp.add_mutually_exclusive_group()
    details.add_argument(
        "--update-details",
        action="store_true",
        help="when the person is already held and the record changes their details (name, sex, address…), "
        "update them; without this the import stops and lists what would change",
    )
    details.add_argument(
        "--keep-details",
        action="store_true",
        help="when the record changes the person's details, keep the details already held",
    )
    imp.add_argument(
        "--new-person",
        action="store_true",
        help="the record has no NHS number and a person with the same family name and date of birth is "
        "held: add it as a new person anyway (without this the import stops)",
    )
    add_sign_in_options(imp)
    imp.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    data = parse_json(read_bundle_file(args.file))
    read_record(data, Clock().today())  # every check on the file, before the store is opened
    ctx = open_from_args(args, create=False)
    try:
        services = ctx.services
        actor = sign_in(args, ctx, Permission.EDIT_PLANS)
        importer = FhirImportService(ctx.store.sessions, now=services.clock.now, today=services.clock.today)
        decision = DetailsDecision(
            update=args.update_details, keep=args.keep_details, new_person=args.new_person
        )
        if args.preview:
            lines = preview_lines(importer.preview(data, actor, decision))
        else:
            lines = import_summary(importer.import_bundle(data, actor, decision))
        for line in lines:
            print(line)
        return 0
    finally:
        ctx.close()


def _not_read(ignored: int, kinds: Counter[str]) -> str:
    listed = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    return f"Not read ({ignored}, kinds Care Planner does not read): {listed}."


def preview_lines(preview: ImportPreview) -> list[str]:
    """The preview in plain lines: the person, then one line per entry, then the totals."""
    person = "a new person" if preview.new_person else "the person already held"
    lines = [f"Preview of a {preview.source} record for {person}. Nothing has been changed."]
    if preview.details_would_change:
        lines.append(
            "The record differs in the person's details: "
            + ", ".join(preview.details_would_change)
            + " (import with --update-details or --keep-details)."
        )
    lines += preview.notices
    lines += [f"  {row.line()}" for row in preview.rows if row.action != "ignore"]
    ignored = [r for r in preview.rows if r.action == "ignore"]
    if ignored:
        lines.append(_not_read(len(ignored), Counter(r.kind or "unknown" for r in ignored)))
    lines.append(
        f"Would add {preview.count('add')}, update {preview.count('update')}, skip {preview.count('skip')}; "
        "nothing in the draft would be removed."
    )
    return lines


def import_summary(result: ImportResult) -> list[str]:
    """What the import did, in plain lines: what came in, what was not imported and why, what was not
    read, and changed details."""
    got = ", ".join(f"{n} {what}" for what, n in result.imported.items() if n) or "nothing to add"
    if result.already_held:  # the same version again (issue 13): the plan is left as it is
        return [*result.notices, *_details_lines(result)]
    if result.stored_as_agreed:  # agreed where it came from: kept as that agreed version, marked imported
        who = "Added a new person and kept" if result.created_person else "Kept"
        lines = [f"{who} their plan as agreed where it came from, marked as imported ({got})."]
    elif result.created_person:
        lines = [f"Added a new person and filled in their draft plan's medical review ({got})."]
    else:
        lines = [f"Filled in the person's draft plan's medical review ({got})."]
    if result.source != "FHIR R4":
        lines[0] = lines[0].removesuffix(".") + f", from a {result.source} record."
    added = ", ".join(f"{n} {what}" for what, n in result.added.items() if n) or "nothing"
    updated = ", ".join(f"{n} {what}" for what, n in result.updated.items() if n) or "nothing"
    if result.stored_as_agreed:
        lines.append(f"In the imported version: {added}. No draft was changed.")
    else:
        lines.append(f"Added to the draft: {added}. Updated in the draft: {updated}. Nothing was removed.")
    lines += result.notices
    if result.no_known_allergies:
        lines.append("The record says no known allergies: recorded as that, not as an allergy.")
    lines += _details_lines(result)
    if result.skipped:
        lines.append(f"Not imported ({len(result.skipped)}):")
        lines += [f"  {p}" for p in result.skipped]
    if result.ignored:
        kinds = Counter(p.where.rsplit("(", 1)[-1].rstrip(")") for p in result.ignored)
        lines.append(_not_read(len(result.ignored), kinds))
    return lines


def _details_lines(result: ImportResult) -> list[str]:
    """Whether the person's details were changed, kept though the record differs, or left as they were."""
    if result.details_changed:
        return ["Updated the person's details: " + ", ".join(result.details_changed) + "."]
    if result.details_kept:
        return [
            "Kept the person's details as held (the record differs in: "
            + ", ".join(result.details_kept)
            + ")."
        ]
    return [] if result.created_person else ["The person's details were not changed."]
