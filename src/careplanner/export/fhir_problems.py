"""What is wrong with an incoming bundle, and where: the refusal the import raises, and the structural
check against the FHIR R4 models of `fhir.resources` that finds every such problem in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from careplanner.services.errors import ServiceError

MAX_PROBLEMS = 25


@dataclass(frozen=True)
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class BundleRefusedError(ServiceError):
    """The bundle was not imported. `problems` lists what is wrong and where; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems[:MAX_PROBLEMS]
        more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
        listed = "; ".join(str(p) for p in self.problems)
        super().__init__(
            "The FHIR bundle was not imported, nothing was changed. "
            f"{len(problems)} problem(s): {listed}{more}"
        )


_ELEMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
EXTRA = "holds a field that FHIR R4 does not define there (not permitted)"


def _loc(loc: tuple[Any, ...], kinds: list[str]) -> str:
    """The place as "entry[0] (Patient).resource.name[0]": element names and positions only. A part
    that is not an element name (a key the file made up, which may hold anything) is never shown."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
            if i == 1 and loc[0] == "entry" and part < len(kinds):
                parts[-1] += f" ({kinds[part]})"
        else:
            parts.append(str(part) if _ELEMENT.fullmatch(str(part)) else "?")
    return ".".join(parts) or "bundle"


def _problem(err: Any, kinds: list[str]) -> Problem:
    loc = tuple(err.get("loc", ()))
    if err.get("type") == "extra_forbidden":  # the last part is the unknown key itself: never echo it
        return Problem(_loc(loc[:-1], kinds), EXTRA)
    return Problem(_loc(loc, kinds), str(err.get("msg", "is not valid")).removeprefix("Value error, "))


def structural_problems(data: Any) -> list[Problem]:
    """Problems found by the R4 models, each with its place in the bundle."""
    if not isinstance(data, dict):
        return [Problem("bundle", "is not a JSON object")]
    if data.get("resourceType") != "Bundle":
        return [Problem("resourceType", "must be Bundle")]
    entries = data.get("entry")
    kinds = [
        str(e.get("resource", {}).get("resourceType", "?"))
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        else "?"
        for e in (entries if isinstance(entries, list) else [])
    ]
    from fhir.resources.R4B.bundle import Bundle  # imported here: a second's work only an import needs
    from pydantic import ValidationError

    try:
        Bundle.model_validate(data)
    except ValidationError as exc:
        return [_problem(err, kinds) for err in exc.errors()]
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        return [Problem("bundle", f"could not be read as FHIR R4 ({type(exc).__name__})")]
    return []
