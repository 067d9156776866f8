"""The server fixtures behave like real servers (they are real servers)."""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from email import policy
from email.message import EmailMessage

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from servers import Account, Dovecot, SmtpSink

pytestmark = pytest.mark.integration

RAW = (
    b"From: Alice Recruiter <alice@example.test>\r\n"
    b"To: Bob Candidate <bob@example.test>\r\n"
    b"Subject: Interview on Tuesday\r\n"
    b"Message-ID: <interview-1@example.test>\r\n"
    b"Date: Tue, 04 Nov 2025 10:00:00 +0000\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Hi Bob, see you Tuesday at 10:00. \xc3\xa9\xc3\xa0\r\n"
    b".leading dot line\r\n"
)


# ---------------------------------------------------------------------------- IMAP


def test_append_then_uid_fetch_returns_same_bytes(imap_account: Account) -> None:
    uid = imap_account.append("INBOX", RAW, flags=[b"\\Seen"])
    with imap_account.login() as c:
        c.select_folder("INBOX", readonly=True)
        data = c.fetch([uid], ["BODY.PEEK[]", "FLAGS", "RFC822.SIZE"])
    assert data[uid][b"BODY[]"] == RAW
    assert data[uid][b"RFC822.SIZE"] == len(RAW)
    assert b"\\Seen" in data[uid][b"FLAGS"]
    assert imap_account.uids() == [uid]
    assert imap_account.messages() == [RAW]
    assert b"\\Seen" in imap_account.fetch_flags()[uid]
    assert (imap_account.maildir / "cur").is_dir()


def test_accounts_are_isolated(dovecot: Dovecot) -> None:
    a, b = dovecot.add_user(), dovecot.add_user()
    a.append("INBOX", RAW)
    a.append("Sent", RAW)
    assert len(a.uids()) == 1 and len(a.uids("Sent")) == 1
    assert b.uids() == [] and b.uids("Sent") == []
    with dovecot.connect() as c, pytest.raises(LoginError):
        c.login(b.username, a.password)


def test_capabilities_and_special_use(imap_account: Account) -> None:
    with imap_account.login() as c:
        caps = set(c.capabilities())
        assert {b"IDLE", b"UIDPLUS", b"SPECIAL-USE", b"MOVE", b"CONDSTORE"} <= caps
        special = {name: flags for flags, _sep, name in c.list_folders()}
    assert b"\\Sent" in special["Sent"]
    assert b"\\Drafts" in special["Drafts"]
    assert b"\\Trash" in special["Trash"]
    assert "INBOX" in special


def test_imaps_with_self_signed_cert(dovecot: Dovecot, imap_account: Account) -> None:
    ctx = ssl.create_default_context(cafile=str(dovecot.cafile))
    with IMAPClient(dovecot.host, port=dovecot.ssl_port, ssl=True, ssl_context=ctx) as c:
        c.login(imap_account.username, imap_account.password)
        assert c.select_folder("INBOX")[b"EXISTS"] == 0
    # ...and the cert really is checked: an untrusting context fails
    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(
            dovecot.host,
            port=dovecot.ssl_port,
            ssl=True,
            ssl_context=ssl.create_default_context(),
            timeout=5,
        )


def test_starttls_with_self_signed_cert(dovecot: Dovecot, imap_account: Account) -> None:
    c = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
    assert b"STARTTLS" in c.capabilities()
    c.starttls(dovecot.ssl_context())
    c.login(imap_account.username, imap_account.password)
    assert c.folder_exists("INBOX")
    c.logout()


def test_wrong_password_is_refused_quickly(imap_account: Account, dovecot: Dovecot) -> None:
    t0 = time.monotonic()
    for _ in range(3):
        with dovecot.connect() as c, pytest.raises(LoginError):
            c.login(imap_account.username, imap_account.password + "x")
    assert time.monotonic() - t0 < 2.0  # auth_failure_delay = 0, no penalty on loopback
    with dovecot.connect() as c, pytest.raises(LoginError):
        c.login("no-such-user", "whatever")
    with imap_account.login() as c:  # the right password still works
        c.noop()


def test_idle_reports_new_mail(imap_account: Account) -> None:
    with imap_account.login() as c:
        c.select_folder("INBOX")
        c.idle()
        t0 = time.monotonic()
        threading.Timer(0.1, imap_account.append, ("INBOX", RAW)).start()
        responses = c.idle_check(timeout=5)
        latency = time.monotonic() - t0
        c.idle_done()
    assert any(r[1] == b"EXISTS" for r in responses), responses
    assert latency < 3


def test_restart_keeps_mail_and_uidvalidity(dovecot: Dovecot) -> None:
    account = dovecot.add_user()
    uid = account.append("INBOX", RAW)
    validity = account.uidvalidity()
    pid, port, ssl_port = dovecot.pid, dovecot.port, dovecot.ssl_port
    dovecot.restart()
    assert dovecot.pid != pid
    assert (dovecot.port, dovecot.ssl_port) == (port, ssl_port)
    assert account.uidvalidity() == validity
    assert account.messages_by_uid() == {uid: RAW}


def test_kill_then_start_again(dovecot: Dovecot) -> None:
    account = dovecot.add_user()
    uid = account.append("INBOX", RAW)
    dovecot.kill()
    assert not dovecot.running
    dovecot.restart()
    assert account.messages_by_uid() == {uid: RAW}


def test_uidvalidity_can_be_forced_to_change(imap_account: Account) -> None:
    uid = imap_account.append("INBOX", RAW)
    old = imap_account.uidvalidity()
    new = imap_account.change_uidvalidity("INBOX")
    assert new != old and imap_account.uidvalidity() == new
    assert imap_account.messages_by_uid() == {uid: RAW}
    imap_account.create_folder("Interviews")
    imap_account.append("Interviews", RAW)
    assert imap_account.change_uidvalidity("Interviews", 12345) == 12345


# ---------------------------------------------------------------------------- SMTP


def _email(subject: str = "Thank you") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "sender@example.test"
    msg["To"] = "alice@example.test"
    msg["Subject"] = subject
    msg.set_content("Thanks for the interview.\n.dot line\n")
    return msg


def _send(
    sink: SmtpSink,
    msg: EmailMessage | None = None,
    *,
    password: str | None = None,
    rcpts: tuple[str, ...] = ("alice@example.test",),
) -> dict:
    msg = msg or _email()
    if sink.tls == "implicit":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            sink.host, sink.port, timeout=10, context=sink.ssl_context()
        )
    else:
        conn = smtplib.SMTP(sink.host, sink.port, timeout=10)
    with conn:
        conn.login(sink.username, sink.password if password is None else password)
        # policy.SMTP: CRLF line ends.  msg.as_bytes() has bare LFs, which smtplib
        # sends unchanged for bytes (so no dot-unstuffing at line starts: corrupt mail)
        return conn.sendmail("sender@example.test", list(rcpts), msg.as_bytes(policy=policy.SMTP))


def test_sink_records_envelope_and_data(smtp: SmtpSink) -> None:
    msg = _email("Thank you, Alice")
    _send(smtp, msg, rcpts=("alice@example.test", "cc@example.test"))
    [got] = smtp.wait_for(1)
    assert got.mail_from == "sender@example.test"
    assert got.rcpt_tos == ["alice@example.test", "cc@example.test"]
    assert got.data == msg.as_bytes(policy=policy.SMTP)
    assert got.message["Subject"] == "Thank you, Alice"
    assert got.message.get_content() == "Thanks for the interview.\n.dot line\n"
    assert got.auth_user == smtp.username and not got.tls
    smtp.clear()
    assert smtp.messages == []


def test_sink_requires_auth_and_refuses_wrong_password(smtp: SmtpSink) -> None:
    with pytest.raises(smtplib.SMTPAuthenticationError) as exc:
        _send(smtp, password="wrong")
    assert exc.value.smtp_code == 535
    with (
        smtplib.SMTP(smtp.host, smtp.port, timeout=10) as conn,
        pytest.raises(smtplib.SMTPSenderRefused) as refused,
    ):
        conn.sendmail("sender@example.test", ["a@example.test"], b"Subject: x\r\n\r\nx\r\n")
    assert refused.value.smtp_code == 530
    assert smtp.messages == []
    # smtplib tries AUTH PLAIN, then AUTH LOGIN: every attempt failed
    assert smtp.auth_attempts and all(not ok for _, ok in smtp.auth_attempts)


def test_sink_starttls_and_smtps(smtp: SmtpSink, smtps: SmtpSink) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as conn:
        conn.starttls(context=smtp.ssl_context())
        conn.login(smtp.username, smtp.password)
        conn.sendmail(
            "sender@example.test", ["a@example.test"], _email().as_bytes(policy=policy.SMTP)
        )
    assert smtp.wait_for(1)[0].tls
    _send(smtps)
    assert smtps.wait_for(1)[0].tls


@pytest.mark.parametrize("code", [421, 451, 550, 554])
def test_sink_fail_next_data(smtp: SmtpSink, code: int) -> None:
    smtp.fail_next(code, "injected", times=1)
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPServerDisconnected)) as exc:
        _send(smtp)
    if isinstance(exc.value, smtplib.SMTPDataError):
        assert exc.value.smtp_code == code
    assert smtp.messages == [] and len(smtp.rejected) == 1
    _send(smtp)  # only the next one failed
    assert len(smtp.wait_for(1)) == 1


def test_sink_fail_next_rcpt_and_mail(smtp: SmtpSink) -> None:
    smtp.fail_next(550, "5.1.1 no such user", stage="RCPT")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        _send(smtp)
    assert exc.value.recipients["alice@example.test"][0] == 550
    smtp.fail_next(451, "4.3.0 try later", stage="MAIL", times=2)
    for _ in range(2):
        with pytest.raises(smtplib.SMTPSenderRefused):
            _send(smtp)
    _send(smtp)
    assert len(smtp.wait_for(1)) == 1 and smtp.pending_faults == 0


def test_sink_drop_next_data(smtp: SmtpSink) -> None:
    smtp.drop_next_data()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        _send(smtp)
    assert smtp.messages == [] and len(smtp.dropped) == 1
    _send(smtp)
    assert len(smtp.wait_for(1)) == 1


def test_sink_accept_then_drop(smtp: SmtpSink) -> None:
    smtp.accept_then_drop_next()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        _send(smtp, _email("sent but not acknowledged"))
    [got] = smtp.messages  # delivered although the client saw no 250
    assert got.message["Subject"] == "sent but not acknowledged"


def test_sink_reset_forgets_faults(smtp: SmtpSink) -> None:
    smtp.fail_next(554, times=3)
    smtp.reset()
    _send(smtp)
    assert len(smtp.wait_for(1, timeout=2)) == 1
