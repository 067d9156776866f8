"""Drafts and sends: the thank-you drafts, and the log of every message emitted
(the exactly-once record of outbox.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from followup.adapters.store.db import Store, from_db, to_db
from followup.core.model import Draft, DraftState, Person, RenderedEmail, SendRecord


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(
        id=row["id"],
        interview_id=row["interview_id"],
        to=Person(row["to_name"], row["to_email"]),
        subject=row["subject"],
        body=row["body"],
        html=row["html"],
        warnings=tuple(w for w in row["warnings"].split("\n") if w),
        state=DraftState(row["state"]),
        edited=bool(row["edited"]),
        late=bool(row["late"]),
        token=row["token"],
        message_id=row["message_id"],
        last_error=row["last_error"],
        request_sent=bool(row["request_sent"]),
        rendered_at=from_db(row["updated_at"]),
    )


# --- reading ------------------------------------------------------------------------


def get(store: Store, draft_id: int) -> Draft | None:
    row = store.one("SELECT * FROM drafts WHERE id = ?", (draft_id,))
    return _draft(row) if row else None


def all_drafts(store: Store) -> list[Draft]:
    return [_draft(r) for r in store.all("SELECT * FROM drafts ORDER BY interview_id, id")]


def by_token(store: Store, token: str) -> Draft | None:
    row = store.one("SELECT * FROM drafts WHERE token = ?", (token,))
    return _draft(row) if row else None


def exists(store: Store, interview_id: int, email: str) -> bool:
    return (
        store.one(
            "SELECT 1 FROM drafts WHERE interview_id = ? AND to_email = ?", (interview_id, email)
        )
        is not None
    )


def waiting_unedited(store: Store, interview_id: int) -> list[Draft]:
    """Waiting drafts whose text is still ours (the user's edits are never rewritten)."""
    return [
        _draft(r)
        for r in store.all(
            "SELECT * FROM drafts WHERE interview_id = ? AND state = ? AND edited = 0",
            (interview_id, DraftState.WAITING.value),
        )
    ]


def awaiting_request(store: Store) -> list[Draft]:
    """Waiting drafts that carry an approval token."""
    return [
        _draft(r)
        for r in store.all(
            "SELECT * FROM drafts WHERE state = ? AND token IS NOT NULL",
            (DraftState.WAITING.value,),
        )
    ]


def states(store: Store, interview_id: int) -> set[DraftState]:
    return {
        DraftState(r["state"])
        for r in store.all("SELECT state FROM drafts WHERE interview_id = ?", (interview_id,))
    }


def withdrawable(
    store: Store, interview_id: int, draft_states: tuple[DraftState, ...]
) -> list[Draft]:
    """The interview's drafts in one of `draft_states` with no send begun, sent or
    maybe sent (those belong to the exactly-once machinery)."""
    marks = ",".join("?" * len(draft_states))
    return [
        _draft(r)
        for r in store.all(
            f"SELECT * FROM drafts d WHERE interview_id = ? AND state IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.draft_id = d.id "
            "AND s.state IN ('sending', 'sent', 'unknown'))",
            (interview_id, *[s.value for s in draft_states]),
        )
    ]


def due_for_sending(store: Store, *, now: datetime) -> list[Draft]:
    rows = store.all(
        "SELECT * FROM drafts WHERE state = ? AND (retry_at IS NULL OR retry_at <= ?) ORDER BY id",
        (DraftState.APPROVED.value, to_db(now)),
    )
    return [_draft(r) for r in rows]


def next_retry(store: Store) -> datetime | None:
    """When the next approved draft waiting to be retried is due."""
    row = store.one(
        "SELECT min(retry_at) AS due FROM drafts WHERE state = ?", (DraftState.APPROVED.value,)
    )
    return from_db(row["due"]) if row and row["due"] else None


def attempts(store: Store, draft_id: int) -> int | None:
    row = store.one("SELECT attempts FROM drafts WHERE id = ?", (draft_id,))
    return int(row["attempts"]) if row else None


# --- writing ------------------------------------------------------------------------


def insert(
    store: Store,
    interview_id: int,
    person: Person,
    email: RenderedEmail,
    *,
    token: str,
    late: bool,
    now: datetime,
) -> int:
    """A new waiting draft to one person."""
    return store.insert(
        "INSERT INTO drafts (interview_id, to_name, to_email, subject, body, html, warnings, "
        "state, late, token, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            interview_id,
            person.name,
            person.email,
            email.subject,
            email.body,
            email.html,
            "\n".join(email.warnings),
            DraftState.WAITING.value,
            int(late),
            token,
            to_db(now),
            to_db(now),
        ),
    )


def rewrite(
    store: Store, draft_id: int, name: str, email: RenderedEmail, *, token: str, now: datetime
) -> None:
    """Our text, rendered anew: a new token, and the approval request is asked again."""
    store.execute(
        "UPDATE drafts SET to_name = ?, subject = ?, body = ?, html = ?, warnings = ?, "
        "token = ?, request_sent = 0, updated_at = ? WHERE id = ?",
        (
            name,
            email.subject,
            email.body,
            email.html,
            "\n".join(email.warnings),
            token,
            to_db(now),
            draft_id,
        ),
    )


def retime(store: Store, draft_id: int, email: RenderedEmail, *, now: datetime) -> None:
    """Only the timing words moved with the clock ("today" is "yesterday" now): the
    same words the user was asked about, so the token and its request stand."""
    store.execute(
        "UPDATE drafts SET subject = ?, body = ?, html = ?, warnings = ?, updated_at = ? "
        "WHERE id = ?",
        (email.subject, email.body, email.html, "\n".join(email.warnings), to_db(now), draft_id),
    )


def touch(store: Store, draft_id: int, *, now: datetime) -> None:
    """Rendered again with the same result: not due for another render today."""
    store.execute("UPDATE drafts SET updated_at = ? WHERE id = ?", (to_db(now), draft_id))


def rendered_before(store: Store, moment: datetime) -> list[int]:
    """Interviews with waiting drafts of ours last rendered before `moment` (their
    timing words may no longer fit)."""
    rows = store.all(
        "SELECT DISTINCT interview_id FROM drafts WHERE state = ? AND edited = 0 "
        "AND updated_at < ? ORDER BY interview_id",
        (DraftState.WAITING.value, to_db(moment)),
    )
    return [r["interview_id"] for r in rows]


def edit(
    store: Store,
    draft_id: int,
    *,
    subject: str,
    body: str,
    warnings: Sequence[str],
    token: str,
    now: datetime,
) -> None:
    """The user's text (plain text only): never rendered again."""
    store.execute(
        "UPDATE drafts SET subject = ?, body = ?, html = NULL, warnings = ?, edited = 1, "
        "token = ?, request_sent = 0, updated_at = ? WHERE id = ?",
        (subject, body, "\n".join(warnings), token, to_db(now), draft_id),
    )


def approve(store: Store, draft_id: int, *, message_id: str, now: datetime) -> None:
    """A waiting draft is approved with this Message-ID; its token is spent."""
    store.execute(
        "UPDATE drafts SET state = ?, message_id = ?, approved_at = ?, token = NULL, "
        "updated_at = ? WHERE id = ? AND state = ?",
        (
            DraftState.APPROVED.value,
            message_id,
            to_db(now),
            to_db(now),
            draft_id,
            DraftState.WAITING.value,
        ),
    )


def withdraw(store: Store, draft_id: int, reason: str, *, now: datetime) -> None:
    store.execute(
        "UPDATE drafts SET state = ?, token = NULL, retry_at = NULL, "
        "last_error = ?, updated_at = ? WHERE id = ?",
        (DraftState.WITHDRAWN.value, reason, to_db(now), draft_id),
    )


def reject(
    store: Store, draft_id: int, *, only_from: tuple[DraftState, ...], now: datetime
) -> None:
    """Rejected, if it is still in one of `only_from`; its token is spent."""
    marks = ",".join("?" * len(only_from))
    store.execute(
        f"UPDATE drafts SET state = ?, token = NULL, retry_at = NULL, updated_at = ? "
        f"WHERE id = ? AND state IN ({marks})",
        (DraftState.REJECTED.value, to_db(now), draft_id, *[s.value for s in only_from]),
    )


def settle(store: Store, draft_id: int, state: DraftState, *, now: datetime) -> None:
    """The user settled a maybe-sent or failed draft: `state`, with fresh retries."""
    store.execute(
        "UPDATE drafts SET state = ?, attempts = 0, retry_at = NULL, updated_at = ? WHERE id = ?",
        (state.value, to_db(now), draft_id),
    )


def mark_failed(store: Store, draft_id: int, reason: str, *, now: datetime) -> None:
    """An approved draft fails, with the reason `followup drafts` shows."""
    store.execute(
        "UPDATE drafts SET state = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = ?",
        (DraftState.FAILED.value, reason, to_db(now), draft_id, DraftState.APPROVED.value),
    )


def set_state(
    store: Store, draft_id: int, state: DraftState, *, now: datetime, error: str | None = None
) -> None:
    """Where the send of a draft stands; `error` None keeps the last error."""
    store.execute(
        "UPDATE drafts SET state = ?, last_error = coalesce(?, last_error), updated_at = ? "
        "WHERE id = ?",
        (state.value, error, to_db(now), draft_id),
    )


def retry_later(
    store: Store, draft_id: int, *, attempts: int, when: datetime, error: str, now: datetime
) -> None:
    """Approved again, to be sent at `when`."""
    store.execute(
        "UPDATE drafts SET state = ?, attempts = ?, retry_at = ?, last_error = ?, "
        "updated_at = ? WHERE id = ?",
        (DraftState.APPROVED.value, attempts, to_db(when), error, to_db(now), draft_id),
    )


def set_request_sent(store: Store, draft_id: int, sent: bool) -> None:
    store.execute("UPDATE drafts SET request_sent = ? WHERE id = ?", (int(sent), draft_id))


# --- sends --------------------------------------------------------------------------


def begin_send(
    store: Store,
    message_id: str,
    *,
    purpose: str,
    recipients: str,
    now: datetime,
    draft_id: int | None = None,
    ref: str | None = None,
) -> None:
    """A message is about to leave: recorded "sending" before the transport is called."""
    store.execute(
        "INSERT INTO sends (message_id, draft_id, purpose, ref, recipients, state, "
        "started_at) VALUES (?, ?, ?, ?, ?, 'sending', ?)",
        (message_id, draft_id, purpose, ref, recipients, to_db(now)),
    )


def finish_send(
    store: Store, message_id: str, state: str, *, now: datetime, error: str | None = None
) -> None:
    store.execute(
        "UPDATE sends SET state = ?, finished_at = ?, error = ? WHERE message_id = ?",
        (state, to_db(now), error, message_id),
    )


def forget_send(store: Store, message_id: str | None) -> None:
    """The message certainly did not leave: no record of it (it may be sent anew)."""
    store.execute("DELETE FROM sends WHERE message_id = ?", (message_id,))


def mark_send_sent(store: Store, message_id: str | None) -> None:
    store.execute("UPDATE sends SET state = 'sent' WHERE message_id = ?", (message_id,))


def sending(store: Store) -> list[SendRecord]:
    """Sends a crash left in "sending"."""
    return [
        SendRecord(r["message_id"], r["draft_id"], r["purpose"], r["ref"], r["state"])
        for r in store.all("SELECT * FROM sends WHERE state = 'sending'")
    ]


def notice_states(store: Store, ref: str) -> dict[str, int]:
    """How many sends for `ref` are in each state."""
    return {
        r["state"]: r["n"]
        for r in store.all(
            "SELECT state, count(*) AS n FROM sends WHERE ref = ? GROUP BY state", (ref,)
        )
    }


def ours(store: Store, message_ids: Iterable[str]) -> set[str]:
    """Which of these Message-IDs followup itself sent (at most 50 looked up)."""
    wanted = [m for m in message_ids if m][:50]
    if not wanted:
        return set()
    marks = ",".join("?" * len(wanted))
    rows = store.all(f"SELECT message_id FROM sends WHERE message_id IN ({marks})", tuple(wanted))
    return {r["message_id"] for r in rows}


def sent_matching(
    store: Store, message_ids: Sequence[str], recipients: Sequence[str]
) -> list[Draft]:
    """Sent drafts with one of these Message-IDs, else sent to one of these addresses."""
    ids = [m for m in message_ids if m][:20]
    if ids:
        marks = ",".join("?" * len(ids))
        rows = store.all(
            f"SELECT * FROM drafts WHERE state = ? AND message_id IN ({marks})",
            (DraftState.SENT.value, *ids),
        )
        if rows:
            return [_draft(r) for r in rows]
    addresses = [r.lower() for r in recipients if r][:20]
    if not addresses:
        return []
    marks = ",".join("?" * len(addresses))
    rows = store.all(
        f"SELECT * FROM drafts WHERE state = ? AND lower(to_email) IN ({marks}) "
        "ORDER BY id DESC LIMIT 20",
        (DraftState.SENT.value, *addresses),
    )
    return [_draft(r) for r in rows]


def mark_bounced(store: Store, draft_id: int, reason: str, *, now: datetime) -> None:
    store.execute(
        "UPDATE drafts SET state = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = ?",
        (DraftState.BOUNCED.value, reason, to_db(now), draft_id, DraftState.SENT.value),
    )


def bounced(store: Store) -> list[Draft]:
    rows = store.all(
        "SELECT * FROM drafts WHERE state = ? ORDER BY id", (DraftState.BOUNCED.value,)
    )
    return [_draft(r) for r in rows]


def sent_for_interview(store: Store, interview_id: int) -> set[str]:
    """Message-IDs of every send of the interview's drafts."""
    return {
        r["message_id"]
        for r in store.all(
            "SELECT s.message_id FROM sends s JOIN drafts d ON d.id = s.draft_id "
            "WHERE d.interview_id = ?",
            (interview_id,),
        )
    }
