"""The schema: named migrations applied in order (docs/ARCHITECTURE.md §3.11).

The schema version lives in `PRAGMA user_version`; each migration is a small
named function, applied in its own transaction by `Store.migrate()`. A migration,
once released, never changes: databases exist at every earlier version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _script(db: sqlite3.Connection, sql: str) -> None:
    # executescript() would COMMIT first and break the migration's transaction.
    for statement in sql.split(";\n"):
        if statement.strip():
            db.execute(statement)


def _v1_initial(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE sync_state (
            folder      TEXT PRIMARY KEY,
            uidvalidity INTEGER NOT NULL,
            last_uid    INTEGER NOT NULL DEFAULT 0,
            synced_at   TEXT
        );
        CREATE TABLE messages (             -- every message looked at, once
            id          INTEGER PRIMARY KEY,
            folder      TEXT NOT NULL,      -- "imap:INBOX", "maildir:/path"
            key         TEXT NOT NULL,      -- IMAP "uidvalidity:uid", Maildir key
            message_id  TEXT,
            -- new | update | cancel | duplicate | ignored | rejected | reply
            outcome     TEXT NOT NULL,
            reason      TEXT NOT NULL DEFAULT '',
            seen_at     TEXT NOT NULL,
            UNIQUE (folder, key)
        );
        CREATE INDEX messages_by_message_id ON messages (message_id);
        CREATE TABLE interviews (
            id          INTEGER PRIMARY KEY,
            event_uid   TEXT NOT NULL UNIQUE,   -- iCalendar UID, else Message-ID
            sequence    INTEGER NOT NULL DEFAULT 0,
            title       TEXT NOT NULL DEFAULT '',
            company     TEXT NOT NULL DEFAULT '',
            role        TEXT NOT NULL DEFAULT '',
            start_utc   TEXT NOT NULL,
            end_utc     TEXT NOT NULL,
            timezone    TEXT NOT NULL,          -- the IANA zone the times were given in
            location    TEXT,
            video_link  TEXT,
            state       TEXT NOT NULL,
            confidence  REAL NOT NULL DEFAULT 1.0,
            stop_reason TEXT,
            source      TEXT NOT NULL DEFAULT '',  -- message id / file / "manual"
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        CREATE TABLE people (
            id           INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            name         TEXT NOT NULL DEFAULT '',
            email        TEXT NOT NULL,
            phone        TEXT,
            UNIQUE (interview_id, email)
        );
        CREATE TABLE debriefs (
            interview_id      INTEGER PRIMARY KEY REFERENCES interviews(id) ON DELETE CASCADE,
            topics            TEXT NOT NULL DEFAULT '',
            went_well         TEXT NOT NULL DEFAULT '',
            wish_not_said     TEXT NOT NULL DEFAULT '',
            wish_said         TEXT NOT NULL DEFAULT '',
            unmet_requirement TEXT NOT NULL DEFAULT '',
            made_up_for       TEXT NOT NULL DEFAULT '',
            answered_at       TEXT NOT NULL
        );
        CREATE TABLE tasks (
            id           INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            kind         TEXT NOT NULL,
            due_utc      TEXT NOT NULL,
            state        TEXT NOT NULL,
            late         INTEGER NOT NULL DEFAULT 0,
            done_at      TEXT,
            token        TEXT,             -- authenticates the user's reply to this reminder
            UNIQUE (interview_id, kind)
        );
        CREATE TABLE drafts (
            id           INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            to_name      TEXT NOT NULL DEFAULT '',
            to_email     TEXT NOT NULL,
            subject      TEXT NOT NULL,
            body         TEXT NOT NULL,
            html         TEXT,
            warnings     TEXT NOT NULL DEFAULT '',   -- one phrase warning a line
            state        TEXT NOT NULL,
            edited       INTEGER NOT NULL DEFAULT 0, -- the user's text: never re-rendered
            late         INTEGER NOT NULL DEFAULT 0,
            token        TEXT,                       -- approval by email; new on every edit
            message_id   TEXT UNIQUE,                -- fixed at approval
            approved_at  TEXT,
            request_sent INTEGER NOT NULL DEFAULT 0, -- approval request emailed
            attempts     INTEGER NOT NULL DEFAULT 0,
            retry_at     TEXT,
            last_error   TEXT,
            created_at   TEXT NOT NULL,
            updated_at   TEXT NOT NULL,
            UNIQUE (interview_id, to_email)
        );
        CREATE TABLE sends (                         -- every message the service emits
            id          INTEGER PRIMARY KEY,
            message_id  TEXT NOT NULL UNIQUE,
            draft_id    INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
            -- thank_you | approval_request | debrief_request | reminder | notice
            purpose     TEXT NOT NULL,
            ref         TEXT,                        -- what a notice is for: sent once per ref
            recipients  TEXT NOT NULL,               -- comma-separated addresses
            state       TEXT NOT NULL,               -- sending | sent | failed | unknown
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            error       TEXT
        );
        CREATE INDEX sends_by_ref ON sends (ref);
        """,
    )


def _v2_health(db: sqlite3.Connection) -> None:
    # The service records its heartbeat, last sync/send and last error here so
    # `followup status` can say whether it is healthy.
    _script(
        db,
        """
        CREATE TABLE health (
            key        TEXT PRIMARY KEY,
            value      TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    )


def _v3_pause_details(db: sqlite3.Connection) -> None:
    # A plan paused by a message from the company keeps who wrote and what, so
    # the user is told exactly once and `status` can show it.
    _script(
        db,
        """
        ALTER TABLE interviews ADD COLUMN paused_by TEXT;
        ALTER TABLE interviews ADD COLUMN paused_subject TEXT;
        ALTER TABLE interviews ADD COLUMN pause_notified INTEGER NOT NULL DEFAULT 0
        """,
    )


def _v4_task_retries(db: sqlite3.Connection) -> None:
    # A task that cannot be carried out (a broken template, the mail server away)
    # waits with a backoff instead of being retried on every wake-up.
    _script(
        db,
        """
        ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE tasks ADD COLUMN retry_at TEXT
        """,
    )


def _v5_people_notes(db: sqlite3.Connection) -> None:
    # The debrief is about people too: each interviewer's title, the user's own
    # note about them, and who the calls go to; and what the user meant instead of
    # the words they regret (call 1 says it).
    _script(
        db,
        """
        ALTER TABLE people ADD COLUMN title TEXT NOT NULL DEFAULT '';
        ALTER TABLE people ADD COLUMN talked_about TEXT NOT NULL DEFAULT '';
        ALTER TABLE people ADD COLUMN remember TEXT NOT NULL DEFAULT '';
        ALTER TABLE people ADD COLUMN to_call INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE debriefs ADD COLUMN meant TEXT NOT NULL DEFAULT '';
        -- once the user has edited the list, invites no longer add people to it
        ALTER TABLE interviews ADD COLUMN people_by_user INTEGER NOT NULL DEFAULT 0
        """,
    )


def _v6_approval_requests(db: sqlite3.Connection) -> None:
    # One approval request per interview, holding every waiting draft of it; a
    # reply names drafts by their number in it. `drafts` is the JSON list of
    # [draft id, draft token] in that order: the words the user was shown.
    _script(
        db,
        """
        CREATE TABLE approval_requests (
            id           INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            token        TEXT NOT NULL UNIQUE,
            drafts       TEXT NOT NULL,
            state        TEXT NOT NULL,     -- open | answered | superseded
            created_at   TEXT NOT NULL
        );
        CREATE INDEX approval_requests_by_interview ON approval_requests (interview_id);
        -- when a task's reminder went out: the next call is counted from it
        ALTER TABLE tasks ADD COLUMN reminded_at TEXT;
        -- who arranged the interview without sitting in it (JSON list of people)
        ALTER TABLE interviews ADD COLUMN coordinators TEXT NOT NULL DEFAULT '[]';
        -- an out-of-office of the person to call: no call before they are back
        ALTER TABLE interviews ADD COLUMN calls_after TEXT;
        ALTER TABLE interviews ADD COLUMN calls_after_who TEXT NOT NULL DEFAULT '';
        ALTER TABLE interviews ADD COLUMN calls_after_told INTEGER NOT NULL DEFAULT 0
        """,
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1_initial,
    _v2_health,
    _v3_pause_details,
    _v4_task_retries,
    _v5_people_notes,
    _v6_approval_requests,
]
SCHEMA_VERSION = len(MIGRATIONS)
