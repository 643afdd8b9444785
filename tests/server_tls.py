"""A throwaway certificate authority and a PostgreSQL cluster with TLS switched on, for the TLS tests.

`make_pki(folder)` makes two CAs (the practice's and a stranger's) and four server certificates: `good`
(the practice CA, for 127.0.0.1 and localhost, valid now), `expired`, `stranger` (signed by the other CA)
and `wrong_host` (the practice CA, but for another name). `start_tls_cluster()` starts a private cluster
with ssl=on serving `good`; `TlsCluster.serve(name)` switches the certificate it presents (a reload).
Only synthetic names; keys are made fresh for each run and never leave the temporary folders.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, text

from careplanner.server.cluster import LocalCluster, make_cluster
from careplanner.server.connection import ServerAddress
from tests.server_support import TestServer, sa_url

CERTIFICATES = ("good", "expired", "stranger", "wrong_host")
SERVER_CRT, SERVER_KEY = "server.crt", "server.key"  # PostgreSQL's defaults, in its data folder
RELOADED = "received SIGHUP, reloading configuration files"


@dataclass
class Authority:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_authority(common: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(common, key, cert)


def server_certificate(
    authority: Authority, *, hosts: tuple[str, ...], valid_from: datetime, valid_to: datetime
) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) for a server known by `hosts` (IP addresses or DNS names)."""
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(authority.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), critical=False
        )
        .sign(authority.key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


@dataclass
class Pki:
    folder: Path
    ca_file: Path  # the practice CA (what a workstation trusts)
    other_ca_file: Path  # a CA the practice never used
    pairs: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    practice = make_authority("Synthetic Practice CA")
    stranger = make_authority("Synthetic Stranger CA")
    now = datetime.now(UTC)
    loopback = ("127.0.0.1", "localhost")
    pki = Pki(folder, folder / "practice-ca.pem", folder / "other-ca.pem")
    pki.ca_file.write_bytes(practice.cert.public_bytes(serialization.Encoding.PEM))
    pki.other_ca_file.write_bytes(stranger.cert.public_bytes(serialization.Encoding.PEM))
    soon, later = now - timedelta(days=1), now + timedelta(days=30)
    pki.pairs["good"] = server_certificate(practice, hosts=loopback, valid_from=soon, valid_to=later)
    pki.pairs["expired"] = server_certificate(
        practice, hosts=loopback, valid_from=now - timedelta(days=60), valid_to=now - timedelta(days=1)
    )
    pki.pairs["stranger"] = server_certificate(stranger, hosts=loopback, valid_from=soon, valid_to=later)
    pki.pairs["wrong_host"] = server_certificate(
        practice, hosts=("practice-server.invalid",), valid_from=soon, valid_to=later
    )
    return pki


@dataclass
class TlsCluster:
    cluster: LocalCluster
    pki: Pki
    serving: str = "good"

    def server(self) -> TestServer:
        """The cluster as the tests' TestServer (for `provision` and new databases)."""
        return TestServer(self.cluster)

    def address(
        self, database: str, *, sslmode: str = "verify-full", ca: Path | None = None
    ) -> ServerAddress:
        return ServerAddress(
            host="127.0.0.1",
            port=self.cluster.port,
            database=database,
            sslmode=sslmode,
            sslrootcert=str(ca or self.pki.ca_file) if sslmode.startswith("verify") else None,
        )

    def serve(self, name: str) -> None:
        """Present certificate `name` from now on: it replaces the data folder's server.crt / server.key,
        and the server reloads (new connections get it; the log says when the reload was taken)."""
        log = self.cluster.folder / "log"
        reloads = log.read_text(errors="replace").count(RELOADED)
        self._place(name)
        admin = create_engine(sa_url(self.cluster.url()), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_reload_conf()"))
        finally:
            admin.dispose()
        deadline = time.monotonic() + 10
        while log.read_text(errors="replace").count(RELOADED) <= reloads:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not reload its configuration")
            time.sleep(0.05)
        self.serving = name

    def _place(self, name: str) -> None:
        cert_pem, key_pem = self.pki.pairs[name]
        for target, data in ((SERVER_CRT, cert_pem), (SERVER_KEY, key_pem)):
            path = self.cluster.data / target
            path.write_bytes(data)
            os.chmod(path, 0o600)
            if os.geteuid() == 0:
                shutil.chown(path, user="postgres")


def start_tls_cluster(pki_folder: Path) -> TlsCluster:
    """A new private cluster (in the system temp folder, which its account can enter) with ssl=on, serving
    the `good` certificate (PostgreSQL's default file names in its data folder)."""
    tls = TlsCluster(make_cluster(), make_pki(pki_folder))
    tls._place("good")
    tls.cluster.start({"ssl": "on"})
    return tls
