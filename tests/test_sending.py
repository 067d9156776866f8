"""Drafts, approval and sending against real Dovecot and aiosmtpd.

Nothing goes to an interviewer unapproved; each approved email goes exactly
once, to exactly the approved recipient.
"""

from __future__ import annotations

import email
import re
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
from mailgen import ME, invite, reply

from followup.adapters import config
from followup.app import drafts
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import DraftState

pytestmark = pytest.mark.integration

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)
AFTER = START + timedelta(hours=2)  # the interview has ended; debrief delay passed
PEOPLE = [
    ("Jane Doe", "jane.doe@acme.example"),
    ("Raj Patel", "raj.patel@acme.example"),
    ("Li Wei", "li.wei@acme.example"),
]
INTERVIEWERS = {email for _, email in PEOPLE}


@pytest.fixture
def rt(mail_env, imap_account):
    imap_account.append("INBOX", invite(uid="acme-onsite-1", start=START, people=PEOPLE))
    runtime = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    yield runtime
    runtime.close()


def to_interviewers(sink) -> list:
    return [m for m in sink.messages if set(m.rcpt_tos) & INTERVIEWERS]


def approval_requests(sink) -> dict[str, str]:
    """recipient name in the subject -> token, from the approval requests the user got."""
    found = {}
    for m in sink.messages:
        subject = str(m.message["Subject"])
        if m.message["X-Followup"] == "approval_request":
            token = re.search(r"\[fu-([A-Za-z0-9_-]+)\]", subject)[1]
            found[subject] = token
    return found


def test_three_interviewers_three_drafts_two_approved_two_sent_once(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    waiting = drafts.list_drafts(rt.store)
    assert sorted(d.to.email for d in waiting) == sorted(INTERVIEWERS)
    assert all(d.state is DraftState.WAITING for d in waiting)
    assert to_interviewers(smtp) == []  # nothing unapproved left the machine
    assert all(m.rcpt_tos == [ME] for m in smtp.messages)  # only requests to the user
    chosen = [d for d in waiting if d.to.email != "li.wei@acme.example"]
    with rt.store.transaction():
        approved = [drafts.approve(rt.store, d.id, sender=ME, now=AFTER) for d in chosen]
    run_pass(rt, now=AFTER)
    sent = to_interviewers(smtp)
    assert len(sent) == 2
    for draft in approved:
        (msg,) = [m for m in sent if m.rcpt_tos == [draft.to.email]]
        parsed = msg.message
        assert parsed["From"] == f"Sam Seeker <{ME}>"
        assert parsed["To"] == f"{draft.to.name} <{draft.to.email}>"
        assert parsed["Subject"] == draft.subject
        assert parsed["Message-ID"].strip() == draft.message_id
        assert draft.to.name.split()[0] in parsed.get_body(("plain",)).get_content()
        # Nothing tells the interviewer a tool wrote it; the Message-ID is the user's.
        assert parsed["X-Followup"] is None and parsed["Auto-Submitted"] is None
        assert parsed["Message-ID"].strip().endswith("@example.net>")
    assert all(m.message["X-Followup"] for m in smtp.messages if m.rcpt_tos == [ME])
    run_pass(rt, now=AFTER + timedelta(minutes=5))
    assert len(to_interviewers(smtp)) == 2  # never twice
    states = {d.to.email: d.state for d in drafts.list_drafts(rt.store, include_all=True)}
    assert states["li.wei@acme.example"] is DraftState.WAITING
    # A copy of each thank-you in Sent (a provider we do not know keeps none itself), once.
    sent_copies = [
        email.message_from_bytes(b, policy=policy.default)["Message-ID"]
        for b in imap_account.messages("Sent")
    ]
    assert sorted(sent_copies) == sorted(d.message_id for d in approved)


def test_one_approval_request_per_interview_numbers_its_drafts(rt, smtp):
    run_pass(rt, now=AFTER)
    ((subject, token),) = approval_requests(smtp).items()
    assert "Jane Doe, Raj Patel, Li Wei" in subject
    (request,) = [m for m in smtp.messages if m.message["X-Followup"] == "approval_request"]
    body = request.message.get_body(("plain",)).get_content()
    for number, (name, address) in enumerate(PEOPLE, start=1):
        assert f"===== Draft {number} of 3: to {name} <{address}> =====" in body
    assert '"approve 1 3"' in body and '"reject 2"' in body
    run_pass(rt, now=AFTER + timedelta(minutes=5))  # nothing changed: not asked again
    assert len(approval_requests(smtp)) == 1


def test_approval_by_email_reply(rt, smtp, imap_account):
    """A reply "approve 1" from the user's address with the token sends that draft."""
    run_pass(rt, now=AFTER)
    requests = approval_requests(smtp)
    subject, token = next((s, t) for s, t in requests.items() if "Jane Doe" in s)
    imap_account.append(
        "INBOX", reply(to_subject=subject, body="approve 1", quoted=f"Draft token [fu-{token}]")
    )
    run_pass(rt, now=AFTER)
    sent = to_interviewers(smtp)
    assert [m.rcpt_tos for m in sent] == [["jane.doe@acme.example"]]
    # Replaying the request's code after the send does nothing more, even for all.
    imap_account.append(
        "INBOX", reply(to_subject=subject, body="approve", message_id="<replay@example.net>")
    )
    run_pass(rt, now=AFTER)
    assert len(to_interviewers(smtp)) == 1


def test_edited_reply_sends_the_edited_text(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    subject, token = next((s, t) for s, t in approval_requests(smtp).items() if "Raj" in s)
    edited = "Draft 2\nDear Raj,\n\nThank you for the deep dive on the billing system today.\n\nSam"
    (request,) = [m for m in smtp.messages if str(m.message["Subject"]) == subject]
    # an edit by email quotes the request it answers (its Reference line unchanged)
    imap_account.append(
        "INBOX",
        reply(
            to_subject=subject,
            body=edited,
            quoted=request.message.get_body(("plain",)).get_content(),
        ),
    )
    run_pass(rt, now=AFTER)
    (msg,) = to_interviewers(smtp)
    assert msg.rcpt_tos == ["raj.patel@acme.example"]
    assert "deep dive on the billing system" in msg.message.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "sender, with_token",
    [
        ("someone@attacker.example", True),  # right token, wrong sender
        ("sam.seeker@example.net.evil.example", True),  # look-alike address
        (ME, False),  # right sender, no token
    ],
)
def test_forged_or_tokenless_replies_send_nothing(rt, smtp, imap_account, sender, with_token):
    run_pass(rt, now=AFTER)
    subject, token = next((s, t) for s, t in approval_requests(smtp).items() if "Li Wei" in s)
    if not with_token:
        subject = re.sub(r"\s*\[fu-[^\]]+\]", "", subject)
    imap_account.append("INBOX", reply(to_subject=subject, body="approve", sender=sender))
    run_pass(rt, now=AFTER)
    assert to_interviewers(smtp) == []
    assert all(d.state is DraftState.WAITING for d in drafts.list_drafts(rt.store))


def test_reject_by_email_means_never_sent(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    subject, _ = next((s, t) for s, t in approval_requests(smtp).items() if "Li Wei" in s)
    imap_account.append("INBOX", reply(to_subject=subject, body="reject 3"))
    run_pass(rt, now=AFTER)
    (li,) = [
        d
        for d in drafts.list_drafts(rt.store, include_all=True)
        if d.to.email == "li.wei@acme.example"
    ]
    assert li.state is DraftState.REJECTED
    assert to_interviewers(smtp) == []


def approve_all(rt) -> list:
    with rt.store.transaction():
        return [
            drafts.approve(rt.store, d.id, sender=ME, now=AFTER)
            for d in drafts.list_drafts(rt.store)
            if d.state is DraftState.WAITING
        ]


@pytest.mark.parametrize("code", [421, 451])
def test_temporary_smtp_failure_is_retried_and_sent_once(rt, smtp, code):
    run_pass(rt, now=AFTER)
    approve_all(rt)
    smtp.fail_next(code, "4.3.0 try again later")
    run_pass(rt, now=AFTER)
    assert len(to_interviewers(smtp)) == 2  # one failed, two went out
    (retry,) = [
        d for d in drafts.list_drafts(rt.store, include_all=True) if d.state is DraftState.APPROVED
    ]
    assert "try again later" in retry.last_error
    run_pass(rt, now=AFTER + timedelta(minutes=1))  # backoff not over yet
    assert len(to_interviewers(smtp)) == 2
    run_pass(rt, now=AFTER + timedelta(hours=2))
    assert len(to_interviewers(smtp)) == 3
    assert sorted(m.rcpt_tos[0] for m in to_interviewers(smtp)) == sorted(INTERVIEWERS)


@pytest.mark.parametrize("code", [550, 554])
def test_permanent_smtp_failure_is_not_retried(rt, smtp, code):
    run_pass(rt, now=AFTER)
    approve_all(rt)
    smtp.fail_next(code, "5.1.1 mailbox unavailable")
    run_pass(rt, now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=3))
    failed = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.FAILED]
    assert len(failed) == 1 and "5.1.1 mailbox unavailable" in failed[0].last_error
    assert str(code) in failed[0].last_error
    assert len(to_interviewers(smtp)) == 2


def test_connection_dropped_after_data_is_never_blindly_resent(rt, smtp):
    """The server took the message but the 250 never came: "maybe sent", for the user."""
    run_pass(rt, now=AFTER)
    approve_all(rt)
    smtp.accept_then_drop_next()
    run_pass(rt, now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=3))
    delivered = [m.rcpt_tos[0] for m in to_interviewers(smtp)]
    assert sorted(delivered) == sorted(INTERVIEWERS)  # each exactly once
    unknown = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.UNKNOWN]
    assert len(unknown) == 1


def test_auto_mode_sends_without_review(mail_env, imap_account, smtp):
    """approval.mode = "auto": the user opted in, so drafts go out at once."""
    mail_env.write_text(mail_env.read_text().replace("[approval]", '[approval]\nmode = "auto"'))
    imap_account.append("INBOX", invite(uid="auto-1", start=START, people=PEOPLE[:1]))
    runtime = open_runtime(config.load(mail_env))
    try:
        run_pass(runtime, now=AFTER)
    finally:
        runtime.close()
    assert [m.rcpt_tos for m in to_interviewers(smtp)] == [["jane.doe@acme.example"]]


def test_auto_mode_never_approves_past_the_cap(mail_env, imap_account, smtp):
    """Three drafts made under a cap of 3; then the cap is 2 and the mode auto: the
    drafts wait for the user rather than go out."""
    base = mail_env.read_text()
    mail_env.write_text(base + "\n[compose]\nmax_interviewers = 3\n")
    imap_account.append("INBOX", invite(uid="auto-cap", start=START, people=PEOPLE))
    runtime = open_runtime(config.load(mail_env))
    try:
        run_pass(runtime, now=AFTER)
    finally:
        runtime.close()
    base = base.replace("[approval]", '[approval]\nmode = "auto"')
    mail_env.write_text(base + "\n[compose]\nmax_interviewers = 2\n")
    runtime = open_runtime(config.load(mail_env))
    try:
        run_pass(runtime, now=AFTER + timedelta(minutes=5))
        run_pass(runtime, now=AFTER + timedelta(hours=2))
        states = {d.state for d in drafts.list_drafts(runtime.store, include_all=True)}
    finally:
        runtime.close()
    assert states == {DraftState.WAITING}
    assert to_interviewers(smtp) == []
