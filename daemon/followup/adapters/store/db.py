"""The database connection: pragmas, private file modes, one transaction per unit
of work, the migrations of schema.py applied on open.

WAL mode so the CLI can read while the service writes; a busy timeout so two
writers wait instead of failing; foreign keys on.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from followup.adapters import private
from followup.adapters.store.schema import MIGRATIONS, SCHEMA_VERSION
from followup.core.model import FollowupError


class StoreError(FollowupError):
    """The database cannot be read or written (disk full, I/O error, locked): the
    unit of work was rolled back; the pass stops and is retried later."""


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
            raise FollowupError(
                f"{path}: cannot open the database: {err.strerror or err}"
            ) from None
        except sqlite3.Error as err:
            raise FollowupError(f"{path}: cannot open the database: {err}") from None
        self.db.row_factory = sqlite3.Row
        self._batch = False  # inside batch(): transaction() opens a savepoint
        self._units: list[str] = []  # the savepoints open in the batch, innermost last
        self._serial = 0
        # health rows this connection wrote: key -> (value, when), to skip rewriting them
        self.health_written: dict[str, tuple[str, datetime]] = {}
        self.bookkeeping = 0  # rows changed by set_health_quietly (see own_changes)
        try:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA synchronous = FULL")  # a send's record must survive power loss
        except sqlite3.Error as err:
            self.db.close()
            raise StoreError(
                f"{path}: cannot open the database: {err} (is the disk full?)"
            ) from None
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
            raise FollowupError(
                f"{self.path}: database schema v{current} is newer than this "
                f"followup (v{SCHEMA_VERSION}); upgrade followup"
            )
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction():
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rollback on any error. Not re-entrant, except
        inside `batch()`, where it is a savepoint of the batch's transaction."""
        if self._batch:
            with self._unit():
                yield self.db
            return
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

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for many units of work (a sync's chunk of messages): each
        `transaction()` inside is a savepoint, so a failing one is undone alone, and
        nothing is on disk before the batch commits (a crash redoes all of it)."""
        with self.transaction():
            self._batch = True
            try:
                yield
            finally:
                self._batch = False
                self._units.clear()

    @contextlib.contextmanager
    def _unit(self) -> Iterator[None]:
        self._serial += 1
        name = f"unit{self._serial}"
        self._write(f"SAVEPOINT {name}")
        self._units.append(name)
        try:
            yield
        except BaseException:
            self.undo_units()
            raise
        self._write(f"RELEASE {name}")
        self._units.pop()

    def undo_units(self) -> None:
        """Roll back every savepoint still open in the batch. Safe to call again when a
        signal cut an earlier call short: ROLLBACK TO can be repeated, and a name goes
        off the list only once SQLite has no such savepoint any more."""
        while self._units:
            name = self._units[-1]
            try:
                self.db.execute(f"ROLLBACK TO {name}")
            except sqlite3.OperationalError as err:
                if "no such savepoint" not in str(err):
                    raise StoreError(f"{self.path}: cannot write the database: {err}") from None
            else:
                self._write(f"RELEASE {name}")
            self._units.pop()

    def _write(self, sql: str) -> None:
        try:
            self.db.execute(sql)
        except sqlite3.OperationalError as err:
            raise StoreError(f"{self.path}: cannot write the database: {err}") from None

    def data_version(self) -> int:
        """Moves when another connection (a `followup` command) commits a change."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def own_changes(self) -> int:
        """Rows this connection changed, except health bookkeeping (heartbeat, last sync)."""
        return self.db.total_changes - self.bookkeeping

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

    def housekeep(self) -> None:
        """Keep the WAL file small and the query planner's statistics fresh."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("PRAGMA optimize")

    # --- health (the rows live in messages.py; kept here for the callers) --

    def set_health(self, key: str, value: str, *, now: datetime) -> None:
        from followup.adapters.store import messages  # messages imports this module

        messages.set_health(self, key, value, now=now)

    def health(self) -> dict[str, tuple[str, datetime | None]]:
        from followup.adapters.store import messages

        return messages.health(self)
