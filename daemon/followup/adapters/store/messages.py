"""The message log (every message looked at, once), the sync position of each
folder, and the service's health."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from followup.adapters.store.db import Store, from_db, to_db
from followup.core.model import LoggedMessage, SyncPosition

# --- the message log ----------------------------------------------------------------


def log(
    store: Store,
    folder: str,
    key: str,
    outcome: str,
    reason: str,
    *,
    now: datetime,
    message_id: str | None = None,
) -> None:
    """What was made of one message; a message logged already keeps its first entry."""
    store.execute(
        "INSERT OR IGNORE INTO messages (folder, key, message_id, outcome, reason, "
        "seen_at) VALUES (?, ?, ?, ?, ?, ?)",
        (folder, key, message_id, outcome, reason, to_db(now)),
    )


def seen_key(store: Store, folder: str, key: str) -> bool:
    return (
        store.one("SELECT 1 FROM messages WHERE folder = ? AND key = ?", (folder, key)) is not None
    )


def seen_message_id(store: Store, message_id: str) -> bool:
    """A message with this Message-ID (or header fingerprint) was handled, not rejected."""
    return (
        store.one(
            "SELECT 1 FROM messages WHERE message_id = ? AND outcome != 'rejected'", (message_id,)
        )
        is not None
    )


# Outcomes of a message that made or changed an interview: its thread is the interview's.
_INTERVIEW_OUTCOMES = ("new", "update", "cancel")
MAX_THREAD_IDS = 50_000  # newest first: years of a busy search


def thread_ids(store: Store) -> frozenset[str]:
    """Lower-cased Message-IDs a reply may name to be worth reading: every message
    followup sent, and every message an interview came from or was changed by."""
    marks = ",".join("?" * len(_INTERVIEW_OUTCOMES))
    rows = store.all(
        "SELECT message_id AS id FROM sends "
        "UNION SELECT source FROM interviews WHERE source LIKE '<%' "
        f"UNION SELECT message_id FROM messages WHERE outcome IN ({marks}) "
        "AND message_id LIKE '<%' LIMIT ?",
        (*_INTERVIEW_OUTCOMES, MAX_THREAD_IDS),
    )
    return frozenset(str(r["id"]).strip().lower() for r in rows)


def thread_generation(store: Store) -> tuple:
    """Changes whenever `thread_ids` or the active plans' people may have changed: cheap
    enough to ask every few hundred messages of a first sync."""
    row = store.one(
        "SELECT (SELECT max(id) FROM sends) AS s, (SELECT count(*) FROM people) AS p, "
        "(SELECT max(updated_at) FROM interviews) AS i, (SELECT count(*) FROM interviews) AS n"
    )
    return tuple(row) if row is not None else ()


def known_keys(store: Store, folder: str) -> frozenset[str]:
    """Every key of the folder looked at already."""
    return frozenset(
        r["key"] for r in store.all("SELECT key FROM messages WHERE folder = ?", (folder,))
    )


def recent(store: Store, outcome: str, *, since: datetime, limit: int) -> list[LoggedMessage]:
    """Messages with this outcome logged since `since`, the oldest first."""
    return [
        LoggedMessage(r["id"], r["message_id"], outcome, r["reason"])
        for r in store.all(
            "SELECT id, message_id, reason FROM messages WHERE outcome = ? AND seen_at >= ? "
            "ORDER BY id LIMIT ?",
            (outcome, to_db(since), limit),
        )
    ]


def not_skipped(store: Store) -> list[LoggedMessage]:
    """Every message that was more than skipped, in the order it was seen."""
    return [
        LoggedMessage(r["id"], r["message_id"], r["outcome"], r["reason"])
        for r in store.all(
            "SELECT id, message_id, outcome, reason FROM messages "
            "WHERE outcome != 'skipped' ORDER BY id"
        )
    ]


# --- sync position ------------------------------------------------------------------


def position(store: Store, folder: str) -> SyncPosition | None:
    row = store.one("SELECT uidvalidity, last_uid FROM sync_state WHERE folder = ?", (folder,))
    return SyncPosition(row["uidvalidity"], row["last_uid"]) if row else None


def restart(store: Store, folder: str, start: SyncPosition) -> None:
    """The sync of the folder starts over from `start` (a new UIDVALIDITY, a rescan)."""
    store.execute(
        "INSERT INTO sync_state (folder, uidvalidity, last_uid) VALUES (?, ?, ?) "
        "ON CONFLICT (folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
        "last_uid = excluded.last_uid",
        (folder, start.uidvalidity, start.last_uid),
    )


def advance(store: Store, folder: str, done: SyncPosition) -> None:
    """Everything up to `done` is handled; the position never moves back."""
    store.execute(
        "UPDATE sync_state SET last_uid = max(last_uid, ?) WHERE folder = ?",
        (done.last_uid, folder),
    )


# --- health -------------------------------------------------------------------------


def set_health(store: Store, key: str, value: str, *, now: datetime) -> None:
    store.execute(
        "INSERT INTO health (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at",
        (key, value, to_db(now)),
    )


def clear_health(store: Store, key: str) -> None:
    store.execute("DELETE FROM health WHERE key = ?", (key,))


def set_health_quietly(
    store: Store, key: str, value: str, *, now: datetime, every: timedelta, timely: bool = False
) -> bool:
    """set_health in its own transaction, but only when the value changed or `every`
    has passed since this connection last wrote it: a quiet pass writes nothing.
    `timely`: the value is a time (last_sync), so only `every` counts. True if written."""
    last = store.health_written.get(key)
    if last is not None and (timely or last[0] == value) and timedelta(0) <= now - last[1] < every:
        return False
    before = store.db.total_changes
    with store.transaction():
        set_health(store, key, value, now=now)
    store.bookkeeping += store.db.total_changes - before
    store.health_written[key] = (value, now)
    return True


SYNC_PROGRESS = "sync_progress"  # the health row of a long sync in progress (JSON)


def set_sync_progress(store: Store, progress: dict, *, now: datetime) -> None:
    set_health(store, SYNC_PROGRESS, json.dumps(progress), now=now)


def clear_sync_progress(store: Store) -> None:
    clear_health(store, SYNC_PROGRESS)


def sync_progress(store: Store) -> tuple[dict, datetime | None] | None:
    """The last progress a long sync saved, and when; None when none is going on."""
    row = store.one("SELECT value, updated_at FROM health WHERE key = ?", (SYNC_PROGRESS,))
    if row is None:
        return None
    try:
        data = json.loads(row["value"])
    except ValueError:
        return None
    return (data, from_db(row["updated_at"])) if isinstance(data, dict) else None


def health(store: Store) -> dict[str, tuple[str, datetime | None]]:
    """key -> (value, when it was set): heartbeat, last_sync, last_send, last_error."""
    return {
        r["key"]: (r["value"], from_db(r["updated_at"])) for r in store.all("SELECT * FROM health")
    }
