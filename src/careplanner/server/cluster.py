"""A private PostgreSQL cluster in a folder, on a loopback port: for the tests and the practice demo.

PostgreSQL refuses to run as root, so when run as root the cluster belongs to the `postgres` account
(Debian's packages create it) and its commands run as that account. Nothing here is used by a practice's
own server, which IT installs and runs as a service (docs/practice-server.md).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SEARCH = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")
SUPERUSER = "cp_super"


class ClusterError(RuntimeError):
    pass


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    configured = os.environ.get("CAREPLANNER_PG_BIN")
    for folder in ([configured] if configured else []) + list(SEARCH):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalCluster:
    """One running cluster. `url(database)` is a libpq URL for its superuser over TCP on loopback."""

    folder: Path
    port: int
    bin: Path
    _as_postgres: bool = field(default=False, repr=False)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def start(self, extra: dict[str, str] | None = None) -> None:
        options = {
            "port": str(self.port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.folder),
            "fsync": "on",
            "max_connections": "200",
        }
        options.update(extra or {})
        flags = " ".join(f"-c {k}={v}" for k, v in options.items())
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            flags,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode != 0:
            raise ClusterError("PostgreSQL did not start: " + (self.folder / "log").read_text()[-2000:])

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def make_cluster(folder: Path | None = None, *, port: int | None = None) -> LocalCluster:
    """initdb a new cluster (password authentication for every role but its superuser on loopback)."""
    pg = postgres_bin()
    if pg is None:
        raise ClusterError("PostgreSQL is not installed (initdb was not found).")
    folder = folder or Path(tempfile.mkdtemp(prefix="careplanner-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(folder, user="postgres")
        os.chmod(folder, 0o700)
    cluster = LocalCluster(folder=folder, port=port or free_port(), bin=pg, _as_postgres=as_postgres)
    result = cluster._run(
        "initdb",
        "-D",
        str(cluster.data),
        "-U",
        SUPERUSER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        check=False,
    )
    if not (cluster.data / "PG_VERSION").exists():
        raise ClusterError("initdb failed: " + result.stderr[-1000:])
    # The superuser connects without a password from this machine only; every other role uses its own.
    (cluster.data / "pg_hba.conf").write_text(
        f"local all {SUPERUSER} trust\n"
        f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
        "local all all scram-sha-256\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
        "hostssl all all 127.0.0.1/32 scram-sha-256\n"
    )
    return cluster


def wait_for(cluster: LocalCluster, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", cluster.port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise ClusterError("PostgreSQL did not accept connections")
