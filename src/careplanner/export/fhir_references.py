"""Does every reference in a Bundle resolve to an entry of the same Bundle?

FHIR's rule for a `urn:uuid:` reference is that it resolves inside the Bundle; a receiver cannot fetch
anything else. A relative reference ("Patient/123") must match an entry's type and id, an absolute one an
entry's fullUrl, a "#id" a contained resource of the same resource. A Reference with only `identifier` or
`display` (a logical reference) points at nothing to resolve and is allowed.
"""

from __future__ import annotations

from typing import Any

from careplanner.export.fhir_json import dict_of, list_of, text_of


def _references(node: Any, path: str) -> list[tuple[str, str]]:
    """Every (path, reference) in a resource, found without recursion."""
    out: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(node, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            value = item.get("reference")
            if isinstance(value, str):
                out.append((f"{where}.reference", value))
            stack.extend((v, f"{where}.{k}") for k, v in item.items() if k not in ("reference", "contained"))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
    return sorted(out)


def dangling_references(bundle: Any) -> list[str]:
    """The places ("entry[3].resource.replaces[0].reference") whose reference resolves to no entry of the
    bundle; empty when every reference resolves."""
    entries = [dict_of(e) for e in list_of(dict_of(bundle).get("entry"))]
    targets: set[str] = set()
    for entry in entries:
        res = dict_of(entry.get("resource"))
        url = text_of(entry.get("fullUrl"))
        kind, rid = text_of(res.get("resourceType")), text_of(res.get("id"))
        if url:
            targets.add(url)
        if kind and rid:
            targets.add(f"{kind}/{rid}")
            if url.endswith(f"/{kind}/{rid}"):
                targets.add(url)
    dangling: list[str] = []
    for index, entry in enumerate(entries):
        res = dict_of(entry.get("resource"))
        contained = {f"#{text_of(dict_of(c).get('id'))}" for c in list_of(res.get("contained"))}
        for where, value in _references(res, f"entry[{index}].resource"):
            if value not in targets and value not in contained:
                dangling.append(where)
    return dangling
