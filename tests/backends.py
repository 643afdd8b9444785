"""Which back ends a folder's service tests run on (its conftest.py parametrizes `backend` with these).

The practice server's cases run wherever PostgreSQL is installed, and always in CI (where a missing
PostgreSQL fails the run, tests/server_support.py). On a developer's machine without it they are left out
rather than skipped: several of these tests are named in the hazard log, and a skipped one fails the run.
"""

from __future__ import annotations

import os

from careplanner.server.cluster import postgres_bin


def both() -> list[str]:
    if postgres_bin() is not None or os.environ.get("CI"):
        return ["local", "server"]
    return ["local"]
