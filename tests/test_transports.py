"""The sendmail and file transports, with a real program standing in for msmtp."""

from __future__ import annotations

import email
import email.message
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
from conftest import write_config
from mailgen import ME, invite

from followup.adapters import config
from followup.adapters.transports import PermanentSendError
from followup.adapters.transports.file import FileTransport
from followup.adapters.transports.sendmail import SendmailTransport
from followup.app import drafts
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import DraftState

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)
AFTER = START + timedelta(hours=2)


@pytest.fixture
def maildir(tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1.invite").write_bytes(
        invite(uid="sm-1", start=START, people=[("Jane Doe", "jane@acme.example")])
    )
    return box


def sendmail_config(tmp_path, maildir, exit_code: int):
    """A 'sendmail' that appends each message to a spool file and exits with exit_code."""
    spool = tmp_path / "spool"
    program = tmp_path / "fake-sendmail"
    program.write_text(
        f"#!/bin/sh\ncat >> {spool}\nprintf '\\n--END--\\n' >> {spool}\n"
        f"echo 'queue busy' >&2\nexit {exit_code}\n"
    )
    program.chmod(0o755)
    path = write_config(
        tmp_path / "c.toml",
        maildir=maildir,
        extra=f"""
        [transport]
        kind = "sendmail"
        command = "{program} -t -i"
        """,
    )
    # write_config put a file transport first; keep the sendmail one.
    text = path.read_text()
    start = text.index("[transport]")
    end = text.index("[storage]")
    path.write_text(text[:start] + text[end:])
    return path, spool


def sent_thank_yous(spool) -> list:
    if not spool.exists():
        return []
    chunks = [c for c in spool.read_bytes().split(b"\n--END--\n") if c.strip()]
    msgs = [email.message_from_bytes(c, policy=policy.default) for c in chunks]
    return [m for m in msgs if m["X-Followup"] is None]


def approve_and_send(path, now=AFTER):
    rt = open_runtime(config.load(path))
    try:
        run_pass(rt, now=now)
        with rt.store.transaction():
            for d in drafts.list_drafts(rt.store):
                drafts.approve(rt.store, d.id, sender=ME, now=now)
        run_pass(rt, now=now)
        return drafts.list_drafts(rt.store, include_all=True)
    finally:
        rt.close()


def test_sendmail_delivers_through_the_command(tmp_path, maildir):
    path, spool = sendmail_config(tmp_path, maildir, 0)
    (draft,) = approve_and_send(path)
    assert draft.state is DraftState.SENT
    (msg,) = sent_thank_yous(spool)
    assert msg["To"] == "Jane Doe <jane@acme.example>" and msg["Message-ID"] == draft.message_id


def test_sendmail_tempfail_is_retried_later(tmp_path, maildir):
    """Exit 75 (EX_TEMPFAIL) means try again: the draft stays approved with a retry time."""
    path, spool = sendmail_config(tmp_path, maildir, 75)
    (draft,) = approve_and_send(path)
    assert draft.state is DraftState.APPROVED and "queue busy" in draft.last_error


def test_sendmail_failure_is_final_with_its_reason(tmp_path, maildir):
    path, spool = sendmail_config(tmp_path, maildir, 1)
    (draft,) = approve_and_send(path)
    assert draft.state is DraftState.FAILED
    assert "exited 1: queue busy" in draft.last_error


def test_file_transport_writes_one_eml_per_message_and_knows_it(tmp_path, maildir):
    """The dry run: each message is an .eml file named by its Message-ID, written whole."""
    path = write_config(tmp_path / "c.toml", maildir=maildir, outbox=tmp_path / "outbox")
    (draft,) = approve_and_send(path)
    assert draft.state is DraftState.SENT
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert not list((tmp_path / "outbox").glob("*.part"))
    thank_you = [f for f in files if b"X-Followup:" not in f.read_bytes()]
    assert len(thank_you) == 1 and draft.message_id.strip("<>") in thank_you[0].name


@pytest.mark.parametrize(
    "command, argv",
    [
        ("sendmail -t -i", ["sendmail", "-i"]),
        ("msmtp -ti -a work", ["msmtp", "-i", "-a", "work"]),
        ("msmtp --read-recipients", ["msmtp"]),
        ("sendmail -i", ["sendmail", "-i"]),
    ],
)
def test_sendmail_never_reads_recipients_from_headers(command, argv):
    """-t would let a header add a recipient: it is dropped, the envelope is explicit."""
    assert SendmailTransport(command, 5).argv == argv


def test_transports_refuse_an_envelope_that_is_not_plain_addresses(tmp_path):
    msg = email.message.EmailMessage()
    msg["Message-ID"] = "<fu.1@example.net>"
    for recipients in (["a@acme.example, evil@attacker.com"], [], "jane@acme.example"):
        with pytest.raises(PermanentSendError):
            FileTransport(tmp_path).send(msg, sender=ME, recipients=recipients)
