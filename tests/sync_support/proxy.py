"""A TCP proxy in pure Python between a workstation and the test PostgreSQL, so a test can break the network.

    with Proxy(("127.0.0.1", cluster.port)) as proxy:
        address = replace(address, port=proxy.port)
        proxy.offline()            # every open connection cut, new ones refused: the network is gone
        proxy.online()             # back
        proxy.hold("down")         # the server's answers are kept back (the request still reaches it)
        proxy.wait_held("down")    # ...until one is waiting
        proxy.release()            # ...then let through, in order
        proxy.delay(0.05)          # every chunk forwarded 50 ms late, in order

It runs an asyncio loop on its own thread; every control method is safe to call from any thread and returns
once the change is in force. "up" is workstation → server, "down" is server → workstation. Bytes are never
reordered or dropped while a link is open: a cut closes the link (both sockets aborted), as a pulled cable
or a crashed router does to a PostgreSQL session. Duplicated and reordered requests are made one level up,
by replaying a push batch (tests/sync_support/workstation.py), because PostgreSQL's wire protocol has no
meaning for a replayed TCP segment.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, TypeVar

Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, Direction] = ("up", "down")
T = TypeVar("T")


@dataclass
class _Link:
    number: int
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def abort(self) -> None:
        for writer in (self.client, self.server):
            if writer is not None:
                writer.transport.abort()
        for task in self.tasks:
            task.cancel()


@dataclass
class ProxyStats:
    accepted: int = 0  # connections let through to the server
    refused: int = 0  # connections closed at once because the proxy was refusing
    cut: int = 0  # open connections closed by cut()
    up_bytes: int = 0
    down_bytes: int = 0


class Proxy:
    """One listening port on loopback forwarding to `target`; see the module's docstring."""

    def __init__(self, target: tuple[str, int], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.target = target
        self.host = host
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sync-proxy", daemon=True)
        self._listener: asyncio.Server | None = None
        self._links: dict[int, _Link] = {}
        self._numbers = 0
        self._refusing = False
        self._delay = 0.0
        self._gates: dict[Direction, asyncio.Event] = {}
        self._waiting: dict[Direction, int] = {"up": 0, "down": 0}
        self.stats = ProxyStats()

    # ---- life ---------------------------------------------------------------------------------------------

    def start(self) -> Proxy:
        self._thread.start()
        self._call(self._start())
        return self

    async def _start(self) -> None:
        for direction in DIRECTIONS:
            self._gates[direction] = asyncio.Event()
            self._gates[direction].set()
        self._listener = await asyncio.start_server(self._accept, self.host, self._port, reuse_address=True)
        self._port = int(self._listener.sockets[0].getsockname()[1])

    @property
    def port(self) -> int:
        return self._port

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        for link in list(self._links.values()):
            link.abort()
        self._links.clear()

    def __enter__(self) -> Proxy:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- faults ------------------------------------------------------------------------------------------

    def cut(self) -> int:
        """Close every open connection now (both sides aborted); the number closed."""
        return self._call(self._cut())

    async def _cut(self) -> int:
        links = list(self._links.values())
        self._links.clear()
        for link in links:
            link.abort()
        self.stats.cut += len(links)
        return len(links)

    def refuse(self, refusing: bool = True) -> None:
        """While refusing, a new connection is closed as soon as it is made (before a byte is forwarded)."""
        self._call(self._set(refusing=refusing))

    def offline(self) -> None:
        """The network is gone: new connections refused, open ones cut."""
        self.refuse(True)
        self.cut()

    def online(self) -> None:
        """The network is back: nothing held, no delay, new connections let through."""
        self._call(self._set(refusing=False, delay=0.0))
        self.release()

    def delay(self, seconds: float) -> None:
        """Forward every chunk `seconds` late (in order, both directions); 0 for none."""
        self._call(self._set(delay=seconds))

    def hold(self, direction: Direction | Literal["both"] = "both") -> None:
        """Keep back what arrives in `direction` (bytes beyond the first chunk stay in the kernel's buffers)
        until release(); the link stays open."""
        self._call(self._gate(direction, flowing=False))

    def release(self, direction: Direction | Literal["both"] = "both") -> None:
        self._call(self._gate(direction, flowing=True))

    def waiting(self, direction: Direction) -> int:
        """How many links have a chunk held back in `direction` right now."""
        return self._call(self._count(direction))

    def wait_held(self, direction: Direction, links: int = 1, timeout: float = 30.0) -> None:
        """Block until at least `links` links have a chunk held in `direction` (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while self.waiting(direction) < links:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing was held going {direction} within {timeout} s")
            time.sleep(0.01)

    @property
    def open_links(self) -> int:
        return self._call(self._open_count())

    # ---- inside the loop --------------------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    async def _set(self, *, refusing: bool | None = None, delay: float | None = None) -> None:
        if refusing is not None:
            self._refusing = refusing
        if delay is not None:
            self._delay = delay

    async def _gate(self, direction: Direction | Literal["both"], *, flowing: bool) -> None:
        for d in DIRECTIONS if direction == "both" else (direction,):
            if flowing:
                self._gates[d].set()
            else:
                self._gates[d].clear()

    async def _count(self, direction: Direction) -> int:
        return self._waiting[direction]

    async def _open_count(self) -> int:
        return len(self._links)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._refusing:
            self.stats.refused += 1
            writer.transport.abort()
            return
        self._numbers += 1
        link = _Link(self._numbers, writer)
        self._links[link.number] = link
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._links.pop(link.number, None)
            writer.transport.abort()
            return
        if link.number not in self._links:  # cut while connecting
            server_writer.transport.abort()
            writer.transport.abort()
            return
        link.server = server_writer
        self.stats.accepted += 1
        link.tasks = [
            asyncio.create_task(self._pump(link, reader, server_writer, "up")),
            asyncio.create_task(self._pump(link, server_reader, writer, "down")),
        ]

    async def _pump(
        self, link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, direction: Direction
    ) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if self._delay:
                    await asyncio.sleep(self._delay)
                gate = self._gates[direction]
                if not gate.is_set():
                    self._waiting[direction] += 1
                    try:
                        await gate.wait()
                    finally:
                        self._waiting[direction] -= 1
                if link.number not in self._links:
                    return  # cut while held: the bytes die with the link
                # Counted before the write: the far end may read the bytes (on another thread) before
                # this coroutine runs again, and the count must never trail what arrived.
                if direction == "up":
                    self.stats.up_bytes += len(data)
                else:
                    self.stats.down_bytes += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            # One side went away: so does the other (PostgreSQL does not half-close).
            if self._links.pop(link.number, None) is not None:
                link.abort()
            with contextlib.suppress(Exception):
                writer.transport.abort()
