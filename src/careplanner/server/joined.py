"""A workstation joined to a practice server: where the server is and which CA vouches for it.

`careplanner join` (and Tools → Practice server… in the app) saves two things in the OS keyring (Windows
Credential Locker, macOS Keychain, Secret Service), never in a plain file: the server's address, without
any password, and the practice CA's certificate (PEM). No password is kept: the server enforces each
person's role by their own database account, so each clinician types their own at sign-in.

Keyring layout (service `KEYRING_SERVICE`), per installation (its data folder, so two installations or two
test runs under one OS account never see each other's settings):
  entry `<data folder>`               JSON {"format", "url", "ca_parts", "ca_sha256", "joined_at"}
  entry `<data folder> ca <n>`        the CA certificate's PEM text, in parts (Windows keeps at most 2,560
                                      bytes per credential)

A small marker file in the data folder (`practice-server.json`) says only that the settings are in the
keyring. It holds no address, certificate or secret; it lets a workstation that never joined start without
asking the keyring anything, and lets a joined one that has lost its keyring settings refuse to start,
rather than quietly open this computer's own store in place of the practice's.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import shutil
import ssl
import stat
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from careplanner.config import Paths
from careplanner.server.connection import ServerAddress, ServerAddressError
from careplanner.store.errors import KeyringUnavailableError, StoreError

log = logging.getLogger("careplanner.server.joined")

KEYRING_SERVICE = "CarePlanner practice server"
MARKER_FILENAME = "practice-server.json"
FORMAT = 1
# Characters per keyring entry for the certificate: Windows stores at most 2,560 bytes as UTF-16.
CA_PART_CHARS = 1000
MAX_CA_BYTES = 64 * 1024
_PEM_BEGIN = "-----BEGIN CERTIFICATE-----"
_PEM_END = "-----END CERTIFICATE-----"


class JoinedSettingsMissingError(StoreError):
    """The marker says this computer joined a server, but the keyring no longer has its settings."""

    exit_code = 22
    message = (
        "This computer was joined to a practice server, but the server's settings are no longer in this "
        "computer's keyring. Join again (careplanner join, or Tools → Practice server…), or leave the "
        "server (careplanner leave) to use this computer's own store. Nothing was opened."
    )


class CertificateFileError(ServerAddressError):
    """The practice CA file given is missing, unreadable or not a certificate (exit code 2)."""


@dataclass(frozen=True)
class JoinedServer:
    """The saved settings: the address (no password; no sslrootcert, which is a path on one computer)."""

    address: ServerAddress
    ca_pem: str | None
    joined_at: str
    # "online": work on the server itself; "replica": work on this computer's own encrypted copy of the
    # practice, kept in step by sync (sync/replica_open.py).
    mode: str = "online"

    @property
    def ca_fingerprint(self) -> str | None:
        """SHA-256 of the first certificate (as IT would read it off the CA: AB:CD:…)."""
        return ca_fingerprint(self.ca_pem) if self.ca_pem else None

    def shown(self) -> str:
        """The address as it is saved (what `join --show` prints)."""
        return self.address.url()


# ---- the practice CA certificate --------------------------------------------------------------------------


def read_ca_file(path: str | os.PathLike[str]) -> str:
    """The PEM text of a CA certificate file, checked to hold one or more certificates.

    Only a regular file is read, at most MAX_CA_BYTES of it: a pipe, a device or a folder is refused before
    anything is read from it (opened without blocking, so a FIFO with no writer cannot hang the join)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise CertificateFileError(
            f"The practice CA certificate file could not be read ({exc.strerror or 'unreadable'})."
        ) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CertificateFileError(
                "The practice CA certificate must be an ordinary file (a .pem file), not a folder, pipe or "
                "device."
            )
        if info.st_size > MAX_CA_BYTES:
            raise CertificateFileError(
                "The practice CA certificate file is far too long: is it the right file?"
            )
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read(MAX_CA_BYTES + 1)
    except OSError as exc:
        raise CertificateFileError(
            f"The practice CA certificate file could not be read ({exc.strerror or 'unreadable'})."
        ) from exc
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_CA_BYTES:
        raise CertificateFileError("The practice CA certificate file is far too long: is it the right file?")
    return check_ca_pem(data.decode("ascii", errors="replace"))


def check_ca_pem(text: str) -> str:
    """Normalise PEM text and check that TLS can use it as a trust anchor."""
    blocks: list[str] = []
    rest = text
    while _PEM_BEGIN in rest:
        start = rest.index(_PEM_BEGIN)
        end = rest.find(_PEM_END, start)
        if end < 0:
            break
        blocks.append(rest[start : end + len(_PEM_END)])
        rest = rest[end + len(_PEM_END) :]
    if not blocks:
        raise CertificateFileError(
            "That file is not a certificate: the practice CA certificate is a PEM file that starts with "
            "-----BEGIN CERTIFICATE-----. Ask the practice's IT for it."
        )
    pem = "\n".join(blocks) + "\n"
    try:
        for block in blocks:
            ssl.PEM_cert_to_DER_cert(block)
        ssl.create_default_context(cadata=pem)
    except (ValueError, ssl.SSLError) as exc:
        raise CertificateFileError(
            "The practice CA certificate file is damaged or not a certificate."
        ) from exc
    return pem


def ca_fingerprint(pem: str) -> str:
    der = ssl.PEM_cert_to_DER_cert(check_ca_pem(pem).split(_PEM_END)[0] + _PEM_END)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


# ---- the keyring ------------------------------------------------------------------------------------------


def entry_name(paths: Paths) -> str:
    """The keyring entry for this installation: its data folder's full path."""
    return str(paths.data_dir)


def marker_file(paths: Paths) -> Path:
    return paths.data_dir / MARKER_FILENAME


def _keyring_secure() -> bool:
    from careplanner.store.keys import keyring_is_secure

    return keyring_is_secure()


def _get(entry: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, entry)
    except KeyringError as exc:
        raise KeyringUnavailableError(
            "The practice server's settings could not be read from this computer's keyring."
        ) from exc


def _set(entry: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, entry, value)
    except KeyringError as exc:
        raise KeyringUnavailableError(
            "The practice server's settings could not be saved in this computer's keyring. Nothing was saved."
        ) from exc


def _delete(entry: str) -> bool:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, entry)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise KeyringUnavailableError(
            "The practice server's settings could not be removed from this computer's keyring."
        ) from exc
    return True


def _ca_entry(entry: str, number: int) -> str:
    return f"{entry} ca {number}"


def is_joined(paths: Paths) -> bool:
    """Cheap: the marker only (no keyring call), so a workstation that never joined is not slowed."""
    return marker_file(paths).is_file()


def save(paths: Paths, address: ServerAddress, ca_pem: str | None, *, mode: str = "online") -> JoinedServer:
    """Keep the address (without sslrootcert or any password) and the CA in the keyring, then the marker."""
    if not _keyring_secure():
        raise KeyringUnavailableError(
            "This computer has no secure keyring (such as Windows Credential Locker or the desktop's "
            "keyring), so it cannot keep the practice server's settings. Nothing was saved."
        )
    bare = replace(address, sslrootcert=None, user=None)  # each person connects as their own account
    entry = entry_name(paths)
    forget(paths, keep_marker=True)  # parts of an earlier, longer certificate must not linger
    parts = [ca_pem[i : i + CA_PART_CHARS] for i in range(0, len(ca_pem), CA_PART_CHARS)] if ca_pem else []
    for number, part in enumerate(parts):
        _set(_ca_entry(entry, number), part)
    joined = JoinedServer(
        address=bare, ca_pem=ca_pem, joined_at=datetime.now(UTC).isoformat(timespec="seconds"), mode=mode
    )
    record = {
        "format": FORMAT,
        "url": bare.url(),
        "ca_parts": len(parts),
        "ca_sha256": hashlib.sha256(ca_pem.encode("ascii")).hexdigest() if ca_pem else None,
        "joined_at": joined.joined_at,
        "mode": mode,
    }
    _set(entry, json.dumps(record))
    if load_from_keyring(paths) != joined:
        raise KeyringUnavailableError("The keyring did not keep the practice server's settings.")
    paths.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    marker = marker_file(paths)
    marker.write_text(
        json.dumps({"format": FORMAT, "keyring_service": KEYRING_SERVICE, "keyring_entry": entry}) + "\n",
        encoding="utf-8",
    )
    log.info("Joined a practice server")
    return joined


def load_from_keyring(paths: Paths) -> JoinedServer | None:
    entry = entry_name(paths)
    raw = _get(entry)
    if raw is None:
        return None
    try:
        record = json.loads(raw)
        address = ServerAddress.parse(str(record["url"]))
        count = int(record["ca_parts"])
        joined_at = str(record["joined_at"])
        expected = record.get("ca_sha256")
        mode = str(record.get("mode", "online"))
    except (ValueError, KeyError, TypeError, ServerAddressError) as exc:
        raise JoinedSettingsMissingError(
            "The practice server's settings in this computer's keyring are damaged. Join again, or leave "
            "the server (careplanner leave). Nothing was opened."
        ) from exc
    ca_pem: str | None = None
    if count:
        parts = [_get(_ca_entry(entry, n)) for n in range(count)]
        if any(p is None for p in parts):
            raise JoinedSettingsMissingError()
        ca_pem = "".join(p for p in parts if p is not None)
        if hashlib.sha256(ca_pem.encode("ascii", errors="replace")).hexdigest() != expected:
            raise JoinedSettingsMissingError(
                "The practice CA certificate kept in this computer's keyring is damaged. Join again. "
                "Nothing was opened."
            )
    return JoinedServer(address=address, ca_pem=ca_pem, joined_at=joined_at, mode=mode)


def load(paths: Paths) -> JoinedServer | None:
    """The saved settings, or None for a workstation that never joined (its keyring is not asked)."""
    if not is_joined(paths):
        return None
    if not _keyring_secure():
        raise KeyringUnavailableError(
            "This computer was joined to a practice server, whose settings are kept in the keyring, and no "
            "secure keyring is available now. Nothing was opened."
        )
    joined = load_from_keyring(paths)
    if joined is None:
        raise JoinedSettingsMissingError()
    return joined


def forget(paths: Paths, *, keep_marker: bool = False) -> bool:
    """Remove the saved settings (and the marker); True when there was something to remove."""
    found = False
    if _keyring_secure():
        entry = entry_name(paths)
        count = 0
        with contextlib.suppress(StoreError):
            raw = _get(entry)
            if raw is not None:
                count = int(json.loads(raw).get("ca_parts", 0))
        found = _delete(entry)
        number = 0
        while number < count or _get(_ca_entry(entry, number)) is not None:
            found = _delete(_ca_entry(entry, number)) or found
            number += 1
    marker = marker_file(paths)
    if not keep_marker and marker.exists():
        marker.unlink()
        found = True
    if found and not keep_marker:
        log.info("Left the practice server")
    return found


# ---- connecting -------------------------------------------------------------------------------------------

_CA_FOLDERS: list[Path] = []


def _remove_ca_folders() -> None:
    while _CA_FOLDERS:
        shutil.rmtree(_CA_FOLDERS.pop(), ignore_errors=True)


def ca_file_for(pem: str) -> Path:
    """The CA as a file for the driver (libpq reads trust anchors only from a file): in a private temporary
    folder (0700), removed when this process ends. A certificate is public; nothing secret is written."""
    if not _CA_FOLDERS:
        atexit.register(_remove_ca_folders)
    folder = Path(tempfile.mkdtemp(prefix="careplanner-ca-"))
    _CA_FOLDERS.append(folder)
    path = folder / "practice-ca.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(pem)
    return path


def connect_address(joined: JoinedServer) -> ServerAddress:
    """The saved address, ready to connect: the CA written where the driver can read it."""
    if joined.ca_pem is None:
        return joined.address
    return replace(joined.address, sslrootcert=str(ca_file_for(joined.ca_pem)))


def saved_url(paths: Paths) -> str | None:
    """The joined server's address as a URL ready to connect (sslrootcert set), or None if not joined."""
    joined = load(paths)
    return None if joined is None else connect_address(joined).url()


LOCAL_STORE_NOTE = (
    "This computer also has its own store. While it uses the practice server, Care Planner shows only the "
    "server's records: move this computer's records onto the server with `careplanner server import-store` "
    "(the practice's IT), or they stay here, unseen."
)


def local_store_note(paths: Paths) -> str | None:
    """What to tell someone joining a workstation whose own store may hold records the server lacks."""
    return LOCAL_STORE_NOTE if paths.store_file.exists() or paths.store_info_file.exists() else None


def describe(address: ServerAddress) -> str:
    """How the app names the server to a person: host and database, never a user or a password."""
    port = "" if address.port == 5432 else f":{address.port}"
    return f"{address.host}{port}/{address.database}"
