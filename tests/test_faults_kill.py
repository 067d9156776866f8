"""Kill anywhere: `followup run --once` SIGKILLed at random moments never sends an
approved email twice and never loses one (docs/ARCHITECTURE.md invariant 2, §3.10).

Several rounds of 20 approved thank-yous each; in each round the sender is killed
after seeded random delays until a run finishes with every draft settled. The SMTP
sink holds each 250 a little (accept_then_hold_next), so kills land mid-send, in
the window between the server's acceptance and our commit.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from mailgen import invite
from runner import followup

pytestmark = pytest.mark.integration

SEED = 20261201
DRAFTS_PER_ROUND = 20
MIN_KILLS = 50
MAX_ROUNDS = 15  # rounds end early once MIN_KILLS is reached; a loaded machine needs more
HOLD = 0.02  # seconds the sink waits before each 250: the accepted-not-committed window


def people(round_no: int) -> list[tuple[str, str]]:
    return [
        (f"Person{round_no}x{i} Tester", f"p{round_no}.{i}@acme{round_no}.example")
        for i in range(DRAFTS_PER_ROUND)
    ]


def integrity(db) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def in_flight(db) -> int:
    """Sends a killed process left in "sending" (before the next run reconciles them)."""
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT count(*) FROM sends WHERE state = 'sending' AND purpose = 'thank_you'"
        ).fetchone()[0]
    finally:
        con.close()


def draft_states(db) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return {
            r[0]: (r[1], r[2])
            for r in con.execute("SELECT to_email, state, message_id FROM drafts")
        }
    finally:
        con.close()


def test_sigkill_at_random_moments_sends_each_approved_email_at_most_once(
    mail_env, imap_account, smtp
):
    rng = random.Random(SEED)
    db = mail_env.parent / "followup.db"
    # 20 interviewers a round: more than the default cap, which would hold the invite.
    cap = f"\n[compose]\nmax_interviewers = {DRAFTS_PER_ROUND}\n"
    mail_env.write_text(mail_env.read_text() + cap)
    env = os.environ.copy()
    kills = mid_send = runs_completed = 0
    interviewers: set[str] = set()
    round_no = 0
    while (kills < MIN_KILLS or round_no == 0) and round_no < MAX_ROUNDS:
        round_no += 1
        group = people(round_no)
        interviewers |= {e for _, e in group}
        start = datetime.now(UTC) - timedelta(hours=3)  # ended: thank-yous due, real clock
        imap_account.append(
            "INBOX",
            invite(uid=f"kill-{round_no}", start=start, people=group, company=f"Acme{round_no}"),
        )
        first = followup("run", "--once")
        assert first.returncode == 0, first.stderr
        approved = followup("approve", "--all")
        assert approved.returncode == 0, approved.stderr
        # Slow each 250 a little so kills land between acceptance and commit.
        for _ in range(400):
            smtp.accept_then_hold_next(HOLD)
        attempts = 0
        while True:
            attempts += 1
            assert attempts < 60, "drafts never settled"
            proc = subprocess.Popen(
                [sys.executable, "-m", "followup", "run", "--once"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            # Kill anywhere: a third of the kills after a random delay over the whole
            # run (start-up, reconcile, sync); the rest a few tens of ms after the
            # sink accepted a message of this run, i.e. while sending.
            seen = len(smtp.messages)
            anywhere = rng.random() < 0.25
            delay = rng.uniform(0.05, 0.9) if anywhere else rng.uniform(0.0, 0.06)
            if kills >= MIN_KILLS:
                delay = 60  # enough kills: let this run finish and settle the rest
            elif not anywhere:
                deadline = time.monotonic() + 20
                while (
                    len(smtp.messages) == seen
                    and proc.poll() is None
                    and time.monotonic() < deadline
                ):
                    time.sleep(0.005)
            try:
                _, err = proc.communicate(timeout=delay)
                runs_completed += 1
                assert proc.returncode == 0, err.decode()
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.communicate(timeout=10)
                kills += 1
                if in_flight(db):
                    mid_send += 1
            assert integrity(db) == "ok", f"after kill {kills}"
            states = draft_states(db)
            if proc.returncode == 0 and all(
                s not in ("approved", "sending") for s, _ in states.values()
            ):
                break
    delivered = Counter(r for m in smtp.messages for r in m.rcpt_tos if r in interviewers)
    states = draft_states(db)
    by_state = Counter(state for state, _ in states.values())
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    lost = [
        e
        for e, (state, _) in states.items()
        if e in interviewers and delivered[e] == 0 and state != "unknown"
    ]
    maybe_sent = by_state["unknown"]
    print(
        f"\nKILL-ANYWHERE: rounds={round_no} drafts={len(interviewers)} kills={kills} "
        f"kills_mid_send={mid_send} completed_runs={runs_completed} "
        f"delivered={sum(delivered.values())} distinct_delivered={len(delivered)} "
        f"duplicates={duplicates} lost={len(lost)} maybe_sent={maybe_sent} "
        f"states={dict(by_state)}"
    )
    assert kills >= MIN_KILLS
    assert mid_send > 0, "no kill landed while a send was in flight"
    assert duplicates == 0, {e: n for e, n in delivered.items() if n > 1}
    assert lost == []
    assert set(states) == interviewers
    for email_, (state, message_id) in states.items():
        assert state in ("sent", "unknown"), (email_, state)
        if state == "sent":
            assert delivered[email_] == 1, email_
        copies = [m for m in smtp.messages if email_ in m.rcpt_tos]
        assert all(m.message["Message-ID"].strip() == message_id for m in copies)
        assert all(m.rcpt_tos == [email_] for m in copies)  # recipients frozen
    # The user settles every maybe-sent draft; nothing more goes out for "sent".
    before = len(smtp.messages)
    for email_, (state, _) in states.items():
        if state == "unknown":
            (row,) = [
                d
                for d in json.loads(followup("drafts", "--json").stdout)
                if d["to"][0]["email"] == email_
            ]
            how = "sent" if delivered[email_] else "resend"
            assert followup("resolve", str(row["id"]), how).returncode == 0
    final = followup("run", "--once")
    assert final.returncode == 0, final.stderr
    resent = [m for m in smtp.messages[before:] if set(m.rcpt_tos) & interviewers]
    assert sorted(r for m in resent for r in m.rcpt_tos) == sorted(
        e for e, (s, _) in states.items() if s == "unknown" and not delivered[e]
    )
    total = Counter(r for m in smtp.messages for r in m.rcpt_tos if r in interviewers)
    assert set(total) == interviewers and set(total.values()) == {1}
    assert integrity(db) == "ok"


# --- killed before DATA: a notice to the user is sent once more, a draft never --------


def sends_in_flight(db, purpose: str) -> list[tuple]:
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT message_id, ref FROM sends WHERE state = 'sending' AND purpose = ?", (purpose,)
        ).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        con.close()


def kill_while_sending(db, purpose: str, smtp) -> tuple:
    """Start `run --once`, hold its next MAIL, SIGKILL it while `purpose` is in flight."""
    smtp.hold_next(30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "followup", "run", "--once"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        # In flight for us, and the server holds its MAIL: killed before DATA.
        while not (sends_in_flight(db, purpose) and smtp.pending_faults == 0):
            assert time.monotonic() < deadline and proc.poll() is None, f"no {purpose} sent"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    (row,) = sends_in_flight(db, purpose)
    return row


def test_reminder_killed_before_data_is_sent_once_more_and_its_task_waits(
    mail_env, imap_account, smtp
):
    """The debrief request, killed before the server had it, is left "sending" and then
    "unknown" (no evidence either way). Its task waited for a reply to a mail the user
    never got, forever; now it is sent once more (new Message-ID, same token)."""
    db = mail_env.parent / "followup.db"
    start = datetime.now(UTC) - timedelta(hours=3)  # ended: the debrief request is due
    imap_account.append(
        "INBOX", invite(uid="kill-notice", start=start, people=[("Jane Doe", "jane@acme.example")])
    )
    killed_id, ref = kill_while_sending(db, "debrief_request", smtp)
    assert [m for m in smtp.messages if m.message["X-Followup"] == "debrief_request"] == []
    for _ in range(2):  # the next pass sends it; the one after sends nothing more
        again = followup("run", "--once")
        assert again.returncode == 0, again.stderr
    (request,) = [m for m in smtp.messages if m.message["X-Followup"] == "debrief_request"]
    assert request.rcpt_tos == ["sam.seeker@example.net"]
    assert request.message["Message-ID"] != killed_id
    con = sqlite3.connect(db)
    try:
        states = sorted(r[0] for r in con.execute("SELECT state FROM sends WHERE ref = ?", (ref,)))
        task = con.execute("SELECT state, token FROM tasks WHERE kind = 'debrief'").fetchone()
    finally:
        con.close()
    assert states == ["sent", "unknown"]
    assert task[0] == "waiting" and f"[fu-{task[1]}]" in str(request.message["Subject"])


def test_thank_you_killed_before_data_stays_unknown_for_the_user(mail_env, imap_account, smtp):
    """The same kill on a thank-you: never resent by us; the user resolves it."""
    db = mail_env.parent / "followup.db"
    start = datetime.now(UTC) - timedelta(hours=3)
    imap_account.append(
        "INBOX", invite(uid="kill-draft", start=start, people=[("Raj Patel", "raj@acme.example")])
    )
    assert followup("run", "--once").returncode == 0
    assert followup("approve", "--all").returncode == 0
    kill_while_sending(db, "thank_you", smtp)
    for _ in range(2):
        assert followup("run", "--once").returncode == 0
    assert [m for m in smtp.messages if "raj@acme.example" in m.rcpt_tos] == []
    (draft,) = json.loads(followup("drafts", "--all", "--json").stdout)
    assert draft["state"] == "unknown"
