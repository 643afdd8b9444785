"""A practice server and two workstations on this computer, for a demo (run by scripts/practice-demo.sh).

1. A private PostgreSQL cluster in a temporary folder, on a loopback port (server.cluster.make_cluster).
2. Its owner account and an empty practice database, set up with `careplanner server init` (schema, roles,
   the first administrator).
3. Synthetic people with realistic plans (services/seed.py), and two clinician accounts: a nurse and a GP.
4. Two app windows, each with its own data folder (two workstations), both signed in to the server by the
   person at the keyboard. When both windows are closed, the cluster is stopped and the folder removed.

Every password here is public (printed below, and in docs/practice-server.md): the demo holds only
synthetic people, on a server that listens on this computer's loopback only. `--no-window` does everything
but open the windows, checks that both accounts can sign in, and stops.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

DATABASE = "careplanner"
OWNER = "careplanner_owner"
# Public demo passwords: synthetic people only, a server on loopback only, removed when the demo ends.
OWNER_PASSWORD = "demo-owner-synthetic-only"
ADMIN = ("demo-admin", "Demo Administrator", "demo-admin-synthetic-only")
ACCOUNTS = (
    ("jo", "Jo Brennan (nurse)", "nurse", "demo-nurse-synthetic-only"),
    ("sam", "Sam Okafor (GP)", "gp", "demo-gp-synthetic-only"),
)


def _secret_file(folder: Path, name: str, value: str) -> Path:
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return path


def _careplanner(*argv: str) -> None:
    import contextlib
    import io

    from careplanner.cli import run

    # Quietly: `server init` tells a real practice's IT how to join workstations, which the demo does itself.
    with contextlib.redirect_stdout(io.StringIO()):
        code = run(list(argv))
    if code != 0:
        raise SystemExit(f"practice demo: `careplanner {argv[0]} {argv[1] if len(argv) > 1 else ''}` failed")


def set_up(folder: Path, people: int) -> tuple[object, str]:
    """Start the cluster and make the practice; returns (cluster, the workstations' server URL)."""
    from careplanner.server.cluster import make_cluster

    cluster = make_cluster()  # its own temporary folder (owned by `postgres` when run as root)
    cluster.start()
    admin = create_engine(
        cluster.url().replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{OWNER_PASSWORD}'"))
        conn.execute(text(f"CREATE DATABASE {DATABASE} OWNER {OWNER}"))
    admin.dispose()
    secrets = folder / "secrets"
    secrets.mkdir(mode=0o700)
    owner_url = f"postgresql://{OWNER}@127.0.0.1:{cluster.port}/{DATABASE}?sslmode=disable"
    owner_pw = _secret_file(secrets, "owner", OWNER_PASSWORD)
    _careplanner(
        "server", "init", "--url", owner_url, "--password-file", str(owner_pw),
        "--admin", ADMIN[0], "--display-name", ADMIN[1],
        "--admin-password-file", str(_secret_file(secrets, "admin", ADMIN[2])),
    )  # fmt: skip
    workstation_url = f"postgresql://127.0.0.1:{cluster.port}/{DATABASE}?sslmode=disable"
    _people_and_accounts(folder, owner_url, workstation_url, people)
    return cluster, workstation_url


def _people_and_accounts(folder: Path, owner_url: str, workstation_url: str, people: int) -> None:
    from careplanner.app import open_server_context
    from careplanner.clinical.enums import UserRole
    from careplanner.config import resolve_paths
    from careplanner.server.connection import ServerAddress
    from careplanner.server.workstation import open_signed_in
    from careplanner.services.seed import seed_people

    paths = resolve_paths(folder / "set-up")
    paths.ensure()
    # The accounts, made by the administrator signed in as themselves (their role may make accounts).
    ctx, admin = open_signed_in(ServerAddress.parse(workstation_url), ADMIN[0], ADMIN[2], paths)
    try:
        for username, name, role, password in ACCOUNTS:
            ctx.services.auth.add_user(
                username=username, display_name=name, role=UserRole(role), password=password, actor=admin
            )
    finally:
        ctx.close()
    # The synthetic people, written by the owner (the seed inserts whole plans in bulk, as an import does).
    owner = open_server_context(ServerAddress.parse(owner_url), OWNER_PASSWORD, paths)
    try:
        nurse = owner.services.users.by_username(ACCOUNTS[0][0])
        assert nurse is not None
        seed_people(
            owner.store.sessions, count=people, seed=2026, actor=nurse, today=datetime.now(UTC).date()
        )
    finally:
        owner.close()


def check_accounts(folder: Path, workstation_url: str) -> None:
    """Each clinician signs in on the server as themselves and sees the synthetic people."""
    from careplanner.config import resolve_paths
    from careplanner.server.connection import ServerAddress
    from careplanner.server.workstation import open_signed_in

    for number, (username, _name, _role, password) in enumerate(ACCOUNTS, start=1):
        paths = resolve_paths(folder / f"workstation-{number}")
        paths.ensure()
        ctx, actor = open_signed_in(ServerAddress.parse(workstation_url), username, password, paths)
        try:
            count = ctx.store.counts()["people"]
        finally:
            ctx.close()
        print(f"Workstation {number}: {actor.username} signed in on the server and sees {count} people.")


def open_windows(folder: Path, workstation_url: str) -> int:
    """Two app processes, two data folders; returns when both windows are closed."""
    windows = []
    for number in (1, 2):
        data = folder / f"workstation-{number}"
        data.mkdir(exist_ok=True)
        # Two rooms, so each window and its colleague's banners say which workstation is which.
        env = {
            **os.environ,
            "CAREPLANNER_HOME": str(data / "home"),
            "CAREPLANNER_WORKSTATION": f"ROOM-{number * 2 + 1}",
        }
        windows.append(
            subprocess.Popen(
                [sys.executable, "-m", "careplanner", "--data-dir", str(data), "--server", workstation_url],
                env=env,
            )
        )
    try:
        codes = [window.wait() for window in windows]
        return 0 if not any(codes) else 1
    except KeyboardInterrupt:
        for window in windows:
            window.send_signal(signal.SIGTERM)
        for window in windows:
            window.wait(timeout=30)
        return 130


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-window", action="store_true", help="set up and check, open no window, stop")
    parser.add_argument("--people", type=int, default=60, help="synthetic people to seed (default 60)")
    parser.add_argument("--folder", type=Path, help="the demo's folder (default: a new temporary folder)")
    args = parser.parse_args(argv)
    # Stopped from outside (a closed terminal, `kill`): still stop the server and remove its folders.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="careplanner-practice-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    cluster = None
    try:
        cluster, url = set_up(folder, args.people)
        print(f"Practice server running (demo, synthetic people only): {url}")
        print("Sign in on each workstation with one of these demo accounts (public demo passwords):")
        for username, name, _role, password in ACCOUNTS:
            print(f"  {username:<5} {name:<22} password: {password}")
        if args.no_window:
            check_accounts(folder, url)
            return 0
        print("Opening two workstations; close both windows to stop the server.")
        return open_windows(folder, url)
    finally:
        if cluster is not None:
            cluster.stop()  # type: ignore[attr-defined]
            cluster.remove()  # type: ignore[attr-defined]
        shutil.rmtree(folder, ignore_errors=True)
        print("Practice server stopped; its folders were removed.")


if __name__ == "__main__":
    sys.exit(main())
