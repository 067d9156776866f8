"""The follow-up plan end to end (Dovecot + aiosmtpd, clock set by the test):
reminders with calendar files, "done" replies, debrief by email, and a plan that
stops itself when the company writes or a second interview is booked."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from mailgen import ME, invite, reply

from followup.adapters import config
from followup.app import drafts, interviews
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import DraftState, InterviewState

pytestmark = pytest.mark.integration

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)  # a Tuesday
AFTER = START + timedelta(hours=2)
CALL_1 = datetime(2026, 12, 4, 10, 0, tzinfo=CHICAGO)  # 3 business days later, 10:00
JANE = ("Jane Doe", "jane.doe@acme.example")


@pytest.fixture
def rt(mail_env, imap_account):
    imap_account.append("INBOX", invite(uid="plan-1", start=START, people=[JANE]))
    runtime = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    yield runtime
    runtime.close()


def to_me(sink, kind: str) -> list:
    return [m for m in sink.messages if m.rcpt_tos == [ME] and m.message["X-Followup"] == kind]


def token_of(message) -> str:
    return re.search(r"\[fu-([A-Za-z0-9_-]+)\]", str(message.message["Subject"]))[1]


def test_call_reminder_arrives_with_a_valid_calendar_file(rt, smtp):
    run_pass(rt, now=AFTER)
    assert to_me(smtp, "call_1_reminder") == []  # not before its day
    run_pass(rt, now=CALL_1 + timedelta(minutes=1))
    (reminder,) = to_me(smtp, "call_1_reminder")
    body = reminder.message.get_body(("plain",)).get_content()
    assert "Jane Doe" in body
    assert (
        "I really want to work with you. Is now a good time to set up a second interview?"
    ) in body
    (ics,) = [
        p for p in reminder.message.iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    event = next(iter(Calendar.from_ical(ics.get_content()).walk("VEVENT")))
    assert event.decoded("DTSTART") == CALL_1.astimezone(event.decoded("DTSTART").tzinfo)
    assert "Jane Doe" in str(event["SUMMARY"])
    run_pass(rt, now=CALL_1 + timedelta(hours=1))
    assert len(to_me(smtp, "call_1_reminder")) == 1  # once


def test_done_reply_plans_the_next_call_from_that_moment(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    run_pass(rt, now=CALL_1 + timedelta(minutes=1))
    (reminder,) = to_me(smtp, "call_1_reminder")
    imap_account.append("INBOX", reply(to_subject=str(reminder.message["Subject"]), body="done"))
    made = datetime(2026, 12, 7, 11, 0, tzinfo=CHICAGO)  # Monday: the call was made late
    run_pass(rt, now=made)
    tasks = {r["kind"]: r for r in rt.store.all("SELECT * FROM tasks")}
    assert tasks["call_1"]["state"] == "done"
    due = datetime.fromisoformat(tasks["call_2"]["due_utc"]).astimezone(CHICAGO)
    assert due == datetime(2026, 12, 10, 10, 0, tzinfo=CHICAGO)  # Mon + 3 business days


def test_interviewer_reply_to_the_thank_you_pauses_the_plan(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    (draft,) = drafts.list_drafts(rt.store)
    with rt.store.transaction():
        draft = drafts.approve(rt.store, draft.id, sender=ME, now=AFTER)
    run_pass(rt, now=AFTER)
    answer = (
        f"From: Jane Doe <jane.doe@acme.example>\r\nTo: {ME}\r\n"
        f"Subject: Re: {draft.subject}\r\nIn-Reply-To: {draft.message_id}\r\n"
        "Message-ID: <jane-answer@acme.example>\r\n"
        "Date: Wed, 02 Dec 2026 09:00:00 -0600\r\n\r\nThanks Sam, great talking to you!\r\n"
    )
    imap_account.append("INBOX", answer.encode())
    run_pass(rt, now=AFTER + timedelta(days=1))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.state is InterviewState.PAUSED
    (notice,) = to_me(smtp, "plan_paused")
    assert "jane.doe@acme.example" in notice.message.get_body(("plain",)).get_content()
    run_pass(rt, now=CALL_1 + timedelta(minutes=1))
    assert to_me(smtp, "call_1_reminder") == []  # paused: no reminders
    assert len(to_me(smtp, "plan_paused")) == 1  # told once


@pytest.mark.parametrize(
    "headers, subject",
    [
        ("Auto-Submitted: auto-replied\r\n", "Re: {subject}"),
        ("X-Autoreply: yes\r\n", "Re: {subject}"),
        ("", "Automatic reply: {subject}"),
        ("", "Abwesenheitsnotiz: {subject}"),
        ("", "Réponse automatique : {subject}"),
        ("", "Respuesta automática: {subject}"),
        ("", "Automatisch antwoord: {subject}"),
        ("", "Out of Office: {subject}"),
    ],
)
def test_an_out_of_office_reply_to_the_thank_you_leaves_the_plan_active(
    rt, smtp, imap_account, headers, subject
):
    """An auto-reply is not the company's answer: the plan goes on, no pause notice."""
    run_pass(rt, now=AFTER)
    (draft,) = drafts.list_drafts(rt.store)
    with rt.store.transaction():
        draft = drafts.approve(rt.store, draft.id, sender=ME, now=AFTER)
    run_pass(rt, now=AFTER)
    answer = (
        f"From: Jane Doe <jane.doe@acme.example>\r\nTo: {ME}\r\n"
        f"Subject: {subject.format(subject=draft.subject)}\r\n"
        f"In-Reply-To: {draft.message_id}\r\n{headers}"
        "Message-ID: <jane-ooo@acme.example>\r\n"
        "Date: Wed, 02 Dec 2026 09:00:00 -0600\r\n\r\n"
        "I am out of the office until December 9 and will reply when I am back.\r\n"
    )
    imap_account.append("INBOX", answer.encode())
    run_pass(rt, now=AFTER + timedelta(days=1))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.state is InterviewState.ACTIVE
    assert to_me(smtp, "plan_paused") == []


@pytest.mark.parametrize("headers", ["Auto-Submitted: auto-generated\r\n", "Precedence: bulk\r\n"])
def test_a_system_generated_rejection_still_pauses_the_plan(rt, smtp, imap_account, headers):
    """An ATS marks its mail automatic; a rejection in it is still the company's word."""
    run_pass(rt, now=AFTER)
    rejection = (
        f"From: Acme Recruiting <no-reply@acme.example>\r\nTo: {ME}\r\n"
        f"Subject: Your application at Acme\r\n{headers}"
        "Message-ID: <ats-1@acme.example>\r\nDate: Thu, 03 Dec 2026 09:00:00 -0600\r\n\r\n"
        "Unfortunately we will not be moving forward with your application.\r\n"
    )
    imap_account.append("INBOX", rejection.encode())
    run_pass(rt, now=AFTER + timedelta(days=2))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.state is InterviewState.PAUSED


@pytest.mark.parametrize("day", ["Tuesday, December 1, 2026 at 1:00 PM CST",
                                 "Tuesday, December 8, 2026 at 1:00 PM CST"])  # fmt: skip
def test_a_rejection_naming_the_interview_date_is_not_a_new_interview(rt, smtp, imap_account, day):
    """ "Thank you for your interview on <date> … not moving forward" pauses the plan: it
    never becomes a second interview that ends the first and withdraws its drafts."""
    run_pass(rt, now=AFTER)
    rejection = (
        f"From: Jane Doe <jane.doe@acme.example>\r\nTo: {ME}\r\n"
        "Subject: Your interview at Acme\r\n"
        "Message-ID: <no-1@acme.example>\r\nDate: Thu, 03 Dec 2026 09:00:00 -0600\r\n\r\n"
        f"Thank you for your interview on {day} with our team.\r\n"
        "Unfortunately we will not be moving forward with your application.\r\n"
    )
    imap_account.append("INBOX", rejection.encode())
    run_pass(rt, now=AFTER + timedelta(days=2))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.state is InterviewState.PAUSED
    assert all(d.state is not DraftState.WITHDRAWN for d in drafts.list_drafts(rt.store))


def test_an_interviewers_news_pauses_every_plan_they_are_in(rt, smtp, imap_account):
    """A fake invite that merely lists Jane cannot capture her mail: her rejection pauses
    the real plan (and the fake one with it), never only the latest plan she is in."""
    run_pass(rt, now=AFTER)
    fake = invite(
        uid="evil-2", start=START + timedelta(days=30), company="Globex", people=[JANE]
    ).replace(b"recruiting@globex.example", b"recruiting@attacker.example")
    imap_account.append("INBOX", fake)
    run_pass(rt, now=AFTER + timedelta(minutes=1))
    rejection = (
        f"From: Jane Doe <{JANE[1]}>\r\nTo: {ME}\r\nSubject: Your application\r\n"
        "Message-ID: <rej-1@acme.example>\r\nDate: Wed, 02 Dec 2026 09:00:00 -0600\r\n\r\n"
        "Hi Sam, unfortunately we have decided to move on with another candidate for the "
        "position.\r\n"
    )
    imap_account.append("INBOX", rejection.encode())
    run_pass(rt, now=AFTER + timedelta(days=1))
    states = {i.company: i.state for i in interviews.all_interviews(rt.store)}
    assert states["Acme"] is InterviewState.PAUSED


def test_offer_from_the_company_domain_pauses_the_plan(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    news = (
        f"From: HR <people-ops@acme.example>\r\nTo: {ME}\r\nSubject: Your application\r\n"
        "Message-ID: <offer@acme.example>\r\nDate: Thu, 03 Dec 2026 09:00:00 -0600\r\n\r\n"
        "We are pleased to offer you the position. The offer letter is attached.\r\n"
    )
    imap_account.append("INBOX", news.encode())
    run_pass(rt, now=AFTER + timedelta(days=2))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.state is InterviewState.PAUSED
    assert "an offer" in to_me(smtp, "plan_paused")[0].message.get_body(("plain",)).get_content()


def company_news(auth: str, n: int) -> bytes:
    return (
        f"{auth}From: HR <people-ops@acme.example>\r\nTo: {ME}\r\n"
        f"Subject: Your application\r\nMessage-ID: <news-{n}@acme.example>\r\n"
        "Date: Thu, 03 Dec 2026 09:00:00 -0600\r\n\r\n"
        "We regret to inform you that the position has been filled.\r\n"
    ).encode()


@pytest.mark.parametrize(
    "auth",
    [
        "Authentication-Results: mx.example.net; dkim=none; spf=none; "
        "dmarc=fail (p=reject dis=none) header.from=acme.example\r\n",
        # The forger adds a pass of his own above; the receiving server's fail still counts.
        "Authentication-Results: mx.example.net; dmarc=pass header.from=acme.example\r\n"
        "Authentication-Results: mx.example.net; dmarc=fail header.from=acme.example\r\n",
        "Authentication-Results: mx.example.net;\r\n\tspf=fail smtp.mailfrom=acme.example;"
        " dkim=none; dmarc=none\r\n",
        "Authentication-Results: mx.example.net; dkim=fail (bad signature) header.d=acme.example;"
        " spf=softfail\r\n",
    ],
    ids=["dmarc-fail", "forged-pass-over-fail", "spf-fail", "dkim-fail"],
)
def test_company_mail_failing_authentication_never_pauses_the_plan(rt, smtp, imap_account, auth):
    """Anyone can write From: people-ops@acme.example; mail that fails DMARC (or SPF/DKIM
    without a DMARC pass) is not the company's word and leaves the plan running."""
    run_pass(rt, now=AFTER)
    imap_account.append("INBOX", company_news(auth, 1))
    run_pass(rt, now=AFTER + timedelta(days=2))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.state is InterviewState.ACTIVE
    assert to_me(smtp, "plan_paused") == []
    # The same news, authenticated: the plan pauses.
    imap_account.append(
        "INBOX",
        company_news(
            "Authentication-Results: mx.example.net; dkim=pass header.d=acme.example; "
            "spf=pass; dmarc=pass (p=reject) header.from=acme.example\r\n",
            2,
        ),
    )
    run_pass(rt, now=AFTER + timedelta(days=2, hours=1))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.state is InterviewState.PAUSED
    assert len(to_me(smtp, "plan_paused")) == 1


def test_an_invite_naming_the_company_from_elsewhere_ends_no_plan(rt, smtp, imap_account):
    """Anyone can write "Acme" in an invite: from a domain none of the plan's people are
    at, it is a new interview of its own; the real plan and its drafts go on."""
    run_pass(rt, now=AFTER)
    forged = invite(
        uid="forged-2",
        start=START + timedelta(days=20),
        people=[("Eve", "eve@attacker.example")],
        company="Acme",
    ).replace(b"recruiting@acme.example", b"recruiting@attacker.example")
    imap_account.append("INBOX", forged)
    run_pass(rt, now=AFTER + timedelta(days=1))
    first = interviews.all_interviews(rt.store)[0]
    assert first.state is InterviewState.ACTIVE
    assert all(d.state is not DraftState.WITHDRAWN for d in drafts.list_drafts(rt.store))


def test_second_interview_with_the_company_ends_the_first_plan(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    imap_account.append(
        "INBOX",
        invite(
            uid="plan-2",
            start=START + timedelta(days=7),
            people=[("Raj Patel", "raj.patel@acme.example")],
            company="Acme",
            role="Backend Engineer (final)",
        ),
    )
    run_pass(rt, now=AFTER + timedelta(days=1))
    first, second = interviews.all_interviews(rt.store)
    assert first.state is InterviewState.DONE and second.state is InterviewState.ACTIVE
    states = {
        r["kind"]: r["state"]
        for r in rt.store.all("SELECT kind, state FROM tasks WHERE interview_id = ?", (first.id,))
    }
    assert states["call_1"] == "cancelled"


def test_debrief_by_email_rewrites_waiting_drafts(rt, smtp, imap_account):
    run_pass(rt, now=AFTER)
    (request,) = to_me(smtp, "debrief_request")
    answers = (
        "What went well?\nExplaining how I cut the deploy time from an hour to "
        "ten minutes\n\nWhat did I say that I wish I had not said?\n"
        "That I dislike on-call\n"
    )
    imap_account.append("INBOX", reply(to_subject=str(request.message["Subject"]), body=answers))
    run_pass(rt, now=AFTER + timedelta(minutes=10))
    debrief = interviews.get_debrief(rt.store, 1)
    assert debrief is not None and "deploy time" in debrief.went_well
    (draft,) = drafts.list_drafts(rt.store)
    assert "deploy time" in draft.body and draft.state is DraftState.WAITING


@pytest.mark.parametrize(
    "answers",
    [
        "Went well: explaining how I cut the deploy time to ten minutes\n"
        "Regret: saying I dislike on-call",
        "1. the on-call rotation\n2. explaining how I cut the deploy time to ten minutes\n"
        "3. saying I dislike on-call",
    ],
)
def test_a_phone_style_debrief_reply_is_understood(rt, smtp, imap_account, answers):
    """Typed on a phone: short labels or numbered answers, no copied questions."""
    run_pass(rt, now=AFTER)
    (request,) = to_me(smtp, "debrief_request")
    imap_account.append("INBOX", reply(to_subject=str(request.message["Subject"]), body=answers))
    run_pass(rt, now=AFTER + timedelta(minutes=10))
    debrief = interviews.get_debrief(rt.store, 1)
    assert debrief is not None and "deploy time" in debrief.went_well
    assert "on-call" in debrief.wish_not_said
    (draft,) = drafts.list_drafts(rt.store)
    assert "deploy time" in draft.body


def test_waiting_drafts_get_one_deadline_reminder(rt, smtp):
    run_pass(rt, now=AFTER)
    deadline = START.replace(hour=18, minute=1)
    run_pass(rt, now=deadline)
    run_pass(rt, now=deadline + timedelta(minutes=30))
    assert len(to_me(smtp, "approval_deadline")) == 1


def test_catch_up_after_downtime_runs_each_task_once_marked_late(rt, smtp):
    """The service saw the interview, then was off for two weeks: every missed step
    runs once, never two call reminders together, and the call reminder says its
    window has gone rather than pretend."""
    run_pass(rt, now=AFTER)
    late = datetime(2026, 12, 16, 9, 0, tzinfo=CHICAGO)
    run_pass(rt, now=late)
    run_pass(rt, now=late + timedelta(minutes=5))
    (reminder,) = to_me(smtp, "call_1_reminder")
    body = reminder.message.get_body(("plain",)).get_content().lower()
    assert "late" in body or "window" in body
    assert to_me(smtp, "call_2_reminder") == [] and len(to_me(smtp, "debrief_request")) == 1


def test_an_interview_found_late_counts_its_calls_from_the_catch_up(rt, smtp, imap_account):
    """First seen two weeks on: the catch-up mail alone, the first call three business
    days later (the thank-you goes in between), then each call its gap after the last."""
    late = datetime(2026, 12, 16, 9, 0, tzinfo=CHICAGO)  # a Wednesday
    run_pass(rt, now=late)
    run_pass(rt, now=late + timedelta(minutes=5))
    assert [m.message["X-Followup"] for m in smtp.messages] == ["debrief_request"]
    (ask,) = to_me(smtp, "debrief_request")
    assert (
        "the first call's reminder comes on Monday, December 21"
        in ask.message.get_body(("plain",)).get_content()
    )
    assert drafts.list_drafts(rt.store) == []  # two weeks on, a thank-you is the user's call
    imap_account.append("INBOX", reply(to_subject=str(ask.message["Subject"]), body="yes"))
    run_pass(rt, now=late + timedelta(minutes=10))
    (draft,) = drafts.list_drafts(rt.store)
    assert draft.late and draft.to.email == JANE[1]
    run_pass(rt, now=datetime(2026, 12, 21, 10, 1, tzinfo=CHICAGO))
    assert len(to_me(smtp, "call_1_reminder")) == 1


def test_reminder_also_shows_on_the_desktop_when_there_is_one(rt, smtp, tmp_path, monkeypatch):
    """With a session bus and notify-send present, the reminder also pops up."""
    record = tmp_path / "notified.txt"
    tool = tmp_path / "bin" / "notify-send"
    tool.parent.mkdir()
    tool.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {record}\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tool.parent}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    run_pass(rt, now=AFTER)
    run_pass(rt, now=CALL_1 + timedelta(minutes=1))
    assert "Call 1 of 3" in record.read_text()
    assert len(to_me(smtp, "call_1_reminder")) == 1  # the email is the reminder; this is extra


# --- drafts follow their interview: withdrawn when the plan ends -------------------

RAJ = ("Raj Patel", "raj.patel@acme.example")


def one_waiting_one_approved(rt, imap_account, *, uid: str):
    """An interview with two drafts: Jane's approved (not sent yet), Raj's waiting."""
    imap_account.append("INBOX", invite(uid=uid, start=START, people=[JANE, RAJ]))
    run_pass(rt, now=AFTER)
    mine = [d for d in drafts.list_drafts(rt.store) if d.interview_id == 2]
    jane = next(d for d in mine if d.to.email == JANE[1])
    raj = next(d for d in mine if d.to.email == RAJ[1])
    with rt.store.transaction():
        drafts.approve(rt.store, jane.id, sender=ME, now=AFTER)
    return [jane.id, raj.id]


def assert_withdrawn_and_never_sent(rt, smtp, ids, *, later):
    from followup.core.model import FollowupError

    states = {d.id: d.state for d in drafts.list_drafts(rt.store, include_all=True)}
    assert [states[i] for i in ids] == [DraftState.WITHDRAWN] * len(ids)
    assert all(drafts.get(rt.store, i).token is None for i in ids)
    for draft_id in ids:
        with pytest.raises(FollowupError, match="withdrawn"), rt.store.transaction():
            drafts.approve(rt.store, draft_id, sender=ME, now=later)
    run_pass(rt, now=later)
    run_pass(rt, now=later + timedelta(hours=3))
    assert [m for m in smtp.messages if m.message["X-Followup"] is None] == []


def test_cancel_withdraws_waiting_and_approved_drafts(rt, smtp, imap_account):
    ids = one_waiting_one_approved(rt, imap_account, uid="cancel-me")
    imap_account.append(
        "INBOX",
        invite(uid="cancel-me", start=START, people=[JANE, RAJ], method="CANCEL", sequence=1),
    )
    run_pass(rt, now=AFTER)  # the cancel is read before anything is sent
    assert interviews.get(rt.store, 2).state is InterviewState.CANCELLED
    assert_withdrawn_and_never_sent(rt, smtp, ids, later=AFTER + timedelta(minutes=5))


def test_stop_withdraws_waiting_and_approved_drafts(rt, smtp, imap_account):
    ids = one_waiting_one_approved(rt, imap_account, uid="stop-me")
    with rt.store.transaction():
        withdrawn = interviews.set_state(
            rt.store, 2, InterviewState.STOPPED, now=AFTER, reason="rejected"
        )
    assert sorted(withdrawn) == sorted(ids)
    assert "rejected" in drafts.get(rt.store, ids[0]).last_error
    assert_withdrawn_and_never_sent(rt, smtp, ids, later=AFTER + timedelta(minutes=5))


def test_a_second_interview_withdraws_the_first_ones_unsent_drafts(rt, smtp, imap_account):
    ids = one_waiting_one_approved(rt, imap_account, uid="first-round")
    imap_account.append(
        "INBOX",
        invite(
            uid="final-round",
            start=START + timedelta(days=7),
            people=[("Li Wei", "li.wei@acme.example")],
            role="Backend Engineer (final)",
        ),
    )
    run_pass(rt, now=AFTER + timedelta(minutes=1))
    assert interviews.get(rt.store, 2).state is InterviewState.DONE
    assert_withdrawn_and_never_sent(rt, smtp, ids, later=AFTER + timedelta(minutes=5))


def test_a_draft_maybe_sent_is_left_to_the_outbox(rt, smtp, imap_account):
    """A send already begun (sending / maybe sent) belongs to the exactly-once machinery:
    stopping the plan withdraws the waiting draft and leaves that one alone."""
    jane_id, raj_id = one_waiting_one_approved(rt, imap_account, uid="half-sent")
    with rt.store.transaction():
        rt.store.execute("UPDATE drafts SET state = 'unknown' WHERE id = ?", (jane_id,))
        rt.store.execute(
            "INSERT INTO sends (message_id, draft_id, purpose, recipients, state, "
            "started_at) VALUES (?, ?, 'thank_you', ?, 'unknown', ?)",
            (drafts.get(rt.store, jane_id).message_id, jane_id, JANE[1], AFTER.isoformat()),
        )
        interviews.set_state(rt.store, 2, InterviewState.STOPPED, now=AFTER, reason="offer")
    assert drafts.get(rt.store, jane_id).state is DraftState.UNKNOWN
    assert drafts.get(rt.store, raj_id).state is DraftState.WITHDRAWN


def test_thank_you_step_ends_when_the_other_drafts_were_withdrawn(rt, smtp, imap_account):
    """Jane's thank-you went out; a reschedule then names 30 people, the user keeps only
    Jane: Raj's waiting draft is withdrawn and the thank-you step is done, not waiting."""
    imap_account.append("INBOX", invite(uid="grows", start=START, people=[JANE, RAJ]))
    run_pass(rt, now=AFTER)
    jane = next(
        d for d in drafts.list_drafts(rt.store) if d.interview_id == 2 and d.to.email == JANE[1]
    )
    with rt.store.transaction():
        drafts.approve(rt.store, jane.id, sender=ME, now=AFTER)
    run_pass(rt, now=AFTER)
    crowd = [(f"P {i}", f"p{i}@acme.example") for i in range(30)]
    imap_account.append(
        "INBOX", invite(uid="grows", start=START, people=[JANE, RAJ, *crowd], sequence=1)
    )
    run_pass(rt, now=AFTER + timedelta(minutes=5))
    assert interviews.get(rt.store, 2).state is InterviewState.NEEDS_CONFIRMATION
    with rt.store.transaction():
        interviews.confirm(rt.store, 2, now=AFTER, only=(JANE[1],))
    for minutes in (10, 15):
        run_pass(rt, now=AFTER + timedelta(minutes=minutes))
    states = {
        d.to.email: d.state
        for d in drafts.list_drafts(rt.store, include_all=True)
        if d.interview_id == 2
    }
    assert states == {JANE[1]: DraftState.SENT, RAJ[1]: DraftState.WITHDRAWN}
    (task,) = rt.store.all("SELECT state FROM tasks WHERE interview_id = 2 AND kind = 'thank_you'")
    assert task["state"] == "done"


def test_call_reminder_lost_in_data_is_sent_once_more(rt, smtp):
    """The connection drops inside DATA and the server never delivers: "maybe sent".
    The call-1 task waited for a "done" to a reminder the user never got; the next
    pass sends it once more, and no more after that."""
    run_pass(rt, now=AFTER)
    smtp.drop_next_data()
    run_pass(rt, now=CALL_1 + timedelta(minutes=1))
    assert to_me(smtp, "call_1_reminder") == [] and len(smtp.dropped) == 1
    run_pass(rt, now=CALL_1 + timedelta(minutes=20))
    run_pass(rt, now=CALL_1 + timedelta(minutes=40))
    (reminder,) = to_me(smtp, "call_1_reminder")
    task = rt.store.one("SELECT state, token FROM tasks WHERE kind = 'call_1'")
    assert task["state"] == "waiting" and task["token"] in str(reminder.message["Subject"])
    assert reminder.message["Message-ID"] != smtp.dropped[0].message["Message-ID"]


def test_a_notice_is_sent_once_more_never_in_a_loop(rt, smtp):
    """Lost again on the second try: no third. A server that always drops the
    connection inside DATA gets two copies, not one per pass."""
    run_pass(rt, now=AFTER)
    smtp.drop_next_data(times=5)
    for minutes in (1, 20, 40, 60, 80):
        run_pass(rt, now=CALL_1 + timedelta(minutes=minutes))
    assert [m.message["X-Followup"] for m in smtp.dropped] == ["call_1_reminder"] * 2
    assert rt.store.one("SELECT state FROM tasks WHERE kind = 'call_1'")["state"] == "waiting"


def test_a_strangers_reply_to_a_reminder_creates_no_interview(rt, smtp, imap_account):
    """A reply in one of followup's own threads quotes our words ("Call 1 of 3 … interview"):
    whoever writes it, its prose is never read as a new interview."""
    run_pass(rt, now=AFTER)
    (ours,) = [m for m in smtp.messages if m.rcpt_tos == [ME]][:1]
    answer = (
        "From: Priya Raman <priya@elsewhere.example>\r\n"
        f"To: {ME}\r\n"
        "Subject: Re: Interview follow-up\r\n"
        "Message-ID: <stranger-1@elsewhere.example>\r\n"
        f"In-Reply-To: {ours.message['Message-ID']}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Thanks! Our interview is confirmed for Tuesday, December 8, 2026 at 2:00 PM CST,\r\n"
        "interview with Priya Raman for the Platform Engineer role at Orion Freight.\r\n"
    ).encode()
    imap_account.append("INBOX", answer)
    run_pass(rt, now=AFTER + timedelta(minutes=1))
    assert len(interviews.all_interviews(rt.store)) == 1
    (row,) = rt.store.all(
        "SELECT outcome, reason FROM messages WHERE message_id = ?",
        ("<stranger-1@elsewhere.example>",),
    )
    assert row["outcome"] == "ignored" and "followup sent" in row["reason"]


def test_a_reschedule_by_plain_email_moves_the_interview(rt, smtp, imap_account):
    """ "Originally … has been rescheduled to …" from the company's domain, without a
    calendar part: the same interview at its new time, never a second one."""
    run_pass(rt, now=START - timedelta(days=4))
    moved = (
        f"From: Dana Lee <dana.lee@acme.example>\r\nTo: {ME}\r\n"
        "Subject: Your interview has been rescheduled\r\n"
        "Message-ID: <resched-1@acme.example>\r\nDate: Fri, 27 Nov 2026 10:00:00 -0600\r\n\r\n"
        "Hi Sam, your interview originally scheduled for Tuesday, December 1 at 1:00 PM CST\r\n"
        "has been rescheduled to Thursday, December 3 at 10:00 AM CST. Same people.\r\n"
    )
    imap_account.append("INBOX", moved.encode())
    run_pass(rt, now=START - timedelta(days=3))
    (interview,) = interviews.all_interviews(rt.store)
    assert interview.start == datetime(2026, 12, 3, 10, 0, tzinfo=CHICAGO)
    assert [p.email for p in interview.interviewers] == [JANE[1]]


def test_a_reschedule_from_another_domain_moves_nothing(rt, smtp, imap_account):
    run_pass(rt, now=START - timedelta(days=4))
    moved = (
        f"From: Dana Lee <dana.lee@globex.example>\r\nTo: {ME}\r\n"
        "Subject: Your interview has been rescheduled\r\n"
        "Message-ID: <resched-2@globex.example>\r\nDate: Fri, 27 Nov 2026 10:00:00 -0600\r\n\r\n"
        "Hi Sam, your interview originally scheduled for Tuesday, December 1 at 1:00 PM CST\r\n"
        "has been rescheduled to Thursday, December 3 at 10:00 AM CST.\r\n"
    )
    imap_account.append("INBOX", moved.encode())
    run_pass(rt, now=START - timedelta(days=3))
    starts = sorted(i.start for i in interviews.all_interviews(rt.store))
    assert starts == [START, datetime(2026, 12, 3, 10, 0, tzinfo=CHICAGO)]
