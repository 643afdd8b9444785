"""The command line: `careplanner [--data-dir DIR] [--passphrase-file FILE] [--user NAME] COMMAND`.

Each command lives in its own module under `careplanner.commands` and registers a sub-parser. Errors a
person can act on print one plain line on stderr with their own exit code; never a traceback.

Only the module of the command being run is imported (a command module pulls in the store, the ORM and
whatever else its work needs); the others stand in as light placeholders with their one-line help, so
`careplanner --help` and `--version` import none of them. COMMANDS below names each command's module
(tests/perf/test_import_weight.py checks it against what the modules register); a command missing from it
still works, the slow way: every module is imported.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from careplanner import __version__
from careplanner.commands.options import add_sign_in_options
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
    "careplanner.commands.init_cmd",
    "careplanner.commands.import_cmd",
    "careplanner.commands.sync_cmds",
)
_GUI, _STORE, _SEED, _TRUST, _EXPORT, _JOIN, _SERVER, _INIT, _IMPORT, _SYNC = COMMAND_MODULES

# Each top-level command: the module that registers it, and its help line (the same as the module's).
COMMANDS: dict[str, tuple[str, str]] = {
    "gui": (_GUI, "open the app (the default)"),
    "demo": (_GUI, "open the app on a demo store of synthetic people"),
    "check": (_STORE, "check the store's integrity and print its schema version and counts"),
    "seed": (_SEED, "add synthetic people (never real ones) with realistic plans"),
    "backup": (_TRUST, "write an encrypted backup of the store to FILE"),
    "restore": (_TRUST, "replace the store with a backup (the current one is kept aside)"),
    "rekey": (_TRUST, "change the store's key (a new keyring key, or a new passphrase)"),
    "audit": (_TRUST, "check or export the audit trail"),
    "users": (_TRUST, "add or list the people who use the app"),
    "export": (_EXPORT, "print a person's plan to PDF or export it as a FHIR R4 bundle"),
    "init": (_INIT, "make a new, empty encrypted store with its first administrator (nothing else in it)"),
    "import": (
        _IMPORT,
        "import a person's record (FHIR R4 Bundle, or a GP Connect structured record) into their draft plan",
    ),
    "report": (_EXPORT, "the practice report (plans agreed, reviews due, declined) as PDF"),
    "join": (_JOIN, "use the practice server from this computer (checks you can sign in there first)"),
    "leave": (_JOIN, "stop using the practice server: this computer's own store again"),
    "server": (_SERVER, "set up, upgrade and look after the practice server (IT)"),
    "sync": (_SYNC, "send this computer's changes to the practice server and fetch everyone else's"),
}

Handler = Callable[[argparse.Namespace], int]
# An error nobody foresaw (a bug): sysexits' EX_SOFTWARE.
BUG_EXIT_CODE = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"careplanner: {message}", file=sys.stderr)
        raise SystemExit(2)


class _NotACommandError(Exception):
    """The first look at the arguments found no command it knows (argparse then says why, in full)."""


class _Peek(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotACommandError(message)


def command_of(argv: Sequence[str]) -> str | None:
    """The command `argv` runs ("gui" when none is named), or None when that cannot be told cheaply
    (an unknown word, a mistake argparse will explain): then every command module is imported."""
    peek = _Peek(add_help=False)
    for flag in ("-h", "--help", "--version", "--verbose"):
        peek.add_argument(flag, action="store_true")
    for flag in ("--data-dir", "--passphrase-file", "--server", "--user", "--password-file"):
        peek.add_argument(flag)
    peek.add_argument("command", nargs="?")
    peek.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        found = peek.parse_args(list(argv))
    except _NotACommandError:
        return None
    command = found.command or "gui"
    return command if command in COMMANDS else None


def build_parser(command: str | None = None, *, light: bool = False) -> argparse.ArgumentParser:
    """The full parser; for `command`, only its module's real sub-parsers (the rest are placeholders);
    `light`, placeholders only (enough for the top-level --help and --version)."""
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
    wanted = None if command is None else COMMANDS[command][0]
    for name in COMMAND_MODULES:
        words = [(word, help_text) for word, (module, help_text) in COMMANDS.items() if module == name]
        if not words or (not light and (command is None or name == wanted)):
            importlib.import_module(name).register(sub)  # a module COMMANDS does not know yet: as it is
            continue
        for word, help_text in words:
            stand_in = sub.add_parser(word, help=help_text, add_help=False)
            stand_in.add_argument("rest", nargs=argparse.REMAINDER)
            stand_in.set_defaults(_stand_in=True)
    if command is not None and not light and command not in sub.choices:
        return build_parser()  # COMMANDS named the wrong module: the slow, sure way
    return parser


def _parse(argv: list[str]) -> argparse.Namespace:
    command = command_of(argv)
    if command is None:
        return build_parser().parse_args(argv)
    # The window's own command imports nothing more until it runs (its window comes first: ui/app_start.py).
    args = build_parser(command, light=command == "gui" and not _asks_help(argv)).parse_args(argv)
    if getattr(args, "_stand_in", False) and (args.command != "gui" or args.rest):
        args = build_parser().parse_args(argv)  # the first look was wrong: the slow, sure way
    return args


def _asks_help(argv: Sequence[str]) -> bool:
    """`careplanner gui --help` (the top-level --help needs no command module)."""
    return "gui" in argv and any(arg in ("-h", "--help") for arg in argv)


def run(argv: Sequence[str]) -> int:
    args = _parse(list(argv))
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
