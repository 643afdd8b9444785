"""Limits on an incoming bundle, checked on the plain JSON before any FHIR model reads it.

A person's record is a few hundred resources and short texts. A bundle far beyond that is not a record
(or is an attack): a 1 MB name once made every later PDF of that person take five minutes, and 52,000
results filled one draft. So, before the models parse anything: how deep the JSON nests, how many
entries there are, how long any one string is (names shorter still), entries that repeat an earlier one
(the same fullUrl, or the same resource type and id), and resource types that are not FHIR resources at
all. Each problem names its place (`entry[n]`, which is Bundle.entry[n]) and the rule, never the value.
The file's size (20 MB) is checked before the file is even opened (`fhir_import.read_bundle_file`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from careplanner.export.fhir_problems import Problem

MAX_ENTRIES = 10_000  # a long GP record with years of results is a few thousand
MAX_STRING = 100_000  # any one string, an attached document aside (see ATTACHMENT_KEYS)
MAX_DEPTH = 64  # FHIR resources nest a dozen levels; extensions a few more
ATTACHMENT_KEYS = frozenset({"data"})  # Attachment.data (base64), which the import never reads
NAME_KEYS = frozenset({"family", "given", "prefix", "suffix", "text"})
NAME_LIMIT = 200  # one part of a person's name
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]{1,63}")

Release = Literal["R4", "STU3"]


@lru_cache(maxsize=512)
def is_resource_type(name: str, release: Release = "R4") -> bool:
    """True when `name` is a resource type of that FHIR release (not a data type, not made up)."""
    if not _TYPE_NAME.fullmatch(name):
        return False
    if release == "STU3":
        from fhir.resources.STU3 import get_fhir_model_class as stu3_class
        from fhir.resources.STU3.resource import Resource as Stu3Resource

        try:
            return issubclass(stu3_class(name), Stu3Resource)
        except (ValueError, KeyError):
            return False
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.resource import Resource

    try:
        return issubclass(get_fhir_model_class(name), Resource)
    except (ValueError, KeyError):
        return False


def _too_deep(node: Any) -> bool:
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _long_strings(node: Any, where: str) -> list[Problem]:
    """Strings over the limits within one entry: names against NAME_LIMIT, the rest MAX_STRING."""
    found: list[Problem] = []
    stack: list[tuple[Any, str, bool]] = [(node, "", False)]
    while stack and len(found) < 3:
        item, key, in_name = stack.pop()
        if isinstance(item, str):
            if in_name and key in NAME_KEYS and len(item) > NAME_LIMIT:
                found.append(Problem(f"{where}.name", f"a name longer than {NAME_LIMIT} characters"))
            elif len(item) > MAX_STRING and key not in ATTACHMENT_KEYS:
                found.append(Problem(where, f"holds text longer than {MAX_STRING:,} characters"))
        elif isinstance(item, dict):
            stack.extend((v, k, in_name or k == "name") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, key, in_name) for v in item)
    return found


def limit_problems(data: Any, release: Release = "R4") -> list[Problem]:
    """Every limit `data` (a parsed Bundle) breaks, in order of place; empty when it keeps them all."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        return []  # the reader says what is wrong with something that is not a Bundle
    if _too_deep(data):
        return [Problem("bundle", f"nests more than {MAX_DEPTH} levels deep, so it is not a record")]
    entries = data.get("entry")
    if not isinstance(entries, list):
        return []
    if len(entries) > MAX_ENTRIES:
        return [
            Problem("Bundle.entry", f"holds {len(entries):,} entries; a record holds at most {MAX_ENTRIES:,}")
        ]
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue  # the reader names an entry without a resource
        kind = resource.get("resourceType")
        kind = kind if isinstance(kind, str) else ""
        if not is_resource_type(kind, release):
            what = f"'{kind}' is" if _TYPE_NAME.fullmatch(kind) else "its resourceType is"
            problems.append(Problem(f"entry[{index}]", f"{what} not a FHIR {release} resource type"))
            continue
        problems += _long_strings(resource, f"entry[{index}] ({kind})")
    return problems


def duplicate_problems(data: Any, *, urls: bool = True) -> list[Problem]:
    """Entries that repeat an earlier one: the same fullUrl (unless `urls` is False), or the same resource
    type and id (bdl-7)."""
    entries = data.get("entry") if isinstance(data, dict) else None
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    ids: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue
        kind, rid, url = resource.get("resourceType"), resource.get("id"), entry.get("fullUrl")
        where = f"entry[{index}] ({kind})"
        if urls and isinstance(url, str) and url:
            if url in seen:
                problems.append(Problem(f"{where}.fullUrl", f"repeats entry[{seen[url]}]'s fullUrl"))
            seen.setdefault(url, index)
        if isinstance(kind, str) and isinstance(rid, str) and rid:
            if (kind, rid) in ids:
                problems.append(Problem(where, f"repeats entry[{ids[(kind, rid)]}] (same type and id)"))
            ids.setdefault((kind, rid), index)
    return problems
