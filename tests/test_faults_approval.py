"""Approval cannot be forged (DESIGN §4.1): only the user's own, authenticated reply
carrying the draft's current token sends anything. Complements test_sending.py
(wrong sender, look-alike address, no token, replay of an approve)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from mailgen import ME, invite, reply

from followup import config, drafts
from followup.model import DraftState
from followup.pipeline import run_pass
from followup.runtime import open_runtime

pytestmark = pytest.mark.integration

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)
AFTER = START + timedelta(hours=2)
PEOPLE = [("Jane Doe", "jane.doe@acme.example"), ("Li Wei", "li.wei@acme.example")]
INTERVIEWERS = {e for _, e in PEOPLE}


@pytest.fixture
def rt(mail_env, imap_account):
    imap_account.append("INBOX", invite(uid="forge-1", start=START, people=PEOPLE))
    runtime = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    run_pass(runtime, now=AFTER)
    yield runtime
    runtime.close()


def to_interviewers(sink) -> list:
    return [m for m in sink.messages if set(m.rcpt_tos) & INTERVIEWERS]


def request_for(sink, who: str) -> tuple[str, str]:
    for m in sink.messages:
        subject = str(m.message["Subject"])
        if m.message["X-Followup"] == "approval_request" and who in subject:
            return subject, re.search(r"\[fu-([A-Za-z0-9_-]+)\]", subject)[1]
    raise AssertionError(f"no approval request for {who}")


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


AUTH_FAIL = [
    "Authentication-Results: mx.example.net; dkim=fail header.d=example.net; "
    "spf=pass; dmarc=pass\r\n",
    "Authentication-Results: mx.example.net; dkim=pass; spf=fail; dmarc=fail "
    "(p=REJECT) header.from=example.net\r\n",
]


@pytest.mark.parametrize("case", ["wrong_token", "random_token", "other_drafts_token_in_body",
                                  "dkim_fail", "dmarc_fail", "two_from_addresses",
                                  "token_only_in_quote_from_stranger"])
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
    elif case == "dkim_fail":
        headers = AUTH_FAIL[0]
    elif case == "dmarc_fail":
        headers = AUTH_FAIL[1]
    elif case == "two_from_addresses":
        raw = reply(to_subject=subject, body="approve", message_id=mid)
        raw = raw.replace(f"From: Sam Seeker <{ME}>".encode(),
                          f"From: Sam Seeker <{ME}>, Mallory <mallory@evil.example>".encode(), 1)
        imap_account.append("INBOX", raw)
    elif case == "token_only_in_quote_from_stranger":
        sender = "mallory@evil.example"
        subject = re.sub(r"\s*\[fu-[^\]]+\]", "", subject)
        body = f"approve\r\n\r\n> [fu-{token}]"
    if case != "two_from_addresses":
        imap_account.append("INBOX", reply(to_subject=subject, body=body, sender=sender,
                                           message_id=mid, headers=headers))
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
    if case in ("dkim_fail", "dmarc_fail"):
        outcome, reason = outcome_of(rt, mid)
        assert outcome == "rejected" and "DKIM or DMARC" in reason, reason
    elif case in ("wrong_token", "random_token"):
        outcome, reason = outcome_of(rt, mid)
        assert outcome == "rejected" and reason, reason


def test_replayed_edit_after_sending_changes_and_sends_nothing(rt, smtp, imap_account):
    subject, token = request_for(smtp, "Jane Doe")
    edited = "Dear Jane,\n\nThank you for walking me through the on-call rotation.\n\nSam"
    imap_account.append("INBOX", reply(to_subject=subject, body=edited,
                                       message_id="<edit-1@example.net>"))
    run_pass(rt, now=AFTER)
    (msg,) = to_interviewers(smtp)
    assert msg.rcpt_tos == ["jane.doe@acme.example"]
    assert "on-call rotation" in msg.message.get_body(("plain",)).get_content()
    # The same edit replayed (new Message-ID, so not a duplicate), and a different edit.
    imap_account.append("INBOX", reply(to_subject=subject, body=edited,
                                       message_id="<edit-replay@example.net>"))
    imap_account.append("INBOX", reply(to_subject=subject, body="Dear Jane, send money.\n\nSam",
                                       message_id="<edit-evil@example.net>"))
    run_pass(rt, now=AFTER + timedelta(hours=1))
    run_pass(rt, now=AFTER + timedelta(hours=2))
    assert len(to_interviewers(smtp)) == 1
    jane = [d for d in drafts.list_drafts(rt.store, include_all=True)
            if d.to.email == "jane.doe@acme.example"][0]
    assert jane.state is DraftState.SENT and "send money" not in jane.body
    for mid in ("<edit-replay@example.net>", "<edit-evil@example.net>"):
        assert outcome_of(rt, mid)[0] == "rejected"


def test_old_token_after_redraft_cannot_approve_new_text(rt, smtp, imap_account):
    """An edit gives the draft a new token: the approval request for the old text
    can no longer approve anything."""
    subject, old_token = request_for(smtp, "Li Wei")
    (li,) = [d for d in drafts.list_drafts(rt.store) if d.to.email == "li.wei@acme.example"]
    with rt.store.transaction():
        drafts.edit(rt.store, li.id, "Dear Li,\n\nA rewritten note.\n\nSam", now=AFTER)
    imap_account.append("INBOX", reply(to_subject=subject, body="approve",
                                       message_id="<stale-token@example.net>"))
    run_pass(rt, now=AFTER)
    assert to_interviewers(smtp) == []
    assert states(rt)["li.wei@acme.example"] is DraftState.WAITING
    assert outcome_of(rt, "<stale-token@example.net>")[0] == "rejected"


def test_reject_then_replayed_approve_sends_nothing(rt, smtp, imap_account):
    subject, _ = request_for(smtp, "Jane Doe")
    imap_account.append("INBOX", reply(to_subject=subject, body="reject",
                                       message_id="<rej@example.net>"))
    run_pass(rt, now=AFTER)
    imap_account.append("INBOX", reply(to_subject=subject, body="approve",
                                       message_id="<rej-then-ok@example.net>"))
    run_pass(rt, now=AFTER + timedelta(hours=1))
    assert to_interviewers(smtp) == []
    assert states(rt)["jane.doe@acme.example"] is DraftState.REJECTED
