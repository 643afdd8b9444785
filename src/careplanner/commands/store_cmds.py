"""`careplanner check`: open the store, check it, print what is in it."""

from __future__ import annotations

import argparse

from careplanner.commands.common import open_from_args


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check", help="check the store's integrity and print its schema version and counts"
    )
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    ctx = open_from_args(args, create=False)
    try:
        problems = ctx.store.integrity_check()
        print(f"Schema version: {ctx.store.schema_revision()}")
        for name, value in ctx.store.counts().items():
            print(f"{name}: {value}")
        chain = ctx.services.audit.verify()
        print(
            f"Audit trail: {'intact' if chain.ok else 'BROKEN - ' + chain.problem} ({chain.checked} entries)"
        )
        if problems:
            print(f"Integrity check FAILED: {len(problems)} problem(s)")
            return 1
        if not chain.ok:
            return 1
        print("Integrity check: ok")
        return 0
    finally:
        ctx.close()
