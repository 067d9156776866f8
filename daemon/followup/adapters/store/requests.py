"""Approval requests: one mail per interview listing its waiting drafts, numbered."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from followup.adapters.store.db import Store, from_db, to_db
from followup.core.model import ApprovalRequest, RequestState


def _request(row: sqlite3.Row) -> ApprovalRequest:
    entries = json.loads(row["drafts"])
    created = from_db(row["created_at"])
    assert created is not None
    return ApprovalRequest(
        id=row["id"],
        interview_id=row["interview_id"],
        token=row["token"],
        drafts=tuple((int(d), str(t)) for d, t in entries),
        state=RequestState(row["state"]),
        created_at=created,
    )


def insert(
    store: Store,
    interview_id: int,
    token: str,
    drafts: list[tuple[int, str]],
    *,
    now: datetime,
) -> int:
    """A new open request; the interview's earlier open ones are superseded by it."""
    store.execute(
        "UPDATE approval_requests SET state = ? WHERE interview_id = ? AND state = ?",
        (RequestState.SUPERSEDED.value, interview_id, RequestState.OPEN.value),
    )
    return store.insert(
        "INSERT INTO approval_requests (interview_id, token, drafts, state, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (interview_id, token, json.dumps(drafts), RequestState.OPEN.value, to_db(now)),
    )


def delete(store: Store, request_id: int) -> None:
    """A request whose mail certainly did not go: as if never made."""
    store.execute("DELETE FROM approval_requests WHERE id = ?", (request_id,))


def by_token(store: Store, token: str) -> ApprovalRequest | None:
    row = store.one("SELECT * FROM approval_requests WHERE token = ?", (token,))
    return _request(row) if row else None


def latest(store: Store, interview_id: int) -> ApprovalRequest | None:
    row = store.one(
        "SELECT * FROM approval_requests WHERE interview_id = ? ORDER BY id DESC LIMIT 1",
        (interview_id,),
    )
    return _request(row) if row else None


def set_state(store: Store, request_id: int, state: RequestState) -> None:
    store.execute("UPDATE approval_requests SET state = ? WHERE id = ?", (state.value, request_id))
