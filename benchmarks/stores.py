"""Synthetic practices for the benchmarks: built once per size, cached encrypted, reused.

Each size lives in `<cache>/people-<N>/`: `store/` (the encrypted store, opened with the passphrase in
`passphrase`, with an administrator `bench-admin` whose password is in `password`), `plain.db` (the same rows
exported to plain SQLite, for the floors) and `built.json` (how long the build took). A build runs in a
temporary folder that is renamed only when it is complete, so an interrupted build is never reused.

The cache folder is $CAREPLANNER_BENCH_CACHE, else ~/.cache/careplanner-bench. Synthetic people only.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PASSPHRASE = b"benchmark passphrase, synthetic people only"
PASSWORD = "a long synthetic benchmark password"
ADMIN = "bench-admin"
SEED = 2026


@dataclass(frozen=True)
class BenchStore:
    folder: Path
    people: int
    build_seconds: float

    @property
    def data_dir(self) -> Path:
        return self.folder / "store"

    @property
    def store_file(self) -> Path:
        return self.data_dir / "careplanner.db"

    @property
    def plain_file(self) -> Path:
        return self.folder / "plain.db"

    @property
    def passphrase_file(self) -> Path:
        return self.folder / "passphrase"

    @property
    def password_file(self) -> Path:
        return self.folder / "password"

    def cli(self) -> list[str]:
        """Global options that open this store and sign in as its administrator."""
        return [
            "--data-dir",
            str(self.data_dir),
            "--passphrase-file",
            str(self.passphrase_file),
            "--user",
            ADMIN,
            "--password-file",
            str(self.password_file),
        ]


def cache_dir() -> Path:
    configured = os.environ.get("CAREPLANNER_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "careplanner-bench"


def get_store(people: int, *, cache: Path | None = None, log: bool = True) -> BenchStore:
    """The cached store of `people` synthetic people, built now if there is none yet."""
    root = cache or cache_dir()
    folder = root / f"people-{people}"
    marker = folder / "built.json"
    if marker.exists():
        return BenchStore(folder, people, float(json.loads(marker.read_text())["seconds"]))
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".building-{people}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    if log:
        print(f"Building a store of {people:,} synthetic people (once; cached in {root}) ...", flush=True)
    started = time.perf_counter()
    _build(work, people)
    seconds = time.perf_counter() - started
    built = {"people": people, "seconds": seconds, "on": str(date.today())}
    (work / "built.json").write_text(json.dumps(built))
    shutil.rmtree(folder, ignore_errors=True)
    work.rename(folder)
    if log:
        print(f"  built in {seconds:,.0f} s", flush=True)
    return BenchStore(folder, people, seconds)


def _build(work: Path, people: int) -> None:
    from argon2 import PasswordHasher

    from careplanner.app import open_context
    from careplanner.config import resolve_paths
    from careplanner.services.auth import AuthService
    from careplanner.services.seed import seed_people

    (work / "passphrase").write_bytes(PASSPHRASE)
    (work / "password").write_text(PASSWORD)
    for name in ("passphrase", "password"):
        (work / name).chmod(0o600)
    paths = resolve_paths(work / "store")
    ctx = open_context(paths, passphrase=PASSPHRASE)
    try:
        # A cheap (still Argon2id) hash so each signed-in command in the benchmark is not timing the hash.
        auth = AuthService(
            ctx.store.sessions, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        admin = auth.create_first_admin(username=ADMIN, display_name="Bench Admin", password=PASSWORD)
        today = ctx.services.clock.today()
        seed_people(ctx.store.sessions, count=people, seed=SEED, actor=admin, today=today)
        with ctx.store.sessions() as session:
            session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ctx.close()
    export_plain(paths.store_file, unlock_key(work / "store"), work / "plain.db")


def unlock_key(data_dir: Path) -> bytes:
    from careplanner.store import keys

    return keys.unlock(keys.read_info(data_dir / "careplanner.store.json"), PASSPHRASE)


def export_plain(store_file: Path, key: bytes, plain: Path) -> None:
    """The same rows, schema and indexes in an unencrypted SQLite file (SQLCipher's own export)."""
    import sqlcipher3

    plain.unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(store_file))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    plain.chmod(0o600)  # synthetic people, but kept like any store
    check = sqlite3.connect(plain)
    try:
        check.execute("SELECT count(*) FROM person").fetchone()
    finally:
        check.close()


def plain_current(bench: BenchStore, revision: str | None) -> None:
    """Export the plain copy again when the encrypted store was migrated since (opening it upgrades it)."""
    conn = sqlite3.connect(bench.plain_file)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        conn.close()
    if row is None or row[0] != revision:
        export_plain(bench.store_file, unlock_key(bench.data_dir), bench.plain_file)
