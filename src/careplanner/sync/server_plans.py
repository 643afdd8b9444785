"""The rules for a pushed plan (a draft, an agreed or declined version, or a discarded draft) on the server.

- A draft replaces the server's draft only when the server's is still at the revision the workstation
  started from, or every save since came through this workstation's own sync; otherwise the pushed copy
  is kept as a second draft (id uuid5 of the operation) and a `sync_conflict` names both. A new draft
  for a person who already has one on the server is kept too, with a conflict.
- An agreed or declined version is agreed on the server by the account pushing (the account that agreed
  it on the workstation: another account's agreement waits for them), now, with the next version number:
  the server's draft of that id when it is unchanged since, else as a version of its own beside it (with
  a conflict, since the server's draft has changes the agreement lacks). It is sealed as `agree` seals.
- A discarded draft is deleted only when unchanged since; otherwise the server's draft is kept.
Later operations of a plan this workstation's push kept as a second draft go to that second draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from careplanner.services import audit
from careplanner.store.version_seal import seal_for
from careplanner.sync.documents import Document, JsonValue, read_document, status_of, write_document
from careplanner.sync.server_apply import Batch, RefusedError, server_now
from careplanner.sync.server_restored import Numbering, keeps_time, number_taken, numbering
from careplanner.sync.server_rules import (
    add_conflict,
    agreement_key,
    branch_id,
    last_sync_writer_is,
    may_replace,
    recompute_person,
    rekeyed,
    with_root,
)

if TYPE_CHECKING:
    from careplanner.sync.server_side import Op

DRAFT_MOVED = "changed on a workstation while offline; the draft on the server changed meanwhile"
AGREED_MOVED = "agreed on a workstation while offline; the draft on the server changed meanwhile"
TWO_DRAFTS = "a draft was started on a workstation while offline; the server already had one for this person"
AGREED_ON_SERVER = "changed on a workstation while offline; the plan was agreed on the server meanwhile"
AGREED_TWICE = "agreed on a workstation while offline; the server had agreed it differently meanwhile"
SAVES = (audit.Action.PLAN_STARTED, audit.Action.PLAN_CHANGED)


def _children(doc: Document) -> dict[str, list[dict[str, JsonValue]]]:
    skip = {"row_version", "updated_at", "created_at"}
    return {
        t: [{k: v for k, v in r.items() if k not in skip} for r in rows]
        for t, rows in doc.rows.items()
        if t != "care_plan" and rows
    }


def _root_value(doc: Document, key: str) -> JsonValue:
    root = doc.root()
    return None if root is None else root.get(key)


def _int(value: JsonValue) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _ours(batch: Batch, person_id: str, plan_id: str) -> bool:
    return ("plan", plan_id) in batch.written or last_sync_writer_is(batch, person_id, SAVES, plan_id)


def _branch_note(op: Op) -> str:
    """Audited with a second copy: the base the workstation's copy started from (a revision number)."""
    return f"second copy base={op.base_revision}"


def _our_branch(batch: Batch, op: Op, person_id: str, plan_id: str) -> str | None:
    """A second draft this workstation's push made of `plan_id`, from the same base as this operation (so
    this copy still holds what went into it), and still written by this workstation alone."""
    rows = batch.conn.execute(
        text(
            "SELECT c.plan_b_id FROM sync_conflict c JOIN care_plan p ON p.id = c.plan_b_id "
            "WHERE c.plan_a_id = :a AND c.resolved_at IS NULL AND p.status = 'draft' ORDER BY c.detected_at"
        ),
        {"a": plan_id},
    ).all()
    made = batch.branches.get((plan_id, op.base_revision))
    if made is not None:
        return made
    for (branch,) in rows:
        started = batch.conn.execute(
            text(
                "SELECT detail FROM audit_event WHERE person_id = :p AND plan_id = :b AND action = :a "
                "ORDER BY seq LIMIT 1"
            ),
            {"p": person_id, "b": str(branch), "a": audit.Action.PLAN_STARTED},
        ).scalar()
        same_base = started is not None and str(started).startswith(_branch_note(op) + " ")
        if same_base and _ours(batch, person_id, str(branch)):
            return str(branch)
    return None


def _lock(batch: Batch, plan_id: str) -> None:
    # As the plan services do: the version's row first, so saves and agreements of one plan take turns.
    batch.conn.execute(text("SELECT id FROM care_plan WHERE id = :p FOR NO KEY UPDATE"), {"p": plan_id})


def _other_drafts(batch: Batch, person_id: str, plan_id: str) -> list[str]:
    rows = batch.conn.execute(
        text(
            "SELECT id FROM care_plan WHERE person_id = :p AND status = 'draft' AND id <> :id "
            "ORDER BY created_at"
        ),
        {"p": person_id, "id": plan_id},
    ).all()
    return [str(r[0]) for r in rows]


def _agreement(batch: Batch, doc: Document, *, restored: bool = False) -> tuple[Document, Numbering]:
    """The pushed agreement as the server makes it: by the account pushing, now, next number.

    `restored`: sent again after the server was restored from a backup (a reconcile push) and the server
    lacks it as agreed: it keeps its own agreed time and number where it may (server_restored.py)."""
    if _root_value(doc, "agreed_by_id") != batch.actor.id:
        raise RefusedError(
            "agreed on this workstation by another account while offline: it is sent when that account "
            "next signs in here"
        )
    person_id = str(_root_value(doc, "person_id"))
    audit.take_chain_lock(batch.conn)  # version numbers and the trail take turns
    now = server_now(batch.conn)
    changes: dict[str, JsonValue] = {"agreed_at": now.isoformat(), "last_updated": now.isoformat()}
    if restored and keeps_time(batch, _root_value(doc, "agreed_at"), now):
        changes = {}
    numbered = Numbering(0)
    if status_of(doc) == "agreed":
        if not _root_value(doc, "review_date"):
            raise RefusedError("an agreed plan needs a review date")
        own = _root_value(doc, "version_number")
        numbered = numbering(batch, person_id, doc.id, own, resent=restored)
        changes["version_number"] = numbered.number
        if not (restored and numbered.number == own):  # kept as agreed: it names the version it replaced
            previous = batch.conn.execute(
                text(
                    "SELECT id FROM care_plan WHERE person_id = :p AND status = 'agreed' AND id <> :me "
                    "AND version_number < :n ORDER BY version_number DESC LIMIT 1"
                ),
                {"p": person_id, "me": doc.id, "n": numbered.number},
            ).scalar()
            changes["replaces_id"] = None if previous is None else str(previous)
    return with_root(doc, **changes), numbered


def _write_decided(batch: Batch, op: Op, doc: Document, person_id: str, *, restored: bool = False) -> None:
    agreed, numbered = _agreement(batch, doc, restored=restored)
    write_document(batch.conn, agreed)
    recompute_person(batch, person_id)
    seal = seal_for(batch.conn, agreed.id)
    if status_of(agreed) == "agreed":
        batch.record(
            audit.Action.PLAN_AGREED,
            person_id=person_id,
            plan_id=agreed.id,
            detail=f"version={numbered.number} {seal}",
        )
    else:
        batch.record(audit.Action.PLAN_DECLINED, person_id=person_id, plan_id=agreed.id, detail=seal)
    batch.written.add(("plan", agreed.id))
    if numbered.clash_with is not None and numbered.own is not None:
        # Two versions agreed under one number: both kept, the clash listed for a clinician to see.
        reason = number_taken(numbered.own, numbered.number)
        add_conflict(batch, op, person_id, numbered.clash_with, agreed.id, reason)


def _branch(batch: Batch, op: Op, doc: Document, person_id: str, reason: str) -> tuple[str, str]:
    """Keep the pushed copy beside the server's, with a conflict: a draft under uuid5 of the operation, an
    agreed or declined version under uuid5 of the agreement, so one agreement is one version however
    many operations carry it (a second finds the first's copy: H-71)."""
    key = op.op_id if status_of(doc) == "draft" else agreement_key(doc)
    new_id = branch_id(key)
    if read_document(batch.conn, "plan", new_id).root() is not None:
        return "duplicate", "already kept beside the server's copy"
    copy = rekeyed(doc, new_id, key)
    if status_of(copy) == "draft":
        write_document(batch.conn, copy)
        recompute_person(batch, person_id)
        batch.record(audit.Action.PLAN_STARTED, person_id=person_id, plan_id=new_id, detail=_branch_note(op))
        batch.written.add(("plan", new_id))
        batch.branches[(doc.id, op.base_revision)] = new_id
    else:
        _write_decided(batch, op, copy, person_id)
    add_conflict(batch, op, person_id, doc.id, new_id, reason)
    return "branched", "kept beside the server's copy for a clinician to merge"


def _save_draft(batch: Batch, doc: Document, current: Document, person_id: str) -> tuple[str, str]:
    revision = max(_int(_root_value(current, "revision")) + 1, _int(_root_value(doc, "revision")))
    version = _int(_root_value(current, "row_version")) + 1
    write_document(batch.conn, with_root(doc, revision=revision, row_version=version), current)
    recompute_person(batch, person_id)
    batch.record(audit.Action.PLAN_CHANGED, person_id=person_id, plan_id=doc.id, detail="section=all")
    batch.written.add(("plan", doc.id))
    return "applied", "draft saved"


def _discard(batch: Batch, op: Op, current: Document) -> tuple[str, str]:
    if current.absent:
        return "duplicate", "already gone"
    person_id = str(_root_value(current, "person_id"))
    if status_of(current) != "draft":
        return "duplicate", "already agreed on the server: nothing to discard"
    if not (may_replace(batch, op, current) or _ours(batch, person_id, current.id)):
        return "branched", "the draft on the server changed after it was discarded here, so it was kept"
    write_document(batch.conn, op.document)
    recompute_person(batch, person_id)
    batch.record(audit.Action.PLAN_DISCARDED, person_id=person_id, plan_id=current.id)
    return "applied", "draft discarded"


def _draft(batch: Batch, op: Op, doc: Document, current: Document, person_id: str) -> tuple[str, str]:
    if current.absent:
        others = _other_drafts(batch, person_id, doc.id)
        write_document(batch.conn, doc)
        recompute_person(batch, person_id)
        batch.record(audit.Action.PLAN_STARTED, person_id=person_id, plan_id=doc.id)
        batch.written.add(("plan", doc.id))
        if others:
            add_conflict(batch, op, person_id, others[0], doc.id, TWO_DRAFTS)
            return "branched", "a second draft for this person, kept for a clinician to merge"
        return "applied", "draft added"
    if status_of(current) != "draft":
        if _children(doc) == _children(current):
            return "duplicate", "already agreed on the server as it is"
        return _branch(batch, op, doc, person_id, AGREED_ON_SERVER)
    if _children(doc) == _children(current) and _root_value(doc, "revision") == _root_value(
        current, "revision"
    ):
        return "duplicate", "the server already has this draft"
    if may_replace(batch, op, current) or _ours(batch, person_id, doc.id):
        return _save_draft(batch, doc, current, person_id)
    return _branch(batch, op, doc, person_id, DRAFT_MOVED)


def _decided(batch: Batch, op: Op, doc: Document, current: Document, person_id: str) -> tuple[str, str]:
    if (
        op.reconcile
        and _root_value(doc, "agreed_by_id") != batch.actor.id
        and status_of(current) != status_of(doc)
    ):
        # Re-sent after the server lost it (a restore): only its own account can agree it on the server,
        # so this workstation lets it go; a workstation where that account signs in sends it again.
        return "duplicate", "agreed by another account: sent again where that account signs in"
    if current.absent:
        _write_decided(batch, op, doc, person_id, restored=op.reconcile)
        return "applied", "version added"
    if status_of(current) == "draft":
        if may_replace(batch, op, current) or _ours(batch, person_id, doc.id):
            version = _int(_root_value(current, "row_version")) + 1
            _write_decided(batch, op, with_root(doc, row_version=version), person_id, restored=op.reconcile)
            return "applied", "agreed"
        return _branch(batch, op, doc, person_id, AGREED_MOVED)
    if status_of(current) == status_of(doc) and _children(doc) == _children(current):
        return "duplicate", "already agreed on the server"
    return _branch(batch, op, doc, person_id, AGREED_TWICE)


def apply_plan(batch: Batch, op: Op) -> tuple[str, str]:
    doc = op.document
    _lock(batch, doc.id)
    current = read_document(batch.conn, "plan", doc.id)
    if doc.absent:
        return _discard(batch, op, current)
    person_id = str(_root_value(doc, "person_id"))
    if not current.absent and _root_value(current, "person_id") != person_id:
        raise RefusedError("a plan cannot move to another person")
    if batch.conn.execute(text("SELECT 1 FROM person WHERE id = :p"), {"p": person_id}).first() is None:
        raise RefusedError("the person is not on the server yet")
    if not current.absent and not may_replace(batch, op, current) and not _ours(batch, person_id, doc.id):
        branch = _our_branch(batch, op, person_id, doc.id)
        if branch is not None:  # this workstation's later changes go on to its own second copy
            _lock(batch, branch)
            doc = rekeyed(doc, branch, op.op_id)
            current = read_document(batch.conn, "plan", branch)
    status = status_of(doc)
    if status == "draft":
        return _draft(batch, op, doc, current, person_id)
    if status in ("agreed", "declined"):
        return _decided(batch, op, doc, current, person_id)
    raise RefusedError("that plan's status is not one this server knows")
