"""Server faults: Dovecot going away while the service idles, syncs or fetches;
SMTP refusing, deferring, or dropping the connection inside DATA.

No message is missed, none is recorded twice, the service reconnects, and each
approved email goes out at most once (exactly once where the outcome is known).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from conftest import write_config
from mailgen import ME, invite
from runner import followup

from followup.adapters import config
from followup.app import drafts, inbound
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import DraftState

pytestmark = pytest.mark.integration


def wait_until(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} not met in time")


def query(db, sql: str, params=()):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        con.close()


def newsletter(i: int) -> bytes:
    return (
        f"From: Digest <digest@news.example>\r\nTo: {ME}\r\n"
        f"Subject: Weekly digest number {i}\r\nMessage-ID: <digest-{i}@news.example>\r\n"
        "Date: Mon, 23 Nov 2026 08:00:00 +0000\r\n\r\nNothing about jobs.\r\n"
    ).encode()


def start_daemon() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "followup", "run"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop_daemon(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError("daemon did not stop on SIGTERM:\n" + err) from None
    assert proc.returncode == 0, err
    return err


# --- IMAP ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_daemon_reconnects_after_dovecot_goes_away_while_idling(
    mail_env, imap_account, dovecot, how
):
    db = mail_env.parent / "followup.db"
    soon = datetime.now(UTC) + timedelta(days=3)
    imap_account.append(
        "INBOX", invite(uid="idle-before", start=soon, people=[("Jane Doe", "jane@acme.example")])
    )
    proc = start_daemon()
    try:
        wait_until(
            lambda: query(db, "SELECT 1 FROM health WHERE key = 'heartbeat'"),
            what="daemon's first pass",
        )
        assert len(query(db, "SELECT id FROM interviews")) == 1
        time.sleep(0.5)  # the daemon is in IDLE now
        if how == "kill":
            dovecot.kill()
        else:
            dovecot.stop()
        time.sleep(1.0)  # the daemon notices, fails to reconnect, backs off
        dovecot.restart()
        imap_account.append(
            "INBOX",
            invite(
                uid="idle-after",
                start=soon + timedelta(days=1),
                people=[("Raj Patel", "raj@acme.example")],
                company="Globex",
            ),
        )
        wait_until(
            lambda: len(query(db, "SELECT id FROM interviews")) == 2,
            timeout=45,
            what="invite sent during the outage recorded",
        )
        assert proc.poll() is None, "the daemon died"
    finally:
        if not dovecot.running:
            dovecot.restart()
        err = stop_daemon(proc)
    uids = sorted(r[0] for r in query(db, "SELECT event_uid FROM interviews"))
    assert uids == ["idle-after", "idle-before"]
    keys = [r[0] for r in query(db, "SELECT key FROM messages")]
    assert len(keys) == len(set(keys)) == 2
    assert "Traceback" not in err


N_MESSAGES = 530  # more than one FETCH chunk (500)
INVITE_EVERY = 15


def fill_inbox(account, start: datetime) -> dict[int, str]:
    """N_MESSAGES, every 15th an invite; returns {uid: event uid} of the invites."""
    invites = {}
    with account.login() as c:
        for i in range(N_MESSAGES):
            if i % INVITE_EVERY == 0:
                uid_ = f"bulk-{i}"
                raw = invite(
                    uid=uid_,
                    start=start + timedelta(hours=i),
                    people=[(f"Person {i}", f"p{i}@acme.example")],
                )
            else:
                raw = newsletter(i)
            resp = c.append("INBOX", raw)
            if i % INVITE_EVERY == 0:
                invites[int(resp.split(b"]")[0].split()[-1])] = uid_
    return invites


@pytest.mark.parametrize("how, where", [("restart", "between_chunks"), ("kill", "mid_fetch")])
def test_dovecot_outage_during_sync_misses_nothing_and_records_nothing_twice(
    mail_env, imap_account, dovecot, monkeypatch, how, where
):
    now = datetime.now(UTC)
    invites = fill_inbox(imap_account, now + timedelta(days=2))
    rt = open_runtime(config.load(mail_env), clock=lambda: now)
    faults = {"done": 0}

    def outage():
        if faults["done"]:
            return
        faults["done"] = 1
        if how == "kill":
            dovecot.kill()
        else:
            dovecot.stop()
        dovecot.restart()

    handled = {"n": 0}
    real_handle, real_wanted = inbound.handle, inbound.wanted

    def handle(rt_, msg, *, now):
        handled["n"] += 1
        return real_handle(rt_, msg, now=now)

    def wanted(rt_):
        predicate = real_wanted(rt_)
        calls = {"n": 0}

        def check(header: bytes) -> bool:
            calls["n"] += 1
            # mid_fetch: between the header FETCH and the body FETCH of chunk 1
            if where == "mid_fetch" and calls["n"] == 200:
                outage()
            return predicate(header)

        return check

    real_fetch_chunk = type(rt.source)._fetch_chunk

    def fetch_chunk(self, uids, *args):
        # between_chunks: chunk 1 fully handled, the connection idle, chunk 2 next
        if where == "between_chunks" and uids[0] != min(invites):
            outage()
        yield from real_fetch_chunk(self, uids, *args)

    monkeypatch.setattr(inbound, "handle", handle)
    monkeypatch.setattr(inbound, "wanted", wanted)
    monkeypatch.setattr(type(rt.source), "_fetch_chunk", fetch_chunk)
    try:
        first = run_pass(rt, now=now)
        assert faults["done"] == 1, "the outage was not injected"
        second = run_pass(rt, now=now)
        third = run_pass(rt, now=now)
        report = (
            f"\nIMAP-OUTAGE {how}/{where}: pass1 ok={first.ok} messages={first.messages} "
            f"errors={first.errors}; pass2 ok={second.ok} messages={second.messages}; "
            f"pass3 messages={third.messages}"
        )
        print(report)
        assert second.ok and third.ok, report
        assert third.messages == 0  # nothing left, nothing read again
        recorded = [r["event_uid"] for r in rt.store.all("SELECT event_uid FROM interviews")]
        assert sorted(recorded) == sorted(invites.values())  # none missed, none twice
        keys = [r["key"] for r in rt.store.all("SELECT key FROM messages")]
        assert len(keys) == len(set(keys))
        assert {int(k.split(":")[1]) for k in keys} == set(invites)
        last = rt.store.one("SELECT last_uid FROM sync_state")["last_uid"]
        assert last == max(imap_account.uids("INBOX"))
        # Each message with a body was handed over once; ordinary mail only moves
        # the position (in batches) and is never handed over.
        bodies = sum(n for r in (first, second) for k, n in r.outcomes.items() if k != "skipped")
        assert handled["n"] == bodies
        # The service reconnected within the pass that saw the outage (its _guard
        # replaces a stale connection once): the pass completes without an error.
        assert first.ok, report
    finally:
        rt.close()
        if not dovecot.running:
            dovecot.restart()


# --- SMTP, the daemon --------------------------------------------------------------


def approved_draft(mail_env, imap_account, email_: str) -> dict:
    start = datetime.now(UTC) - timedelta(hours=3)  # ended: real clock, as subprocesses see it
    imap_account.append(
        "INBOX", invite(uid=f"smtp-{email_}", start=start, people=[("Jane Doe", email_)])
    )
    first = followup("run", "--once")
    assert first.returncode == 0, first.stderr
    assert followup("approve", "--all").returncode == 0
    (draft,) = json.loads(followup("drafts", "--all", "--json").stdout)
    assert draft["state"] == "approved"
    return draft


def draft_row(db, draft_id: int):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    finally:
        con.close()


@pytest.mark.parametrize("code", [550])  # 554 in-process: test_sending.py
def test_daemon_permanent_refusal_fails_the_draft_once_and_keeps_running(
    mail_env, imap_account, smtp, code
):
    db = mail_env.parent / "followup.db"
    draft = approved_draft(mail_env, imap_account, "jane@acme.example")
    smtp.fail_next(code, "5.7.1 refused by policy", stage="DATA")
    proc = start_daemon()
    try:
        wait_until(lambda: draft_row(db, draft["id"])["state"] == "failed", what="draft failed")
        # Several wake-ups later it has still been tried exactly once.
        beat = query(db, "SELECT updated_at FROM health WHERE key = 'heartbeat'")
        time.sleep(2.0)
        assert proc.poll() is None
    finally:
        err = stop_daemon(proc)
    assert beat
    assert len(smtp.rejected) == 1
    assert [m for m in smtp.messages if "jane@acme.example" in m.rcpt_tos] == []
    row = draft_row(db, draft["id"])
    assert row["state"] == "failed" and str(code) in row["last_error"]
    assert "Traceback" not in err


@pytest.mark.parametrize("code", [421])  # 451 in-process: test_sending.py
def test_daemon_temporary_refusal_waits_for_its_retry_then_sends_once(
    mail_env, imap_account, smtp, code
):
    db = mail_env.parent / "followup.db"
    draft = approved_draft(mail_env, imap_account, "raj@acme.example")
    smtp.fail_next(code, "4.3.0 try again later", stage="DATA")
    proc = start_daemon()
    try:
        wait_until(lambda: draft_row(db, draft["id"])["attempts"] == 1, what="one attempt")
        time.sleep(2.0)
        assert proc.poll() is None
    finally:
        err = stop_daemon(proc)
    assert len(smtp.rejected) == 1  # no hot retry loop
    row = draft_row(db, draft["id"])
    assert row["state"] == "approved" and row["retry_at"] > row["updated_at"]
    assert "try again later" in row["last_error"]
    assert [m for m in smtp.messages if "raj@acme.example" in m.rcpt_tos] == []
    # The retry comes due: sent, once.
    later = datetime.now(UTC) + timedelta(hours=2)
    rt = open_runtime(config.load(mail_env), clock=lambda: later)
    try:
        run_pass(rt, now=later)
        run_pass(rt, now=later + timedelta(hours=1))
    finally:
        rt.close()
    delivered = [m for m in smtp.messages if "raj@acme.example" in m.rcpt_tos]
    assert len(delivered) == 1
    assert delivered[0].message["Message-ID"].strip() == row["message_id"]
    assert draft_row(db, draft["id"])["state"] == "sent"
    assert "Traceback" not in err


# --- SMTP, connection dropped inside DATA --------------------------------------------

CHICAGO_START = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
AFTER = CHICAGO_START + timedelta(hours=2)


@pytest.fixture
def rt(mail_env, imap_account):
    imap_account.append(
        "INBOX",
        invite(uid="drop-1", start=CHICAGO_START, people=[("Li Wei", "li.wei@acme.example")]),
    )
    runtime = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    run_pass(runtime, now=AFTER)
    with runtime.store.transaction():
        (d,) = drafts.list_drafts(runtime.store)
        drafts.approve(runtime.store, d.id, sender=ME, now=AFTER)
    yield runtime
    runtime.close()


def to_li(sink):
    return [m for m in sink.messages if "li.wei@acme.example" in m.rcpt_tos]


def test_dropped_inside_data_and_not_delivered_is_never_resent_blindly(rt, smtp):
    """The server closed the connection inside DATA without keeping the message. From
    the client this is indistinguishable from "accepted, reply lost": the draft is
    maybe-sent, nothing goes out on its own; the user says resend: it goes once."""
    smtp.drop_next_data()
    run_pass(rt, now=AFTER)
    assert len(smtp.dropped) == 1 and to_li(smtp) == []
    (d,) = drafts.list_drafts(rt.store, include_all=True)
    assert d.state is DraftState.UNKNOWN
    run_pass(rt, now=AFTER + timedelta(hours=3))
    assert to_li(smtp) == []  # no blind resend
    with rt.store.transaction():
        drafts.resolve(rt.store, d.id, "resend", now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=4))
    run_pass(rt, now=AFTER + timedelta(hours=5))
    (msg,) = to_li(smtp)
    assert msg.message["Message-ID"].strip() == d.message_id
    assert drafts.get(rt.store, d.id).state is DraftState.SENT


def test_dropped_after_acceptance_with_sent_copy_evidence_is_never_resent(rt, smtp):
    """accept_then_drop, then the user says "sent": stays sent, nothing more."""
    smtp.accept_then_drop_next()
    run_pass(rt, now=AFTER)
    assert len(to_li(smtp)) == 1
    (d,) = drafts.list_drafts(rt.store, include_all=True)
    assert d.state is DraftState.UNKNOWN
    for hours in (1, 5, 30):
        run_pass(rt, now=AFTER + timedelta(hours=hours))
    assert len(to_li(smtp)) == 1
    with rt.store.transaction():
        drafts.resolve(rt.store, d.id, "sent", now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=40))
    assert len(to_li(smtp)) == 1
    assert drafts.get(rt.store, d.id).state is DraftState.SENT


def test_rcpt_refused_then_accepted_sends_once(rt, smtp):
    """451 at RCPT (greylisting): nothing was accepted; retried after the backoff."""
    smtp.fail_next(451, "4.7.1 greylisted", stage="RCPT")
    run_pass(rt, now=AFTER)
    assert to_li(smtp) == []
    (d,) = drafts.list_drafts(rt.store, include_all=True)
    assert d.state is DraftState.APPROVED and "greylisted" in d.last_error
    run_pass(rt, now=AFTER + timedelta(hours=2))
    run_pass(rt, now=AFTER + timedelta(hours=3))
    assert len(to_li(smtp)) == 1


# --- a server trickling its greeting: total deadlines, not per-read timeouts ----------

DEADLINE = 2  # seconds: [source]/[transport] timeout in these tests
SLACK = 3.0


class TricklingServer:
    """A loopback TCP server that answers every connection with a greeting that never
    ends, one byte every `every` seconds: no read ever times out. It hangs up after
    `seconds` (so code without a deadline fails the test rather than hangs it)."""

    def __init__(self, every: float = 0.3, seconds: float = DEADLINE + SLACK + 3):
        self.every, self.seconds = every, seconds
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.sendall(b"* OK ")
                end = time.monotonic() + self.seconds
                while not self.closed.wait(self.every) and time.monotonic() < end:
                    conn.sendall(b"x")
            except OSError:  # the client gave up
                return

    def close(self) -> None:
        self.closed.set()
        self.sock.close()


def _short_timeouts(path):
    path.write_text(path.read_text().replace("timeout = 10", f"timeout = {DEADLINE}"))
    return path


def test_imap_greeting_trickled_byte_by_byte_ends_the_pass_at_the_deadline(tmp_path, monkeypatch):
    server = TricklingServer()
    try:
        cfg = _short_timeouts(
            write_config(
                tmp_path / "cfg" / "config.toml",
                imap=SimpleNamespace(port=server.port, username="sam"),
            )
        )
        monkeypatch.setenv("FOLLOWUP_IMAP_PASSWORD", "secret")
        rt = open_runtime(config.load(cfg), clock=lambda: AFTER)
        try:
            t0 = time.monotonic()
            report = run_pass(rt, now=AFTER)
            elapsed = time.monotonic() - t0
        finally:
            rt.close()
    finally:
        server.close()
    assert elapsed < DEADLINE + SLACK, elapsed
    (line,) = report.errors
    assert f"127.0.0.1:{server.port}" in line and f"within {DEADLINE} s" in line, line
    assert "\n" not in line


def test_smtp_greeting_trickled_byte_by_byte_fails_the_send_at_the_deadline(
    tmp_path, monkeypatch, imap_account, smtp
):
    cfg = _short_timeouts(
        write_config(tmp_path / "cfg" / "config.toml", imap=imap_account, smtp=smtp)
    )
    monkeypatch.setenv("FOLLOWUP_IMAP_PASSWORD", imap_account.password)
    monkeypatch.setenv("FOLLOWUP_SMTP_PASSWORD", smtp.password)
    imap_account.append(
        "INBOX",
        invite(uid="trickle-1", start=CHICAGO_START, people=[("Li Wei", "li.wei@acme.example")]),
    )
    rt = open_runtime(config.load(cfg), clock=lambda: AFTER)
    try:
        run_pass(rt, now=AFTER)
        with rt.store.transaction():
            (d,) = drafts.list_drafts(rt.store)
            drafts.approve(rt.store, d.id, sender=ME, now=AFTER)
        rt.close()  # the next pass opens a new SMTP connection: its greeting trickles
        rt = open_runtime(config.load(cfg), clock=lambda: AFTER)
        smtp.trickle_greeting_next(every=0.3, seconds=DEADLINE + SLACK + 3)
        t0 = time.monotonic()
        run_pass(rt, now=AFTER)
        elapsed = time.monotonic() - t0
        d = drafts.get(rt.store, d.id)
    finally:
        rt.close()
    assert elapsed < DEADLINE + SLACK, elapsed
    assert to_li(smtp) == [] and d.state is DraftState.APPROVED  # retried later
    assert f"within {DEADLINE} s" in d.last_error and "\n" not in d.last_error, d.last_error
