"""Composition root: config → key → store → services, for the GUI and the command line alike."""

from __future__ import annotations

import logging
import logging.handlers
from dataclasses import dataclass
from pathlib import Path

from careplanner.config import Paths, demo_paths, resolve_paths
from careplanner.services.container import Services
from careplanner.store import keys
from careplanner.store import lock as store_lock
from careplanner.store.engine import Store, open_store
from careplanner.store.errors import NotAStoreError, StoreError, StoreReadOnlyError
from careplanner.store.rekey import settle_pending

log = logging.getLogger("careplanner.app")

# The demo store holds only synthetic people, so its passphrase can be public (it is in the README).
DEMO_PASSPHRASE = b"demo-synthetic-people-only"


@dataclass
class AppContext:
    paths: Paths
    store: Store
    services: Services
    demo: bool
    lock: store_lock.StoreLock | None = None

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.release()


def read_passphrase_file(path: str | Path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise StoreError(f"The passphrase file could not be read ({exc.strerror}).") from exc
    passphrase = data.rstrip(b"\r\n")
    if not passphrase:
        raise StoreError("The passphrase file is empty.")
    return passphrase


def setup_logging(paths: Paths, *, verbose: bool = False) -> None:
    """A rotating log in the log folder. Log lines name ids and actions only, never patient data."""
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("careplanner")
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir / "careplanner.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)


def open_context(
    paths: Paths,
    *,
    passphrase: bytes | None = None,
    create: bool = True,
    demo: bool = False,
) -> AppContext:
    """Unlock and open the store at `paths`, creating it (and its key) on first run when allowed.

    The data folder's lock and the store file's own lock (by device and inode, so a hard link or a second
    mount is caught) are taken first and held by the returned context: a second copy of the app gets
    StoreInUseError before it reads or writes anything. A folder on a network drive is refused.
    """
    store_lock.refuse_network_folder(paths.data_dir)  # before anything is made there
    if create and not paths.data_dir.exists():
        try:
            paths.data_dir.mkdir(parents=True)
        except PermissionError as exc:
            raise StoreReadOnlyError() from exc
    held = store_lock.acquire(paths.lock_file, paths.store_file) if paths.data_dir.is_dir() else None
    try:
        settle_pending(paths.store_file, paths.store_info_file, passphrase)
        context = _open_locked(paths, passphrase=passphrase, create=create, demo=demo)
    except BaseException:
        if held is not None:
            held.release()
        raise
    if held is not None:
        try:
            held.lock_store_file(paths.store_file)  # a store made just now
        except BaseException:
            context.close()
            held.release()
            raise
    context.lock = held
    return context


def _open_locked(paths: Paths, *, passphrase: bytes | None, create: bool, demo: bool) -> AppContext:
    info_file = paths.store_info_file
    if info_file.exists():
        info = keys.read_info(info_file)
        key = keys.unlock(info, passphrase)
        store = open_store(paths.store_file, key, create=False, backup_dir=paths.backup_dir)
    else:
        if paths.store_file.exists():
            raise NotAStoreError(
                "The store's key information file (careplanner.store.json) is missing. Nothing was changed."
            )
        if not create:
            raise StoreError("There is no store in this data folder yet.")
        paths.ensure()
        if passphrase is not None:
            key, info = keys.new_passphrase_info(passphrase, demo=demo)
        else:
            key, info = keys.new_keyring_info()
        store = open_store(paths.store_file, key, create=True, backup_dir=paths.backup_dir)
        if demo and is_demo_key(info, passphrase):
            store.mark_demo()
        keys.write_info(info_file, info)
        log.info("Created a new store")
    try:
        if demo and is_demo_key(info, passphrase) and not store.demo_marked():
            # A demo store made by an earlier release: it has the public key, so its mark adds nothing secret.
            store.mark_demo()
        store.demo = is_demo_store(store, info, passphrase)
    except BaseException:
        store.close()
        raise
    services = Services(store.sessions, demo=store.demo, paths=paths)
    return AppContext(paths=paths, store=store, services=services, demo=store.demo)


def is_demo_key(info: keys.StoreInfo, passphrase: bytes | None) -> bool:
    """The store was unlocked with the demo's public passphrase (so it can hold nothing confidential)."""
    return info.key_source == "passphrase" and passphrase == DEMO_PASSPHRASE


def is_demo_store(store: Store, info: keys.StoreInfo, passphrase: bytes | None) -> bool:
    """Sign-in and roles are skipped only for the demo store: the demo mark inside the encrypted file
    *and* the demo's public key. The `demo` field of careplanner.store.json is never trusted."""
    return is_demo_key(info, passphrase) and store.demo_marked()


def open_demo(seed_people: int = 60) -> AppContext:
    """The demo store: its own folder, a public passphrase, synthetic people seeded once."""
    from careplanner.services.seed import seed_people as seed

    paths = demo_paths()
    fresh = not paths.store_info_file.exists()
    ctx = open_context(paths, passphrase=DEMO_PASSPHRASE, create=True, demo=True)
    if fresh:
        actor = ctx.services.users.ensure_first_clinician()
        seed(ctx.store.sessions, count=seed_people, seed=2026, actor=actor, today=ctx.services.clock.today())
    return ctx


def paths_for(data_dir: str | None) -> Paths:
    return resolve_paths(data_dir)
