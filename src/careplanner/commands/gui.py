"""`careplanner gui` (the default) and `careplanner demo`."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Mapping

# No screen to show the window on (checked before the store is opened).
NO_DISPLAY_EXIT = 8
NO_DISPLAY = (
    "careplanner: there is no screen to show the window on ({why}). Start Care Planner from a desktop "
    "session, or use its commands (careplanner --help). The store was not opened."
)
# Qt platforms that need no display server.
_HEADLESS_PLATFORMS = frozenset(
    {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}
)


def display_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str | None:
    """Why Qt could not open a window here, or None. Qt itself aborts the process (with a core dump)
    when it finds no display, so this is looked at first. Only Linux and other X11/Wayland systems."""
    if platform.startswith(("win32", "cygwin", "darwin")):
        return None
    has_x, has_wayland = bool(environ.get("DISPLAY")), bool(environ.get("WAYLAND_DISPLAY"))
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if not chosen:
        return None if has_x or has_wayland else "neither DISPLAY nor WAYLAND_DISPLAY is set"
    for name in (part.split(":")[0].strip().lower() for part in chosen.split(";") if part.strip()):
        if name in _HEADLESS_PLATFORMS:
            return None
        if name == "xcb" and has_x:
            return None
        if name.startswith("wayland") and has_wayland:
            return None
        if name != "xcb" and not name.startswith("wayland"):
            return None  # a platform we do not know: let Qt decide
    return f"QT_QPA_PLATFORM is {chosen!r} but its display (DISPLAY or WAYLAND_DISPLAY) is not set"


def _no_display() -> bool:
    why = display_problem()
    if why is None:
        return False
    print(NO_DISPLAY.format(why=why), file=sys.stderr)
    return True


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gui = sub.add_parser("gui", help="open the app (the default)")
    gui.set_defaults(func=run_gui)
    demo = sub.add_parser("demo", help="open the app on a demo store of synthetic people")
    demo.add_argument("--no-window", action="store_true", help="make the demo store and exit")
    demo.set_defaults(func=run_demo)


def _launch(ctx: object, access: object = None) -> int:
    if importlib.util.find_spec("careplanner.ui.main") is None:
        print(
            "careplanner: the desktop window is not part of this build yet; the store is ready "
            "(try `careplanner check`).",
            file=sys.stderr,
        )
        return 0
    # Imported late so the command line never loads Qt unless a window is wanted.
    if access is not None:  # with Tools → Practice server… (and, with ctx None, signing in to the server)
        return int(importlib.import_module("careplanner.ui.server_sign_in").run_app(ctx, access))
    launch = importlib.import_module("careplanner.ui.main").launch
    return int(launch(ctx))


def _server_access(args: argparse.Namespace, url: str | None) -> object:
    from careplanner.app import paths_for, setup_logging
    from careplanner.server.connection import ServerAddress
    from careplanner.server.workstation import PracticeServerAccess

    paths = paths_for(args.data_dir)
    if url is not None:
        paths.ensure()
        setup_logging(paths, verbose=getattr(args, "verbose", False))
    return PracticeServerAccess(paths, ServerAddress.parse(url) if url else None)


def run_gui(args: argparse.Namespace) -> int:
    if _no_display():
        return NO_DISPLAY_EXIT
    if getattr(args, "server", None):
        # --server: the app asks who is signing in, then opens the server as them.
        return _launch(None, _server_access(args, str(args.server)))
    if importlib.util.find_spec("careplanner.ui.app_start") is None:
        return _launch_after_open(args)
    # The sign-in form first; the store opens behind it (ui/app_start.py). Imported here, late, so the
    # command line never loads Qt unless a window is wanted.
    start = importlib.import_module("careplanner.ui.app_start").StartUp(lambda: _open_for_window(args))
    try:
        code = int(start.run())
    finally:
        if start.opened is not None:
            start.opened.ctx.close()
    if start.server_url is not None:  # a joined workstation: the practice server's own sign-in
        replica = _launch_replica(args)  # joined in replica mode: this computer's own copy (issue 15)
        return replica if replica is not None else _launch(None, _server_access(args, start.server_url))
    return code


def _launch_replica(args: argparse.Namespace) -> int | None:
    """A workstation joined in replica mode: its own copy of the practice, signed in online or offline,
    synced in the background (ui/replica_start.py). None when it did not join that way."""
    from careplanner.commands.common import open_replica_from_args

    ctx = open_replica_from_args(args)
    if ctx is None:
        return None
    try:
        return int(importlib.import_module("careplanner.ui.replica_start").run_replica_app(ctx))
    finally:
        ctx.close()


def _open_for_window(args: argparse.Namespace) -> object:
    """On the start window's background thread: the joined server's URL, or this computer's store opened
    with the main window's modules imported (so building the window on the UI thread is quick)."""
    from careplanner.commands.common import open_from_args, server_url_from_args

    url = server_url_from_args(args)
    if url is not None:
        return url
    ctx = open_from_args(args)
    try:
        access = None if ctx.demo else _server_access(args, None)
        for name in ("careplanner.ui.main", "careplanner.ui.server_sign_in"):
            importlib.import_module(name)
    except BaseException:
        ctx.close()
        raise
    return importlib.import_module("careplanner.ui.app_start").Opened(ctx, access)


def _launch_after_open(args: argparse.Namespace) -> int:
    from careplanner.commands.common import open_from_args, server_url_from_args

    url = server_url_from_args(args)
    if url is not None:
        # A joined workstation: the app asks who is signing in, then opens the server as them.
        replica = _launch_replica(args)
        return replica if replica is not None else _launch(None, _server_access(args, url))
    ctx = open_from_args(args)
    try:
        return _launch(ctx, _server_access(args, None) if not ctx.demo else None)
    finally:
        ctx.close()


def run_demo(args: argparse.Namespace) -> int:
    from careplanner.app import open_demo, setup_logging

    if not args.no_window and _no_display():
        return NO_DISPLAY_EXIT
    if not args.no_window and importlib.util.find_spec("careplanner.ui.app_start") is not None:
        return _run_demo_window(args)
    ctx = open_demo()
    # The demo's own log folder, as every other store has: a crash dialog points there.
    setup_logging(ctx.paths, verbose=getattr(args, "verbose", False))
    try:
        if args.no_window:
            print(f"Demo store ready: {ctx.store.counts()['people']} synthetic people.")
            return 0
        return _launch(ctx)
    finally:
        ctx.close()


def _open_demo_for_window(args: argparse.Namespace) -> object:
    """On the start window's background thread: the demo store, seeded the first time (a few seconds),
    with the main window's modules imported. The window says "Setting up the demo…" meanwhile."""
    from careplanner.app import open_demo, setup_logging

    ctx = open_demo()
    try:
        setup_logging(ctx.paths, verbose=getattr(args, "verbose", False))
        importlib.import_module("careplanner.ui.main")
    except BaseException:
        ctx.close()
        raise
    return importlib.import_module("careplanner.ui.app_start").Opened(ctx, None)


def _run_demo_window(args: argparse.Namespace) -> int:
    start = importlib.import_module("careplanner.ui.app_start").StartUp(
        lambda: _open_demo_for_window(args), demo=True
    )
    try:
        return int(start.run())
    finally:
        if start.opened is not None:
            start.opened.ctx.close()
