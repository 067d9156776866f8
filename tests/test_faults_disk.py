"""Disk full while writing: the service says so in one clear line, writes nothing
half, and carries on when space returns. Plus: every older schema migrates."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import write_config
from mailgen import ME, invite
from runner import followup

from followup.adapters import config
from followup.adapters.store import MIGRATIONS, SCHEMA_VERSION, Store
from followup.app import drafts
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import DraftState


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A tmpfs of a given size, unmounted afterwards (the tests run as root)."""
    mounted = []

    def make(size: str) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        out = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, f"cannot mount a tmpfs: {out.stderr}"
        mounted.append(where)
        return where

    yield make
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of `disk`; returns the filler to delete."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while os.write(fd, b"\0" * size) == size:
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.mark.integration
def test_database_disk_full_is_one_clear_line_and_recovers(mail_env, imap_account, tiny_disk):
    disk = tiny_disk("1m")
    db = disk / "followup.db"
    text = mail_env.read_text()
    mail_env.write_text(
        text.replace(f'path = "{mail_env.parent / "followup.db"}"', f'path = "{db}"')
    )
    first = followup("run", "--once")
    assert first.returncode == 0, first.stderr
    assert db.exists()
    soon = datetime.now(UTC) + timedelta(days=3)
    for i in range(6):
        imap_account.append(
            "INBOX",
            invite(
                uid=f"full-{i}",
                start=soon + timedelta(hours=i),
                company=f"Full{i}",
                people=[(f"Person {j}", f"p{i}.{j}@full.example") for j in range(30)],
            ),
        )
    filler = fill(disk)
    full = followup("run", "--once")
    print(f"\nDISK-FULL (database): exit={full.returncode} stderr={full.stderr!r}")
    # While full: read without creating the WAL index (immutable), nothing torn.
    con = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    integrity_when_full = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    filler.unlink()  # space returns
    again = followup("run", "--once")
    assert again.returncode == 0, again.stderr
    assert integrity_when_full == "ok" and integrity(db) == "ok"
    con = sqlite3.connect(db)
    try:
        uids = sorted(r[0] for r in con.execute("SELECT event_uid FROM interviews"))
        keys = [r[0] for r in con.execute("SELECT key FROM messages")]
        stuck = con.execute("SELECT count(*) FROM drafts WHERE state = 'sending'").fetchone()[0]
        half = con.execute("SELECT count(*) FROM sends WHERE state = 'sending'").fetchone()[0]
    finally:
        con.close()
    assert uids == sorted(f"full-{i}" for i in range(6))
    assert len(keys) == len(set(keys)) == 6
    assert stuck == half == 0
    # While full: exit 1 and one clear line naming the database, no traceback.
    assert full.returncode == 1
    assert "Traceback" not in full.stderr, full.stderr
    last = [ln for ln in full.stderr.splitlines() if ln.strip()][-1]
    assert last.startswith("followup: ") and "database" in last, last


START = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
AFTER = START + timedelta(hours=2)


@pytest.mark.integration
def test_outbox_folder_full_writes_no_half_file_and_sends_once_later(
    imap_account, tmp_path, monkeypatch, tiny_disk
):
    disk = tiny_disk("64k")
    outbox = disk / "outbox"
    cfg = write_config(tmp_path / "cfg2" / "config.toml", imap=imap_account, outbox=outbox)
    monkeypatch.setenv("FOLLOWUP_IMAP_PASSWORD", imap_account.password)
    imap_account.append(
        "INBOX", invite(uid="outbox-full", start=START, people=[("Jane Doe", "jane@acme.example")])
    )
    rt = open_runtime(config.load(cfg), clock=lambda: AFTER)
    try:
        run_pass(rt, now=AFTER)
        # A long draft: bigger than what is left on the disk.
        (d,) = [x for x in drafts.list_drafts(rt.store) if x.to.email == "jane@acme.example"]
        with rt.store.transaction():
            drafts.edit(
                rt.store, d.id, "Dear Jane,\n\n" + "Thank you. " * 2_500 + "\n\nSam", now=AFTER
            )
            drafts.approve(rt.store, d.id, sender=ME, now=AFTER)
        outbox.mkdir(exist_ok=True)
        filler = fill(disk)
        os.truncate(filler, max(0, filler.stat().st_size - 16 * 1024))  # 16 KB left
        run_pass(rt, now=AFTER)
        after_full = drafts.get(rt.store, d.id)
        leftovers = sorted(p.name for p in outbox.glob("*.part"))
        print(
            f"\nDISK-FULL (outbox): state={after_full.state.value} "
            f"error={after_full.last_error!r} files={leftovers}"
        )
        assert after_full.state is DraftState.APPROVED  # not sent, retried later
        assert "space" in (after_full.last_error or "").lower()
        assert integrity(rt.settings.storage_path) == "ok"
        assert leftovers == [], "a half-written message was left in the outbox"
        filler.unlink()
        run_pass(rt, now=AFTER + timedelta(hours=2))
        run_pass(rt, now=AFTER + timedelta(hours=3))
        final = drafts.get(rt.store, d.id)
        assert final.state is DraftState.SENT
        sent = [p for p in outbox.glob("*.eml") if b"X-Followup:" not in p.read_bytes()]
        assert len(sent) == 1
        assert rt.store.one("SELECT count(*) FROM sends WHERE state = 'sending'")[0] == 0
    finally:
        rt.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_older_schema_migrates_to_the_current_one(tmp_path, version):
    """test_store.py covers v1 with data; here every version < current is built and
    migrated, and must end with exactly the schema of a new database."""
    old = tmp_path / f"v{version}.db"
    db = sqlite3.connect(old, isolation_level=None)
    db.execute("BEGIN")
    for step in MIGRATIONS[:version]:
        step(db)
    db.execute(f"PRAGMA user_version = {version}")
    db.execute("COMMIT")
    db.close()
    with Store(old) as migrated, Store(tmp_path / "new.db") as fresh:
        assert migrated.version == SCHEMA_VERSION
        schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        assert [tuple(r) for r in migrated.all(schema)] == [tuple(r) for r in fresh.all(schema)]
        assert migrated.one("PRAGMA integrity_check")[0] == "ok"


@pytest.mark.parametrize("once", [True, False], ids=["run-once", "daemon"])
def test_first_start_on_a_full_disk_is_one_clear_line(tmp_path, tiny_disk, once):
    """No database or run lock yet and no space to write them: exit 1 with one line
    naming what could not be written, no traceback (the run lock used to raise)."""
    disk = tiny_disk("256k")
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    cfg = write_config(tmp_path / "cfg" / "config.toml", maildir=maildir, outbox=disk / "outbox")
    cfg.write_text(
        cfg.read_text().replace(
            f'path = "{cfg.parent / "followup.db"}"', f'path = "{disk / "state" / "followup.db"}"'
        )
    )
    (disk / "state").mkdir()
    fill(disk)
    result = followup("run", *(["--once"] if once else []), "--config", str(cfg), timeout=30)
    print(f"\nDISK-FULL (first start): exit={result.returncode} stderr={result.stderr!r}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert line.startswith("followup: ") and str(disk / "state") in line, line
