"""`python -m careplanner` and the `careplanner` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from careplanner.crashlog import disable_core_dumps

    disable_core_dumps()  # first: a core file would hold the store key
    from careplanner.config import use_private_umask

    use_private_umask()  # every file and folder made from here on is this user's only (0600 / 0700)
    from careplanner.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
