"""Where the practice server is, and how a workstation reaches it: always by TLS unless told otherwise.

A server address is a libpq URL without a password (`postgresql://host:5432/careplanner`). The password is
the signed-in clinician's own and is handed to the driver directly, so it is never part of a string that
could reach a log. TLS defaults to `verify-full` (the certificate must be signed by the practice's CA and
name the host); `sslmode=disable` is accepted only for a server on this machine's loopback.
"""

from __future__ import annotations

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

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
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
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"sslmode", "sslrootcert"}
        if unknown:
            raise ServerAddressError(
                f"The server address has an option this app does not use: {sorted(unknown)[0]}"
            )
        sslmode = query.get("sslmode", "verify-full")
        if sslmode not in TLS_MODES:
            raise ServerAddressError(f"sslmode must be one of {', '.join(TLS_MODES)}.")
        address = cls(
            host=parts.hostname,
            database=unquote(parts.path.strip("/")),
            port=parts.port or DEFAULT_PORT,
            user=unquote(parts.username) if parts.username else None,
            sslmode=sslmode,
            sslrootcert=query.get("sslrootcert"),
        )
        if sslmode == "disable" and not address.loopback:
            raise ServerAddressError(
                "A practice server on another computer must be reached by TLS: remove sslmode=disable."
            )
        return address

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
        return f"postgresql://{user}{self.host}:{self.port}/{quote(self.database)}?{'&'.join(query)}"

    def with_user(self, user: str) -> ServerAddress:
        return replace(self, user=user)

    def connect_args(self, password: str | None) -> dict[str, Any]:
        args: dict[str, Any] = {
            "sslmode": self.sslmode,
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "careplanner",
        }
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
