"""`careplanner seed --patients N [--seed S]`: add synthetic people with realistic plans."""

from __future__ import annotations

import argparse
import time

from careplanner.commands.common import open_from_args
from careplanner.services.errors import ValidationError
from careplanner.services.seed import seed_people


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    seed = sub.add_parser("seed", help="add synthetic people (never real ones) with realistic plans")
    seed.add_argument("--patients", type=int, required=True, metavar="N")
    seed.add_argument("--seed", type=int, default=1, metavar="S", help="the same seed gives the same people")
    seed.set_defaults(func=run_seed)


def run_seed(args: argparse.Namespace) -> int:
    if args.patients < 1 or args.patients > 1_000_000:
        raise ValidationError({"patients": "--patients must be between 1 and 1,000,000."})
    ctx = open_from_args(args)
    try:
        actor = ctx.services.users.ensure_first_clinician()
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
