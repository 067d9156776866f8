"""One approval request per interview, against real Dovecot and aiosmtpd: it waits
for the debrief, holds every draft numbered, is answered by number, and a request
the drafts have outgrown is superseded (a reply to it is answered, never acted on)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from mailgen import ME, invite, reply

from followup.adapters import config
from followup.app import commands, drafts
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import Debrief, DebriefPerson, DraftState

pytestmark = pytest.mark.integration

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 12, 1, 13, 0, tzinfo=CHICAGO)
END = START + timedelta(hours=1)
PEOPLE = [
    ("Jane Doe", "jane.doe@acme.example"),
    ("Raj Patel", "raj.patel@acme.example"),
    ("Li Wei", "li.wei@acme.example"),
]
INTERVIEWERS = {e for _, e in PEOPLE}


def runtime(mail_env, imap_account, *, wait: int):
    mail_env.write_text(
        mail_env.read_text().replace("wait_for_debrief = 0", f"wait_for_debrief = {wait}")
    )
    imap_account.append("INBOX", invite(uid="panel-1", start=START, people=PEOPLE))
    return open_runtime(config.load(mail_env), clock=lambda: END)


def mails(sink, kind: str) -> list:
    return [m for m in sink.messages if m.message["X-Followup"] == kind]


def token_of(message) -> str:
    return re.search(r"\[fu-([A-Za-z0-9_-]+)\]", str(message.message["Subject"]))[1]


def text_of(message) -> str:
    return message.message.get_body(("plain",)).get_content()


def to_interviewers(sink) -> list:
    return [m for m in sink.messages if set(m.rcpt_tos) & INTERVIEWERS]


def test_the_request_waits_for_the_debrief_and_shows_each_personal_sentence(
    mail_env, imap_account, smtp
):
    rt = runtime(mail_env, imap_account, wait=2)
    try:
        run_pass(rt, now=END + timedelta(minutes=45))  # drafts made, debrief asked
        assert len(drafts.list_drafts(rt.store)) == 3
        assert mails(smtp, "approval_request") == []
        (ask,) = mails(smtp, "debrief_request")
        answers = (
            "Person: Raj Patel <raj.patel@acme.example>\n"
            "Talked about: the billing system and its on-call rotation\n\n"
            "What went well?\nthe system design round\n"
        )
        imap_account.append("INBOX", reply(to_subject=str(ask.message["Subject"]), body=answers))
        run_pass(rt, now=END + timedelta(minutes=50))
        (request,) = mails(smtp, "approval_request")  # one mail for the whole panel
        text = text_of(request)
        assert "Draft 1 of 3" in text and "Draft 3 of 3" in text
        assert (
            "From your debrief: It was a pleasure to talk with you about the billing "
            "system and its on-call rotation." in text
        )
        assert text.count("From your debrief:") == 3
    finally:
        rt.close()


def test_without_a_debrief_the_request_goes_after_the_wait(mail_env, imap_account, smtp):
    """The wait runs from when the debrief was asked (here an hour after the end)."""
    rt = runtime(mail_env, imap_account, wait=2)
    try:
        run_pass(rt, now=END + timedelta(hours=1))
        assert len(mails(smtp, "debrief_request")) == 1
        run_pass(rt, now=END + timedelta(hours=2, minutes=30))
        assert mails(smtp, "approval_request") == []
        run_pass(rt, now=END + timedelta(hours=3, minutes=1))
        (request,) = mails(smtp, "approval_request")
        assert "From your debrief" not in text_of(request)  # the generic drafts
    finally:
        rt.close()


def test_send_some_drop_one_rewrite_one_in_a_single_reply(mail_env, imap_account, smtp):
    rt = runtime(mail_env, imap_account, wait=0)
    try:
        run_pass(rt, now=END + timedelta(minutes=40))
        (request,) = mails(smtp, "approval_request")
        body = "approve 1\nreject 3\n\nDraft 2\nDear Raj,\n\nThank you for the billing tour.\n\nSam"
        imap_account.append(
            "INBOX",
            reply(to_subject=str(request.message["Subject"]), body=body, quoted=text_of(request)),
        )
        run_pass(rt, now=END + timedelta(minutes=45))
        sent = {m.rcpt_tos[0]: text_of(m) for m in to_interviewers(smtp)}
        assert set(sent) == {"jane.doe@acme.example", "raj.patel@acme.example"}
        assert "Thank you for the billing tour." in sent["raj.patel@acme.example"]
        assert "Dear Jane," in sent["jane.doe@acme.example"]
        states = {d.to.email: d.state for d in drafts.list_drafts(rt.store, include_all=True)}
        assert states["li.wei@acme.example"] is DraftState.REJECTED
        # the request's code is spent: the same reply again does nothing more
        imap_account.append(
            "INBOX",
            reply(
                to_subject=str(request.message["Subject"]),
                body="approve",
                message_id="<again@example.net>",
            ),
        )
        run_pass(rt, now=END + timedelta(minutes=50))
        assert len(to_interviewers(smtp)) == 2
    finally:
        rt.close()


def test_a_reply_that_cannot_be_read_for_sure_does_nothing_and_is_answered(
    mail_env, imap_account, smtp
):
    rt = runtime(mail_env, imap_account, wait=0)
    try:
        run_pass(rt, now=END + timedelta(minutes=40))
        (request,) = mails(smtp, "approval_request")
        imap_account.append(
            "INBOX", reply(to_subject=str(request.message["Subject"]), body="approve 1 5")
        )
        run_pass(rt, now=END + timedelta(minutes=45))
        run_pass(rt, now=END + timedelta(minutes=50))
        assert to_interviewers(smtp) == []
        (answer,) = mails(smtp, "reply_refused")
        assert "there is no draft 5 in that request (it holds 3)" in text_of(answer)
    finally:
        rt.close()


def test_an_interview_found_two_weeks_late_gives_at_most_two_mails_in_its_first_pass(
    mail_env, imap_account, smtp
):
    """First sync 14 days after the interview: the debrief prompt (its words fit the
    delay) and call 1 in that pass, never two call reminders, no approval request yet."""
    rt = runtime(mail_env, imap_account, wait=2)
    try:
        late = END + timedelta(days=14)
        run_pass(rt, now=late)
        to_me = [m for m in smtp.messages if m.rcpt_tos == [ME]]
        kinds = [m.message["X-Followup"] for m in to_me]
        assert len(to_me) <= 2, kinds
        assert kinds.count("call_1_reminder") + kinds.count("call_2_reminder") <= 1
        (ask,) = mails(smtp, "debrief_request")
        assert "has just ended" not in text_of(ask) and "on Tuesday, December 1" in text_of(ask)
        run_pass(rt, now=late + timedelta(minutes=10))
        assert len([m for m in smtp.messages if m.rcpt_tos == [ME]]) == len(to_me)
        assert not [m for m in smtp.messages if m.message["X-Followup"] == "call_2_reminder"]
    finally:
        rt.close()


def test_changed_drafts_supersede_the_request_and_a_reply_to_the_old_one_sends_nothing(
    mail_env, imap_account, smtp
):
    rt = runtime(mail_env, imap_account, wait=0)
    try:
        run_pass(rt, now=END + timedelta(minutes=40))
        (old,) = mails(smtp, "approval_request")
        interview_id = drafts.list_drafts(rt.store)[0].interview_id
        notes = (DebriefPerson("Jane Doe", "jane.doe@acme.example", talked_about="the roadmap"),)
        commands.answer_debrief(
            rt, interview_id, Debrief(people=notes), now=END + timedelta(minutes=41), complete=False
        )
        run_pass(rt, now=END + timedelta(minutes=42))
        first, new = mails(smtp, "approval_request")
        assert "that request no longer stands" in text_of(new)
        assert "I enjoyed talking with you about the roadmap." in text_of(new)
        imap_account.append("INBOX", reply(to_subject=str(old.message["Subject"]), body="approve"))
        run_pass(rt, now=END + timedelta(minutes=45))
        run_pass(rt, now=END + timedelta(minutes=46))
        assert to_interviewers(smtp) == []
        (answer,) = mails(smtp, "reply_refused")
        assert "a newer approval request replaced it" in text_of(answer)
        latest = mails(smtp, "approval_request")[-1]  # the drafts as they stand, asked again
        imap_account.append(
            "INBOX",
            reply(
                to_subject=str(latest.message["Subject"]),
                body="approve 1",
                message_id="<new@example.net>",
            ),
        )
        run_pass(rt, now=END + timedelta(minutes=50))
        (sent,) = to_interviewers(smtp)
        assert sent.rcpt_tos == ["jane.doe@acme.example"]
        assert "the roadmap" in text_of(sent)
        assert token_of(latest) != token_of(old)
    finally:
        rt.close()


def test_a_bounced_thank_you_is_marked_and_told_once_and_a_corrected_address_gets_a_new_draft(
    mail_env, imap_account, smtp
):
    rt = runtime(mail_env, imap_account, wait=0)
    try:
        now = END + timedelta(minutes=40)
        run_pass(rt, now=now)
        jane = next(
            d for d in drafts.list_drafts(rt.store) if d.to.email == "jane.doe@acme.example"
        )
        commands.approve(rt, jane.id, now=now)
        run_pass(rt, now=now + timedelta(minutes=1))
        (sent,) = to_interviewers(smtp)
        dsn = (
            "From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>\r\n"
            "To: sam.seeker@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            "Message-ID: <dsn-9@mx.acme.example>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.acme.example\r\n\r\n"
            "Final-Recipient: rfc822; jane.doe@acme.example\r\nAction: failed\r\n"
            "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
            "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"Message-ID: {sent.message['Message-ID']}\r\n--b--\r\n"
        ).encode()
        imap_account.append("INBOX", dsn)
        run_pass(rt, now=now + timedelta(minutes=5))
        run_pass(rt, now=now + timedelta(minutes=10))
        bounced = drafts.get(rt.store, jane.id)
        assert bounced.state is DraftState.BOUNCED and "5.1.1" in (bounced.last_error or "")
        (told,) = mails(smtp, "draft_bounced")
        assert "followup people" in text_of(told) and "--email jane.doe@acme.example" in text_of(
            told
        )
        commands.edit_people(
            rt,
            jane.interview_id,
            commands.PeopleEdit(email=(("jane.doe@acme.example", "jane.doe2@acme.example"),)),
            now=now + timedelta(minutes=11),
        )
        fresh = next(
            d for d in drafts.list_drafts(rt.store) if d.to.email == "jane.doe2@acme.example"
        )
        commands.approve(rt, fresh.id, now=now + timedelta(minutes=12))
        run_pass(rt, now=now + timedelta(minutes=13))
        to_jane = [m.rcpt_tos for m in smtp.messages if m.rcpt_tos[0].startswith("jane.doe")]
        assert to_jane == [["jane.doe@acme.example"], ["jane.doe2@acme.example"]]
    finally:
        rt.close()


def test_an_out_of_office_from_the_person_to_call_moves_the_next_call_and_says_so_once(
    mail_env, imap_account, smtp
):
    from followup.adapters.store import tasks as task_rows
    from followup.app import interviews
    from followup.core.model import InterviewState, TaskKind

    rt = runtime(mail_env, imap_account, wait=0)
    try:
        now = END + timedelta(minutes=40)
        run_pass(rt, now=now)
        jane = next(
            d for d in drafts.list_drafts(rt.store) if d.to.email == "jane.doe@acme.example"
        )
        commands.approve(rt, jane.id, now=now)
        run_pass(rt, now=now + timedelta(minutes=1))
        away = (
            b"From: Jane Doe <jane.doe@acme.example>\r\nTo: sam.seeker@example.net\r\n"
            b"Subject: Automatic reply: Thank you for our conversation today\r\n"
            b"Auto-Submitted: auto-replied\r\nMessage-ID: <ooo-1@acme.example>\r\n"
            b"Content-Type: text/plain; charset=UTF-8\r\n\r\n"
            b"I am out of the office until Wednesday, December 9, with limited access to mail.\r\n"
        )
        imap_account.append("INBOX", away)
        run_pass(rt, now=now + timedelta(hours=1))
        run_pass(rt, now=now + timedelta(hours=2))
        interview_id = jane.interview_id
        assert interviews.get(rt.store, interview_id).state is InterviewState.ACTIVE
        call_1 = next(
            t for t in task_rows.for_interview(rt.store, interview_id) if t.kind is TaskKind.CALL_1
        )
        assert call_1.due.astimezone(CHICAGO) == datetime(2026, 12, 10, 10, 0, tzinfo=CHICAGO)
        (told,) = mails(smtp, "call_moved")
        assert "away until Wednesday, December 9" in str(told.message["Subject"]) or (
            "December 9" in text_of(told)
        )
        assert "Thursday, December 10" in text_of(told)
    finally:
        rt.close()


def test_the_catch_up_mail_says_where_things_stand_and_no_skips_the_late_thank_you(
    mail_env, imap_account, smtp
):
    """Found nine days late: one mail says when call 1 comes and asks whether a
    thank-you is still worth it; "no" skips the notes, the calls go on."""
    rt = runtime(mail_env, imap_account, wait=2)
    try:
        late = END + timedelta(days=9)  # Thursday, December 10
        run_pass(rt, now=late)
        (ask,) = mails(smtp, "debrief_request")
        text = text_of(ask)
        assert "Thank-you notes: none written yet. 9 days on" in text
        assert re.search(r"the first call's reminder comes on \w+day, December \d+, 2026 at", text)
        assert "CST" in text and "--no-thank-you" in text
        imap_account.append("INBOX", reply(to_subject=str(ask.message["Subject"]), body="no"))
        run_pass(rt, now=late + timedelta(minutes=5))
        run_pass(rt, now=late + timedelta(hours=3))
        assert drafts.list_drafts(rt.store, include_all=True) == []
        assert mails(smtp, "approval_request") == [] and mails(smtp, "reply_refused") == []
        assert mails(smtp, "call_1_reminder") == []  # three business days after the catch-up
        run_pass(rt, now=late + timedelta(days=5, hours=2))
        assert len(mails(smtp, "call_1_reminder")) == 1
    finally:
        rt.close()


def test_a_late_debrief_answer_is_the_yes_and_two_days_late_asks_nothing(
    mail_env, imap_account, smtp
):
    rt = runtime(mail_env, imap_account, wait=2)
    try:
        late = END + timedelta(days=5)
        run_pass(rt, now=late)
        (ask,) = mails(smtp, "debrief_request")
        imap_account.append(
            "INBOX",
            reply(to_subject=str(ask.message["Subject"]), body="Went well: the caching question"),
        )
        run_pass(rt, now=late + timedelta(minutes=5))
        run_pass(rt, now=late + timedelta(minutes=10))
        made = drafts.list_drafts(rt.store)
        assert {d.to.email for d in made} == INTERVIEWERS and all(d.late for d in made)
        (request,) = mails(smtp, "approval_request")
        assert "caching" in text_of(request)
    finally:
        rt.close()


def test_two_days_late_the_drafts_come_without_a_question(mail_env, imap_account, smtp):
    rt = runtime(mail_env, imap_account, wait=2)
    try:
        run_pass(rt, now=END + timedelta(days=2))
        (ask,) = mails(smtp, "debrief_request")
        assert "one for each person, drafted from your answers below (or in 2 hours" in text_of(ask)
        assert 'reply "yes"' not in text_of(ask)
        assert len(drafts.list_drafts(rt.store)) == len(PEOPLE)
    finally:
        rt.close()
