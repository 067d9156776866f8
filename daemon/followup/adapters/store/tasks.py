"""Tasks: each interview's planned steps and their reminders' state."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from followup.adapters.store.db import Store, from_db, to_db
from followup.core.model import InterviewState, TaskKind, TaskRow, TaskState


def _task(row: sqlite3.Row) -> TaskRow:
    due = from_db(row["due_utc"])
    assert due is not None
    return TaskRow(
        id=row["id"],
        interview_id=row["interview_id"],
        kind=TaskKind(row["kind"]),
        due=due,
        due_stamp=row["due_utc"],
        state=TaskState(row["state"]),
        late=bool(row["late"]),
        done_at=from_db(row["done_at"]),
        token=row["token"],
        attempts=int(row["attempts"] or 0),
        retry_at=from_db(row["retry_at"]),
        reminded_at=from_db(row["reminded_at"]),
    )


def for_interview(store: Store, interview_id: int) -> list[TaskRow]:
    """The interview's tasks, the earliest due first."""
    return [
        _task(r)
        for r in store.all(
            "SELECT * FROM tasks WHERE interview_id = ? ORDER BY due_utc, id", (interview_id,)
        )
    ]


def by_token(store: Store, token: str) -> TaskRow | None:
    row = store.one("SELECT * FROM tasks WHERE token = ?", (token,))
    return _task(row) if row else None


def state_of(store: Store, interview_id: int, kind: TaskKind) -> TaskState | None:
    row = store.one(
        "SELECT state FROM tasks WHERE interview_id = ? AND kind = ?", (interview_id, kind.value)
    )
    return TaskState(row["state"]) if row else None


def due(
    store: Store,
    *,
    now: datetime,
    interview_states: tuple[InterviewState, ...],
) -> list[TaskRow]:
    """Pending tasks that are due (and not waiting for a retry), of interviews in one of
    `interview_states`, the earliest first."""
    rows = store.all(
        "SELECT t.* FROM tasks t JOIN interviews i ON i.id = t.interview_id "
        "WHERE t.state = ? AND t.due_utc <= ? AND (t.retry_at IS NULL OR t.retry_at <= ?) "
        "AND i.state IN ({}) ORDER BY t.due_utc".format(",".join("?" * len(interview_states))),
        (TaskState.PENDING.value, to_db(now), to_db(now), *[s.value for s in interview_states]),
    )
    return [_task(r) for r in rows]


def next_due(store: Store) -> datetime | None:
    """When the next pending task of an active plan is due (or its retry, if later)."""
    row = store.one(
        "SELECT min(max(t.due_utc, coalesce(t.retry_at, ''))) AS due FROM tasks t "
        "JOIN interviews i ON i.id = t.interview_id WHERE t.state = ? AND i.state = ?",
        (TaskState.PENDING.value, InterviewState.ACTIVE.value),
    )
    return from_db(row["due"]) if row and row["due"] else None


def next_pending(store: Store) -> tuple[TaskRow, str] | None:
    """The next pending task of an active plan, and its interview's company."""
    row = store.one(
        "SELECT t.*, i.company AS company FROM tasks t JOIN interviews i "
        "ON i.id = t.interview_id WHERE t.state = ? AND i.state = ? ORDER BY t.due_utc LIMIT 1",
        (TaskState.PENDING.value, InterviewState.ACTIVE.value),
    )
    return (_task(row), row["company"]) if row else None


# --- writing ------------------------------------------------------------------------


def add(
    store: Store, interview_id: int, kind: TaskKind, due: datetime, state: TaskState, *, late: bool
) -> None:
    store.execute(
        "INSERT INTO tasks (interview_id, kind, due_utc, state, late) VALUES (?,?,?,?,?)",
        (interview_id, kind.value, to_db(due), state.value, int(late)),
    )


def add_done(
    store: Store, interview_id: int, kind: TaskKind, state: TaskState, *, now: datetime
) -> None:
    """A task the user finished that was never planned: due and done now."""
    store.execute(
        "INSERT INTO tasks (interview_id, kind, due_utc, state, done_at) VALUES (?, ?, ?, ?, ?)",
        (interview_id, kind.value, to_db(now), state.value, to_db(now)),
    )


def replan(store: Store, task_id: int, due: datetime, state: TaskState) -> None:
    """A pending task moves (a plan that comes out the same writes nothing)."""
    store.execute(
        "UPDATE tasks SET due_utc = ?, state = ? WHERE id = ? AND (due_utc != ? OR state != ?)",
        (to_db(due), state.value, task_id, to_db(due), state.value),
    )


def cancel(store: Store, task_id: int) -> None:
    """Cancelled; its reply token is spent."""
    store.execute(
        "UPDATE tasks SET state = ?, token = NULL WHERE id = ?",
        (TaskState.CANCELLED.value, task_id),
    )


def reopen(store: Store, task_id: int) -> None:
    """Pending again (its token is kept)."""
    store.execute("UPDATE tasks SET state = ? WHERE id = ?", (TaskState.PENDING.value, task_id))


def reopen_thank_you(store: Store, interview_id: int) -> None:
    """A thank-you step waiting (held back for confirmation) is pending again."""
    store.execute(
        "UPDATE tasks SET state = ? WHERE interview_id = ? AND kind = ? AND state = ?",
        (TaskState.PENDING.value, interview_id, TaskKind.THANK_YOU.value, TaskState.WAITING.value),
    )


def settle_thank_you(store: Store, interview_id: int, *, now: datetime) -> None:
    """A waiting thank-you step is done (first done time kept)."""
    store.execute(
        "UPDATE tasks SET state = ?, done_at = coalesce(done_at, ?) "
        "WHERE interview_id = ? AND kind = ? AND state = ?",
        (
            TaskState.DONE.value,
            to_db(now),
            interview_id,
            TaskKind.THANK_YOU.value,
            TaskState.WAITING.value,
        ),
    )


def reminded_at(store: Store, interview_id: int, kind: TaskKind) -> datetime | None:
    row = store.one(
        "SELECT reminded_at FROM tasks WHERE interview_id = ? AND kind = ?",
        (interview_id, kind.value),
    )
    return from_db(row["reminded_at"]) if row else None


def set_progress(
    store: Store,
    task_id: int,
    state: TaskState,
    *,
    token: str | None,
    late: bool,
    reminded_at: datetime | None = None,
) -> None:
    """A task moves on with its reminder: `token` authenticates the reply to it (None:
    none); once late, a task stays late; `reminded_at`: when its reminder went (None:
    it did not, or no longer counts)."""
    store.execute(
        "UPDATE tasks SET state = ?, token = ?, late = max(late, ?), reminded_at = ? WHERE id = ?",
        (state.value, token, int(late), to_db(reminded_at) if reminded_at else None, task_id),
    )


def retry_at(store: Store, task_id: int, *, attempts: int, when: datetime) -> None:
    store.execute(
        "UPDATE tasks SET attempts = ?, retry_at = ? WHERE id = ?", (attempts, to_db(when), task_id)
    )


def finish_debrief(store: Store, interview_id: int, *, now: datetime) -> None:
    """The debrief step is done (answered): its token is spent."""
    store.execute(
        "UPDATE tasks SET state = ?, done_at = ?, token = NULL WHERE interview_id = ? "
        "AND kind = ? AND state IN (?, ?)",
        (
            TaskState.DONE.value,
            to_db(now),
            interview_id,
            TaskKind.DEBRIEF.value,
            TaskState.PENDING.value,
            TaskState.WAITING.value,
        ),
    )


def mark_waiting(store: Store, interview_id: int, kind: TaskKind) -> None:
    """A pending task of the interview waits for the user from now (its step began)."""
    store.execute(
        "UPDATE tasks SET state = ? WHERE interview_id = ? AND kind = ? AND state = ?",
        (TaskState.WAITING.value, interview_id, kind.value, TaskState.PENDING.value),
    )


def mark(
    store: Store, interview_id: int, kind: TaskKind, state: TaskState, *, now: datetime
) -> None:
    """The user finished the task now: its token is spent."""
    store.execute(
        "UPDATE tasks SET state = ?, done_at = ?, token = NULL WHERE interview_id = ? AND kind = ?",
        (state.value, to_db(now), interview_id, kind.value),
    )
