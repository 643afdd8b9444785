"""Where the practice server is, and how a workstation reaches it: always by TLS unless told otherwise.

A server address is a libpq URL without a password (`postgresql://host:5432/careplanner`). The password is
the signed-in clinician's own and is handed to the driver directly, so it is never part of a string that
could reach a log. TLS defaults to `verify-full` (the certificate must be signed by the practice's CA and
name the host); away from this machine's loopback it is the only mode accepted (`require` checks no
certificate, `verify-ca` no host name, so either lets a machine in the middle read every password and
record), and `sslmode=disable` is accepted only on loopback. Whenever TLS is used, channel binding is
required too (the SCRAM exchange is tied to this TLS session). Every connection pins its search_path to
`public`, so a role setting of the account's own (`ALTER ROLE self SET search_path`) cannot redirect the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from ipaddress import ip_address
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from sqlalchemy import URL, create_engine
from sqlalchemy.engine import Engine

from careplanner.store.errors import StoreError

DEFAULT_PORT = 5432
TLS_MODES = ("verify-full", "verify-ca", "require", "disable")
# Seconds a workstation waits for the server before saying it cannot be reached.
CONNECT_TIMEOUT = 5
# Sent as a startup option on every connection: overrides any per-role or per-database search_path setting.
PINNED_OPTIONS = "-c search_path=public"
_MALFORMED = (
    "That server address could not be read: write it as postgresql://HOST:PORT/DATABASE (one host, a port "
    "from 1 to 65535)."
)


# A host name or an IPv4/IPv6 address, nothing else (no list, no space, no stray punctuation).
_HOST = re.compile(r"^[A-Za-z0-9._:%-]{1,253}$")


class ServerAddressError(StoreError):
    exit_code = 2


@dataclass(frozen=True)
class ServerAddress:
    host: str
    database: str
    port: int = DEFAULT_PORT
    user: str | None = None
    sslmode: str = "verify-full"
    sslrootcert: str | None = None  # the practice CA's certificate (PEM file)

    def __post_init__(self) -> None:
        if self.sslmode not in TLS_MODES:
            raise ServerAddressError(f"sslmode must be one of {', '.join(TLS_MODES)}.")
        if self.loopback:
            return
        if self.sslmode == "disable":
            raise ServerAddressError(
                "A practice server on another computer must be reached by TLS: remove sslmode=disable."
            )
        if self.sslmode != "verify-full":
            raise ServerAddressError(
                f"sslmode={self.sslmode} is not safe for a practice server on another computer: it does not "
                "check that the server is the practice's own (its certificate and its name), so another "
                "machine on the network could read every password and record. Use sslmode=verify-full "
                "with the practice CA certificate."
            )

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
        """The address in `url`; any text that is not one plain server address raises ServerAddressError."""
        try:
            return cls._parse(url)
        except ServerAddressError:
            raise
        except (ValueError, TypeError, UnicodeError) as exc:
            raise ServerAddressError(_MALFORMED) from exc

    @classmethod
    def _parse(cls, url: str) -> ServerAddress:
        if not isinstance(url, str) or any(ord(c) < 32 or ord(c) == 127 for c in url.strip()):
            raise ServerAddressError(_MALFORMED)
        parts = urlsplit(url.strip())
        if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise ServerAddressError(
                "A server address starts with postgresql:// (for example "
                "postgresql://practice-server/careplanner)."
            )
        if parts.password:
            raise ServerAddressError(
                "Put no password in the server address: each person signs in with their own, and the "
                "address is kept where others may read it."
            )
        if not parts.hostname or not parts.path.strip("/"):
            raise ServerAddressError(
                "The server address needs a host and a database name (postgresql://HOST/DATABASE)."
            )
        # libpq reads "host1:port1,host2:port2" as a list of servers to try; this app connects to exactly one.
        if "," in parts.netloc or not _HOST.match(parts.hostname):
            raise ServerAddressError(_MALFORMED)
        port = parts.port  # ValueError for a port that is not a number from 0 to 65535
        if port == 0:
            raise ServerAddressError(_MALFORMED)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"sslmode", "sslrootcert"}
        if unknown:
            raise ServerAddressError(
                f"The server address has an option this app does not use: {sorted(unknown)[0]}"
            )
        database = unquote(parts.path.strip("/"), errors="strict")
        user = unquote(parts.username, errors="strict") if parts.username else None
        if "/" in database or any(ord(c) < 32 for c in database + (user or "")):
            raise ServerAddressError(_MALFORMED)
        return cls(
            host=parts.hostname,
            database=database,
            port=port or DEFAULT_PORT,
            user=user,
            sslmode=query.get("sslmode", "verify-full"),
            sslrootcert=query.get("sslrootcert"),
        )

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ip_address(self.host).is_loopback
        except ValueError:
            return False

    def url(self) -> str:
        """The address as text, without any password (what is saved and shown)."""
        user = f"{quote(self.user)}@" if self.user else ""
        query = [f"sslmode={self.sslmode}"]
        if self.sslrootcert:
            query.append(f"sslrootcert={quote(self.sslrootcert)}")
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"postgresql://{user}{host}:{self.port}/{quote(self.database)}?{'&'.join(query)}"

    def with_user(self, user: str) -> ServerAddress:
        return replace(self, user=user)

    def connect_args(self, password: str | None) -> dict[str, Any]:
        args: dict[str, Any] = {
            "sslmode": self.sslmode,
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "careplanner",
            "options": PINNED_OPTIONS,
        }
        if self.sslmode != "disable":
            # The SCRAM sign-in is bound to this TLS session: a relay that holds another certificate fails.
            args["channel_binding"] = "require"
        if self.sslrootcert:
            args["sslrootcert"] = self.sslrootcert
        if password is not None:
            args["password"] = password
        return args

    def engine(self, password: str | None, *, pool_size: int = 3) -> Engine:
        url = URL.create(
            "postgresql+psycopg",
            username=self.user,
            host=self.host,
            port=self.port,
            database=self.database,
        )
        # hide_parameters: SQL errors must never carry patient data into logs or crash reports.
        return create_engine(
            url,
            connect_args=self.connect_args(password),
            hide_parameters=True,
            pool_size=pool_size,
            max_overflow=2,
            pool_pre_ping=True,
        )
