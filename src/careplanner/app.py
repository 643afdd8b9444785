"""Composition root: config → key → store → services, for the GUI and the command line alike."""

from __future__ import annotations

import functools
import logging
import logging.handlers
import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from careplanner.config import Paths, demo_paths, resolve_paths
from careplanner.services import recovery
from careplanner.services.container import Services
from careplanner.store import backup_reader, keys
from careplanner.store import lock as store_lock
from careplanner.store.create import create_store
from careplanner.store.engine import Store, open_store
from careplanner.store.errors import NotAStoreError, StoreError, StoreReadOnlyError
from careplanner.store.rekey import pending_file

if TYPE_CHECKING:
    from careplanner.server.connection import ServerAddress
    from careplanner.server.joined import JoinedServer
    from careplanner.server.store import ServerStore
    from careplanner.sync.replica_open import ReplicaLink

log = logging.getLogger("careplanner.app")

# The demo store holds only synthetic people, so its passphrase can be public (it is in the README).
DEMO_PASSPHRASE = b"demo-synthetic-people-only"


@dataclass
class AppContext:
    paths: Paths
    store: Store | ServerStore
    services: Services
    demo: bool
    lock: store_lock.StoreLock | None = None
    # Run after the store is closed: a backup reader lets go of its shared lock (see open_for_backup).
    release: Callable[[], None] | None = None
    # How a backup copies this store: None means through the open store's own connection.
    backup_copy: Callable[[Path, str], None] | None = None
    # What the start found and settled from an earlier crash, in plain words (see services/recovery.py).
    notices: tuple[str, ...] = ()
    # Set when this computer works on its own copy of the practice server's records (sync/replica_open.py).
    replica: ReplicaLink | None = None

    @property
    def on_server(self) -> bool:
        """True when the plans are the practice server's (PostgreSQL), not this computer's own store."""
        return getattr(self.store, "dialect", "sqlite") == "postgresql"

    def close(self) -> None:
        if self.replica is not None:
            self.replica.close()
        self.store.close()
        if self.lock is not None:
            self.lock.release()
        if self.release is not None:
            self.release()


# A passphrase or password file is a few dozen bytes; anything this long is the wrong file (e.g. /dev/zero).
MAX_SECRET_FILE_BYTES = 64 * 1024


def read_passphrase_file(path: str | Path) -> bytes:
    """The secret in `path`, without its line ending.

    Opened non-blocking, so a FIFO that nobody writes to reads as empty rather than waiting for ever (a
    pipe with a writer, as from `<(command)`, is still read to its end); read at most 64 KiB."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise StoreError(f"The passphrase file could not be read ({exc.strerror}).") from exc
    try:
        if os.name != "nt":
            os.set_blocking(fd, True)  # a FIFO with no writer now reads as end of file
        data = b""
        while len(data) <= MAX_SECRET_FILE_BYTES:
            chunk = os.read(fd, MAX_SECRET_FILE_BYTES + 1 - len(data))
            if not chunk:
                break
            data += chunk
    except OSError as exc:
        raise StoreError(f"The passphrase file could not be read ({exc.strerror}).") from exc
    finally:
        os.close(fd)
    if len(data) > MAX_SECRET_FILE_BYTES:
        raise StoreError("The passphrase file is far too long: check that it is the right file.")
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
            paths.data_dir.mkdir(mode=0o700, parents=True)
        except PermissionError as exc:
            raise StoreReadOnlyError() from exc
    held = store_lock.acquire(paths.lock_file, paths.store_file) if paths.data_dir.is_dir() else None
    try:
        # A first run, restore or key change that a crash interrupted is finished or undone first.
        found = recovery.before_open(paths, passphrase)
        context = _open_locked(paths, passphrase=passphrase, create=create, demo=demo)
        try:
            recovery.after_open(found, context.store.sessions, paths.data_dir)
        except BaseException:
            context.close()
            raise
        context.notices = tuple(found.notices)
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
        # Built under a temporary name and named last, after its key file (store/create.py).
        store = create_store(paths, key, info, demo_mark=demo and is_demo_key(info, passphrase))
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


def open_for_backup(paths: Paths, *, passphrase: bytes | None = None) -> AppContext:
    """Open the store only to back it up, beside the app if the app has it open (see backup_reader.py).

    No folder lock, no migrations and no settling of an interrupted key change: nothing is written but the
    backup's own audit entries (short transactions). Restore and rekey cannot run meanwhile."""
    store_lock.refuse_network_folder(paths.data_dir)
    if not paths.store_info_file.exists():
        if paths.store_file.exists():
            raise NotAStoreError(
                "The store's key information file (careplanner.store.json) is missing. Nothing was changed."
            )
        raise StoreError("There is no store in this data folder yet.")
    if pending_file(paths.store_info_file).exists():
        raise StoreError(
            "A change of the store key was interrupted. Open Care Planner once to finish it, then back up "
            "again. Nothing was changed."
        )
    held = ExitStack()
    held.enter_context(backup_reader.reading(paths.data_dir))
    try:
        info = keys.read_info(paths.store_info_file)
        key = keys.unlock(info, passphrase)
        store = backup_reader.open_shared(paths.store_file, key)
        try:
            store.demo = is_demo_store(store, info, passphrase)
        except BaseException:
            store.close()
            raise
    except BaseException:
        held.close()
        raise
    services = Services(store.sessions, demo=store.demo, paths=paths)
    return AppContext(
        paths=paths,
        store=store,
        services=services,
        demo=store.demo,
        release=held.close,
        backup_copy=functools.partial(backup_reader.export_snapshot, paths.store_file, key),
    )


def is_demo_key(info: keys.StoreInfo, passphrase: bytes | None) -> bool:
    """The store was unlocked with the demo's public passphrase (so it can hold nothing confidential)."""
    return info.key_source == "passphrase" and passphrase == DEMO_PASSPHRASE


def is_demo_store(store: Store, info: keys.StoreInfo, passphrase: bytes | None) -> bool:
    """Sign-in and roles are skipped only for the demo store: the demo mark inside the encrypted file
    *and* the demo's public key. The `demo` field of careplanner.store.json is never trusted."""
    return is_demo_key(info, passphrase) and store.demo_marked()


def open_demo(seed_people: int = 60) -> AppContext:
    """The demo store: its own folder, a public passphrase, synthetic people seeded once."""
    from careplanner.services.demo_practice import ensure_demo_practice
    from careplanner.services.seed import seed_people as seed

    paths = demo_paths()
    fresh = not paths.store_info_file.exists()
    ctx = open_context(paths, passphrase=DEMO_PASSPHRASE, create=True, demo=True)
    if fresh:
        actor = ctx.services.users.ensure_first_clinician()
        seed(ctx.store.sessions, count=seed_people, seed=2026, actor=actor, today=ctx.services.clock.today())
    ensure_demo_practice(ctx.store.sessions, ctx.services.clock.now)
    return ctx


def refuse_shared_folder(paths: Paths) -> None:
    """Raise NetworkFolderError when the data folder is on a network or shared file system (said before
    anything else about the folder, even that it holds no store yet)."""
    store_lock.refuse_network_folder(paths.data_dir)


def paths_for(data_dir: str | None) -> Paths:
    return resolve_paths(data_dir)


def open_server_context(
    address: ServerAddress, password: str | None, paths: Paths, *, pool_size: int = 3
) -> AppContext:
    """The practice server as this workstation's store, connected as `address.user` (their own role).

    `paths` is this computer's own folder, for its log and settings only: no patient data is kept there.
    """
    from careplanner.server.store import open_server

    store = open_server(address, password, pool_size=pool_size)
    services = Services(store.sessions, paths=paths, on_server=True)
    return AppContext(paths=paths, store=store, services=services, demo=False)


def open_replica_context(
    paths: Paths, saved: JoinedServer, *, passphrase: bytes | None = None, create: bool = True
) -> AppContext:
    """This computer's own encrypted store as its copy of the practice server's records (replica mode):
    every change also goes into the outbox, and `ctx.replica` signs people in and syncs."""
    from careplanner.sync.replica_open import open_replica_context as open_replica

    return open_replica(paths, saved, passphrase=passphrase, create=create)
