"""A provisioned practice server for the joining tests, and a TLS cluster with a throwaway practice CA.

Set up as `careplanner server init` does (server/provision.py): each account is the server's own login
role, so a workstation connects as the person who signs in (no user in the saved address). The TLS
cluster's certificate is signed by its own CA, for joining with --ca-file and sslmode=verify-full.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from careplanner.app import open_server_context
from careplanner.clinical.enums import UserRole
from careplanner.config import Paths
from careplanner.server.accounts import login_address
from careplanner.server.cluster import LocalCluster, make_cluster
from careplanner.server.connection import ServerAddress
from careplanner.server.provision import init_server
from careplanner.services.people import PersonInput
from tests.cli_signin import ADMIN, CLINICIAN, PASSWORD, READER
from tests.server_support import sa_url

# Synthetic people only; NHS numbers pass the Modulus 11 check.
SERVER_PEOPLE = (
    ("Orla", "Serverton-Synthetic", date(1951, 6, 2), "943 476 5919"),
    ("Bram", "Hostley-Synthetic", date(1944, 1, 20), "999 339 5633"),
)
_ACCOUNTS = (
    (CLINICIAN, "Nia Nurse-Synthetic", UserRole.NURSE),
    (READER, "Rory Reader-Synthetic", UserRole.READ_ONLY),
)


def provision(owner: ServerAddress, paths: Paths) -> None:
    """`careplanner server init`'s own set-up on an empty database (owner: the cluster's superuser), then
    a nurse and a read-only account made by the administrator, and two synthetic people made by the nurse."""
    engine = create_engine(sa_url(_url(owner)))
    try:
        init_server(engine, ADMIN, "Ada Admin", PASSWORD)
    finally:
        engine.dispose()
    bare = replace(owner, user=None)
    admin_ctx = open_server_context(login_address(bare, ADMIN), PASSWORD, paths)
    try:
        admin = admin_ctx.services.auth.sign_in(ADMIN, PASSWORD)
        for username, name, role in _ACCOUNTS:
            admin_ctx.services.auth.add_user(
                username=username, display_name=name, role=role, password=PASSWORD, actor=admin
            )
    finally:
        admin_ctx.close()
    nurse_ctx = open_server_context(login_address(bare, CLINICIAN), PASSWORD, paths)
    try:
        nurse = nurse_ctx.services.auth.sign_in(CLINICIAN, PASSWORD)
        for first, family, born, nhs in SERVER_PEOPLE:
            nurse_ctx.services.people.create(
                PersonInput(first_name=first, family_name=family, date_of_birth=born, nhs_number=nhs), nurse
            )
    finally:
        nurse_ctx.close()


def _url(address: ServerAddress) -> str:
    return f"postgresql://{address.user}@{address.host}:{address.port}/{address.database}?sslmode=disable"


def plain_url(address: ServerAddress) -> str:
    """The address a practice would give: no user, TLS off (allowed only on loopback)."""
    return f"postgresql://{address.host}:{address.port}/{address.database}?sslmode=disable"


# ---- a TLS cluster with a throwaway practice CA ---------------------------------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A practice CA and a server certificate for localhost / 127.0.0.1: (ca.pem, server.crt, server.key)."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "30", "-subj", "/CN=Synthetic Practice CA", cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=localhost", cwd=folder,
    )  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "30", "-extfile", "san.ext", cwd=folder,
    )  # fmt: skip
    return folder / "ca.pem", folder / "server.crt", folder / "server.key"


@dataclass
class TlsServer:
    cluster: LocalCluster
    ca_file: Path
    database: str = "practice"
    options: dict[str, str] | None = None

    def start_again(self) -> None:
        """After `cluster.stop()`: the same server back, TLS and all."""
        self.cluster.start(self.options)

    def superuser(self) -> ServerAddress:
        return ServerAddress(
            host="127.0.0.1",
            port=self.cluster.port,
            database=self.database,
            user="cp_super",
            sslmode="disable",
        )

    def url(self, sslmode: str = "verify-full") -> str:
        return f"postgresql://127.0.0.1:{self.cluster.port}/{self.database}?sslmode={sslmode}"


def start_tls_server(folder: Path) -> TlsServer:
    """A cluster with ssl=on (the certificate from `make_ca`) and one empty database (see `provision`)."""
    ca_file, crt, key = make_ca(folder / "ca")
    cluster = make_cluster()  # in the system temp folder: the postgres account cannot enter pytest's
    for source in (crt, key):
        target = cluster.folder / source.name
        shutil.copy(source, target)
        os.chmod(target, 0o600)
        if os.geteuid() == 0:
            shutil.chown(target, user="postgres")
    options = {
        "ssl": "on",
        "ssl_cert_file": str(cluster.folder / "server.crt"),
        "ssl_key_file": str(cluster.folder / "server.key"),
    }
    cluster.start(options)
    server = TlsServer(cluster=cluster, ca_file=ca_file, options=options)
    admin = create_engine(sa_url(cluster.url("postgres")), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {server.database}"))
    admin.dispose()
    return server
