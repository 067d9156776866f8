"""The daemon as systemd runs it: notify protocol, IDLE, signals, reload, secrets."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mailgen import invite
from runner import followup

pytestmark = pytest.mark.integration


class Notifications:
    """A real NOTIFY_SOCKET: the unix datagram socket systemd would listen on."""

    def __init__(self, path: Path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.received: list[str] = []

    def wait_for(self, line: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(line in message.splitlines() for message in self.received):
                return
            with contextlib.suppress(TimeoutError):
                self.received.append(self.sock.recv(4096).decode())
        raise AssertionError(f"no {line!r} in {self.received}")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def daemon(mail_env, tmp_path):
    """Start `followup run` like systemd does; yields (process, notifications, log path)."""
    notes = Notifications(tmp_path / "notify.sock")
    log = tmp_path / "daemon.log"
    env = {
        **os.environ,
        "NOTIFY_SOCKET": str(notes.path),
        "WATCHDOG_USEC": "2000000",
        "INVOCATION_ID": "test",
    }
    with log.open("wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "followup", "run", "-v"],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    yield proc, notes, log
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    notes.close()


def interviews_in(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT title FROM interviews")]


def test_ready_watchdog_idle_reload_and_stop(daemon, mail_env, imap_account):
    proc, notes, log = daemon
    notes.wait_for("READY=1")
    notes.wait_for("WATCHDOG=1", timeout=10)  # pinged at half of WATCHDOG_USEC
    history = lambda: log.read_text()[-3000:]  # noqa: E731 - shown when an assert fails
    assert any(
        m.startswith("STATUS=watching INBOX") for msg in notes.received for m in msg.splitlines()
    )
    # An invite arriving while the daemon idles is recorded (IMAP IDLE push).
    start = datetime.now(UTC) + timedelta(days=3)
    imap_account.append(
        "INBOX", invite(uid="live-1", start=start, people=[("Jane Doe", "jane@acme.example")])
    )
    db = mail_env.parent / "followup.db"
    deadline = time.monotonic() + 15
    while not interviews_in(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert interviews_in(db) == ["Interview: Backend Engineer at Acme"], history()
    # SIGHUP with a broken config: refused, the old one kept, still running.
    good = mail_env.read_text()
    mail_env.write_text(good + "\n[me]\nbroken = true\n")
    proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while b"config reload refused" not in log.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert b"config reload refused" in log.read_bytes(), history()
    assert proc.poll() is None, history()
    mail_env.write_text(good)
    # SIGTERM: finishes and exits 0 within 10 s.
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0, history()
    assert time.monotonic() - began < 10
    lines = log.read_text().splitlines()
    assert lines and all(line.startswith("<") for line in lines if line.strip()), history()


def test_dovecot_restart_while_idling_is_survived(daemon, mail_env, imap_account, dovecot):
    proc, notes, log = daemon
    notes.wait_for("READY=1")
    time.sleep(0.5)  # the daemon is in IDLE now
    dovecot.restart()
    start = datetime.now(UTC) + timedelta(days=3)
    imap_account.append(
        "INBOX",
        invite(uid="after-restart", start=start, people=[("Raj Patel", "raj@acme.example")]),
    )
    db = mail_env.parent / "followup.db"
    deadline = time.monotonic() + 40  # first reconnect after a short backoff
    while not interviews_in(db) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert interviews_in(db) == ["Interview: Backend Engineer at Acme"], log.read_text()[-2000:]
    assert proc.poll() is None


def test_a_second_instance_refuses_to_run(daemon, mail_env):
    proc, notes, _ = daemon
    notes.wait_for("READY=1")
    other = followup("run", "--once")
    assert other.returncode == 1 and "another followup is running" in other.stderr


def test_no_secret_in_logs_database_or_json(mail_env, imap_account, smtp, tmp_path):
    """A full pass with a known password: it is in no log line, no row, no --json output."""
    start = datetime.now(UTC) - timedelta(hours=3)
    imap_account.append(
        "INBOX", invite(uid="secret-1", start=start, people=[("Jane Doe", "jane@acme.example")])
    )
    secrets = [imap_account.password, smtp.password]
    logs = followup("run", "--once", "-v").stderr
    bad = followup("check", env={"FOLLOWUP_IMAP_PASSWORD": "Wr0ng-Pa55word"})
    outputs = [
        logs,
        bad.stdout + bad.stderr,
        followup("status", "--json").stdout,
        followup("drafts", "--all", "--json").stdout,
    ]
    with sqlite3.connect(mail_env.parent / "followup.db") as conn:
        dump = "\n".join(conn.iterdump())
    assert "jane@acme.example" in dump  # the dump is real
    for secret in [*secrets, "Wr0ng-Pa55word"]:
        for text in [*outputs, dump]:
            assert secret not in text


def test_service_install_writes_a_unit_that_systemd_accepts(mail_env, tmp_path):
    """The unit runs this install's followup with this config; systemd-analyze finds no fault."""
    result = followup(
        "service",
        "install",
        "--no-start",
        "--config",
        str(mail_env),
        env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")},
    )
    assert result.returncode == 0, result.stderr
    unit = tmp_path / "xdg" / "systemd" / "user" / "followup.service"
    text = unit.read_text()
    assert f"run --config {mail_env}" in text and "Type=notify" in text
    assert f"ReadWritePaths={mail_env.parent}" in text
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True
    )
    assert verify.returncode == 0 and verify.stderr.strip() == "", verify.stderr


def test_watchdog_is_fed_while_the_server_is_away(daemon, mail_env, dovecot):
    """Backing off from a dead IMAP server must not starve systemd's watchdog."""
    proc, notes, log = daemon
    notes.wait_for("READY=1")
    dovecot.stop()
    try:
        time.sleep(0.5)
        notes.received.clear()
        deadline = time.monotonic() + 10  # WATCHDOG_USEC=2 s: a ping every second
        pings = 0
        while time.monotonic() < deadline and pings < 6:
            try:
                message = notes.sock.recv(4096).decode()
            except TimeoutError:
                continue
            pings += "WATCHDOG=1" in message.splitlines()
        assert pings >= 6, log.read_text()[-2000:]  # backoff alone would give 3 or 4
        assert proc.poll() is None
    finally:
        dovecot.start()


def test_the_periodic_jobs_run_on_schedule(tmp_path):
    """`schedule` drives the two periodic jobs, visibly: a safety pass every 30 minutes
    and housekeeping (WAL checkpoint, optimize) every 6 hours, which really runs."""
    from conftest import write_config

    from followup.app.service import Service

    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    service = Service(write_config(tmp_path / "c.toml", maildir=box, outbox=tmp_path / "out"))
    jobs = {tag: job for job in service.scheduler.jobs for tag in job.tags}
    assert set(jobs) == {"pass", "housekeeping"}
    assert (jobs["pass"].interval, jobs["pass"].unit) == (30, "minutes")
    assert (jobs["housekeeping"].interval, jobs["housekeeping"].unit) == (6, "hours")
    from followup.app.runtime import open_runtime

    service.rt = open_runtime(service.settings, with_mail=False)
    try:
        jobs["housekeeping"].run()  # the job itself, as run_pending() would call it
        assert jobs["housekeeping"].last_run is not None
    finally:
        service.rt.close()
