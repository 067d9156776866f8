"""Private by default: under the usual umask 022 the state folder is 0700, the
database (debriefs, live reply tokens) with its -wal/-shm, the outbox messages,
the run lock and the config `followup init` writes are 0600."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import write_config
from mailgen import invite
from runner import followup

from followup.adapters import config
from followup.adapters.store import Store
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.app.service import RunLock


@pytest.fixture(autouse=True)
def umask_022():
    """The common default: without explicit modes, files come out 0644, folders 0755.
    Subprocesses inherit it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_writes_the_config_0600_in_a_0700_folder(tmp_path):
    path = tmp_path / "fresh" / "config.toml"
    result = followup("init", "--config", str(path), "--email", "sam.seeker@gmail.com")
    assert result.returncode == 0, result.stderr
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    # --force over a config an older followup wrote 0644: tightened too.
    path.chmod(0o644)
    again = followup("init", "--config", str(path), "--email", "sam.seeker@gmail.com", "--force")
    assert again.returncode == 0, again.stderr
    assert mode(path) == 0o600


def test_state_folder_database_and_outbox_are_private(tmp_path):
    """A run with the default places: the state folder, the database and its WAL
    files, the run lock, the outbox folder and every message in it."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    start = datetime.now(UTC) - timedelta(hours=3)  # ended: a debrief request goes out
    (maildir / "new" / "1.invite").write_bytes(
        invite(uid="private-1", start=start, people=[("Jane Doe", "jane@acme.example")])
    )
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[me]\nemail = "sam@example.net"\n'
        f'[source]\nkind = "maildir"\npath = "{maildir}"\n'
        '[transport]\nkind = "file"\n',
        encoding="utf-8",
    )
    state = config.state_dir()  # $FOLLOWUP_STATE_DIR: not there yet
    assert not state.exists()
    result = followup("run", "--once", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    db = state / "followup.db"
    outbox = state / "outbox"
    messages = list(outbox.glob("*.eml"))
    assert messages, "nothing was written to the outbox"
    assert mode(state) == 0o700
    assert mode(db) == 0o600
    assert mode(state / "followup.lock") == 0o600
    assert mode(outbox) == 0o700
    assert {m.name: mode(m) for m in messages} == {m.name: 0o600 for m in messages}
    # -wal and -shm exist while a connection is open: SQLite gives them the db's mode.
    with Store(db) as store:
        with store.transaction():
            store.set_health("probe", "x", now=datetime.now(UTC))
        companions = [Path(f"{db}-wal"), Path(f"{db}-shm")]
        assert all(p.exists() for p in companions)
        assert [mode(p) for p in companions] == [0o600, 0o600]


def test_a_database_an_older_followup_left_0644_is_tightened(tmp_path):
    db = tmp_path / "old" / "followup.db"
    Store(db).close()
    db.chmod(0o644)
    with Store(db):
        assert mode(db) == 0o600


def test_an_existing_folder_is_left_alone_but_the_files_in_it_are_private(
    tmp_path, monkeypatch, imap_account
):
    """[storage] path / [transport] path in the user's own folder: not chmod'ed."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    cfg = write_config(
        tmp_path / "cfg" / "config.toml", imap=imap_account, outbox=shared / "outbox"
    )
    text = cfg.read_text().replace(
        f'path = "{cfg.parent / "followup.db"}"', f'path = "{shared / "followup.db"}"'
    )
    cfg.write_text(text)
    monkeypatch.setenv("FOLLOWUP_IMAP_PASSWORD", imap_account.password)
    start = datetime.now(UTC) - timedelta(hours=3)
    imap_account.append(
        "INBOX", invite(uid="private-2", start=start, people=[("Raj Patel", "raj@acme.example")])
    )
    settings = config.load(cfg)
    assert settings.storage_path == shared / "followup.db"
    with RunLock(settings.storage_path):
        rt = open_runtime(settings)
        try:
            run_pass(rt)
        finally:
            rt.close()
    assert mode(shared) == 0o755  # the user's folder, as they made it
    assert mode(shared / "followup.db") == 0o600
    assert mode(shared / "outbox") == 0o700  # made by us
    sent = list((shared / "outbox").glob("*.eml"))
    assert sent and {mode(m) for m in sent} == {0o600}
