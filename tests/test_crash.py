"""A send killed between the SMTP server's acceptance and our commit is never repeated."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from mailgen import invite
from runner import followup

pytestmark = pytest.mark.integration


def wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError("condition not met in time")


def test_sigkill_after_smtp_acceptance_sends_nothing_twice(mail_env, imap_account, smtp):
    start = datetime.now(UTC) - timedelta(hours=3)  # ended two hours ago, real clock
    imap_account.append(
        "INBOX", invite(uid="crash-1", start=start, people=[("Jane Doe", "jane.doe@acme.example")])
    )
    first = followup("run", "--once")
    assert first.returncode == 0, first.stderr
    (draft,) = json.loads(followup("drafts", "--json").stdout)
    assert followup("approve", str(draft["id"])).returncode == 0

    smtp.accept_then_hold_next(30)  # the server has the message; its 250 is late
    proc = subprocess.Popen(
        [sys.executable, "-m", "followup", "run", "--once"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_until(lambda: any("jane.doe@acme.example" in m.rcpt_tos for m in smtp.messages))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    again = followup("run", "--once")
    assert again.returncode == 0, again.stderr
    followup("run", "--once")
    delivered = [m for m in smtp.messages if "jane.doe@acme.example" in m.rcpt_tos]
    assert len(delivered) == 1
    (after,) = json.loads(followup("drafts", "--all", "--json").stdout)
    assert after["state"] == "unknown"  # maybe sent: the user decides, nothing resent
    db = mail_env.parent / "followup.db"
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    listed = followup("drafts")
    assert "unknown" in listed.stdout and "maybe" in listed.stdout
    # The user checks Sent and says it went: it stays sent, nothing more goes out.
    assert followup("resolve", str(draft["id"]), "sent").returncode == 0
    followup("run", "--once")
    assert len([m for m in smtp.messages if "jane.doe@acme.example" in m.rcpt_tos]) == 1


def test_sigkill_before_the_server_has_it_resends_exactly_once(mail_env, imap_account, smtp):
    """Killed while the message is still with us: after `resolve resend` it goes out once."""
    start = datetime.now(UTC) - timedelta(hours=3)
    imap_account.append(
        "INBOX",
        invite(uid="crash-2", start=start, people=[("Raj Patel", "raj.patel@acme.example")]),
    )
    assert followup("run", "--once").returncode == 0
    assert followup("approve", "--all").returncode == 0
    smtp.fail_next(421, "4.3.2 hold on", stage="MAIL")  # first try refused before DATA
    assert followup("run", "--once").returncode == 0
    assert [m for m in smtp.messages if "raj.patel@acme.example" in m.rcpt_tos] == []
    (draft,) = json.loads(followup("drafts", "--all", "--json").stdout)
    assert draft["state"] == "approved"  # waits for its retry, nothing lost
