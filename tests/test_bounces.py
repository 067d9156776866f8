"""Delivery failures read from the reports servers send (pure)."""

from __future__ import annotations

from followup.core.bounces import looks_like_bounce, read_bounce

SENT_ID = "<thanks-1@example.net>"

RFC3464 = (
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
    "To: sam.seeker@example.net\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "Message-ID: <dsn-1@mx.example.net>\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
    "--b\r\nContent-Type: text/plain\r\n\r\n"
    "I'm sorry to have to inform you that your message could not be delivered.\r\n"
    "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
    "Reporting-MTA: dns; mx.example.net\r\n\r\n"
    "Final-Recipient: rfc822; Priya.Ramen@acme.example\r\n"
    "Action: failed\r\nStatus: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <priya.ramen@acme.example>: Recipient address rejected\r\n"
    "\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
    f"From: Sam Seeker <sam.seeker@example.net>\r\nMessage-ID: {SENT_ID}\r\n"
    "Subject: Thank you for our conversation today\r\n"
    "--b--\r\n"
).encode()

QMAIL = (
    "From: MAILER-DAEMON@mail.example.org\r\n"
    "To: sam.seeker@example.net\r\n"
    "Subject: failure notice\r\n\r\n"
    "Hi. This is the qmail-send program at mail.example.org.\r\n"
    "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n"
    "<raj.patel@acme.example>:\r\n"
    "550 5.1.1 mailbox unavailable\r\n\r\n"
    "--- Below this line is a copy of the message.\r\n\r\n"
    f"Message-ID: {SENT_ID}\r\nFrom: Sam Seeker <sam.seeker@example.net>\r\n"
).encode()


def test_a_delivery_status_notification_names_the_failed_recipient_and_message():
    bounce = read_bounce(RFC3464)
    assert bounce is not None
    assert bounce.recipients == ("priya.ramen@acme.example",)
    assert bounce.message_ids == (SENT_ID,)
    assert bounce.status == "5.1.1" and "Recipient address rejected" in bounce.reason


def test_a_plain_mailer_daemon_message_is_read_too():
    bounce = read_bounce(QMAIL)
    assert bounce is not None
    assert bounce.recipients == ("raj.patel@acme.example",)
    assert bounce.message_ids == (SENT_ID,) and bounce.status == "5.1.1"


def test_ordinary_mail_is_no_bounce():
    mail = b"From: Priya <priya@acme.example>\r\nSubject: Re: Thank you\r\n\r\nThanks Sam!\r\n"
    assert not looks_like_bounce(mail) and read_bounce(mail) is None
    digest = b"From: MAILER-DAEMON@x.example\r\nSubject: Weekly digest\r\n\r\nhello a@b.example\r\n"
    assert read_bounce(digest) is None


def test_a_hostile_report_is_bounded():
    huge = RFC3464.replace(b"Action: failed", b"Action: failed\r\n" + b"X: y\r\n" * 200_000)
    bounce = read_bounce(huge)
    assert bounce is None or len(bounce.recipients) <= 20
