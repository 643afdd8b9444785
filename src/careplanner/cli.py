"""The command line: `careplanner [--data-dir DIR] [--passphrase-file FILE] [--user NAME] COMMAND`.

Each command lives in its own module under `careplanner.commands` and registers a sub-parser. Errors a
person can act on print one plain line on stderr with their own exit code; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from careplanner import __version__
from careplanner.commands.common import add_sign_in_options
from careplanner.services.errors import ServiceError
from careplanner.store.errors import StoreError

log = logging.getLogger("careplanner.cli")

# Command modules, each with `register(subparsers) -> None` setting `func(args) -> int` on its parser.
COMMAND_MODULES = (
    "careplanner.commands.gui",
    "careplanner.commands.store_cmds",
    "careplanner.commands.seed_cmd",
    "careplanner.commands.trust_cmds",
    "careplanner.commands.export_cmds",
    "careplanner.commands.join_cmds",
    "careplanner.commands.server_cmds",
)

Handler = Callable[[argparse.Namespace], int]
# An error nobody foresaw (a bug): sysexits' EX_SOFTWARE.
BUG_EXIT_CODE = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"careplanner: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="careplanner", description="Personalised care and support planning.")
    parser.add_argument("--version", action="version", version=f"careplanner {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="folder of the store (default: your user data folder)"
    )
    parser.add_argument(
        "--passphrase-file", metavar="FILE", help="open the store with the passphrase in FILE"
    )
    parser.add_argument("--verbose", action="store_true", help="more detail in the log file")
    parser.add_argument(
        "--server",
        metavar="URL",
        help="work on the practice server at URL (postgresql://HOST/DATABASE), signed in with --user",
    )
    add_sign_in_options(parser, main=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    handler: Handler | None = getattr(args, "func", None)
    if handler is None:
        from careplanner.commands.gui import run_gui

        handler = run_gui
    try:
        return handler(args)
    except (StoreError, ServiceError) as exc:
        print(f"careplanner: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        # e.g. a missing or unreadable file named on the command line; strerror holds no patient data.
        print(
            f"careplanner: {exc.strerror or 'a file could not be used'}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        # A driver error behind a known problem (disk full, read-only) gets its plain message; bugs are
        # logged without patient data and then shown as usual.
        from careplanner.crashlog import known_problem, log_crash

        known = known_problem(exc)
        if known is None:
            # The log keeps where it happened (not the message, which may quote a value); stderr, which a
            # scheduler may keep in a file, gets one plain line.
            log_crash(type(exc), exc, exc.__traceback__)
            print(
                "careplanner: an unexpected problem stopped the command (a fault in Care Planner). "
                "What was saved before it is safe; the details, without patient data, are in the log file.",
                file=sys.stderr,
            )
            return BUG_EXIT_CODE
        print(f"careplanner: {known}", file=sys.stderr)
        return known.exit_code
