"""The model workstation of the stateful protocol test (tests/sync/test_protocol_stateful.py): the sync
protocol's client reduced to its rules (an outbox in op_seq order, a cursor, the server's revision per
document, a pulled document never written over one with changes waiting), and the plan documents it makes:
a draft with one field typed into (`edited`) and a draft started here from the person's newest plan
(`new_draft`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from careplanner.sync import server_side
from careplanner.sync.documents import Document, JsonValue
from tests.sync_support import compare

FIELDS = {"about_me": ("about_me", "what_matters"), "holistic": ("holistic_review", "social_context")}
Key = tuple[str, str]


@dataclass
class Client:
    """A workstation reduced to the protocol's rules."""

    number: int
    workstation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    docs: dict[Key, Document] = field(default_factory=dict)
    base: dict[Key, int | None] = field(default_factory=dict)
    outbox: list[server_side.Op] = field(default_factory=list)
    next_seq: int = 1
    cursor: int = 0
    rewind: int | None = None  # the cursor to pull from again once waiting changes are pushed
    sent: list[list[server_side.Op]] = field(default_factory=list)
    typed: int = 0

    def waiting(self, key: Key) -> bool:
        return any((op.document.kind, op.document.id) == key for op in self.outbox)

    def drafts(self) -> list[Document]:
        found = [
            d for d in self.docs.values() if d.kind == "plan" and (d.root() or {}).get("status") == "draft"
        ]
        return sorted(found, key=lambda d: d.id)


def edited(doc: Document, table: str, column: str, value: str) -> Document:
    """The plan document after the person typed `value` into table.column, saved once (revision + 1)."""
    rows = {name: [dict(r) for r in found] for name, found in doc.rows.items()}
    rows[table][0][column] = value
    root = rows["care_plan"][0]
    revision = root["revision"]
    assert isinstance(revision, int)
    root["revision"] = revision + 1
    return replace(doc, rows=rows)


def new_draft(template: Document, person_id: str) -> Document:
    """A draft started on a workstation from the person's plan `template` (carried forward): every row
    under a new id, the links between rows following them, no agreement, revision 1."""
    ids: dict[str, str] = {template.id: str(uuid.uuid4())}
    for table, found in template.rows.items():
        for row in found:
            if table != "care_plan" and isinstance(row.get("id"), str):
                ids[str(row["id"])] = str(uuid.uuid4())
    rows: dict[str, list[dict[str, JsonValue]]] = {}
    for table, found in template.rows.items():
        rows[table] = [
            {k: (ids[v] if isinstance(v, str) and v in ids and (k == "id" or k.endswith("_id")) else v)
             for k, v in row.items()}
            for row in found
        ]  # fmt: skip
    root = rows["care_plan"][0]
    agreed = root.get("status") in compare.FROZEN
    root.update(
        person_id=person_id, status="draft", version_number=None, revision=1, row_version=1,
        base_id=template.id if agreed else root.get("base_id"), replaces_id=None,
        agreed_at=None, agreed_by_id=None, agreed_with=None, declined_reason="",
    )  # fmt: skip
    return Document("plan", ids[template.id], rows)
