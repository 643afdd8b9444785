"""`careplanner sync details` and `careplanner sync choose`: a person's details changed on an offline
workstation and on the practice server to different values. `details` lists each such conflict with both
values (it shows people's details: run it at the desk, not from a scheduled job); `choose` keeps the
workstation's or the server's value (every clashing field, or the fields named with --field), audited,
and the choice is sent with the next sync (sync/person_choice.py).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from careplanner.services.errors import ValidationError

if TYPE_CHECKING:
    from careplanner.app import AppContext
    from careplanner.services.users import Actor


def add_options(sync: argparse.ArgumentParser) -> None:
    sync.add_argument("--conflict", help="choose: the conflict's number, as `sync details` lists it")
    sync.add_argument(
        "--keep",
        choices=["workstation", "server"],
        help="choose: keep the value typed on the workstation, or the one on the practice server",
    )
    sync.add_argument(
        "--field",
        action="append",
        default=[],
        help="choose: only this field (repeat; the others keep the other value); default every field",
    )


def run(args: argparse.Namespace, ctx: AppContext, actor: Actor) -> int:
    from careplanner.sync.person_choice import DetailConflicts

    conflicts = DetailConflicts(ctx.store.sessions, ctx.services.people)
    listed = conflicts.open()
    if args.what == "details":
        if not listed:
            print("No person's details wait for a choice.")
        for item in listed:
            print(f"Conflict {item.conflict_id[:8]} — {item.person_name}:")
            for clash in item.clashes:
                print(f"  {clash.label}: workstation '{clash.workstation}' | server '{clash.server}'")
        return 0
    if not args.conflict or not args.keep:
        raise ValidationError(
            {"conflict": "Say which conflict (--conflict) and whose value to keep (--keep)."}
        )
    found = [c for c in listed if c.conflict_id.startswith(args.conflict)]
    if len(found) != 1:
        raise ValidationError(
            {"conflict": "No one open conflict starts with that number: see `sync details`."}
        )
    item = found[0]
    fields = {clash.field for clash in item.clashes}
    named = set(args.field) or fields
    if not named <= fields:
        raise ValidationError({"field": "That field is not one this conflict is about: see `sync details`."})
    other = "server" if args.keep == "workstation" else "workstation"
    keep = {f: (args.keep if f in named else other) for f in fields}
    conflicts.choose(item.conflict_id, keep, actor, now=ctx.services.clock.now())  # type: ignore[arg-type]
    print(f"Kept: {', '.join(f'{f} ({side})' for f, side in sorted(keep.items()))}. Sync sends the choice.")
    return 0
