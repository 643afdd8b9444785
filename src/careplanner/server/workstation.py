"""Joining this workstation to a practice server, leaving it, and signing in there: for the command line
and, through `PracticeServerAccess`, for the app's screens (which import nothing of the server or store, and
get plain outcomes instead of exceptions).

Signing in to a server is two checks: the server lets this person connect (their own login role, so the
database enforces their role), and the app's sign-in (AuthService) finds their account and records it in
the audit trail. The saved address names no user: whoever signs in connects as themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from careplanner.config import Paths
from careplanner.server import joined
from careplanner.server.connection import ServerAddress
from careplanner.server.errors import (
    ServerCertificateError,
    ServerSchemaError,
    ServerSignInError,
    ServerUnreachableError,
)
from careplanner.services.errors import ServiceError
from careplanner.services.users import Actor
from careplanner.store.errors import KeyringUnavailableError, StoreError

if TYPE_CHECKING:
    from careplanner.app import AppContext

log = logging.getLogger("careplanner.server.workstation")

NEEDS_CA = (
    "This address checks the server's certificate (sslmode={mode}): give the practice CA certificate "
    "(the PEM file from the practice's IT)."
)


def connection_address(address: ServerAddress, username: str) -> ServerAddress:
    """Each person connects as their own login role (server/accounts.py), whatever user the address names."""
    from careplanner.server.accounts import login_address

    return login_address(address, username)


def open_signed_in(
    address: ServerAddress, username: str, password: str, paths: Paths
) -> tuple[AppContext, Actor]:
    """Open the server as `username` and sign them in; every connection problem as a plain StoreError."""
    from careplanner.app import open_server_context
    from careplanner.server.store import classify

    try:
        ctx = open_server_context(connection_address(address, username), password, paths)
    except ServerSignInError as exc:
        raise ServerSignInError() from exc
    try:
        actor = ctx.services.auth.sign_in(username, password)
    except DBAPIError as exc:
        ctx.close()
        known = classify(exc)
        if known is not None:
            raise known from exc
        raise
    except BaseException:
        ctx.close()
        raise
    return ctx, actor


def check_sign_in(address: ServerAddress, username: str, password: str, paths: Paths) -> Actor:
    """Reach the server, check its schema and sign in, then let go of it (what `join` checks first)."""
    ctx, actor = open_signed_in(address, username, password, paths)
    ctx.close()
    return actor


def address_with_ca(
    url: str, ca_file: str | Path | None, kept_pem: str | None = None
) -> tuple[ServerAddress, str | None]:
    """The address typed, and the practice CA's PEM: from `ca_file`, else the URL's own sslrootcert, else
    the one this workstation already keeps (`kept_pem`, when it joined before)."""
    address = ServerAddress.parse(url)
    source = str(ca_file) if ca_file else address.sslrootcert
    pem = joined.read_ca_file(source) if source else kept_pem
    if pem is None and address.sslmode in ("verify-full", "verify-ca"):
        raise joined.CertificateFileError(NEEDS_CA.format(mode=address.sslmode))
    if pem is not None:
        address = replace(address, sslrootcert=str(joined.ca_file_for(pem)))
    return address, pem


def join(
    url: str,
    ca_file: str | Path | None,
    username: str,
    password: str,
    paths: Paths,
    kept_pem: str | None = None,
) -> joined.JoinedServer:
    """Check that the server can be reached and that this person can sign in there, then save it."""
    address, pem = address_with_ca(url, ca_file, kept_pem)
    if not joined._keyring_secure():
        # Said before the server is asked anything: without a keyring there is nowhere safe to keep it.
        raise KeyringUnavailableError(
            "This computer has no secure keyring (such as Windows Credential Locker or the desktop's "
            "keyring), so it cannot keep the practice server's settings. Nothing was saved."
        )
    check_sign_in(address, username, password, paths)
    return joined.save(paths, address, pem)


# ---- for the app's screens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened, for a person. `kind`: ok, address, certificate, unreachable, sign_in, schema, keyring
    or problem (something else, logged without detail). `context` and `actor` are set by a sign-in."""

    kind: str
    message: str = ""
    note: str = ""  # something more to tell the person on success (e.g. records left in the own store)
    context: AppContext | None = None
    actor: Actor | None = None

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def outcome_of(exc: BaseException) -> Outcome:
    """Any failure as a plain outcome: never a traceback in front of the person."""
    from careplanner.server.store import classify

    if isinstance(exc, DBAPIError):
        known = classify(exc)
        if known is not None:
            exc = known
    if isinstance(exc, ServerUnreachableError):
        return Outcome("unreachable", str(exc))
    if isinstance(exc, ServerCertificateError):
        return Outcome("certificate", str(exc))
    if isinstance(exc, ServerSignInError):
        return Outcome("sign_in", str(exc))
    if isinstance(exc, ServerSchemaError):
        return Outcome("schema", str(exc))
    if isinstance(exc, joined.CertificateFileError):
        return Outcome("certificate", str(exc))
    if isinstance(exc, (KeyringUnavailableError, joined.JoinedSettingsMissingError)):
        return Outcome("keyring", str(exc))
    if isinstance(exc, ServiceError) and getattr(exc, "exit_code", 0) == 6:
        return Outcome("sign_in", str(exc))
    if isinstance(exc, StoreError) and exc.exit_code == 2:
        return Outcome("address", str(exc))
    if isinstance(exc, (StoreError, ServiceError)):
        return Outcome("problem", str(exc))
    log.warning("Practice server: unexpected %s", type(exc).__name__)
    return Outcome(
        "problem",
        "Something unexpected went wrong talking to the practice server. Nothing was changed; the log "
        "file has the details (without patient data).",
    )


@dataclass(frozen=True)
class SavedServer:
    """What the app shows about the joined server."""

    address: str  # host:port/database
    url: str  # the saved address, without any password
    fingerprint: str | None


class PracticeServerAccess:
    """The app's way to the practice server for this installation (`paths`): join, leave, sign in.

    Every method returns an Outcome (or plain data); none raises for a problem a person can act on.
    """

    def __init__(self, paths: Paths, address: ServerAddress | None = None) -> None:
        self.paths = paths
        # The server to sign in to at start: the saved one, or one given with --server.
        self.address = address

    @property
    def server_name(self) -> str:
        return joined.describe(self.address) if self.address is not None else ""

    def saved(self) -> SavedServer | Outcome | None:
        """The joined server, None when this workstation never joined, or an Outcome for a keyring problem."""
        try:
            found = joined.load(self.paths)
        except (StoreError, ServiceError) as exc:
            return outcome_of(exc)
        if found is None:
            return None
        return SavedServer(joined.describe(found.address), found.shown(), found.ca_fingerprint)

    def _kept_pem(self) -> str | None:
        """The practice CA this workstation keeps already (so joining again needs no file)."""
        try:
            found = joined.load(self.paths)
        except (StoreError, ServiceError):
            return None
        return found.ca_pem if found is not None else None

    def test(self, url: str, ca_file: str, username: str, password: str) -> Outcome:
        """Reach the server and sign in there, changing nothing on this computer."""
        try:
            address, _pem = address_with_ca(url, ca_file or None, self._kept_pem())
            actor = check_sign_in(address, username, password, self.paths)
        except Exception as exc:
            return outcome_of(exc)
        return Outcome("ok", actor=actor)

    def join(self, url: str, ca_file: str, username: str, password: str) -> Outcome:
        try:
            saved = join(url, ca_file or None, username, password, self.paths, self._kept_pem())
        except Exception as exc:
            return outcome_of(exc)
        note = joined.local_store_note(self.paths)
        return Outcome("ok", joined.describe(saved.address), note=note or "")

    def leave(self) -> Outcome:
        try:
            joined.forget(self.paths)
        except Exception as exc:
            return outcome_of(exc)
        return Outcome("ok")

    def sign_in(self, username: str, password: str) -> Outcome:
        """Open the server as this person (the app's start on a joined workstation)."""
        if self.address is None:
            return Outcome("problem", "This computer has not joined a practice server.")
        try:
            ctx, actor = open_signed_in(self.address, username, password, self.paths)
        except Exception as exc:
            return outcome_of(exc)
        return Outcome("ok", context=ctx, actor=actor)
