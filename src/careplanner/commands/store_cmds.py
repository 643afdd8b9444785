"""`careplanner check`: open the store, check it, print what is in it."""

from __future__ import annotations

import argparse

from careplanner.commands.common import open_from_args
from careplanner.commands.progress import add_progress_option, watched
from careplanner.services.store_verify import verify_store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check", help="check the store's integrity and print its schema version and counts"
    )
    add_progress_option(check)
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        # Progress on stderr; Ctrl+C stops it (it only reads) with exit 130.
        with watched(args, "Checking") as watch:
            problems = ctx.store.integrity_check(watch)
            watch(0.9, "Checking the audit trail")
            # The same verification as `audit verify` (services/store_verify.py).
            trust = verify_store(ctx.store.sessions, ctx.paths.data_dir)
            watch(1.0, "Check complete")
        print(f"Schema version: {ctx.store.schema_revision()}")
        for name, value in ctx.store.counts().items():
            print(f"{name}: {value}")
        print(f"Audit trail: {'intact' if trust.ok else 'BROKEN'} ({trust.entries} entries)")
        for problem in trust.problems:
            print(f"  Tampering found: {problem}.")
        if problems:
            print(f"Integrity check FAILED: {len(problems)} problem(s)")
            return 1
        if not trust.ok:
            print("Integrity check FAILED: the store was changed outside the app (see above)")
            return 1
        print("Integrity check: ok")
        return 0
    finally:
        ctx.close()
