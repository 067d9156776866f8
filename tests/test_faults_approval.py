"""Approval cannot be forged (docs/ARCHITECTURE.md invariant 1, §3.5): only the user's own,
authenticated reply carrying the draft's current token sends anything. Complements test_sending.py
(wrong sender, look-alike address, no token, replay of an approve).

Authentication-Results count only from the server named by `[approval]
trusted_authserv_id` (the `rt_trusted` fixture); without it the token is the
proof and an edit must quote the request's Reference line unchanged."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import write_config
from mailgen import ME, invite, reply

from followup.adapters import config
from followup.app import drafts
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import DraftState

pytestmark = pytest.mark.integration

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)
AFTER = START + timedelta(hours=2)
PEOPLE = [("Jane Doe", "jane.doe@acme.example"), ("Li Wei", "li.wei@acme.example")]
INTERVIEWERS = {e for _, e in PEOPLE}


def add_invites(imap_account) -> None:
    """One interview each with Jane and with Li: each approval request then holds one
    draft, and another request's code is another interview's."""
    for n, person in enumerate(PEOPLE, start=1):
        imap_account.append("INBOX", invite(uid=f"forge-{n}", start=START, people=[person]))


@pytest.fixture
def rt(mail_env, imap_account):
    add_invites(imap_account)
    runtime = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    run_pass(runtime, now=AFTER)
    yield runtime
    runtime.close()


@pytest.fixture
def rt_trusted(mail_env, imap_account, smtp, tmp_path):
    """Like rt, with the user's receiving server named: [approval] trusted_authserv_id."""
    path = write_config(
        tmp_path / "trusted" / "config.toml",
        imap=imap_account,
        smtp=smtp,
        extra=f'[approval]\ntrusted_authserv_id = "{TRUSTED}"\nwait_for_debrief = 0\n',
    )
    add_invites(imap_account)
    runtime = open_runtime(config.load(path), clock=lambda: AFTER)
    run_pass(runtime, now=AFTER)
    yield runtime
    runtime.close()


TRUSTED = "mx.example.net"


def to_interviewers(sink) -> list:
    return [m for m in sink.messages if set(m.rcpt_tos) & INTERVIEWERS]


def request_for(sink, who: str) -> tuple[str, str]:
    for m in sink.messages:
        subject = str(m.message["Subject"])
        if m.message["X-Followup"] == "approval_request" and who in subject:
            return subject, re.search(r"\[fu-([A-Za-z0-9_-]+)\]", subject)[1]
    raise AssertionError(f"no approval request for {who}")


def request_body(sink, who: str) -> str:
    """The text of the approval request the user got for `who`'s draft."""
    for m in sink.messages:
        if m.message["X-Followup"] == "approval_request" and who in str(m.message["Subject"]):
            return m.message.get_body(("plain",)).get_content()
    raise AssertionError(f"no approval request for {who}")


def with_from(raw: bytes, value: str) -> bytes:
    """The reply with its From header replaced by `value` (bytes as written)."""
    return raw.replace(f"From: Sam Seeker <{ME}>".encode(), f"From: {value}".encode(), 1)


def states(rt) -> dict[str, DraftState]:
    return {d.to.email: d.state for d in drafts.list_drafts(rt.store, include_all=True)}


def outcome_of(rt, message_id: str) -> tuple[str, str]:
    row = rt.store.one("SELECT outcome, reason FROM messages WHERE message_id = ?", (message_id,))
    assert row is not None, f"{message_id} not recorded"
    return row["outcome"], row["reason"]


def forged_token(token: str) -> str:
    """Same length and alphabet, one character different."""
    last = "A" if token[-1] != "A" else "B"
    return token[:-1] + last


@pytest.mark.parametrize(
    "case",
    [
        "wrong_token",
        "random_token",
        "other_drafts_token_in_body",
        "two_from_addresses",
        "token_only_in_quote_from_stranger",
    ],
)
def test_forged_approvals_send_nothing(rt, smtp, imap_account, case):
    subject, token = request_for(smtp, "Li Wei")
    body, sender, headers = "approve", ME, ""
    mid = f"<forge-{case}@example.net>"
    if case == "wrong_token":
        subject = subject.replace(token, forged_token(token))
    elif case == "random_token":
        subject = re.sub(r"\[fu-[^\]]+\]", "[fu-" + "Z" * 22 + "]", subject)
    elif case == "other_drafts_token_in_body":
        # Jane's token in a reply to Li's request: approves at most Jane's draft, which
        # is then sent to Jane only; Li's draft stays waiting.
        _, jane_token = request_for(smtp, "Jane Doe")
        subject = subject.replace(token, forged_token(token))
        body = f"approve\r\n[fu-{jane_token}]"
    elif case == "two_from_addresses":
        raw = reply(to_subject=subject, body="approve", message_id=mid)
        raw = raw.replace(
            f"From: Sam Seeker <{ME}>".encode(),
            f"From: Sam Seeker <{ME}>, Mallory <mallory@evil.example>".encode(),
            1,
        )
        imap_account.append("INBOX", raw)
    elif case == "token_only_in_quote_from_stranger":
        sender = "mallory@evil.example"
        subject = re.sub(r"\s*\[fu-[^\]]+\]", "", subject)
        body = f"approve\r\n\r\n> [fu-{token}]"
    if case != "two_from_addresses":
        imap_account.append(
            "INBOX",
            reply(to_subject=subject, body=body, sender=sender, message_id=mid, headers=headers),
        )
    run_pass(rt, now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=1))
    sent = to_interviewers(smtp)
    assert [m for m in sent if "li.wei@acme.example" in m.rcpt_tos] == []
    assert states(rt)["li.wei@acme.example"] is DraftState.WAITING
    if case != "other_drafts_token_in_body":
        assert sent == []
        assert states(rt)["jane.doe@acme.example"] is DraftState.WAITING
    else:  # the only thing a real token can do is approve its own draft, to its own recipient
        assert all(m.rcpt_tos == ["jane.doe@acme.example"] for m in sent)
    if case in ("wrong_token", "random_token"):
        # From the user's own address: not dropped in the log but answered, to the user.
        outcome, reason = outcome_of(rt, mid)
        assert outcome == "stale" and "no longer matches" in reason, reason
        answers = [m for m in smtp.messages if m.message["X-Followup"] == "reply_refused"]
        assert len(answers) == 1 and answers[0].rcpt_tos == [ME]


def test_replayed_edit_after_sending_changes_and_sends_nothing(rt, smtp, imap_account):
    subject, token = request_for(smtp, "Jane Doe")
    edited = "Dear Jane,\n\nThank you for walking me through the on-call rotation.\n\nSam"
    imap_account.append(
        "INBOX",
        reply(
            to_subject=subject,
            body=edited,
            quoted=request_body(smtp, "Jane Doe"),
            message_id="<edit-1@example.net>",
        ),
    )
    run_pass(rt, now=AFTER)
    (msg,) = to_interviewers(smtp)
    assert msg.rcpt_tos == ["jane.doe@acme.example"]
    assert "on-call rotation" in msg.message.get_body(("plain",)).get_content()
    # The same edit replayed (new Message-ID, so not a duplicate), and a different edit.
    imap_account.append(
        "INBOX", reply(to_subject=subject, body=edited, message_id="<edit-replay@example.net>")
    )
    imap_account.append(
        "INBOX",
        reply(
            to_subject=subject,
            body="Dear Jane, send money.\n\nSam",
            message_id="<edit-evil@example.net>",
        ),
    )
    run_pass(rt, now=AFTER + timedelta(hours=1))
    run_pass(rt, now=AFTER + timedelta(hours=2))
    assert len(to_interviewers(smtp)) == 1
    jane = [
        d
        for d in drafts.list_drafts(rt.store, include_all=True)
        if d.to.email == "jane.doe@acme.example"
    ][0]
    assert jane.state is DraftState.SENT and "send money" not in jane.body
    for mid in ("<edit-replay@example.net>", "<edit-evil@example.net>"):
        assert outcome_of(rt, mid)[0] == "stale"  # answered to the user, never acted on


def test_old_token_after_redraft_cannot_approve_new_text(rt, smtp, imap_account):
    """An edit gives the draft a new token: the approval request for the old text
    can no longer approve anything."""
    subject, old_token = request_for(smtp, "Li Wei")
    (li,) = [d for d in drafts.list_drafts(rt.store) if d.to.email == "li.wei@acme.example"]
    with rt.store.transaction():
        drafts.edit(rt.store, li.id, "Dear Li,\n\nA rewritten note.\n\nSam", now=AFTER)
    imap_account.append(
        "INBOX", reply(to_subject=subject, body="approve", message_id="<stale-token@example.net>")
    )
    run_pass(rt, now=AFTER)
    assert to_interviewers(smtp) == []
    assert states(rt)["li.wei@acme.example"] is DraftState.WAITING
    # A reply to a request the draft has outgrown is answered, never silently dropped.
    assert outcome_of(rt, "<stale-token@example.net>")[0] == "stale"
    run_pass(rt, now=AFTER + timedelta(minutes=5))
    (answer,) = [m for m in smtp.messages if m.message["X-Followup"] == "reply_refused"]
    assert answer.rcpt_tos == [ME]
    text = answer.message.get_body(("plain",)).get_content()
    assert "changed since it was mailed" in text and "newest email" in text


def test_reject_then_replayed_approve_sends_nothing(rt, smtp, imap_account):
    subject, _ = request_for(smtp, "Jane Doe")
    imap_account.append(
        "INBOX", reply(to_subject=subject, body="reject", message_id="<rej@example.net>")
    )
    run_pass(rt, now=AFTER)
    imap_account.append(
        "INBOX", reply(to_subject=subject, body="approve", message_id="<rej-then-ok@example.net>")
    )
    run_pass(rt, now=AFTER + timedelta(hours=1))
    assert to_interviewers(smtp) == []
    assert states(rt)["jane.doe@acme.example"] is DraftState.REJECTED


# --- strict From ---------------------------------------------------------------------

B64_ME = base64.b64encode(ME.encode()).decode()


@pytest.mark.parametrize(
    "from_value",
    [
        f"{ME} <mallory@evil.example>",
        f"{ME})<mallory@evil.example>",
        f"<{ME}>@evil.example",
        f"=?utf-8?b?{B64_ME}?=",
        f"Sam Seeker <{ME}>\r\nFrom: Sam Seeker <{ME}>",  # two From headers
        f"Team: {ME};",
    ],
    ids=[
        "addr_then_angle",
        "paren_angle",
        "angle_then_domain",
        "encoded_word",
        "two_from",
        "group",
    ],
)
def test_forged_from_with_the_right_token_sends_nothing(rt, smtp, imap_account, from_value):
    """The From forms the stdlib read as the user's address approve nothing, even
    with the real token of a forwarded request."""
    subject, _ = request_for(smtp, "Li Wei")
    mid = "<forged-from@evil.example>"
    # "Interview" in the subject: the pre-filter fetches the body whoever the sender is
    raw = reply(to_subject=f"{subject} (Interview)", body="approve", message_id=mid)
    imap_account.append("INBOX", with_from(raw, from_value))
    run_pass(rt, now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=1))
    assert to_interviewers(smtp) == []
    assert set(states(rt).values()) == {DraftState.WAITING}
    outcome, reason = outcome_of(rt, mid)
    assert outcome == "rejected" and "sender refused" in reason, reason


# --- Authentication-Results from the trusted server -----------------------------------

AR_REFUSED = {
    "nothing_passes": "spf=fail smtp.mailfrom=example.net; dkim=none; dmarc=none",
    "dmarc_permerror": "spf=pass; dmarc=permerror header.from=example.net",
    "dmarc_pass_for_attacker": "dkim=pass header.d=evil.example; spf=pass; "
    "dmarc=pass header.from=evil.example",
    "dkim_fail": "dkim=fail header.d=example.net; spf=pass",
    "dmarc_fail": "dkim=pass header.d=example.net; spf=fail; dmarc=fail (p=REJECT) "
    "header.from=example.net",
}


@pytest.mark.parametrize("results", AR_REFUSED.values(), ids=AR_REFUSED.keys())
def test_trusted_server_without_a_pass_for_my_domain_sends_nothing(
    rt_trusted, smtp, imap_account, results
):
    subject, _ = request_for(smtp, "Li Wei")
    mid = "<ar-refused@example.net>"
    imap_account.append(
        "INBOX",
        reply(
            to_subject=subject,
            body="approve",
            message_id=mid,
            headers=f"Authentication-Results: {TRUSTED}; {results}\r\n",
        ),
    )
    run_pass(rt_trusted, now=AFTER)
    assert to_interviewers(smtp) == []
    assert set(states(rt_trusted).values()) == {DraftState.WAITING}
    outcome, reason = outcome_of(rt_trusted, mid)
    assert outcome == "rejected" and "authentication failed" in reason, reason


def test_pass_under_an_untrusted_authserv_id_sends_nothing(rt_trusted, smtp, imap_account):
    """An attacker writes their own Authentication-Results: only the trusted id counts."""
    subject, _ = request_for(smtp, "Li Wei")
    mid = "<ar-untrusted@example.net>"
    imap_account.append(
        "INBOX",
        reply(
            to_subject=subject,
            body="approve",
            message_id=mid,
            headers="Authentication-Results: mx.evil.example; dkim=pass header.d=example.net; "
            "dmarc=pass header.from=example.net\r\n",
        ),
    )
    run_pass(rt_trusted, now=AFTER)
    assert to_interviewers(smtp) == []
    outcome, reason = outcome_of(rt_trusted, mid)
    assert outcome == "rejected" and f"no Authentication-Results from {TRUSTED}" in reason


def test_dmarc_pass_from_the_trusted_server_approves(rt_trusted, smtp, imap_account):
    subject, _ = request_for(smtp, "Li Wei")
    imap_account.append(
        "INBOX",
        reply(
            to_subject=subject,
            body="approve",
            message_id="<ar-pass@example.net>",
            headers=f"Authentication-Results: {TRUSTED}; dkim=pass header.i=@example.net; "
            "spf=pass smtp.mailfrom=example.net;\r\n dmarc=pass (p=NONE) "
            "header.from=example.net\r\n",
        ),
    )
    run_pass(rt_trusted, now=AFTER)
    assert [m.rcpt_tos for m in to_interviewers(smtp)] == [["li.wei@acme.example"]]


# --- edits: the quoted request, and our own request taken for the user's text ----------


def test_forwarded_request_with_forged_edit_sends_nothing(rt, smtp, imap_account):
    """Without trusted_authserv_id: someone the request was forwarded to writes an
    'edit' in the user's name, quoting the forwarded copy. Nothing is sent."""
    subject, _ = request_for(smtp, "Li Wei")
    forwarded = (
        "---------- Forwarded message ---------\n"
        f"From: Sam Seeker <{ME}>\nDate: Tue, Dec 1, 2026 at 3:31 PM\n"
        f"Subject: {subject}\nTo: <mallory@evil.example>\n\n" + request_body(smtp, "Li Wei")
    )
    mid = "<forged-edit@evil.example>"
    imap_account.append(
        "INBOX",
        reply(
            to_subject=f"Fwd: {subject}",
            body="Dear Li,\n\nPlease wire the fee to the account below before Friday.\n\nSam",
            quoted=forwarded,
            message_id=mid,
        ),
    )
    run_pass(rt, now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=1))
    assert to_interviewers(smtp) == []
    assert set(states(rt).values()) == {DraftState.WAITING}
    outcome, reason = outcome_of(rt, mid)
    assert outcome == "rejected" and "Reference: [fu-" in reason, reason


def outlook_reply(
    subject: str, new_text: str, request: str, *, block: str, message_id: str
) -> bytes:
    """An Outlook reply: new text, a header block, the request unquoted (no '>')."""
    body = f"{new_text}\r\n\r\n{block}\r\n\r\n{request}".replace("\r\n", "\n")
    return (
        f"From: Sam Seeker <{ME}>\r\nTo: Sam Seeker <{ME}>\r\n"
        f"Subject: RE: {subject}\r\nMessage-ID: {message_id}\r\n"
        "Date: Tue, 01 Dec 2026 16:00:00 -0600\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + body.replace("\n", "\r\n")
    ).encode()


SPANISH_BLOCK = (
    f"De: Sam Seeker <{ME}>\nEnviado: martes, 1 de diciembre de 2026 15:31\n"
    f"Para: Sam Seeker <{ME}>\nAsunto: Approve your thank-you"
)


def test_spanish_outlook_edit_sends_only_the_new_text(rt, smtp, imap_account):
    """De:/Enviado:/Para:/Asunto: with no '>': only the text above the block is sent —
    never the approval instructions or the token."""
    subject, _ = request_for(smtp, "Jane Doe")
    edited = "Dear Jane,\n\nThank you for walking me through the on-call rotation.\n\nSam"
    imap_account.append(
        "INBOX",
        outlook_reply(
            subject,
            edited,
            request_body(smtp, "Jane Doe"),
            block=SPANISH_BLOCK,
            message_id="<es-edit@example.net>",
        ),
    )
    run_pass(rt, now=AFTER)
    (msg,) = to_interviewers(smtp)
    assert msg.rcpt_tos == ["jane.doe@acme.example"]
    text = msg.message.get_body(("plain",)).get_content()
    assert "on-call rotation" in text
    assert "[fu-" not in text and "Nothing is sent" not in text and "Enviado" not in text


def test_edit_still_holding_the_request_is_refused_and_the_user_told_once(rt, smtp, imap_account):
    """A client whose quote we cannot see (the request pasted under the new text, no
    marker): nothing goes to the interviewer; the user gets one answer saying why."""
    subject, _ = request_for(smtp, "Jane Doe")
    edited = "Dear Jane,\n\nThank you for walking me through the on-call rotation.\n\nSam"
    body = edited + "\n\n" + request_body(smtp, "Jane Doe")
    mid = "<echo-edit@example.net>"
    imap_account.append("INBOX", reply(to_subject=subject, body=body, message_id=mid))
    run_pass(rt, now=AFTER)
    run_pass(rt, now=AFTER + timedelta(hours=1))
    assert to_interviewers(smtp) == []
    assert states(rt)["jane.doe@acme.example"] is DraftState.WAITING
    outcome, reason = outcome_of(rt, mid)
    assert outcome == "refused" and "approval instructions" in reason, reason
    answers = [m for m in smtp.messages if m.message["X-Followup"] == "reply_refused"]
    assert len(answers) == 1 and answers[0].rcpt_tos == [ME]
    text = answers[0].message.get_body(("plain",)).get_content()
    assert "Nothing was sent" in text and "jane.doe@acme.example" in text
    assert "approval instructions" in text


def test_a_reply_that_says_nothing_we_can_act_on_is_answered_once(rt, smtp, imap_account):
    """ "Sounds good, will look later" to an approval request: nothing changes, and the
    user is told what was read and how to answer. An auto-reply of theirs is not answered
    (answering auto-replies could loop)."""
    subject, _ = request_for(smtp, "Jane Doe")
    imap_account.append(
        "INBOX",
        reply(to_subject=subject, body="Sounds good, will look later", message_id="<vague@x>"),
    )
    imap_account.append(
        "INBOX",
        reply(
            to_subject=subject,
            body="I am away until Monday.",
            message_id="<away@x>",
            headers="Auto-Submitted: auto-replied\r\n",
        ),
    )
    run_pass(rt, now=AFTER)
    run_pass(rt, now=AFTER + timedelta(minutes=5))
    assert to_interviewers(smtp) == []
    assert states(rt)["jane.doe@acme.example"] is DraftState.WAITING
    assert outcome_of(rt, "<vague@x>")[0] == "unclear"
    assert outcome_of(rt, "<away@x>")[0] == "rejected"
    (answer,) = [m for m in smtp.messages if m.message["X-Followup"] == "reply_refused"]
    assert answer.rcpt_tos == [ME]
    text = answer.message.get_body(("plain",)).get_content()
    assert "not understood" in text and "How to answer" in text and '"approve"' in text
