"""The inbox watcher against a real Dovecot: UID sync, read-only, de-duplication."""

from __future__ import annotations

import base64
import dataclasses
import socket
import struct
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
from followup.core import detect
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


def _with_pdf(raw: bytes, pdf_bytes: int) -> bytes:
    """The message with its text as the first part of a multipart/mixed, and a PDF of
    `pdf_bytes` (base64) attached after it."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    fields: list[bytes] = []
    for line in head.split(b"\n"):  # one entry a field, folded lines kept with theirs
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\n" + line
        else:
            fields.append(line)
    mime = (b"content-type", b"content-transfer")
    keep = [f for f in fields if not f.lower().startswith(mime)]
    text_type = [f for f in fields if f.lower().startswith(mime)]
    pdf = base64.encodebytes(b"%PDF-1.7\n" + bytes(range(256)) * (pdf_bytes // 256))
    return (
        b"\r\n".join(
            [
                *keep,
                b'Content-Type: multipart/mixed; boundary="att"',
                b"",
                b"--att",
                *text_type,
                b"",
                body.rstrip(b"\n"),
                b"--att",
                b'Content-Type: application/pdf; name="agenda.pdf"',
                b'Content-Disposition: attachment; filename="agenda.pdf"',
                b"Content-Transfer-Encoding: base64",
                b"",
                pdf.rstrip(b"\n"),
                b"--att--",
                b"",
            ]
        )
        .replace(b"\r\n", b"\n")
        .replace(b"\n", b"\r\n")
    )


def _received(rt) -> int:
    """Bytes received on the source's connection so far, as the kernel counted them
    (TCP_INFO tcpi_bytes_received, Linux >= 4.2)."""
    info = rt.source.client.socket().getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
    return struct.unpack_from("=Q", info, 128)[0]


def test_an_interview_with_a_2mb_pdf_is_read_without_the_pdf(rt, imap_account):
    """Of a candidate only its text and calendar parts are fetched (BODYSTRUCTURE
    sections), never an attachment: the interview is found, the PDF never downloaded."""
    raw = _with_pdf(fixture("10_greenhouse_plain.eml"), 2 * 1024 * 1024)
    assert len(raw) > 2_700_000
    imap_account.append("INBOX", raw)
    report = run_pass(rt, now=BEFORE)
    assert report.outcomes.get("new") == 1, report
    assert [i.company for i in interviews.all_interviews(rt.store)] == ["Umbrella"]
    assert _received(rt) < 100_000  # greeting, login, header and the text part


def _traced(raw: bytes, hops: int) -> bytes:
    """The message as Gmail delivers it: `hops` Received fields, two DKIM signatures, an
    ARC set and the receiving server's Authentication-Results above its own fields."""
    sig = base64.b64encode(bytes(range(256)) * 2).decode()
    trace = [
        *(
            f"Received: from relay{n}.example.org (relay{n}.example.org [192.0.2.{n}])\r\n"
            f"\tby mx.google.com with ESMTPS id x{n}si; Mon, 23 Nov 2026 08:00:0{n % 10} -0800"
            for n in range(hops)
        ),
        f"ARC-Seal: i=1; a=rsa-sha256; t=1764000000; cv=none; d=google.com; s=arc-20240605;\r\n"
        f"\tb={sig}",
        f"ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com;\r\n"
        f"\tbh=abc; b={sig}",
        "ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@example.org",
        *(
            f"DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s{n};\r\n\tb={sig}"
            for n in (1, 2)
        ),
        f"X-Google-Smtp-Source: {sig[:200]}",
        f"X-Received: by 2002:a05:6000:1:b0:1 with SMTP id x{hops}; Mon, 23 Nov 2026",
        "Received-SPF: pass (google.com: domain of a@example.org designates 192.0.2.1)",
        "Authentication-Results: mx.google.com; dkim=pass header.i=@example.org; spf=pass",
    ]
    return "\r\n".join(trace).encode() + b"\r\n" + raw


def test_trace_fields_never_cross_the_wire_and_authentication_results_do(rt, imap_account):
    """Received, DKIM and ARC fields are most of a real header's bytes and nothing reads
    them: the header FETCH leaves them on the server. Authentication-Results (the sender
    checks read them) and every field the pre-filter reads still come."""
    from followup.adapters.sources import imap

    left_out = imap._HEAD_SECTION.partition("(")[2].rstrip(")").split()
    assert "RECEIVED" in left_out and "AUTHENTICATION-RESULTS" not in left_out
    messages = [
        _traced(NEWSLETTER.replace(b"digest-1@", f"digest-{n}@".encode()), 12) for n in range(20)
    ]
    messages.append(_traced(fixture("10_greenhouse_plain.eml"), 12))
    trace_bytes = sum(len(m) for m in messages) - 20 * len(NEWSLETTER)
    for raw in messages:
        imap_account.append("INBOX", raw)
    got = list(rt.source.fetch_new(inbound.remembered(rt), inbound.wanted(rt)))
    assert len(got) == 21 and _received(rt) < trace_bytes / 4
    interview = next(m for m in got if m.raw is not None)
    for msg in got:
        assert b"Received:" not in msg.header and b"DKIM-Signature:" not in msg.header
        assert b"ARC-Seal:" not in msg.header
        assert b"\r\nAuthentication-Results: mx.google.com; dkim=pass" in b"\r\n" + msg.header
        assert msg.header.endswith(b"\r\n\r\n") and b"\r\nSubject: " in msg.header
    found = detect.detect(interview.raw, my_addresses={"sam.seeker@example.net"})
    assert found.event is not None and found.event.company == "Umbrella"


def test_a_list_mail_without_an_interview_word_gets_no_body(rt, imap_account):
    """A newsletter (List-Id) is read only if its subject says interview: 'meeting' or
    'offer' in a list mail's subject earn it nothing."""
    imap_account.append(
        "INBOX",
        b"From: City Museum <members@museum.example>\r\nTo: sam.seeker@example.net\r\n"
        b"Subject: Members' meeting and a special offer\r\n"
        b"List-Id: Members <members.museum.example>\r\n"
        b"Message-ID: <m-1@museum.example>\r\nDate: Mon, 23 Nov 2026 08:00:00 +0000\r\n"
        b"\r\nSee you on Friday.\r\n",
    )
    imap_account.append("INBOX", fixture("10_greenhouse_plain.eml"))
    got = list(rt.source.fetch_new(inbound.remembered(rt), inbound.wanted(rt)))
    by_id = {inbound.Header.parse(m.header).message_id: m for m in got}
    assert by_id["<m-1@museum.example>"].raw is None
    assert by_id["<m-1@museum.example>"].reason == "not a candidate"
    assert by_id["<gh.5551234.abcdef@us.greenhouse-mail.io>"].raw is not None


def test_a_reply_in_an_unknown_thread_is_read_when_its_first_words_say_interview(rt, imap_account):
    """A reply the header leaves open (a founder answering an intro thread) earns its
    body by the first words of its text; a friend's reply with photos earns nothing."""
    imap_account.append("INBOX", fixture("78_en_founder_plain.eml"))
    photos = _with_pdf(
        b"From: Alex Rivera <alex.rivera@mailbox.example>\r\nTo: sam.seeker@example.net\r\n"
        b"Subject: Re: Photos from the lake\r\nIn-Reply-To: <p1@seeker.example>\r\n"
        b"Message-ID: <lake-2@mailbox.example>\r\nDate: Mon, 23 Nov 2026 08:00:00 +0000\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nHere they are, see you soon!\r\n",
        300_000,
    )
    imap_account.append("INBOX", photos)
    got = {
        inbound.Header.parse(m.header).message_id: m
        for m in rt.source.fetch_new(inbound.remembered(rt), inbound.wanted(rt))
    }
    assert got["<lake-2@mailbox.example>"].raw is None
    assert got["<CAMaya0001@mail.halcyon.example>"].raw is not None
    assert _received(rt) < 60_000  # the top of the friend's text, never the photos


def test_a_reply_to_a_thank_you_followup_sent_is_read_without_its_attachment(rt, imap_account):
    """A reply naming one of followup's own Message-IDs (store: sends) earns its body,
    whoever sent it and whatever its subject; of that body only the text is fetched."""
    with rt.store.transaction():
        rt.store.execute(
            "INSERT INTO sends (message_id, purpose, recipients, state, started_at) "
            "VALUES ('<ty-1@followup.example>', 'thank_you', 'x@y.example', 'sent', '2026-11')"
        )
    reply = (
        b"From: Someone <someone@forwarder.example>\r\nTo: sam.seeker@example.net\r\n"
        b"Subject: Re: Hello\r\nIn-Reply-To: <TY-1@followup.example>\r\n"
        b"Message-ID: <r-1@forwarder.example>\r\nDate: Mon, 23 Nov 2026 08:00:00 +0000\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nThanks, likewise.\r\n"
    )
    imap_account.append("INBOX", _with_pdf(reply, 500_000))
    (msg,) = rt.source.fetch_new(inbound.remembered(rt), inbound.wanted(rt))
    assert msg.raw is not None and b"Thanks, likewise." in msg.raw
    assert len(msg.raw) < 2_000  # header, the text part, the boundaries: no PDF


def test_every_interview_fixture_reads_the_same_from_its_fetched_parts(rt, imap_account):
    """Rebuilt from its text and calendar sections, each interview fixture (with a PDF
    attached) is read by detect() as the whole message is, and the PDF is left out."""
    from followup.core.detect import detect

    names = sorted(
        p.name
        for p in MESSAGES.glob("*.eml")
        if '"is_interview": true' in (MESSAGES / "expected" / f"{p.stem}.json").read_text()
    )
    sent = {}
    for name in names:
        raw = _with_pdf(fixture(name), 64 * 1024)
        sent[imap_account.append("INBOX", raw)] = (name, raw)
    me = rt.settings.me

    def read(raw: bytes):
        return detect(raw, my_addresses=me.addresses, default_timezone=me.timezone)

    got = list(rt.source.fetch_new(inbound.remembered(rt), lambda header: True))
    assert len(got) == len(names)
    for msg in got:
        name, whole = sent[int(msg.key.split(":")[1])]
        assert msg.raw is not None, name
        assert len(msg.raw) < len(whole) - 64 * 1024, name
        assert read(msg.raw) == read(whole), name


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


def test_a_quiet_cycle_is_one_noop_and_mail_announced_meanwhile_is_found(rt, imap_account):
    """With the folder selected and nothing announced since the last search, a cycle
    costs one NOOP; mail that arrives during a pass (after its SEARCH) is announced with
    a later reply and found the next cycle, and mail between cycles with the NOOP."""
    imap_account.append("INBOX", NEWSLETTER)
    run_pass(rt, now=BEFORE)
    run_pass(rt, now=BEFORE)  # settled: selected, searched
    source = rt.source
    before = source.commands
    run_pass(rt, now=BEFORE)
    assert source.commands - before == 1  # the NOOP alone
    imap_account.append("INBOX", fixture("01_google_invite.eml"))
    run_pass(rt, now=BEFORE)
    assert len(interviews.all_interviews(rt.store)) == 1

    def during(position):  # mail arriving while the pass reads its messages
        imap_account.append("INBOX", fixture("15_recruiter_cst.eml"))

    imap_account.append("INBOX", NEWSLETTER.replace(b"digest-1@", b"digest-2@"))
    seen = dataclasses.replace(inbound.remembered(rt), backlog=during)
    list(source.fetch_new(seen, lambda header: False))
    run_pass(rt, now=BEFORE)
    assert len(interviews.all_interviews(rt.store)) == 2


def test_a_message_that_is_only_a_calendar_is_read(rt, imap_account):
    """A single-part text/calendar message with a bland subject and an unknown sender:
    what it is shows only in its Content-Type, and that is enough to read it."""
    import email as email_pkg
    from email import policy as email_policy

    parsed = email_pkg.message_from_bytes(
        invite(
            uid="bare-1",
            start=BEFORE + timedelta(days=2),
            people=[("Jane Doe", "jane@acme.example")],
        ),
        policy=email_policy.default,
    )
    ics = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar").get_content()
    bare = (
        "From: Acme Talent <talent@acme.example>\r\nTo: sam.seeker@example.net\r\n"
        "Subject: Update\r\nMessage-ID: <bare-1@acme.example>\r\n"
        "Date: Mon, 23 Nov 2026 08:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n"
        + ics.replace("\n", "\r\n")
    ).encode()
    imap_account.append("INBOX", bare)
    imap_account.append("INBOX", NEWSLETTER)
    run_pass(rt, now=BEFORE)
    (found,) = interviews.all_interviews(rt.store)
    assert [p.email for p in found.interviewers] == ["jane@acme.example"]


def test_the_header_fetch_leaves_structures_raw_and_parses_them_as_imapclient_does(
    imap_account,
):
    """The header FETCH of a first sync cuts Dovecot's responses with one regex and
    parses a structure only when asked: every fixture gives the header, size, calendar
    verdict and BODYSTRUCTURE that imapclient's own fetch gives."""
    from followup.adapters.sources import imap

    for path in sorted(MESSAGES.glob("*.eml")):
        imap_account.append("INBOX", path.read_bytes())
    with imap_account.login() as client:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        typ, raw = client._imap.uid("FETCH", ",".join(map(str, uids)), imap._HEAD_ITEMS)
        assert typ == "OK" and imap._cut_heads(raw) is not None  # Dovecot's shape: the fast path
        fast = imap._fetch_heads(client, uids)
        slow = client.fetch(
            uids, [f"BODY.PEEK[{imap._HEAD_SECTION}]", "BODYSTRUCTURE", "RFC822.SIZE"]
        )
    assert set(fast) == set(slow) == set(uids)
    for uid in uids:
        mine, theirs = fast[uid], slow[uid]
        assert mine[b"BODY[HEADER]"] == imap._header_of(theirs) != b""
        assert mine[b"RFC822.SIZE"] == theirs[b"RFC822.SIZE"]
        assert imap._calendar_in(mine) == imap._has_calendar(theirs[b"BODYSTRUCTURE"])
        imap._parse_structure(mine)
        assert mine[b"BODYSTRUCTURE"] == theirs[b"BODYSTRUCTURE"]


def test_a_header_response_of_another_shape_is_left_to_imapclient():
    from followup.adapters.sources import imap

    literal_inside = [
        (b'1 (UID 7 RFC822.SIZE 10 BODYSTRUCTURE ("text" "plain" NIL NIL {3}', b"a\r\n"),
        (b' "7BIT" 3 1 NIL NIL NIL NIL) BODY[HEADER] {4}', b"X: y"),
        b")",
    ]
    other_order = [(b"1 (RFC822.SIZE 10 UID 7 BODY[HEADER] {4}", b"X: y"), b")"]
    assert imap._cut_heads(literal_inside) is None and imap._cut_heads(other_order) is None
