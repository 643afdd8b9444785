"""The fault tests' TCP proxy (tests/sync_support/proxy.py) does what the fault tests rely on: bytes pass
unchanged and in order; a cut closes every open connection; while refusing, no connection reaches the
server; a hold keeps a reply back until released; a delay slows every round trip. Checked against a plain
echo server and against the test PostgreSQL through psycopg, the driver the workstations use."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests import server_support
from tests.server_support import TestServer as PgServer
from tests.sync_support.proxy import Proxy


class Echo:
    """A TCP server on loopback that sends back what it receives, one thread per connection."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.received = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    def _echo(self, conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                self.received += len(data)
                conn.sendall(data)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def echo_proxy() -> Iterator[tuple[Echo, Proxy]]:
    echo = Echo()
    with Proxy(("127.0.0.1", echo.port)) as proxy:
        yield echo, proxy
    echo.close()


def _client(proxy: Proxy) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    return sock


def _read(sock: socket.socket, count: int) -> bytes:
    out = b""
    while len(out) < count:
        chunk = sock.recv(count - len(out))
        if not chunk:
            break
        out += chunk
    return out


def test_bytes_pass_unchanged_and_in_order(echo_proxy: tuple[Echo, Proxy]) -> None:
    _echo, proxy = echo_proxy
    payload = bytes(range(256)) * 4096  # 1 MiB, several chunks each way
    with _client(proxy) as sock:
        sender = threading.Thread(target=sock.sendall, args=(payload,))
        sender.start()
        got = _read(sock, len(payload))
        sender.join()
    assert got == payload
    assert proxy.stats.up_bytes == len(payload) and proxy.stats.down_bytes == len(payload)


def test_a_cut_closes_every_open_connection(echo_proxy: tuple[Echo, Proxy]) -> None:
    _echo, proxy = echo_proxy
    socks = [_client(proxy) for _ in range(3)]
    for sock in socks:
        sock.sendall(b"ping")
        assert _read(sock, 4) == b"ping"
    assert proxy.cut() == 3
    for sock in socks:
        with sock:
            try:
                sock.sendall(b"after")
                assert sock.recv(10) == b""
            except ConnectionError:
                pass  # reset: as good as closed
    assert proxy.open_links == 0


def test_while_refusing_nothing_reaches_the_server_and_online_lets_it_through(
    echo_proxy: tuple[Echo, Proxy],
) -> None:
    echo, proxy = echo_proxy
    proxy.offline()
    with _client(proxy) as sock:
        try:
            sock.sendall(b"lost")
            assert sock.recv(10) == b""
        except ConnectionError:
            pass
    assert echo.received == 0 and proxy.stats.refused == 1
    proxy.online()
    with _client(proxy) as sock:
        sock.sendall(b"back")
        assert _read(sock, 4) == b"back"


def test_a_held_reply_arrives_only_on_release(echo_proxy: tuple[Echo, Proxy]) -> None:
    echo, proxy = echo_proxy
    with _client(proxy) as sock:
        proxy.hold("down")
        sock.sendall(b"question")
        proxy.wait_held("down")
        assert echo.received == 8  # the request reached the server; only its answer waits
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(10)
        proxy.release()
        sock.settimeout(5)
        assert _read(sock, 8) == b"question"


def test_a_delay_slows_each_round_trip(echo_proxy: tuple[Echo, Proxy]) -> None:
    _echo, proxy = echo_proxy
    proxy.delay(0.1)
    with _client(proxy) as sock:
        started = time.monotonic()
        sock.sendall(b"x")
        assert _read(sock, 1) == b"x"
        assert time.monotonic() - started >= 0.2  # 0.1 s each way
        proxy.delay(0)
        started = time.monotonic()
        sock.sendall(b"y")
        assert _read(sock, 1) == b"y"
        assert time.monotonic() - started < 0.1


# ---- the same through psycopg to the real PostgreSQL ---------------------------------------------------


@pytest.fixture
def pg_proxy() -> Iterator[tuple[PgServer, Proxy]]:
    server = server_support.test_server()
    with Proxy(("127.0.0.1", server.cluster.port)) as proxy:
        yield server, proxy


def _connect(proxy: Proxy) -> psycopg.Connection[tuple[object, ...]]:
    from careplanner.server.cluster import SUPERUSER

    return psycopg.connect(
        host="127.0.0.1", port=proxy.port, dbname="postgres", user=SUPERUSER, sslmode="disable",
        connect_timeout=5, autocommit=True,
    )  # fmt: skip


def test_postgres_through_the_proxy_cut_and_refused(pg_proxy: tuple[PgServer, Proxy]) -> None:
    _server, proxy = pg_proxy
    conn = _connect(proxy)
    assert conn.execute("SELECT 41 + 1").fetchone() == (42,)
    proxy.offline()
    with pytest.raises(psycopg.OperationalError):
        conn.execute("SELECT 1")
    with pytest.raises(psycopg.OperationalError):
        _connect(proxy)
    proxy.online()
    with _connect(proxy) as again:
        assert again.execute("SELECT 2").fetchone() == (2,)


def test_postgres_commit_reaches_the_server_while_its_answer_is_held(
    pg_proxy: tuple[PgServer, Proxy],
) -> None:
    """The fault "killed between the server's commit and its acknowledgement": the commit is applied,
    the workstation never hears so."""
    server, proxy = pg_proxy
    database = server.new_database(migrated=False)
    try:
        conn = _connect_to(proxy, database)
        conn.execute("CREATE TABLE t (n int)")
        conn.autocommit = False
        conn.execute("INSERT INTO t VALUES (7)")
        proxy.hold("down")
        outcome: list[BaseException | None] = []

        def commit() -> None:
            try:
                conn.commit()
                outcome.append(None)
            except BaseException as exc:  # handed to the test
                outcome.append(exc)

        thread = threading.Thread(target=commit)
        thread.start()
        proxy.wait_held("down")
        check = server.admin_engine(database)
        with check.connect() as direct:
            from sqlalchemy import text

            assert direct.execute(text("SELECT n FROM t")).scalars().all() == [7]
        check.dispose()
        assert not outcome  # still waiting for its answer
        proxy.cut()
        thread.join(10)
        assert isinstance(outcome[0], psycopg.OperationalError)
    finally:
        server.drop_database(database)


def _connect_to(proxy: Proxy, database: str) -> psycopg.Connection[tuple[object, ...]]:
    from careplanner.server.cluster import SUPERUSER

    return psycopg.connect(
        host="127.0.0.1", port=proxy.port, dbname=database, user=SUPERUSER, sslmode="disable",
        connect_timeout=5, autocommit=True,
    )  # fmt: skip
