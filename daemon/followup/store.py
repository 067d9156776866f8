"""SQLite store: schema, named migrations, one transaction per unit of work.

WAL mode so the CLI can read while the service writes; a busy timeout so two
writers wait instead of failing; foreign keys on. The schema version lives in
`PRAGMA user_version`; migrations are small named functions applied in order.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from followup import private
from followup.model import FollowupError


class StoreError(FollowupError):
    """The database cannot be read or written (disk full, I/O error, locked): the
    unit of work was rolled back; the pass stops and is retried later."""


def _script(db: sqlite3.Connection, sql: str) -> None:
    # executescript() would COMMIT first and break the migration's transaction.
    for statement in sql.split(";\n"):
        if statement.strip():
            db.execute(statement)


def _v1_initial(db: sqlite3.Connection) -> None:
    _script(db, """
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
        """
    )


def _v2_health(db: sqlite3.Connection) -> None:
    # The service records its heartbeat, last sync/send and last error here so
    # `followup status` can say whether it is healthy.
    _script(db, """
        CREATE TABLE health (
            key        TEXT PRIMARY KEY,
            value      TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """
    )


def _v3_pause_details(db: sqlite3.Connection) -> None:
    # A plan paused by a message from the company keeps who wrote and what, so
    # the user is told exactly once and `status` can show it.
    _script(db, """
        ALTER TABLE interviews ADD COLUMN paused_by TEXT;
        ALTER TABLE interviews ADD COLUMN paused_subject TEXT;
        ALTER TABLE interviews ADD COLUMN pause_notified INTEGER NOT NULL DEFAULT 0
        """)


def _v4_task_retries(db: sqlite3.Connection) -> None:
    # A task that cannot be carried out (a broken template, the mail server away)
    # waits with a backoff instead of being retried on every wake-up.
    _script(db, """
        ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE tasks ADD COLUMN retry_at TEXT
        """)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1_initial, _v2_health,
                                                          _v3_pause_details, _v4_task_retries]
SCHEMA_VERSION = len(MIGRATIONS)


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db(when: datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("naive datetime reached the store")
    return when.astimezone(UTC).isoformat(timespec="seconds")


def from_db(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _create_private(path: Path) -> None:
    """The database 0600 before SQLite opens it: SQLite gives its -wal and -shm files
    the database file's mode, so they are private too. A database an older followup
    made under umask 022 is tightened."""
    private.make_dir(path.parent)
    os.close(private.open_file(path, os.O_RDONLY))
    for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        private.tighten(companion)


class Store:
    """One SQLite connection; `with store.transaction():` for each unit of work."""

    def __init__(self, path: Path, *, migrate: bool = True):
        self.path = path
        try:
            _create_private(path)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except OSError as err:
            raise FollowupError(f"{path}: cannot open the database: {err.strerror or err}"
                                ) from None
        except sqlite3.Error as err:
            raise FollowupError(f"{path}: cannot open the database: {err}") from None
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA synchronous = FULL")  # a send's record must survive power loss
        except sqlite3.Error as err:
            self.db.close()
            raise StoreError(f"{path}: cannot open the database: {err} "
                             "(is the disk full?)") from None
        if migrate:
            self.migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise FollowupError(f"{self.path}: database schema v{current} is newer than this "
                                f"followup (v{SCHEMA_VERSION}); upgrade followup")
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction():
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rollback on any error. Not re-entrant."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise StoreError(f"{self.path}: cannot write the database: {err}") from None
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreError(f"{self.path}: cannot write the database: {exc}") from None
            raise

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def insert(self, sql: str, params: tuple | dict = ()) -> int:
        """One INSERT; returns the new row's id."""
        rowid = self.db.execute(sql, params).lastrowid
        if rowid is None:  # sqlite3 sets it after every INSERT: a statement that inserts nothing
            raise StoreError(f"{self.path}: no row inserted")
        return rowid

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.db.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()

    # --- health ---------------------------------------------------------

    def set_health(self, key: str, value: str, *, now: datetime) -> None:
        self.execute(
            "INSERT INTO health (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (key, value, to_db(now)),
        )

    def health(self) -> dict[str, tuple[str, datetime | None]]:
        return {r["key"]: (r["value"], from_db(r["updated_at"]))
                for r in self.all("SELECT * FROM health")}
