"""Progress and safe stopping for long operations, as the app and the command line see them.

The mechanism lives with the store (store/progress.py), where the long SQL statements run; the UI and the
command line take it from here, so neither reaches into `store/`.
"""

from __future__ import annotations

from careplanner.store.progress import CancelledError, Progress, Watch, no_progress

__all__ = ["CancelledError", "Progress", "Watch", "no_progress"]
