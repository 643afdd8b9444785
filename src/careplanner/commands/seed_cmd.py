"""`careplanner seed --patients N [--seed S]`: add synthetic people with realistic plans.

Seeding the demo store, or a store this very command makes in an empty folder, needs no sign-in: either
holds synthetic people only. Seeding a store that already exists (a practice's) needs an account that may
edit plans, signed in with --user, and the audit trail names it.
"""

from __future__ import annotations

import argparse
import time

from careplanner.app import paths_for
from careplanner.commands.common import add_sign_in_options, open_from_args, sign_in
from careplanner.services.auth import Permission
from careplanner.services.errors import ValidationError
from careplanner.services.seed import seed_people


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    seed = sub.add_parser("seed", help="add synthetic people (never real ones) with realistic plans")
    seed.add_argument("--patients", type=int, required=True, metavar="N")
    seed.add_argument("--seed", type=int, default=1, metavar="S", help="the same seed gives the same people")
    add_sign_in_options(seed)
    seed.set_defaults(func=run_seed)


def run_seed(args: argparse.Namespace) -> int:
    if args.patients < 1 or args.patients > 1_000_000:
        raise ValidationError({"patients": "--patients must be between 1 and 1,000,000."})
    paths = paths_for(args.data_dir)
    fresh = not paths.store_file.exists() and not paths.store_info_file.exists()
    ctx = open_from_args(args)
    try:
        # "Made just now" is checked again under the store's lock: still no people and no accounts.
        if fresh and ctx.services.auth.needs_first_run() and ctx.store.counts()["people"] == 0:
            actor = ctx.services.users.ensure_first_clinician()
        else:
            actor = sign_in(args, ctx, Permission.EDIT_PLANS)
        started = time.perf_counter()
        made = seed_people(
            ctx.store.sessions,
            count=args.patients,
            seed=args.seed,
            actor=actor,
            today=ctx.services.clock.today(),
        )
        print(f"Added {made} synthetic people in {time.perf_counter() - started:.1f} s.")
        return 0
    finally:
        ctx.close()
