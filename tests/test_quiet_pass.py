"""What a pass costs when nothing happens, and what a long first sync shows while it runs:
a quiet pass plans nothing and writes nothing, but replans once a task falls due, at the
user's midnight, or when another process changed the store; a first sync saves its
progress per chunk, which `followup status` (and --health --json) and systemd show."""

from __future__ import annotations

import email.headerregistry
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hostile import hostile_corpus
from mailgen import invite
from runner import followup
from test_service import Notifications

from followup.adapters import config
from followup.adapters.sources import header_block
from followup.adapters.store import messages as message_log
from followup.adapters.store import tasks as task_rows
from followup.app import inbound, pipeline, wakeup
from followup.app.outbox import MARK_HEADER
from followup.app.runtime import open_runtime
from followup.app.wakeup import SyncProgress, progress_text
from followup.core import plan

CHICAGO = ZoneInfo("America/Chicago")
BEFORE = datetime(2026, 11, 24, 9, 0, tzinfo=CHICAGO)  # the interview is a week ahead
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)
JANE = ("Jane Doe", "jane.doe@acme.example")
MESSAGES = Path(__file__).parent / "fixtures" / "messages"


# --- the header fields, read without the default policy's parser when plain ------------


def reference_header(data: bytes) -> inbound.Header:
    """How Header.parse read a header before: every field through the default policy."""
    parsed = BytesHeaderParser(policy=default_policy).parsebytes(data)

    def field(name: str) -> str:
        try:
            return str(parsed.get(name, "") or "")
        except Exception:  # noqa: BLE001 - as the old code did
            return ""

    return inbound.Header(
        message_id=field("Message-ID").strip() or None,
        senders=frozenset(a.lower() for _, a in getaddresses([field("From")]) if a),
        subject=" ".join(field("Subject").split()),
        references=frozenset(field("In-Reply-To").split() + field("References").split()),
        ours=bool(field(MARK_HEADER).strip()),
    )


NASTY = [
    b"From: a@\r\nSubject: x\r\n\r\n",
    b'From: "Doe, Jane" <jane@acme.example>\r\nMessage-ID: <a.b@c.d>\r\n\r\n',
    b"From: =?utf-8?q?Zo=C3=AB?= <zoe@acme.example>\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n\r\n",
    b"From: team: a@b.example, c@d.example;\r\nMessage-ID: =?utf-8?q?x?=\r\n\r\n",
    b"From: Jane (the recruiter) <jane@acme.example>\r\nSubject: a\r\n\tfolded\r\n\r\n",
    b"Message-ID:\r\n <folded@acme.example>\r\nIn-Reply-To: <x@y.example>\r\n\r\n",
    b"From: J\xc3\xa9r\xc3\xb4me <j@acme.example>\r\nSubject: caf\xe9\r\n\r\n",
    b"Subject: a\x0bb\xe2\x80\xa8c\r\nFrom: a@b.example, c@d.example\r\n\r\n",
    b"From: <>\r\nMessage-ID: <>\r\nX-Followup:   \r\n\r\n",
    b"X-Followup: draft\r\nFrom: Sam <sam.seeker@example.net>\r\n"
    b"References: <a@b.c> <d@e.f>\r\n\r\n",
    b"From: one@a.example\r\nFrom: two@b.example\r\n"
    b"Message-ID: <1@a.example> <2@b.example>\r\n\r\n",
    b"Subject: =?\r\nMessage-ID: <a@b>\r\n\r\n",
    b"no colon here\r\n\r\n",
    b"",
]


def headers_to_compare() -> list[bytes]:
    files = [header_block(p.read_bytes()) for p in sorted(MESSAGES.iterdir()) if p.is_file()]
    return files + [header_block(raw) for _, raw in hostile_corpus()] + NASTY


def test_plain_headers_skip_the_email_packages_parser_and_read_the_same(monkeypatch):
    for head in headers_to_compare():
        assert inbound.Header.parse(head) == reference_header(head), head[:300]
    parses = []
    factory = email.headerregistry.HeaderRegistry.__call__

    def counted(self, name, value):
        parses.append(name)
        return factory(self, name, value)

    monkeypatch.setattr(email.headerregistry.HeaderRegistry, "__call__", counted)
    header = inbound.Header.parse(
        b"From: Digest <digest@news.example>\r\nTo: sam.seeker@example.net\r\n"
        b"Subject: Your weekly digest\r\nMessage-ID: <digest-1@news.example>\r\n"
        b"In-Reply-To: <a@b.example>\r\n\r\n"
    )
    assert header.senders == {"digest@news.example"}
    assert header.message_id == "<digest-1@news.example>"
    assert parses == []


# --- a quiet pass ----------------------------------------------------------------------


@pytest.fixture
def rt(mail_env, imap_account):
    imap_account.append("INBOX", invite(uid="quiet-1", start=START, people=[JANE]))
    runtime = open_runtime(config.load(mail_env), clock=lambda: BEFORE)
    yield runtime
    runtime.close()


@pytest.fixture
def plans(monkeypatch) -> list[int]:
    """How often the planner ran (one entry per interview planned)."""
    calls: list[int] = []
    real = plan.plan_tasks

    def counted(interview, **kw):
        calls.append(interview.id)
        return real(interview, **kw)

    monkeypatch.setattr(plan, "plan_tasks", counted)
    return calls


def written(rt) -> tuple[int, int]:
    """Rows this connection changed, and the version other connections would see."""
    return rt.store.db.total_changes, rt.store.data_version()


def settled_at(rt, when: datetime) -> None:
    """Passes until one leaves the store as it found it (the interview is planned)."""
    pipeline.run_pass(rt, now=when)
    assert rt.store.one("SELECT count(*) FROM interviews")[0] == 1
    pipeline.run_pass(rt, now=when)


def test_a_quiet_pass_plans_nothing_and_writes_nothing(rt, plans):
    settled_at(rt, BEFORE)
    plans.clear()
    before = written(rt)
    report = pipeline.run_pass(rt, now=BEFORE + timedelta(minutes=2))
    assert report.quiet and report.messages == 0 and report.ok
    assert plans == []
    assert written(rt) == before  # not even a health row
    assert report.next_due == task_rows.next_due(rt.store)  # the daemon's sleep, no query


def test_a_pass_replans_when_a_task_falls_due(rt, plans):
    settled_at(rt, BEFORE)
    due = task_rows.next_due(rt.store)  # the prep reminder, the evening before
    assert due is not None and due > BEFORE
    settled_at(rt, due - timedelta(minutes=3))
    plans.clear()
    assert pipeline.run_pass(rt, now=due - timedelta(minutes=1)).quiet
    assert plans == []
    report = pipeline.run_pass(rt, now=due + timedelta(seconds=1))
    assert not report.quiet and plans
    assert report.tasks_done == 1


def test_a_pass_replans_at_the_users_midnight(rt, plans):
    evening = datetime(2026, 11, 24, 23, 55, tzinfo=CHICAGO)  # nothing is due near midnight
    settled_at(rt, evening)
    plans.clear()
    assert pipeline.run_pass(rt, now=evening + timedelta(minutes=4)).quiet
    assert plans == []
    report = pipeline.run_pass(rt, now=evening + timedelta(minutes=6))  # 00:01 in Chicago
    assert not report.quiet and plans


def test_a_change_by_another_process_ends_the_quiet(rt, plans):
    settled_at(rt, BEFORE)
    other = sqlite3.connect(rt.store.path)  # as `followup stop 1` would, in its own process
    with other:
        other.execute("UPDATE interviews SET state = 'stopped'")
    other.close()
    plans.clear()
    report = pipeline.run_pass(rt, now=BEFORE + timedelta(minutes=1))
    assert not report.quiet and plans
    states = {r["state"] for r in rt.store.all("SELECT state FROM tasks")}
    assert "pending" not in states  # the stopped plan's tasks were cancelled at once


def test_health_rows_are_written_on_change_or_every_few_minutes(offline_runtime):
    store = offline_runtime.store
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    every = timedelta(minutes=5)
    assert message_log.set_health_quietly(store, "heartbeat", "42", now=now, every=every)
    before = written(offline_runtime)
    later = now + timedelta(minutes=4)
    assert not message_log.set_health_quietly(store, "heartbeat", "42", now=later, every=every)
    assert written(offline_runtime) == before
    assert message_log.set_health_quietly(store, "heartbeat", "43", now=later, every=every)
    assert message_log.set_health_quietly(store, "heartbeat", "43", now=later + every, every=every)
    assert store.health()["heartbeat"] == ("43", later + every)
    # last_sync's value is its time: only the interval counts
    assert message_log.set_health_quietly(
        store, "last_sync", "a", now=now, every=every, timely=True
    )
    assert not message_log.set_health_quietly(
        store, "last_sync", "b", now=later, every=every, timely=True
    )
    assert message_log.set_health_quietly(
        store, "last_sync", "c", now=now - timedelta(hours=1), every=every, timely=True
    )  # a clock set back: written, never stuck


# --- a first sync's progress -----------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "text"),
    [
        (SyncProgress(first=True), "first sync: 0 messages, 0 interviews"),
        (
            SyncProgress(first=True, total=10_000, scanned=3_210, interviews=2),
            "first sync: 3,210 / 10,000 messages, 2 interviews",
        ),
        (
            SyncProgress(first=True, total=10_000, scanned=10_000, interviews=1),
            "first sync: 10,000 / 10,000 messages, 1 interview",
        ),
        (
            SyncProgress(first=False, total=1_200, scanned=700, interviews=0),
            "catching up: 700 / 1,200 messages, 0 interviews",
        ),
        (  # mail arrived after the count: never "12 / 10"
            SyncProgress(first=True, total=10, scanned=12, interviews=0),
            "first sync: 12 / 12 messages, 0 interviews",
        ),
        (SyncProgress(first=True, scanned=5), "first sync: 5 messages, 0 interviews"),
    ],
)
def test_the_status_line_of_a_long_sync(progress, text):
    assert progress_text(progress) == text
    assert SyncProgress.from_json(progress.to_json()) == progress


def test_stored_progress_that_is_not_ours_reads_as_none():
    assert SyncProgress.from_json({"first": True}) is None
    assert SyncProgress.from_json({"first": 1, "scanned": "x", "total": 2, "interviews": 0}) is None


MAILBOX = 240  # a few hundred messages, chunks of 50


def fill(imap_account, count: int) -> None:
    """`count` messages, two of them interview invites, in one IMAP session."""
    now = datetime.now(UTC)
    with imap_account.login() as c:
        for i in range(count):
            if i in (30, 170):
                raw = invite(uid=f"progress-{i}", start=now + timedelta(days=5 + i), people=[JANE])
            else:
                raw = (
                    f"From: News {i} <news{i}@letters.example>\r\nTo: sam.seeker@example.net\r\n"
                    f"Subject: Issue {i}\r\nMessage-ID: <issue-{i}@letters.example>\r\n"
                    f"Date: {now:%a, %d %b %Y %H:%M:%S} +0000\r\n\r\nNothing to see.\r\n"
                ).encode()
            c.append("INBOX", raw)


def test_a_first_sync_saves_its_progress_per_chunk_and_status_shows_it(
    mail_env, imap_account, monkeypatch
):
    fill(imap_account, MAILBOX)
    monkeypatch.setattr(pipeline, "SYNC_CHUNK", 50)
    monkeypatch.setattr(pipeline, "CHUNK_SECONDS", 60.0)
    db = mail_env.parent / "followup.db"
    seen: list[tuple[int, int | None]] = []  # (scanned, what another process reads)
    shown: dict[str, str] = {}

    def committed() -> dict | None:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as other:
            row = other.execute("SELECT value FROM health WHERE key = 'sync_progress'").fetchone()
        return json.loads(row[0]) if row else None

    def on_progress(progress: SyncProgress) -> None:
        stored = committed()
        seen.append((progress.scanned, stored["scanned"] if stored else None))
        if progress.scanned == 120:  # mid-sync: what the user's `followup status` shows
            shown["text"] = followup("status").stdout
            shown["json"] = followup("status", "--json", "--health").stdout

    rt = open_runtime(config.load(mail_env))
    try:
        report = pipeline.run_pass(rt, on_progress=on_progress)
    finally:
        rt.close()
    assert report.messages == MAILBOX and report.outcomes.get("new") == 2
    assert [s for s, _ in seen] == list(range(1, MAILBOX + 1))
    # Saved once per chunk, in the chunk's commit: 50 messages behind at most.
    assert {stored for _, stored in seen} == {None, 50, 100, 150, 200}
    assert all(stored is None or scanned - 50 < stored <= scanned for scanned, stored in seen)
    assert "first sync: 100 / 240 messages, 1 interview" in shown["text"]
    health = json.loads(shown["json"])
    assert health["sync"]["scanned"] == 100 and health["sync"]["total"] == MAILBOX
    assert health["sync"]["first"] is True and health["sync"]["interviews"] == 1
    assert health["sync"]["stalled"] is False
    assert committed() is None  # done: nothing shown any more
    assert "first sync" not in followup("status").stdout
    assert json.loads(followup("status", "--json", "--health").stdout)["sync"] is None


def test_systemd_hears_a_first_syncs_progress(mail_env, imap_account, tmp_path):
    """`followup run` under systemd: STATUS= says how far the first sync is, then the
    usual summary once it is done."""
    import os
    import subprocess
    import sys

    fill(imap_account, MAILBOX)
    notes = Notifications(tmp_path / "notify.sock")
    env = {**os.environ, "NOTIFY_SOCKET": str(notes.path), "INVOCATION_ID": "test"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "followup", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        notes.wait_for("READY=1", timeout=60)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        notes.close()
    lines = [m for msg in notes.received for m in msg.splitlines() if m.startswith("STATUS=")]
    progress = [m for m in lines if m.startswith("STATUS=first sync: ")]
    assert progress and all(f"/ {MAILBOX} messages" in m for m in progress), lines
    assert lines[-1].startswith("STATUS=watching INBOX"), lines
    assert wakeup.progress_text(SyncProgress(True, MAILBOX, 1)) in progress[0]
