"""The SQLite store: WAL, foreign keys, versioned forward migrations, atomic units."""

from __future__ import annotations

import sqlite3

import pytest

from followup.adapters import store as store_module
from followup.adapters.store import MIGRATIONS, SCHEMA_VERSION, Store, utcnow


def test_new_database_is_current_with_wal_and_foreign_keys(tmp_path):
    """A new store is at the latest schema, in WAL mode, with foreign keys enforced."""
    with Store(tmp_path / "f.db") as s:
        assert s.version == SCHEMA_VERSION
        assert s.one("PRAGMA journal_mode")[0] == "wal"
        assert s.one("PRAGMA foreign_keys")[0] == 1
        assert s.one("PRAGMA busy_timeout")[0] >= 1000
        with pytest.raises(sqlite3.IntegrityError):
            s.execute("INSERT INTO people (interview_id, email) VALUES (999, 'x@y.z')")


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_database_from_each_earlier_schema_migrates_and_keeps_its_rows(tmp_path, version):
    """A database written by any earlier schema version is migrated forward, data intact."""
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for step in MIGRATIONS[:version]:
        step(db)
    db.execute(f"PRAGMA user_version = {version}")
    db.execute(
        "INSERT INTO sync_state (folder, uidvalidity, last_uid) VALUES ('imap:INBOX', 7, 42)"
    )
    db.execute("COMMIT")
    db.close()
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION > 1
        row = s.one("SELECT uidvalidity, last_uid FROM sync_state")
        assert tuple(row) == (7, 42)
        with s.transaction():
            s.set_health("last_sync", "ok", now=utcnow())  # the v2 table works
        assert s.health()["last_sync"][0] == "ok"


def test_newer_schema_is_refused_clearly(tmp_path):
    """A database from a newer followup is not touched."""
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(store_module.FollowupError, match="newer"):
        Store(path)


def test_a_failed_unit_of_work_leaves_nothing_behind(tmp_path):
    """One transaction per unit of work: an error rolls back every write in it."""
    with Store(tmp_path / "f.db") as s:
        with pytest.raises(RuntimeError), s.transaction():
            s.execute("INSERT INTO sync_state (folder, uidvalidity) VALUES ('a', 1)")
            raise RuntimeError("crash in the middle")
        assert s.one("SELECT count(*) FROM sync_state")[0] == 0


def test_naive_datetimes_never_reach_the_store():
    """Times are stored as UTC instants; a naive time is a bug, not data."""
    from datetime import datetime

    with pytest.raises(ValueError):
        store_module.to_db(datetime(2026, 12, 1, 14, 0))
    assert (
        store_module.to_db(datetime.fromisoformat("2026-12-01T14:00:00-06:00"))
        == "2026-12-01T20:00:00+00:00"
    )
