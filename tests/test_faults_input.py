"""Bad input never stops the service (DESIGN §4.6), never injects a header (§4.3),
and a huge message does not blow up memory.

A seeded corpus of 200+ hostile or broken messages (hand-made by generator
functions below, plus seeded random mutations of a valid invite) is APPENDed to
Dovecot, with well-formed invites mixed in, and run through the full pipeline.
The pure parsers also get a hypothesis run (derandomized).
"""

from __future__ import annotations

import base64
import random
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import write_config
from mailgen import ME, invite

from followup import config, detect, drafts, replies
from followup.model import DraftState
from followup.pipeline import run_pass
from followup.runtime import open_runtime

SEED = 424242
START = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # 13:00 in Chicago
AFTER = START + timedelta(hours=2)
HOSTILE_DIR = Path(__file__).parent / "fixtures" / "hostile"


# --- the corpus ------------------------------------------------------------------

def _head(subject: str, *, ctype: str = "text/plain; charset=UTF-8", extra: str = "",
          mid: str | None = None, sender: str = "Recruiter <jobs@hostile.example>") -> str:
    return (f"From: {sender}\r\nTo: Sam Seeker <{ME}>\r\nSubject: {subject}\r\n"
            f"Date: {format_datetime(START - timedelta(days=3))}\r\n"
            f"Message-ID: <{mid or random.Random(subject).getrandbits(64)}@hostile.example>\r\n"
            f"MIME-Version: 1.0\r\n{extra}Content-Type: {ctype}\r\n\r\n")


def _ics(body: str, method: str = "REQUEST") -> str:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n"
            f"METHOD:{method}\r\nBEGIN:VEVENT\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n")


def _event(uid: str, *, start: str = "20261201T190000Z", end: str = "20261201T200000Z",
           extra: str = "", cn: str = "Jane Doe") -> str:
    return (f"UID:{uid}\r\nSEQUENCE:0\r\nDTSTAMP:20261125T120000Z\r\nDTSTART:{start}\r\n"
            f"DTEND:{end}\r\nSUMMARY:Interview: Engineer at Hostile\r\n"
            "ORGANIZER;CN=Recruiter:mailto:jobs@hostile.example\r\n"
            f"ATTENDEE;CN={cn}:mailto:jane@hostile.example\r\n"
            f"ATTENDEE;CN=Sam Seeker:mailto:{ME}\r\n{extra}")


def _cal_msg(subject: str, event: str, **kw) -> bytes:
    return (_head(subject, ctype="text/calendar; charset=UTF-8; method=REQUEST", **kw)
            + _ics(event)).encode("utf-8", "surrogateescape")


def nested_rfc822(depth: int) -> bytes:
    inner = _cal_msg("Interview invitation (innermost)", _event("nested-deep"))
    for i in range(depth):
        inner = (_head(f"Fwd: Interview invitation level {i}", ctype="message/rfc822",
                       mid=f"nest-{depth}-{i}").encode() + inner)
    return inner


def handmade() -> list[tuple[str, bytes]]:
    """Named hostile messages, each a known way mail breaks parsers."""
    valid = invite(uid="hm-base", start=START, people=[("Jane Doe", "jane@hostile.example")])
    out: list[tuple[str, bytes]] = []
    add = lambda name, raw: out.append((name, raw))  # noqa: E731
    for cut in (10, 120, 400, len(valid) // 2, len(valid) - 30):
        add(f"truncated-{cut}", valid[:cut])
    add("truncated-multipart",
        _head("Interview invitation", ctype='multipart/mixed; boundary="XYZ"').encode()
        + b"--XYZ\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VEV")
    add("boundary-never-closed",
        _head("Interview invitation", ctype='multipart/alternative; boundary="b1"').encode()
        + b"--b1\r\nContent-Type: text/plain\r\n\r\nInterview on Tuesday\r\n--b2--\r\n")
    add("empty", b"")
    add("only-header", _head("Interview").encode())
    add("no-header-at-all", b"Interview tomorrow at 10am with Jane\r\n")
    for charset in ("utf-7", "x-no-such-charset", "iso-2022-jp", "utf-16", "cp1252", "bogus\"q"):
        body = "Interview with Jos\u00e9 on Tuesday Dec 1 at 1pm".encode("utf-8") + b"\xff\xfe\x80"
        add(f"charset-{charset}",
            _head("Interview invitation", ctype=f"text/plain; charset={charset}").encode() + body)
    add("cal-charset-wrong", _head("Interview", ctype="text/calendar; charset=x-bogus; "
                                   "method=REQUEST").encode()
        + _ics(_event("cs-wrong", cn="J\u00fcrgen")).encode("latin-1"))
    add("base64-broken", _head("Interview invitation", ctype="text/calendar; method=REQUEST",
                               extra="Content-Transfer-Encoding: base64\r\n").encode()
        + b"QkVHSU46VkNBTEVOREFS!!!!====\r\n@@@@\r\n")
    add("qp-broken", _head("Interview invitation", ctype="text/plain",
                           extra="Content-Transfer-Encoding: quoted-printable\r\n").encode()
        + b"Interview =ZZ=4 =\r\n=\r\n" * 50)
    add("encoded-word-garbage", _head("=?utf-8?b?!!!notbase64?= =?x-bogus?q?Interview?= "
                                      "=?utf-8?q?=FF=FE?=").encode() + b"hi\r\n")
    add("nul-bytes", _head("Interview\x00invitation").encode() + b"\x00" * 1000)
    add("lone-cr", _head("Interview").replace("\r\n", "\r").encode() + b"body\rmore\r")
    add("8bit-header", _head("Interview").encode().replace(b"Recruiter", b"R\xe9cr\xfc\xff")
        + b"x\r\n")
    for year in ("99991231T100000Z", "00010101T000000Z", "19000101T000000Z",
                 "20261301T250000Z", "garbage", "2026-12-01"):
        add(f"ics-date-{year}", _cal_msg(f"Interview invitation {year}",
                                         _event(f"date-{year}", start=year, end=year)))
    add("ics-end-before-start", _cal_msg("Interview", _event(
        "backwards", start="20261201T190000Z", end="20261101T190000Z")))
    add("ics-duration-huge", _cal_msg("Interview", _event(
        "dur", extra="DURATION:P9999999W\r\n").replace("DTEND:20261201T200000Z\r\n", "")))
    add("ics-unknown-tzid", _cal_msg("Interview", _event("tz").replace(
        "DTSTART:20261201T190000Z", "DTSTART;TZID=Mars/Olympus_Mons:20261201T130000")))
    for rule in ("FREQ=SECONDLY;COUNT=10000000", "FREQ=SECONDLY", "FREQ=MINUTELY;INTERVAL=1",
                 "FREQ=YEARLY;UNTIL=99991231T000000Z", "FREQ=DAILY;BYSETPOS=-1;BYDAY=MO,TU,WE",
                 "FREQ=NOPE;COUNT=-5"):
        add(f"rrule-{rule}", _cal_msg(f"Interview invitation {rule[:20]}", _event(
            f"rrule-{rule}", extra=f"RRULE:{rule}\r\n")))
    add("exdate-bomb", _cal_msg("Interview", _event("exdate", extra="".join(
        f"EXDATE:2026{m:02d}{d:02d}T190000Z\r\n" for m in range(1, 13) for d in range(1, 29)))))
    add("many-attendees", _cal_msg("Interview", _event("crowd", extra="".join(
        f"ATTENDEE;CN=P{i}:mailto:p{i}@hostile.example\r\n" for i in range(3000)))))
    add("many-events", (_head("Interview invitation",
                              ctype="text/calendar; method=REQUEST") + "BEGIN:VCALENDAR\r\n"
                        + "".join(f"BEGIN:VEVENT\r\n{_event(f'multi-{i}')}END:VEVENT\r\n"
                                  for i in range(500)) + "END:VCALENDAR\r\n").encode())
    add("vcalendar-nested-deep", (_head("Interview", ctype="text/calendar; method=REQUEST")
                                  + "BEGIN:VCALENDAR\r\n" * 2000
                                  + "END:VCALENDAR\r\n" * 2000).encode())
    add("ics-line-folding-abuse", _cal_msg("Interview", _event("fold").replace(
        "SUMMARY:", "SUMMARY:" + "\r\n " * 5000)))
    # Header injection attempts: CR/LF in display names, RFC 6868 caret newline in CN,
    # encoded-word CRLF.
    add("crlf-cn-caret", _cal_msg("Interview invitation", _event(
        "inject-caret", cn='"Eve^nBcc: victim@example.com"')))
    add("crlf-cn-escaped", _cal_msg("Interview invitation", _event(
        "inject-escaped", cn="Eve\\r\\nBcc: victim@example.com")))
    add("crlf-from-encoded-word", _cal_msg("Interview invitation", _event("inject-ew"),
                                           sender="=?utf-8?q?Eve=0D=0ABcc=3A_victim@example.com?="
                                                  " <eve@hostile.example>"))
    add("crlf-in-subject", _head("Interview =?utf-8?q?=0D=0ABcc:_victim@example.com?=")
        .encode() + b"Interview on Tuesday Dec 1 at 1pm\r\n")
    add("header-100kb", _head("Interview " + "A" * 100_000).encode() + b"body\r\n")
    add("header-100kb-folded", _head("Interview", extra="X-Long: " + "\r\n x" * 50_000 + "\r\n")
        .encode() + b"body\r\n")
    add("ten-thousand-headers", _head("Interview", extra="".join(
        f"X-H{i}: v\r\n" for i in range(10_000))).encode() + b"body\r\n")
    add("rfc822-nested-100", nested_rfc822(100))
    add("multipart-nested-300", _head("Interview", ctype='multipart/mixed; boundary="b0"')
        .encode() + b"".join(f"--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\r\n\r\n"
                             .encode() for i in range(300)))
    add("thousand-parts", _head("Interview", ctype='multipart/mixed; boundary="p"').encode()
        + b"".join(b"--p\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
                   for _ in range(1000)) + b"--p--\r\n")
    add("html-bomb", _head("Interview invitation", ctype="text/html").encode()
        + b"<div>" * 20000 + b"Interview Tuesday 1pm" + b"</div>" * 20000)
    add("body-2mb-one-line", _head("Interview invitation").encode() + b"x" * 2_000_000)
    add("bidi-and-zero-width", _cal_msg("Interview invitation", _event(
        "bidi", cn="Ja\u202ene\u200b Doe\u2028X")))
    add("reply-no-token-from-me", _head("Re: Approve your thank-you", sender=f"Sam <{ME}>")
        .encode() + b"approve\r\n")
    add("reply-garbage-token-from-me", _head("Re: Approve [fu-" + "A" * 5000 + "]",
                                             sender=f"Sam <{ME}>").encode() + b"approve\r\n")
    add("ics-as-attachment-base64", (_head("Interview invitation",
                                           ctype='multipart/mixed; boundary="a"') + "--a\r\n"
                                     "Content-Type: application/ics; name=invite.ics\r\n"
                                     "Content-Transfer-Encoding: base64\r\n\r\n"
                                     + base64.encodebytes(b"\xff\xfe" + b"\x00BEGIN" * 200)
                                     .decode() + "--a--\r\n").encode())
    return out


def mutated(rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    """Seeded random damage to valid invites: cuts, byte flips, splices, duplicated
    or deleted lines, hostile values dropped into random ICS properties."""
    nasty = ["\x00", "\r", "\n", "\r\nBcc: victim@example.com", "\u202e", "\ud800",
             "=?utf-8?b?", "9999", "-1", ";;;", ":" * 50, "A" * 5000, "^n", "\\", '"', "\t"]
    out = []
    for i in range(n):
        base = invite(uid=f"mut-{i}", start=START + timedelta(hours=rng.randint(-500, 500)),
                      people=[(f"Person {i}", f"m{i}@hostile.example")],
                      sequence=rng.randint(0, 3))
        lines = base.split(b"\r\n")
        op = rng.choice(["cut", "flip", "splice", "dupe", "drop", "value", "value", "mix"])
        if op in ("cut", "mix"):
            base = base[:rng.randint(0, len(base))]
        if op in ("flip", "mix"):
            data = bytearray(base)
            for _ in range(rng.randint(1, 40)):
                if data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
            base = bytes(data)
        if op == "splice":
            other = handmade_cache()[rng.randrange(len(handmade_cache()))][1]
            base = base[:rng.randint(0, len(base))] + other[rng.randint(0, len(other)):]
        if op == "dupe":
            j = rng.randrange(len(lines))
            base = b"\r\n".join(lines[:j] + [lines[j]] * rng.randint(2, 300) + lines[j:])
        if op == "drop":
            keep = [ln for ln in lines if rng.random() > 0.2]
            base = b"\r\n".join(keep)
        if op == "value":
            j = rng.randrange(len(lines))
            if b":" in lines[j]:
                key = lines[j].split(b":", 1)[0]
                value = "".join(rng.choice(nasty) for _ in range(rng.randint(1, 4)))
                lines[j] = key + b":" + value.encode("utf-8", "surrogatepass")
            base = b"\r\n".join(lines)
        out.append((f"mutated-{i}-{op}", base))
    return out


_HANDMADE: list = []


def handmade_cache() -> list[tuple[str, bytes]]:
    if not _HANDMADE:
        _HANDMADE.extend(handmade())
    return _HANDMADE


def well_formed(n: int) -> list[tuple[str, bytes]]:
    return [(f"good-{i}", invite(uid=f"good-{i}", start=START + timedelta(days=i % 3, hours=i),
                                 people=[(f"Good Person{i}", f"good{i}@acme.example")],
                                 company=f"Goodco{i}"))
            for i in range(n)]


def corpus() -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    bad = handmade_cache() + mutated(rng, 160)
    good = well_formed(10)
    mixed = list(bad)
    for i, item in enumerate(good):  # spread the good ones among the bad
        mixed.insert((i + 1) * len(bad) // (len(good) + 1) + i, item)
    return mixed


# --- pure parsers: hypothesis ------------------------------------------------------

@settings(derandomize=True, max_examples=300, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=4000) | st.builds(
    lambda cut, junk, base: base[:cut] + junk + base[cut:],
    st.integers(0, 2000), st.binary(max_size=200),
    st.sampled_from([invite(uid="h", start=START, people=[("A B", "a@b.example")]),
                     _cal_msg("Interview", _event("hyp", extra="RRULE:FREQ=SECONDLY\r\n"))])))
def test_parsers_never_raise_on_arbitrary_bytes(raw):
    found = detect.detect(raw, my_addresses={ME}, default_timezone="America/Chicago")
    assert found is not None
    if found.event is not None:
        assert 1970 <= found.event.start.year <= 2100
    reply = replies.parse_reply(raw)
    assert replies.authorize(reply, my_addresses={ME}, expected_token="x" * 22) is not None
    assert detect.looks_like_candidate(raw[:5000]) in (True, False)


# --- the full pipeline over Dovecot ---------------------------------------------------


@pytest.mark.integration
def test_hostile_corpus_through_the_pipeline(mail_env, imap_account, smtp, caplog):
    items = corpus()
    bad = [name for name, _ in items if not name.startswith("good-")]
    assert len(bad) >= 200
    uids = {}
    with imap_account.login() as c:
        for name, raw in items:
            resp = c.append("INBOX", raw or b"\r\n")
            uids[int(re.search(rb"APPENDUID \d+ (\d+)", resp)[1])] = name
    rt = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    try:
        report = run_pass(rt, now=AFTER)  # a crash would raise here
        assert report.errors == [], report.errors
        again = run_pass(rt, now=AFTER + timedelta(minutes=5))
        assert again.errors == [] and again.messages == 0
        rows = rt.store.all("SELECT key, outcome, reason FROM messages")
        by_uid = {int(r["key"].split(":")[1]): r for r in rows}
        assert set(by_uid) <= set(uids)
        # Each message looked at is recorded once, rejected/ignored ones with a reason;
        # the rest were skipped cleanly before their body was fetched.
        for uid, row in by_uid.items():
            if row["outcome"] in ("rejected", "ignored"):
                assert row["reason"].strip(), uids[uid]
        assert rt.store.one("SELECT last_uid FROM sync_state")["last_uid"] == max(uids)
        recorded = {r["event_uid"] for r in rt.store.all("SELECT event_uid FROM interviews")}
        assert {f"good-{i}" for i in range(10)} <= recorded
        for r in rt.store.all("SELECT start_utc, end_utc FROM interviews"):
            start = datetime.fromisoformat(r["start_utc"])
            assert 1970 <= start.year <= 2100
            assert datetime.fromisoformat(r["end_utc"]) >= start
        # No header of anything we sent carries an injected header or extra recipient.
        for m in smtp.messages:
            assert len(m.rcpt_tos) == 1
            head = m.data.split(b"\r\n\r\n", 1)[0]
            assert not re.search(rb"(?im)^bcc:", head), head
            assert all("victim@example.com" not in r for r in m.rcpt_tos)
        outcomes: dict[str, int] = {}
        for row in rows:
            outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + 1
        print(f"\nBAD-INPUT: tried={len(bad)} good={len(items) - len(bad)} crashes=0 "
              f"recorded_in_messages={len(rows)} skipped_before_fetch={len(uids) - len(rows)} "
              f"outcomes={outcomes} interviews={len(recorded)} sends={len(smtp.messages)}")
        assert "Traceback" not in caplog.text
    finally:
        rt.close()


@pytest.mark.integration
def test_crlf_in_interviewer_name_cannot_inject_a_header(mail_env, imap_account, smtp):
    """Whatever detection makes of a hostile name, the sent thank-you has exactly the
    one approved recipient and no injected header, even if CR/LF reached the store."""
    for name, raw in handmade_cache():
        if name.startswith("crlf-"):
            imap_account.append("INBOX", raw)
    evil = "Eve\r\nBcc: victim@example.com\r\nX-Injected: yes"
    imap_account.append("INBOX", invite(uid="inject-direct", start=START,
                                        people=[("Eve Direct", "eve.direct@acme.example")]))
    rt = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    try:
        run_pass(rt, now=AFTER)
        with rt.store.transaction():
            # the worst case: a CR/LF name got into the store by any path
            rt.store.execute("UPDATE people SET name = ? WHERE email = 'eve.direct@acme.example'",
                             (evil,))
            rt.store.execute("UPDATE drafts SET to_name = ? WHERE to_email = "
                             "'eve.direct@acme.example'", (evil,))
        waiting = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING]
        assert waiting
        with rt.store.transaction():
            for d in waiting:
                drafts.approve(rt.store, d.id, sender=ME, now=AFTER)
        run_pass(rt, now=AFTER)
        sent = [m for m in smtp.messages if m.message["X-Followup"] == "thank_you"]
        assert {m.rcpt_tos[0] for m in sent} == {d.to.email for d in waiting}
        for m in sent:
            assert len(m.rcpt_tos) == 1
            head = m.data.split(b"\r\n\r\n", 1)[0]
            names = [ln.split(b":", 1)[0].lower() for ln in head.split(b"\r\n")
                     if ln and not ln[:1].isspace()]
            assert b"bcc" not in names and b"x-injected" not in names, head
            assert len(m.message.get_all("To")) == 1
            assert len(m.message["To"].addresses) == 1
        print(f"\nINJECTION: drafts={len(waiting)} sent={len(sent)} injected_headers=0")
    finally:
        rt.close()


# --- memory ------------------------------------------------------------------------

MEMORY_CAP_MB = 200


def _status(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M)[1]) // 1024


def big_invite(mb: int, *, base64_attachment: bool, tag: str = "") -> bytes:
    head = _head("Interview invitation with logs", ctype='multipart/mixed; boundary="big"',
                 mid=f"big-{mb}-{base64_attachment}{tag}")
    cal = ("--big\r\nContent-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n\r\n"
           + _ics(_event(f"big-{mb}-{int(base64_attachment)}{tag}")))
    if base64_attachment:
        payload = base64.encodebytes(random.Random(1).randbytes(mb * 1024 * 1024))
        att = (b"--big\r\nContent-Type: application/octet-stream; name=big.bin\r\n"
               b"Content-Transfer-Encoding: base64\r\n\r\n" + payload.replace(b"\n", b"\r\n"))
    else:
        line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\r\n"
        att = (b"--big\r\nContent-Type: text/plain; name=log.txt\r\n"
               b"Content-Disposition: attachment; filename=log.txt\r\n\r\n"
               + line * (mb * 1024 * 1024 // len(line)))
    return head.encode() + cal.encode() + att + b"\r\n--big--\r\n"


@pytest.mark.integration
def test_a_20mb_message_keeps_memory_bounded(mail_env, imap_account, smtp):
    imap_account.append("INBOX", big_invite(20, base64_attachment=False))  # fetched, parsed
    imap_account.append("INBOX", big_invite(20, base64_attachment=True))  # 27 MB: over the cap
    rt = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS (VmHWM)
        baseline = _status("VmRSS")
        report = run_pass(rt, now=AFTER)
        peak = _status("VmHWM")
        growth = peak - baseline
        print(f"\nMEMORY: baseline={baseline} MB peak={peak} MB growth={growth} MB "
              f"cap={MEMORY_CAP_MB} MB")
        assert report.errors == []
        rows = sorted((r["outcome"], r["reason"]) for r in
                      rt.store.all("SELECT outcome, reason FROM messages"))
        # the 20 MB one was read; the 27 MB one skipped by size, with the reason on record
        assert len(rows) == 2 and rows[1][0] == "skipped", rows
        assert rows[1][1].startswith("too large") and "max_message_mb = 25" in rows[1][1]
        recorded = {r["event_uid"] for r in rt.store.all("SELECT event_uid FROM interviews")}
        assert "big-20-0" in recorded
        assert growth < MEMORY_CAP_MB
    finally:
        rt.close()


@pytest.mark.integration
def test_many_big_candidates_are_fetched_and_freed_one_by_one(mail_env, imap_account, smtp):
    """Five 20 MB candidates in one chunk: bodies come in byte-bounded FETCHes and each
    is dropped before the next, so the pass grows by about one message, not five."""
    for i in range(5):
        imap_account.append("INBOX", big_invite(20, base64_attachment=False, tag=f"-{i}"))
    rt = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    try:
        Path("/proc/self/clear_refs").write_text("5")
        baseline = _status("VmRSS")
        report = run_pass(rt, now=AFTER)
        growth = _status("VmHWM") - baseline
        print(f"\nMEMORY x5: baseline={baseline} MB growth={growth} MB cap={MEMORY_CAP_MB} MB")
        assert report.errors == []
        recorded = {r["event_uid"] for r in rt.store.all("SELECT event_uid FROM interviews")}
        assert {f"big-20-0-{i}" for i in range(5)} <= recorded
        assert growth < MEMORY_CAP_MB
    finally:
        rt.close()


@pytest.mark.integration
def test_max_message_mb_skips_a_bigger_candidate_with_the_reason(mail_env, imap_account,
                                                                smtp, tmp_path):
    """`[source] max_message_mb = 1`: a 2 MB invite is not fetched, and `messages` says why;
    a Maildir source applies the same cap from the file's size."""
    big = big_invite(2, base64_attachment=False, tag="-cap")
    imap_account.append("INBOX", big)
    mail_env.write_text(mail_env.read_text().replace("timeout = 10", "timeout = 10\n"
                                                     "max_message_mb = 1", 1))
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.big.host").write_bytes(big)
    local = write_config(tmp_path / "local" / "config.toml", maildir=maildir,
                         extra="")
    local.write_text(local.read_text().replace('kind = "maildir"',
                                               'kind = "maildir"\nmax_message_mb = 1'))
    for cfg in (mail_env, local):
        rt = open_runtime(config.load(cfg), clock=lambda: AFTER)
        try:
            assert run_pass(rt, now=AFTER).errors == []
            (row,) = rt.store.all("SELECT outcome, reason FROM messages")
            assert row["outcome"] == "skipped", cfg
            assert row["reason"].startswith("too large (") and "max_message_mb = 1" in \
                row["reason"]
            assert rt.store.all("SELECT * FROM interviews") == []
        finally:
            rt.close()
