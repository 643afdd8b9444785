"""`careplanner gui` (the default) and `careplanner demo`."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from careplanner.commands.common import open_from_args


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gui = sub.add_parser("gui", help="open the app (the default)")
    gui.set_defaults(func=run_gui)
    demo = sub.add_parser("demo", help="open the app on a demo store of synthetic people")
    demo.add_argument("--no-window", action="store_true", help="make the demo store and exit")
    demo.set_defaults(func=run_demo)


def _launch(ctx: object) -> int:
    if importlib.util.find_spec("careplanner.ui.main") is None:
        print(
            "careplanner: the desktop window is not part of this build yet; the store is ready "
            "(try `careplanner check`).",
            file=sys.stderr,
        )
        return 0
    # Imported late so the command line never loads Qt unless a window is wanted.
    launch = importlib.import_module("careplanner.ui.main").launch
    return int(launch(ctx))


def run_gui(args: argparse.Namespace) -> int:
    ctx = open_from_args(args)
    try:
        return _launch(ctx)
    finally:
        ctx.close()


def run_demo(args: argparse.Namespace) -> int:
    from careplanner.app import open_demo

    ctx = open_demo()
    try:
        if args.no_window:
            print(f"Demo store ready: {ctx.store.counts()['people']} synthetic people.")
            return 0
        return _launch(ctx)
    finally:
        ctx.close()
