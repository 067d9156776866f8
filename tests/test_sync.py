"""The inbox watcher against a real Dovecot: UID sync, read-only, de-duplication."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mailgen import invite
from runner import followup

from followup.adapters import config
from followup.app import inbound, interviews
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core.model import InterviewState

pytestmark = pytest.mark.integration

MESSAGES = Path(__file__).parent / "fixtures" / "messages"
CHICAGO = ZoneInfo("America/Chicago")
BEFORE = datetime(2026, 11, 24, 9, 0, tzinfo=CHICAGO)  # the invites arrived; interviews ahead

NEWSLETTER = (
    b"From: Digest <digest@news.example>\r\nTo: sam.seeker@example.net\r\n"
    b"Subject: Your weekly digest\r\nMessage-ID: <digest-1@news.example>\r\n"
    b"Date: Mon, 23 Nov 2026 08:00:00 +0000\r\n\r\nNothing about jobs.\r\n"
)


def fixture(name: str) -> bytes:
    return (MESSAGES / name).read_bytes()


@pytest.fixture
def rt(mail_env):
    runtime = open_runtime(config.load(mail_env), clock=lambda: BEFORE)
    yield runtime
    runtime.close()


def count(rt, table: str) -> int:
    return rt.store.one(f"SELECT count(*) FROM {table}")[0]


def test_invite_is_recorded_once_and_no_flag_changes(rt, imap_account):
    """A synced invite becomes one interview; every message keeps exactly its flags."""
    imap_account.append("INBOX", fixture("01_google_invite.eml"))
    imap_account.append("INBOX", NEWSLETTER, flags=[b"\\Seen"])
    imap_account.append("INBOX", fixture("15_recruiter_cst.eml"), flags=[b"\\Flagged"])
    before = imap_account.fetch_flags("INBOX")
    report = run_pass(rt, now=BEFORE)
    assert report.ok, report.errors
    found = interviews.all_interviews(rt.store)
    assert len(found) == 2
    acme = next(i for i in found if i.title.startswith("Interview: Backend"))
    assert {p.email for p in acme.interviewers} == {"jane.doe@acme.com", "raj.patel@acme.com"}
    assert imap_account.fetch_flags("INBOX") == before
    run_pass(rt, now=BEFORE)  # nothing new: nothing recorded twice
    assert len(interviews.all_interviews(rt.store)) == 2
    assert count(rt, "people") == sum(len(i.interviewers) for i in found)


def test_first_sync_fetches_no_body_of_ordinary_mail(rt, imap_account):
    """Headers and BODYSTRUCTURE decide; a newsletter's body is never downloaded."""
    imap_account.append("INBOX", NEWSLETTER)
    imap_account.append("INBOX", fixture("07_zoom_attachment.eml"))
    got = list(
        rt.source.fetch_new(inbound.remembered(rt), lambda header: False)
    )  # headers say nothing
    by_subject = {m.header.split(b"Subject: ")[1].split(b"\r\n")[0]: m for m in got}
    assert by_subject[b"Your weekly digest"].raw is None
    zoom = [m for m in got if m is not by_subject[b"Your weekly digest"]][0]
    assert zoom.raw is not None  # found by its .ics in the BODYSTRUCTURE alone


def test_lookback_window_limits_the_first_sync(mail_env, imap_account):
    """On first run only `lookback_days` are read (SEARCH SINCE)."""
    old = fixture("01_google_invite.eml")
    imap_account.append("INBOX", old, when=datetime(2026, 10, 1, tzinfo=CHICAGO))
    imap_account.append(
        "INBOX", fixture("15_recruiter_cst.eml"), when=datetime(2026, 11, 23, tzinfo=CHICAGO)
    )
    runtime = open_runtime(config.load(mail_env), clock=lambda: BEFORE)
    try:
        run_pass(runtime, now=BEFORE)
        titles = [i.title for i in interviews.all_interviews(runtime.store)]
    finally:
        runtime.close()
    assert len(titles) == 1 and "Backend Engineer at Acme" not in titles[0]


def test_reschedule_moves_and_cancel_ends_the_interview(rt, imap_account):
    """Same UID with a higher SEQUENCE updates the times; METHOD:CANCEL cancels the plan."""
    imap_account.append("INBOX", fixture("01_google_invite.eml"))
    run_pass(rt, now=BEFORE)
    (first,) = interviews.all_interviews(rt.store)
    imap_account.append("INBOX", fixture("02_google_update.eml"))
    run_pass(rt, now=BEFORE)
    moved = interviews.get(rt.store, first.id)
    assert moved.start != first.start
    due = {r["kind"]: r["due_utc"] for r in rt.store.all("SELECT * FROM tasks")}
    assert due["call_1"] > first.start.isoformat()
    imap_account.append("INBOX", fixture("03_google_cancel.eml"))
    run_pass(rt, now=BEFORE)
    assert interviews.get(rt.store, first.id).state is InterviewState.CANCELLED
    states = {r["state"] for r in rt.store.all("SELECT state FROM tasks")}
    assert states == {"cancelled"}


def test_the_same_invite_twice_is_one_interview(rt, imap_account):
    """Forwarded, CC'd to an alias or synced twice: one interview (iCalendar UID)."""
    raw = fixture("01_google_invite.eml")
    imap_account.append("INBOX", raw)
    imap_account.append(
        "INBOX",
        raw.replace(
            b"Message-ID: <0000000000001a2b3c4d@google.com>",
            b"Message-ID: <copy-for-alias@google.com>",
        ),
    )
    run_pass(rt, now=BEFORE)
    assert len(interviews.all_interviews(rt.store)) == 1


def test_uidvalidity_change_resyncs_without_duplicates(rt, imap_account):
    """A new UIDVALIDITY rescans the lookback window; nothing is recorded twice."""
    imap_account.append("INBOX", fixture("01_google_invite.eml"))
    run_pass(rt, now=BEFORE)
    imap_account.change_uidvalidity("INBOX")
    imap_account.append("INBOX", fixture("15_recruiter_cst.eml"))
    report = run_pass(rt, now=BEFORE)
    assert report.ok, report.errors
    assert len(interviews.all_interviews(rt.store)) == 2
    assert report.outcomes.get("duplicate", 0) >= 1  # the old invite, seen again


def test_server_restart_between_passes_is_survived(rt, imap_account, dovecot):
    """The connection dies with the server; the next pass reconnects and catches up by UID."""
    imap_account.append("INBOX", fixture("01_google_invite.eml"))
    run_pass(rt, now=BEFORE)
    dovecot.restart()
    imap_account.append("INBOX", fixture("15_recruiter_cst.eml"))
    report = run_pass(rt, now=BEFORE)
    assert report.ok, report.errors
    assert len(interviews.all_interviews(rt.store)) == 2


def test_low_confidence_waits_for_confirmation(rt, imap_account):
    """A maybe-interview is recorded as needing confirmation and nothing is acted on."""
    raw = (
        b"From: Pat Lee <pat@smallco.example>\r\nTo: sam.seeker@example.net\r\n"
        b"Subject: Quick chat\r\nMessage-ID: <chat-1@smallco.example>\r\n"
        b"Date: Mon, 23 Nov 2026 08:00:00 -0600\r\n"
        b"Content-Type: text/calendar; method=REQUEST\r\n\r\n"
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        b"UID:chat-1@smallco.example\r\nDTSTART:20261201T200000Z\r\nDTEND:20261201T203000Z\r\n"
        b"SUMMARY:Chat about the role\r\nORGANIZER;CN=Pat Lee:mailto:pat@smallco.example\r\n"
        b"ATTENDEE;CN=Sam:mailto:sam.seeker@example.net\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    imap_account.append("INBOX", raw)
    after = datetime(2026, 12, 2, 12, 0, tzinfo=CHICAGO)
    run_pass(rt, now=after)
    (maybe,) = interviews.all_interviews(rt.store)
    assert maybe.state is InterviewState.NEEDS_CONFIRMATION
    assert count(rt, "drafts") == 0 and count(rt, "sends") == 0
    with rt.store.transaction():
        interviews.confirm(rt.store, maybe.id, now=after)
    run_pass(rt, now=after)
    assert count(rt, "drafts") == 1  # one interviewer, now acted on


# --- the sync position: bounded by the server, never by a wrong clock -----------------


def test_clock_400_days_ahead_on_first_sync_still_reads_the_window(mail_env, imap_account):
    """SEARCH SINCE a date in the future finds nothing: the window counts from the newest
    message's INTERNALDATE instead, so the invite already there is read, and so is the
    one that arrives next."""
    imap_account.append("INBOX", fixture("01_google_invite.eml"), when=BEFORE - timedelta(days=1))
    ahead = BEFORE + timedelta(days=400)
    runtime = open_runtime(config.load(mail_env), clock=lambda: ahead)
    try:
        assert run_pass(runtime, now=ahead).ok
        assert len(interviews.all_interviews(runtime.store)) == 1
        imap_account.append("INBOX", fixture("15_recruiter_cst.eml"), when=BEFORE)
        assert run_pass(runtime, now=ahead).ok
        assert len(interviews.all_interviews(runtime.store)) == 2
    finally:
        runtime.close()


def test_clock_jumping_forward_then_back_loses_no_mail(mail_env, imap_account):
    """A UIDVALIDITY change while the clock is 400 days ahead rescans a window that still
    holds the mail; back on time, the next message is read too; nothing twice."""
    now = [BEFORE]
    runtime = open_runtime(config.load(mail_env), clock=lambda: now[0])
    try:
        imap_account.append("INBOX", fixture("01_google_invite.eml"), when=BEFORE)
        assert run_pass(runtime, now=now[0]).ok
        now[0] = BEFORE + timedelta(days=400)
        imap_account.change_uidvalidity("INBOX")
        imap_account.append("INBOX", fixture("15_recruiter_cst.eml"), when=BEFORE)
        runtime.source.drop()  # the server closes connections on a UIDVALIDITY change
        assert run_pass(runtime, now=now[0]).ok
        assert len(interviews.all_interviews(runtime.store)) == 2
        now[0] = BEFORE
        later = invite(
            uid="after-the-jump",
            start=BEFORE + timedelta(days=7),
            people=[("Li Wei", "li.wei@acme.example")],
        )
        imap_account.append("INBOX", later, when=BEFORE)
        assert run_pass(runtime, now=now[0]).ok
        assert len(interviews.all_interviews(runtime.store)) == 3
    finally:
        runtime.close()


def test_a_position_past_the_servers_uidnext_is_brought_back(rt, imap_account):
    """A stored last_uid beyond UIDNEXT - 1 (a mailbox restored under the same
    UIDVALIDITY) would read nothing until the server's UIDs caught up."""
    imap_account.append("INBOX", NEWSLETTER)
    run_pass(rt, now=BEFORE)
    with rt.store.transaction():
        rt.store.execute("UPDATE sync_state SET last_uid = 1000")
    rt.source.drop()
    imap_account.append("INBOX", fixture("01_google_invite.eml"))
    assert run_pass(rt, now=BEFORE).ok
    assert len(interviews.all_interviews(rt.store)) == 1
    assert rt.store.one("SELECT last_uid FROM sync_state")["last_uid"] == max(
        imap_account.uids("INBOX")
    )


def test_a_plan_the_user_resumed_stays_resumed_after_a_uidvalidity_change(mail_env, imap_account):
    """A company mail without a Message-ID pauses the plan; the user resumes it; a
    UIDVALIDITY change shows that mail again under a new key: it is the same mail
    (same header), so the plan stays active."""
    start = BEFORE + timedelta(days=7)
    imap_account.append(
        "INBOX",
        invite(uid="resume-1", start=start, people=[("Li Wei", "li.wei@acme.example")]),
        when=BEFORE,
    )
    news = (
        b"From: Li Wei <li.wei@acme.example>\r\nTo: sam.seeker@example.net\r\n"
        b"Subject: Next steps\r\nDate: Tue, 24 Nov 2026 08:00:00 -0600\r\n\r\n"
        b"We would like to move you to the next round: next steps to follow.\r\n"
    )
    runtime = open_runtime(config.load(mail_env), clock=lambda: BEFORE)
    try:
        run_pass(runtime, now=BEFORE)
        (interview,) = interviews.all_interviews(runtime.store)
        assert interview.state is InterviewState.ACTIVE
        imap_account.append("INBOX", news, when=BEFORE)
        run_pass(runtime, now=BEFORE)
        assert interviews.get(runtime.store, interview.id).state is InterviewState.PAUSED
        done = followup("resume", str(interview.id))
        assert done.returncode == 0, done.stderr
        assert interviews.get(runtime.store, interview.id).state is InterviewState.ACTIVE
        imap_account.change_uidvalidity("INBOX")
        runtime.source.drop()  # the server closes connections on a UIDVALIDITY change
        report = run_pass(runtime, now=BEFORE)
        assert report.ok, report.errors
        assert report.outcomes.get("duplicate", 0) == 2  # the invite and the news, again
        assert interviews.get(runtime.store, interview.id).state is InterviewState.ACTIVE
    finally:
        runtime.close()
