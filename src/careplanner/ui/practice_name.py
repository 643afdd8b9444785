"""The practice's name on the sign-in and lock screens, so a locum at a shared desk knows whose system
this is before typing a password.

The name is read from the practice settings in the store. The sign-in form that shows before the store is
open cannot read it, so the last name seen is remembered in the app's settings (a practice name is not
patient data) and shown there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from careplanner.services.container import Services

log = logging.getLogger("careplanner.ui.practice_name")
SETTINGS_KEY = "practice/name"


def remembered() -> str:
    value = QSettings().value(SETTINGS_KEY, "")
    return value if isinstance(value, str) else ""


def current(services: Services) -> str:
    """The practice's name from its settings ("" before it is set up), remembered for the next start; the
    remembered one when the store cannot be read just now (a practice server out of reach)."""
    try:
        settings = services.practice.get()
    except Exception:
        log.warning("Practice settings could not be read for the sign-in screen")
        return remembered()
    name = settings.practice_name.strip() if settings is not None else ""
    if name != remembered():
        QSettings().setValue(SETTINGS_KEY, name)
    return name
