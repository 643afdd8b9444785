"""The rules for applying one pushed document on the practice server, kind by kind (plans: server_plans.py).

Shared here: when a pushed copy may replace the server's (`may_replace`), the document helpers
(`with_root`, `same_content`, `rekeyed`), the person's fields the server works out itself
(`recompute_person`) and the `sync_conflict` row (`add_conflict`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import text

from careplanner.services import audit
from careplanner.sync import person_merge
from careplanner.sync.documents import (
    ROOT_TABLES,
    Document,
    JsonValue,
    read_document,
    revision_of,
    write_document,
)
from careplanner.sync.server_apply import Batch, RefusedError

if TYPE_CHECKING:
    from careplanner.sync.server_side import Op

# uuid5 namespace of the ids sync makes on the server (a branch of a plan, its rows, a conflict).
NAMESPACE = uuid.UUID("5d0c7c1e-2f4b-5b8e-9a51-6c3f0e1d2a77")
# A person's fields the server works out from their plans, never taken from a pushed copy.
PERSON_DERIVED = ("has_draft", "last_agreed_on", "review_due", "declined_written_plan")
# Bookkeeping that differs between two copies of the same content.
BOOKKEEPING = frozenset({"row_version", "updated_at", "revision", "last_updated"})
# An account's name, role and switch change its database login too: only while connected (Users).
ACCOUNT_FIELDS = ("username", "role", "active")
_AUDIT_OF_KIND = {
    "user": audit.Action.USER_CHANGED,
    "practice": audit.Action.SETTINGS_CHANGED,
    "directory_service": audit.Action.SETTINGS_CHANGED,
    "directory_leaflet": audit.Action.SETTINGS_CHANGED,
    "contingency_template": audit.Action.SETTINGS_CHANGED,
}
DELETABLE = frozenset({"directory_service", "directory_leaflet", "contingency_template"})


def made_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def branch_id(op_id: str) -> str:
    """The id a pushed plan is kept under beside the server's copy (uuid5 of the operation's id, or of
    `agreement_key` for an agreed or declined version)."""
    return made_id(op_id)


def agreement_key(doc: Document) -> str:
    """One agreement (or decline) of a plan, whichever operation carries it: the plan's id and a digest of
    what was agreed, by whom and when, bookkeeping aside. A workstation can send one agreement in two
    operations (after a restore, when the answer to the first was lost or the catch-up after it was cut
    short, the catch-up queues it again); keyed by the agreement, the second finds the copy the first
    kept and is not made another agreed version (H-71)."""
    content = json.dumps(_comparable(doc, ()), sort_keys=True, separators=(",", ":"), default=str)
    return f"agreement:{doc.id}:{hashlib.sha256(content.encode()).hexdigest()}"


def with_root(doc: Document, **changes: JsonValue) -> Document:
    root = doc.root()
    assert root is not None
    table = ROOT_TABLES[doc.kind]
    rows = dict(doc.rows)
    rows[table] = [{**root, **changes}]
    return Document(doc.kind, doc.id, rows)


def _comparable(doc: Document, ignore: Iterable[str]) -> dict[str, list[dict[str, JsonValue]]]:
    skip = set(ignore) | BOOKKEEPING
    return {
        table: [{k: v for k, v in row.items() if k not in skip} for row in rows]
        for table, rows in doc.rows.items()
    }


def same_content(a: Document, b: Document, ignore: Iterable[str] = ()) -> bool:
    """The same rows and values, bookkeeping (revisions, row versions, times saved) aside."""
    if a.absent or b.absent:
        return a.absent and b.absent
    return _comparable(a, ignore) == _comparable(b, ignore)


def rekeyed(doc: Document, new_id: str, op_id: str) -> Document:
    """The same plan under `new_id`, each of its rows under a new id made from the operation's id, and the
    links between its rows (a goal's actions, a contingency plan's contacts) following them."""
    ids: dict[str, str] = {doc.id: new_id}
    for table, rows in doc.rows.items():
        if table == ROOT_TABLES[doc.kind]:
            continue
        for row in rows:
            if isinstance(row.get("id"), str):
                ids[str(row["id"])] = made_id(op_id, str(row["id"]))
    moved: dict[str, list[dict[str, JsonValue]]] = {}
    for table, rows in doc.rows.items():
        moved[table] = [
            {
                k: (ids[v] if isinstance(v, str) and v in ids and (k == "id" or k.endswith("_id")) else v)
                for k, v in row.items()
            }
            for row in rows
        ]
    return Document(doc.kind, new_id, moved)


def last_sync_writer_is(
    batch: Batch, person_id: str | None, actions: tuple[str, ...], plan_id: str | None
) -> bool:
    """Whether the newest audited change of this kind to this record came through this workstation's
    sync: then every change since the workstation's base is its own, and its newer copy replaces it."""
    if person_id is None:
        return False
    plan_clause = "AND plan_id = :plan " if plan_id is not None else ""
    detail = batch.conn.execute(
        text(
            "SELECT detail FROM audit_event WHERE person_id = :person AND action = ANY(:actions) "
            f"{plan_clause}ORDER BY seq DESC LIMIT 1"
        ),
        {"person": person_id, "actions": list(actions), "plan": plan_id},
    ).scalar()
    return detail is not None and str(detail).endswith(batch.source)


def may_replace(batch: Batch, op: Op, current: Document) -> bool:
    """The server's copy is still the one the workstation started from (or one this batch wrote)."""
    doc = op.document
    if (doc.kind, doc.id) in batch.written:
        return True
    revision = revision_of(current)
    if revision is None or op.base_revision is None:
        return False
    return revision == op.base_revision or (op.reconcile and revision <= op.base_revision)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def recompute_person(batch: Batch, person_id: str) -> None:
    """has_draft, last_agreed_on, review_due and declined_written_plan from the server's own plans, as
    the plan services keep them; the row is written only when one of them changes."""
    conn = batch.conn
    plans = conn.execute(
        text(
            "SELECT status, version_number, agreed_at, review_date FROM care_plan WHERE person_id = :p "
            "ORDER BY agreed_at"
        ),
        {"p": person_id},
    ).all()
    has_draft = any(p.status == "draft" for p in plans)
    agreed = [p for p in plans if p.status == "agreed"]
    decided = [p for p in plans if p.status in ("agreed", "declined") and p.agreed_at is not None]
    latest_agreed = max(agreed, key=lambda p: p.version_number or 0, default=None)
    latest = decided[-1] if decided else None
    person = conn.execute(
        text(f"SELECT {', '.join(PERSON_DERIVED)} FROM person WHERE id = :p FOR NO KEY UPDATE"),
        {"p": person_id},
    ).first()
    if person is None:
        return
    review_due = _as_date(person.review_due)
    if latest is not None and latest.review_date is not None:
        review_due = _as_date(latest.review_date)
    wanted = {
        "has_draft": has_draft,
        "last_agreed_on": _as_date(latest_agreed.agreed_at) if latest_agreed else None,
        "review_due": review_due,
        "declined_written_plan": latest is not None and latest.status == "declined",
    }
    if all(getattr(person, k) == v for k, v in wanted.items()):
        return
    conn.execute(
        text(
            "UPDATE person SET has_draft = :has_draft, last_agreed_on = :last_agreed_on, "
            "review_due = :review_due, declined_written_plan = :declined_written_plan, "
            "row_version = row_version + 1, updated_at = :now WHERE id = :p"
        ),
        {**wanted, "now": batch.now.replace(tzinfo=None), "p": person_id},
    )


def add_conflict(
    batch: Batch, op: Op, person_id: str, plan_a: str, plan_b: str, reason: str, details: str = ""
) -> None:
    """Note two copies of one person's plan kept side by side, for a clinician to merge (or, plan ids
    empty, a person's details clashing: `details` keeps both values, person_merge.clash_details)."""
    now = batch.now.replace(tzinfo=None)
    batch.conn.execute(
        text(
            "INSERT INTO sync_conflict (id, person_id, plan_a_id, plan_b_id, reason, details, detected_at, "
            "created_at, updated_at, row_version) "
            "VALUES (:id, :person, :a, :b, :reason, :details, :now, :now, :now, 1) "
            "ON CONFLICT (id) DO NOTHING"
        ),
        {
            "id": made_id(op.op_id, "conflict"),
            "person": person_id,
            "a": plan_a,
            "b": plan_b,
            "reason": reason,
            "details": details,
            "now": now,
        },
    )


# ---- people -----------------------------------------------------------------------------------------------


def apply_person(batch: Batch, op: Op) -> tuple[str, str]:
    doc, bases = person_merge.split(op.document)
    if doc.absent:
        raise RefusedError("people are not removed by sync")
    current = read_document(batch.conn, "person", doc.id)
    if same_content(doc, current, PERSON_DERIVED):
        return "duplicate", "the server already has these details"
    derived: dict[str, JsonValue] = {
        k: False if k != "last_agreed_on" and k != "review_due" else None for k in PERSON_DERIVED
    }
    if current.absent:
        write_document(batch.conn, with_root(doc, **derived))
        recompute_person(batch, doc.id)
        batch.record(audit.Action.PERSON_CREATED, person_id=doc.id)
        batch.written.add(("person", doc.id))
        return "applied", "person added"
    ours = last_sync_writer_is(
        batch, doc.id, (audit.Action.PERSON_CREATED, audit.Action.PERSON_UPDATED), None
    )
    if not (may_replace(batch, op, current) or ours):
        return _merge_person(batch, op, doc, current, bases)
    root = current.root()
    assert root is not None
    kept = {k: root[k] for k in PERSON_DERIVED}
    version = revision_of(current) or 0
    write_document(batch.conn, with_root(doc, **kept, row_version=version + 1), current)
    batch.record(audit.Action.PERSON_UPDATED, person_id=doc.id, detail="fields=synced")
    batch.written.add(("person", doc.id))
    return "applied", "person's details updated"


def _merge_person(
    batch: Batch, op: Op, doc: Document, current: Document, bases: dict[str, JsonValue]
) -> tuple[str, str]:
    """Changed on both sides: field by field (sync/person_merge.py); a clash keeps both values."""
    merged, taken, clashes = person_merge.merged_document(doc, current, bases)
    if taken:
        version = revision_of(current) or 0
        write_document(batch.conn, with_root(merged, row_version=version + 1), current)
        batch.record(audit.Action.PERSON_UPDATED, person_id=doc.id, detail="fields=" + ",".join(taken))
        batch.written.add(("person", doc.id))
    if clashes:
        reason = person_merge.clash_reason(sorted(clashes))
        add_conflict(batch, op, doc.id, "", "", reason, person_merge.clash_details(clashes))
        return "branched", "some of the person's details changed on the server too: both kept for a choice"
    if taken:
        return "applied", "merged field by field with changes made on the server meanwhile"
    return "branched", "the person's details changed on the server meanwhile; the server's were kept"


# ---- conflicts --------------------------------------------------------------------------------------------


def apply_conflict(batch: Batch, op: Op) -> tuple[str, str]:
    """A workstation resolved a conflict (the merge): only resolved_at / resolved_by are taken."""
    doc = op.document
    root = doc.root()
    current = read_document(batch.conn, "sync_conflict", doc.id)
    if root is None:
        raise RefusedError("conflicts are not removed by sync")
    if current.absent:
        write_document(batch.conn, doc)
        return "applied", "conflict noted"
    server = current.root()
    assert server is not None
    if server.get("resolved_at") is not None or root.get("resolved_at") is None:
        return "duplicate", "nothing to change"
    batch.conn.execute(
        text(
            "UPDATE sync_conflict SET resolved_at = :at, resolved_by_id = :by, updated_at = :now, "
            "row_version = row_version + 1 WHERE id = :id AND resolved_at IS NULL"
        ),
        {
            "at": datetime.fromisoformat(str(root["resolved_at"])).replace(tzinfo=None),
            "by": root.get("resolved_by_id"),
            "now": batch.now.replace(tzinfo=None),
            "id": doc.id,
        },
    )
    return "applied", "conflict resolved"


# ---- accounts, the practice, the directory, templates ----------------------------------------------------


def apply_reference(batch: Batch, op: Op) -> tuple[str, str]:
    doc = op.document
    current = read_document(batch.conn, doc.kind, doc.id)
    action = _AUDIT_OF_KIND[doc.kind]
    if same_content(doc, current):
        return "duplicate", "the server already has this"
    if doc.absent:
        if doc.kind not in DELETABLE:
            raise RefusedError("that is not removed by sync")
        if not may_replace(batch, op, current):
            return "branched", "changed on the server meanwhile; the server's copy was kept"
        write_document(batch.conn, doc)
        batch.record(action, detail=f"{doc.kind} removed")
        return "applied", "removed"
    if current.absent:
        if doc.kind == "user":
            raise RefusedError("accounts are made while connected to the practice server")
        write_document(batch.conn, doc)
        batch.record(action, detail=f"{doc.kind} added")
        batch.written.add((doc.kind, doc.id))
        return "applied", "added"
    if doc.kind == "user":
        new, old = doc.root(), current.root()
        assert new is not None and old is not None
        if any(new.get(k) != old.get(k) for k in ACCOUNT_FIELDS):
            raise RefusedError(
                "an account's name, role or switch is changed while connected to the practice server"
            )
    if not may_replace(batch, op, current):
        return "branched", "changed on the server meanwhile; the server's copy was kept"
    version = revision_of(current) or 0
    write_document(batch.conn, with_root(doc, row_version=version + 1))
    batch.record(action, detail=f"{doc.kind} saved")
    batch.written.add((doc.kind, doc.id))
    return "applied", "saved"


def apply_op(batch: Batch, op: Op) -> tuple[str, str]:
    """Apply one operation in the batch's transaction: (result, detail), or RefusedError."""
    from careplanner.sync.server_plans import apply_plan

    kind = op.document.kind
    if kind == "plan":
        return apply_plan(batch, op)
    if kind == "person":
        return apply_person(batch, op)
    if kind == "sync_conflict":
        return apply_conflict(batch, op)
    if kind in _AUDIT_OF_KIND:
        return apply_reference(batch, op)
    raise RefusedError("that kind of record is not synced by this server")
