"""Bad input never stops the service (docs/ARCHITECTURE.md invariant 6), never injects a
header (invariant 9), and a huge message does not blow up memory.

A seeded corpus of 200+ hostile or broken messages (hand-made by generator
functions below, plus seeded random mutations of a valid invite) is APPENDed to
Dovecot, with well-formed invites mixed in, and run through the full pipeline.
The pure parsers also get a hypothesis run (derandomized).
"""

from __future__ import annotations

import base64
import email
import json
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from email import policy
from email.utils import format_datetime
from pathlib import Path

import pytest
from conftest import write_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailgen import ME, invite
from runner import followup

from followup.adapters import config
from followup.app import drafts
from followup.app.pipeline import run_pass
from followup.app.runtime import open_runtime
from followup.core import detect, replies
from followup.core.model import DraftState

SEED = 424242
START = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # 13:00 in Chicago
AFTER = START + timedelta(hours=2)
HOSTILE_DIR = Path(__file__).parent / "fixtures" / "hostile"


# --- the corpus ------------------------------------------------------------------


def _head(
    subject: str,
    *,
    ctype: str = "text/plain; charset=UTF-8",
    extra: str = "",
    mid: str | None = None,
    sender: str = "Recruiter <jobs@hostile.example>",
) -> str:
    return (
        f"From: {sender}\r\nTo: Sam Seeker <{ME}>\r\nSubject: {subject}\r\n"
        f"Date: {format_datetime(START - timedelta(days=3))}\r\n"
        f"Message-ID: <{mid or random.Random(subject).getrandbits(64)}@hostile.example>\r\n"
        f"MIME-Version: 1.0\r\n{extra}Content-Type: {ctype}\r\n\r\n"
    )


def _ics(body: str, method: str = "REQUEST") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n"
        f"METHOD:{method}\r\nBEGIN:VEVENT\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _event(
    uid: str,
    *,
    start: str = "20261201T190000Z",
    end: str = "20261201T200000Z",
    extra: str = "",
    cn: str = "Jane Doe",
) -> str:
    return (
        f"UID:{uid}\r\nSEQUENCE:0\r\nDTSTAMP:20261125T120000Z\r\nDTSTART:{start}\r\n"
        f"DTEND:{end}\r\nSUMMARY:Interview: Engineer at Hostile\r\n"
        "ORGANIZER;CN=Recruiter:mailto:jobs@hostile.example\r\n"
        f"ATTENDEE;CN={cn}:mailto:jane@hostile.example\r\n"
        f"ATTENDEE;CN=Sam Seeker:mailto:{ME}\r\n{extra}"
    )


def _cal_msg(subject: str, event: str, **kw) -> bytes:
    return (
        _head(subject, ctype="text/calendar; charset=UTF-8; method=REQUEST", **kw) + _ics(event)
    ).encode("utf-8", "surrogateescape")


def nested_rfc822(depth: int) -> bytes:
    inner = _cal_msg("Interview invitation (innermost)", _event("nested-deep"))
    for i in range(depth):
        inner = (
            _head(
                f"Fwd: Interview invitation level {i}",
                ctype="message/rfc822",
                mid=f"nest-{depth}-{i}",
            ).encode()
            + inner
        )
    return inner


def handmade() -> list[tuple[str, bytes]]:
    """Named hostile messages, each a known way mail breaks parsers."""
    valid = invite(uid="hm-base", start=START, people=[("Jane Doe", "jane@hostile.example")])
    out: list[tuple[str, bytes]] = []
    add = lambda name, raw: out.append((name, raw))  # noqa: E731
    for cut in (10, 120, 400, len(valid) // 2, len(valid) - 30):
        add(f"truncated-{cut}", valid[:cut])
    add(
        "truncated-multipart",
        _head("Interview invitation", ctype='multipart/mixed; boundary="XYZ"').encode()
        + b"--XYZ\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VEV",
    )
    add(
        "boundary-never-closed",
        _head("Interview invitation", ctype='multipart/alternative; boundary="b1"').encode()
        + b"--b1\r\nContent-Type: text/plain\r\n\r\nInterview on Tuesday\r\n--b2--\r\n",
    )
    add("empty", b"")
    add("only-header", _head("Interview").encode())
    add("no-header-at-all", b"Interview tomorrow at 10am with Jane\r\n")
    for charset in ("utf-7", "x-no-such-charset", "iso-2022-jp", "utf-16", "cp1252", 'bogus"q'):
        body = "Interview with Jos\u00e9 on Tuesday Dec 1 at 1pm".encode("utf-8") + b"\xff\xfe\x80"
        add(
            f"charset-{charset}",
            _head("Interview invitation", ctype=f"text/plain; charset={charset}").encode() + body,
        )
    add(
        "cal-charset-wrong",
        _head("Interview", ctype="text/calendar; charset=x-bogus; method=REQUEST").encode()
        + _ics(_event("cs-wrong", cn="J\u00fcrgen")).encode("latin-1"),
    )
    add(
        "base64-broken",
        _head(
            "Interview invitation",
            ctype="text/calendar; method=REQUEST",
            extra="Content-Transfer-Encoding: base64\r\n",
        ).encode()
        + b"QkVHSU46VkNBTEVOREFS!!!!====\r\n@@@@\r\n",
    )
    add(
        "qp-broken",
        _head(
            "Interview invitation",
            ctype="text/plain",
            extra="Content-Transfer-Encoding: quoted-printable\r\n",
        ).encode()
        + b"Interview =ZZ=4 =\r\n=\r\n" * 50,
    )
    add(
        "encoded-word-garbage",
        _head("=?utf-8?b?!!!notbase64?= =?x-bogus?q?Interview?= =?utf-8?q?=FF=FE?=").encode()
        + b"hi\r\n",
    )
    add("nul-bytes", _head("Interview\x00invitation").encode() + b"\x00" * 1000)
    add("lone-cr", _head("Interview").replace("\r\n", "\r").encode() + b"body\rmore\r")
    add(
        "8bit-header",
        _head("Interview").encode().replace(b"Recruiter", b"R\xe9cr\xfc\xff") + b"x\r\n",
    )
    for year in (
        "99991231T100000Z",
        "00010101T000000Z",
        "19000101T000000Z",
        "20261301T250000Z",
        "garbage",
        "2026-12-01",
    ):
        add(
            f"ics-date-{year}",
            _cal_msg(f"Interview invitation {year}", _event(f"date-{year}", start=year, end=year)),
        )
    add(
        "ics-end-before-start",
        _cal_msg(
            "Interview", _event("backwards", start="20261201T190000Z", end="20261101T190000Z")
        ),
    )
    add(
        "ics-duration-huge",
        _cal_msg(
            "Interview",
            _event("dur", extra="DURATION:P9999999W\r\n").replace("DTEND:20261201T200000Z\r\n", ""),
        ),
    )
    add(
        "ics-unknown-tzid",
        _cal_msg(
            "Interview",
            _event("tz").replace(
                "DTSTART:20261201T190000Z", "DTSTART;TZID=Mars/Olympus_Mons:20261201T130000"
            ),
        ),
    )
    for rule in (
        "FREQ=SECONDLY;COUNT=10000000",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;INTERVAL=1",
        "FREQ=YEARLY;UNTIL=99991231T000000Z",
        "FREQ=DAILY;BYSETPOS=-1;BYDAY=MO,TU,WE",
        "FREQ=NOPE;COUNT=-5",
    ):
        add(
            f"rrule-{rule}",
            _cal_msg(
                f"Interview invitation {rule[:20]}",
                _event(f"rrule-{rule}", extra=f"RRULE:{rule}\r\n"),
            ),
        )
    add(
        "exdate-bomb",
        _cal_msg(
            "Interview",
            _event(
                "exdate",
                extra="".join(
                    f"EXDATE:2026{m:02d}{d:02d}T190000Z\r\n"
                    for m in range(1, 13)
                    for d in range(1, 29)
                ),
            ),
        ),
    )
    add(
        "many-attendees",
        _cal_msg(
            "Interview",
            _event(
                "crowd",
                extra="".join(
                    f"ATTENDEE;CN=P{i}:mailto:p{i}@hostile.example\r\n" for i in range(3000)
                ),
            ),
        ),
    )
    add(
        "many-events",
        (
            _head("Interview invitation", ctype="text/calendar; method=REQUEST")
            + "BEGIN:VCALENDAR\r\n"
            + "".join(f"BEGIN:VEVENT\r\n{_event(f'multi-{i}')}END:VEVENT\r\n" for i in range(500))
            + "END:VCALENDAR\r\n"
        ).encode(),
    )
    add(
        "vcalendar-nested-deep",
        (
            _head("Interview", ctype="text/calendar; method=REQUEST")
            + "BEGIN:VCALENDAR\r\n" * 2000
            + "END:VCALENDAR\r\n" * 2000
        ).encode(),
    )
    add(
        "ics-line-folding-abuse",
        _cal_msg("Interview", _event("fold").replace("SUMMARY:", "SUMMARY:" + "\r\n " * 5000)),
    )
    # Header injection attempts: CR/LF in display names, RFC 6868 caret newline in CN,
    # encoded-word CRLF.
    add(
        "crlf-cn-caret",
        _cal_msg(
            "Interview invitation", _event("inject-caret", cn='"Eve^nBcc: victim@example.com"')
        ),
    )
    add(
        "crlf-cn-escaped",
        _cal_msg(
            "Interview invitation", _event("inject-escaped", cn="Eve\\r\\nBcc: victim@example.com")
        ),
    )
    add(
        "crlf-from-encoded-word",
        _cal_msg(
            "Interview invitation",
            _event("inject-ew"),
            sender="=?utf-8?q?Eve=0D=0ABcc=3A_victim@example.com?= <eve@hostile.example>",
        ),
    )
    add(
        "crlf-in-subject",
        _head("Interview =?utf-8?q?=0D=0ABcc:_victim@example.com?=").encode()
        + b"Interview on Tuesday Dec 1 at 1pm\r\n",
    )
    add("header-100kb", _head("Interview " + "A" * 100_000).encode() + b"body\r\n")
    add(
        "header-100kb-folded",
        _head("Interview", extra="X-Long: " + "\r\n x" * 50_000 + "\r\n").encode() + b"body\r\n",
    )
    add(
        "ten-thousand-headers",
        _head("Interview", extra="".join(f"X-H{i}: v\r\n" for i in range(10_000))).encode()
        + b"body\r\n",
    )
    add("rfc822-nested-100", nested_rfc822(100))
    add(
        "multipart-nested-300",
        _head("Interview", ctype='multipart/mixed; boundary="b0"').encode()
        + b"".join(
            f'--b{i}\r\nContent-Type: multipart/mixed; boundary="b{i + 1}"\r\n\r\n'.encode()
            for i in range(300)
        ),
    )
    add(
        "thousand-parts",
        _head("Interview", ctype='multipart/mixed; boundary="p"').encode()
        + b"".join(
            b"--p\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
            for _ in range(1000)
        )
        + b"--p--\r\n",
    )
    add(
        "html-bomb",
        _head("Interview invitation", ctype="text/html").encode()
        + b"<div>" * 20000
        + b"Interview Tuesday 1pm"
        + b"</div>" * 20000,
    )
    add("body-2mb-one-line", _head("Interview invitation").encode() + b"x" * 2_000_000)
    add(
        "bidi-and-zero-width",
        _cal_msg("Interview invitation", _event("bidi", cn="Ja\u202ene\u200b Doe\u2028X")),
    )
    add(
        "reply-no-token-from-me",
        _head("Re: Approve your thank-you", sender=f"Sam <{ME}>").encode() + b"approve\r\n",
    )
    add(
        "reply-garbage-token-from-me",
        _head("Re: Approve [fu-" + "A" * 5000 + "]", sender=f"Sam <{ME}>").encode()
        + b"approve\r\n",
    )
    add(
        "ics-as-attachment-base64",
        (
            _head("Interview invitation", ctype='multipart/mixed; boundary="a"') + "--a\r\n"
            "Content-Type: application/ics; name=invite.ics\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(b"\xff\xfe" + b"\x00BEGIN" * 200).decode()
            + "--a--\r\n"
        ).encode(),
    )
    return out


def mutated(rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    """Seeded random damage to valid invites: cuts, byte flips, splices, duplicated
    or deleted lines, hostile values dropped into random ICS properties."""
    nasty = [
        "\x00",
        "\r",
        "\n",
        "\r\nBcc: victim@example.com",
        "\u202e",
        "\ud800",
        "=?utf-8?b?",
        "9999",
        "-1",
        ";;;",
        ":" * 50,
        "A" * 5000,
        "^n",
        "\\",
        '"',
        "\t",
    ]
    out = []
    for i in range(n):
        base = invite(
            uid=f"mut-{i}",
            start=START + timedelta(hours=rng.randint(-500, 500)),
            people=[(f"Person {i}", f"m{i}@hostile.example")],
            sequence=rng.randint(0, 3),
        )
        lines = base.split(b"\r\n")
        op = rng.choice(["cut", "flip", "splice", "dupe", "drop", "value", "value", "mix"])
        if op in ("cut", "mix"):
            base = base[: rng.randint(0, len(base))]
        if op in ("flip", "mix"):
            data = bytearray(base)
            for _ in range(rng.randint(1, 40)):
                if data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
            base = bytes(data)
        if op == "splice":
            other = handmade_cache()[rng.randrange(len(handmade_cache()))][1]
            base = base[: rng.randint(0, len(base))] + other[rng.randint(0, len(other)) :]
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
    return [
        (
            f"good-{i}",
            invite(
                uid=f"good-{i}",
                start=START + timedelta(days=i % 3, hours=i),
                people=[(f"Good Person{i}", f"good{i}@acme.example")],
                company=f"Goodco{i}",
            ),
        )
        for i in range(n)
    ]


def corpus() -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    bad = handmade_cache() + mutated(rng, 160)
    good = well_formed(10)
    mixed = list(bad)
    for i, item in enumerate(good):  # spread the good ones among the bad
        mixed.insert((i + 1) * len(bad) // (len(good) + 1) + i, item)
    return mixed


# --- pure parsers: hypothesis ------------------------------------------------------


@settings(
    derandomize=True, max_examples=300, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(
    st.binary(max_size=4000)
    | st.builds(
        lambda cut, junk, base: base[:cut] + junk + base[cut:],
        st.integers(0, 2000),
        st.binary(max_size=200),
        st.sampled_from(
            [
                invite(uid="h", start=START, people=[("A B", "a@b.example")]),
                _cal_msg("Interview", _event("hyp", extra="RRULE:FREQ=SECONDLY\r\n")),
            ]
        ),
    )
)
def test_parsers_never_raise_on_arbitrary_bytes(raw):
    found = detect.detect(raw, my_addresses={ME}, default_timezone="America/Chicago")
    assert found is not None
    if found.event is not None:
        assert 1970 <= found.event.start.year <= 2100
    reply = replies.parse_reply(raw)
    assert replies.authorize(reply, my_addresses={ME}, expected_token="x" * 22) is not None
    assert isinstance(detect.looks_like_candidate(raw[:5000]), bool)


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
        print(
            f"\nBAD-INPUT: tried={len(bad)} good={len(items) - len(bad)} crashes=0 "
            f"recorded_in_messages={len(rows)} skipped_before_fetch={len(uids) - len(rows)} "
            f"outcomes={outcomes} interviews={len(recorded)} sends={len(smtp.messages)}"
        )
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
    imap_account.append(
        "INBOX",
        invite(
            uid="inject-direct", start=START, people=[("Eve Direct", "eve.direct@acme.example")]
        ),
    )
    rt = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    try:
        run_pass(rt, now=AFTER)
        with rt.store.transaction():
            # the worst case: a CR/LF name got into the store by any path
            rt.store.execute(
                "UPDATE people SET name = ? WHERE email = 'eve.direct@acme.example'", (evil,)
            )
            rt.store.execute(
                "UPDATE drafts SET to_name = ? WHERE to_email = 'eve.direct@acme.example'", (evil,)
            )
        waiting = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING]
        assert waiting
        with rt.store.transaction():
            for d in waiting:
                drafts.approve(rt.store, d.id, sender=ME, now=AFTER)
        run_pass(rt, now=AFTER)
        sent = [m for m in smtp.messages if m.message["X-Followup"] is None]
        assert {m.rcpt_tos[0] for m in sent} == {d.to.email for d in waiting}
        for m in sent:
            assert len(m.rcpt_tos) == 1
            head = m.data.split(b"\r\n\r\n", 1)[0]
            names = [
                ln.split(b":", 1)[0].lower()
                for ln in head.split(b"\r\n")
                if ln and not ln[:1].isspace()
            ]
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
    head = _head(
        "Interview invitation with logs",
        ctype='multipart/mixed; boundary="big"',
        mid=f"big-{mb}-{base64_attachment}{tag}",
    )
    cal = "--big\r\nContent-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n\r\n" + _ics(
        _event(f"big-{mb}-{int(base64_attachment)}{tag}")
    )
    if base64_attachment:
        payload = base64.encodebytes(random.Random(1).randbytes(mb * 1024 * 1024))
        att = (
            b"--big\r\nContent-Type: application/octet-stream; name=big.bin\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + payload.replace(b"\n", b"\r\n")
        )
    else:
        line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\r\n"
        att = (
            b"--big\r\nContent-Type: text/plain; name=log.txt\r\n"
            b"Content-Disposition: attachment; filename=log.txt\r\n\r\n"
            + line
            * (mb * 1024 * 1024 // len(line))
        )
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
        print(
            f"\nMEMORY: baseline={baseline} MB peak={peak} MB growth={growth} MB "
            f"cap={MEMORY_CAP_MB} MB"
        )
        assert report.errors == []
        rows = sorted(
            (r["outcome"], r["reason"])
            for r in rt.store.all("SELECT outcome, reason FROM messages")
        )
        # the 20 MB one was read; the 27 MB one skipped by size, with the reason on record
        assert len(rows) == 2 and rows[1][0] == "skipped", rows
        assert rows[1][1].startswith("too large") and "max_message_mb = 25" in rows[1][1]
        recorded = {r["event_uid"] for r in rt.store.all("SELECT event_uid FROM interviews")}
        assert "big-20-0" in recorded
        assert growth < MEMORY_CAP_MB
    finally:
        rt.close()


# --- encoded-word injection: names, company, role decoded before any header -------

EVIL = "evil@attacker.com"


def _b64_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def _hostile_invite(uid: str, people: list[tuple[str, str]], summary: str | None = None) -> bytes:
    raw = invite(uid=uid, start=START, people=people)
    if summary is not None:
        raw = raw.replace(
            b"SUMMARY:Interview: Backend Engineer at Acme", b"SUMMARY:" + summary.encode()
        )
    return raw


def _pass_approve_pass(mail_env, *, prepare=lambda rt: None) -> list:
    """One pass (drafts, requests, debrief request), approve every waiting draft, one
    more pass (sends). No pass may crash. Returns every draft."""
    rt = open_runtime(config.load(mail_env), clock=lambda: AFTER)
    try:
        assert run_pass(rt, now=AFTER).errors == []
        with rt.store.transaction():
            prepare(rt)
            for d in drafts.list_drafts(rt.store):
                if d.state is DraftState.WAITING:
                    drafts.approve(rt.store, d.id, sender=ME, now=AFTER)
        assert run_pass(rt, now=AFTER).errors == []
        return drafts.list_drafts(rt.store, include_all=True)
    finally:
        rt.close()


def _header_names(m) -> list[bytes]:
    head = m.data.split(b"\r\n\r\n", 1)[0]
    return [
        ln.split(b":", 1)[0].lower() for ln in head.split(b"\r\n") if ln and not ln[:1].isspace()
    ]


def _assert_nothing_injected(sink) -> None:
    assert sink.messages
    for m in sink.messages:
        assert EVIL not in m.rcpt_tos, m.rcpt_tos
        names = _header_names(m)
        assert not {b"bcc", b"cc", b"reply-to", b"sender", b"x-a"} & set(names), names
        recipients = [
            a.addr_spec
            for h in ("To", "Cc", "Bcc")
            for v in m.message.get_all(h, [])
            for a in v.addresses
        ]
        assert recipients == m.rcpt_tos  # what the headers say is what the envelope did


@pytest.mark.integration
def test_encoded_address_in_a_name_cannot_add_a_recipient(mail_env, imap_account, smtp):
    """CN="=?utf-8?b?…?=" decoding to `Bob <evil@attacker.com>,` once put the attacker
    into To: and into RCPT TO."""
    imap_account.append(
        "INBOX", _hostile_invite("ew-to", [(_b64_word(f"Bob <{EVIL}>,"), "jane@acme.example")])
    )
    (draft,) = _pass_approve_pass(mail_env)
    (sent,) = [m for m in smtp.messages if m.message["X-Followup"] is None]
    assert sent.rcpt_tos == ["jane@acme.example"]
    assert [a.addr_spec for a in sent.message["To"].addresses] == ["jane@acme.example"]
    _assert_nothing_injected(smtp)
    assert draft.state is DraftState.SENT and draft.to.name == ""  # a name holding an address


BCC = f"x\r\nBcc: {EVIL}"
REPLY_TO = f"x\r\nReply-To: {EVIL}"


@pytest.mark.integration
@pytest.mark.parametrize(
    "summary",
    [
        f"Interview: {_b64_word(BCC)} at Acme",  # the role
        f"Engineer interview at {_b64_word(REPLY_TO)}",  # the company
        f"Interview: {_b64_word(_b64_word(BCC))} at Acme",  # double-encoded
        f"Engineer interview at {_b64_word('=?utf-8?q?x=0D=0AReply-To:_' + EVIL + '?=')}",
        f"Interview: {_b64_word(_b64_word(_b64_word(_b64_word(BCC))))} at Acme",  # too deep
    ],
    ids=["role-bcc", "company-reply-to", "double-bcc", "b-then-q-reply-to", "four-deep"],
)
def test_encoded_header_in_role_or_company_injects_nothing(mail_env, imap_account, smtp, summary):
    """No Bcc/Reply-To in any thank-you, nor in the debrief request (it needs no
    approval and carries a live token); the passes do not crash."""
    imap_account.append(
        "INBOX",
        _hostile_invite(
            "ew-" + str(abs(hash(summary))), [("Jane Doe", "jane@acme.example")], summary
        ),
    )
    (draft,) = _pass_approve_pass(mail_env)
    assert draft.state is DraftState.SENT
    kinds = {m.message["X-Followup"] for m in smtp.messages}
    assert {None, "debrief_request"} <= kinds, kinds  # None: the thank-you carries no mark
    _assert_nothing_injected(smtp)
    rt = open_runtime(config.load(mail_env))
    try:  # stored as it would be sent: what `status` shows is what goes out
        row = rt.store.one("SELECT title, company, role FROM interviews")
        for text in row:
            assert "\r" not in text and "\n" not in text and "=?" not in text, text
    finally:
        rt.close()


@pytest.mark.integration
def test_a_draft_that_cannot_be_built_fails_alone(mail_env, imap_account, smtp):
    """A name decoding to `Raj\\r\\nX-A: b` builds safely; a draft whose stored address
    is not one plain address (poisoned by any path) fails with its reason, first in
    the queue, and the drafts after it still go out in the same pass."""
    imap_account.append(
        "INBOX",
        _hostile_invite(
            "ew-raj",
            [
                ("Li Wei", "li.wei@acme.example"),
                (_b64_word("Raj\r\nX-A: b"), "raj@acme.example"),
                ("Jane Doe", "jane@acme.example"),
            ],
        ),
    )

    def poison(rt):
        rt.store.execute(
            "UPDATE drafts SET to_email = ? WHERE to_email = ?",
            (f"li.wei@acme.example, {EVIL}", "li.wei@acme.example"),
        )

    states = {d.to.email: d for d in _pass_approve_pass(mail_env, prepare=poison)}
    bad = states[f"li.wei@acme.example, {EVIL}"]
    assert bad.state is DraftState.FAILED and "not one plain email address" in bad.last_error
    assert bad.id < min(states["raj@acme.example"].id, states["jane@acme.example"].id)
    assert states["raj@acme.example"].state is DraftState.SENT
    assert states["jane@acme.example"].state is DraftState.SENT
    thank_yous = [m for m in smtp.messages if m.message["X-Followup"] is None]
    assert sorted(m.rcpt_tos[0] for m in thank_yous) == ["jane@acme.example", "raj@acme.example"]
    (raj,) = [m for m in thank_yous if m.rcpt_tos == ["raj@acme.example"]]
    assert raj.message["To"].addresses[0].display_name == "Raj X-A: b"
    _assert_nothing_injected(smtp)
    shown = followup("drafts")  # the reason is shown, and the user can get out of it
    assert shown.returncode == 0 and "not one plain email address" in shown.stdout
    rejected = followup("reject", str(bad.id))
    assert rejected.returncode == 0, rejected.stderr
    assert "Rejected" in rejected.stdout


@pytest.mark.integration
def test_an_approved_draft_rejected_before_the_pass_is_never_sent(mail_env, imap_account, smtp):
    imap_account.append(
        "INBOX",
        _hostile_invite(
            "rej-approved", [("Jane Doe", "jane@acme.example"), ("Li Wei", "li.wei@acme.example")]
        ),
    )

    def approve_then_reject_li(rt):
        (li,) = [d for d in drafts.list_drafts(rt.store) if d.to.email == "li.wei@acme.example"]
        drafts.approve(rt.store, li.id, sender=ME, now=AFTER)
        drafts.reject(rt.store, li.id, now=AFTER)

    states = {
        d.to.email: d.state for d in _pass_approve_pass(mail_env, prepare=approve_then_reject_li)
    }
    assert states == {
        "jane@acme.example": DraftState.SENT,
        "li.wei@acme.example": DraftState.REJECTED,
    }
    assert [m.rcpt_tos for m in smtp.messages if m.message["X-Followup"] is None] == [
        ["jane@acme.example"]
    ]


@pytest.mark.integration
def test_a_display_name_with_a_comma_is_one_address(mail_env, imap_account, smtp):
    """`Zoë Smith, MBA` once went out as a broken To (msmtp sent RCPT TO:<Smith>)."""
    imap_account.append("INBOX", _hostile_invite("zoe", [('"Zoë Smith, MBA"', "zoe@example.com")]))
    (draft,) = _pass_approve_pass(mail_env)
    assert draft.state is DraftState.SENT
    (sent,) = [m for m in smtp.messages if m.message["X-Followup"] is None]
    assert sent.rcpt_tos == ["zoe@example.com"]
    (to,) = sent.message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Zoë Smith, MBA", "zoe@example.com")


# --- the same through the sendmail transport (a recording command stands in for msmtp)


def recording_sendmail(tmp_path, people, summary=None):
    """A config reading a Maildir and sending through a program that records its argv
    and the message, one JSON line per run."""
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1.invite").write_bytes(_hostile_invite("sm-ew", people, summary))
    log = tmp_path / "sendmail.jsonl"
    program = tmp_path / "record-sendmail"
    program.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"with open({str(log)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv[1:], 'msg': "
        "sys.stdin.buffer.read().decode('utf-8', 'replace')}) + '\\n')\n"
    )
    program.chmod(0o755)
    path = write_config(tmp_path / "c.toml", maildir=box)
    text = path.read_text()  # swap write_config's file transport for the sendmail one
    start, end = text.index("[transport]"), text.index("[storage]")
    path.write_text(
        text[:start] + f'[transport]\nkind = "sendmail"\n'
        f'command = "{program} -t -i"\n\n' + text[end:]
    )
    return path, log


def recorded(log) -> list[tuple[list[str], object]]:
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    return [(r["argv"], email.message_from_string(r["msg"], policy=policy.default)) for r in runs]


@pytest.mark.parametrize(
    "name, summary, expected_name",
    [
        (_b64_word(f"Bob <{EVIL}>,"), None, ""),
        ("Jane Doe", f"Interview: {_b64_word(BCC)} at Acme", "Jane Doe"),
        ('"Zoë Smith, MBA"', None, "Zoë Smith, MBA"),
    ],
    ids=["encoded-address", "encoded-bcc", "comma-name"],
)
def test_sendmail_gets_the_approved_recipients_on_its_command_line(
    tmp_path, name, summary, expected_name
):
    path, log = recording_sendmail(tmp_path, [(name, "jane@acme.example")], summary)
    (draft,) = _pass_approve_pass(path)
    assert draft.state is DraftState.SENT
    runs = recorded(log)
    (thank_you,) = [(argv, m) for argv, m in runs if m["X-Followup"] is None]
    argv, msg = thank_you
    assert "-t" not in argv  # never read recipients from the headers
    assert argv[argv.index("--") + 1 :] == ["jane@acme.example"]
    assert argv[argv.index("-f") + 1] == ME
    (to,) = msg["To"].addresses
    assert (to.display_name, to.addr_spec) == (expected_name, "jane@acme.example")
    for argv, m in runs:
        assert EVIL not in argv
        assert not {"bcc", "cc", "reply-to"} & {k.lower() for k in m}


def test_a_notice_that_cannot_be_built_is_not_sent_and_does_not_raise(tmp_path, caplog):
    """A notice to the user whose message cannot be built (here a lone surrogate the
    encoder refuses) is logged and counts as not sent: the task retry path handles it."""
    from followup.app import notices
    from followup.core.model import RenderedEmail

    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    rt = open_runtime(
        config.load(write_config(tmp_path / "c.toml", maildir=box, outbox=tmp_path / "outbox"))
    )
    try:
        broken = RenderedEmail(subject="Debrief " + _b64_word(BCC), body="Hi \udcff there")
        assert (
            notices.email_user(rt, broken, purpose="debrief_request", ref="t:1", now=AFTER) is False
        )
        assert not list((tmp_path / "outbox").glob("*.eml"))
        assert rt.store.one("SELECT count(*) AS n FROM sends")["n"] == 0
        assert "debrief_request to you not sent: cannot build the message" in caplog.text
    finally:
        rt.close()


# --- fan-out: one invite must not mail a crowd ----------------------------------------

ACME = "acme.example"


def crowd(n: int) -> list[tuple[str, str]]:
    return [(f"Person {i}", f"person{i}@{ACME}") for i in range(n)]


@pytest.mark.parametrize(
    "address, listish",
    [
        ("all-staff@acme.com", True),
        ("allstaff@acme.com", True),
        ("all@acme.com", True),
        ("all.hands@acme.com", True),
        ("everyone@acme.com", True),
        ("team@acme.com", True),
        ("staff@acme.com", True),
        ("list@acme.com", True),
        ("eng-all@acme.com", True),
        ("sales-team@acme.com", True),
        ("dl-engineering@acme.com", True),
        ("noreply@acme.com", True),
        ("no-reply@acme.com", True),
        ("donotreply@acme.com", True),
        ("jane@lists.acme.com", True),
        ("everyone@lists.acme.com", True),
        ("eng@groups.acme.com", True),
        ("eng@googlegroups.com", True),
        ("eng@groups.io", True),
        ("jane.doe@acme.com", False),
        ("allan@acme.com", False),
        ("teammate@acme.com", False),
        ("stafford@acme.com", False),
        ("dlee@acme.com", False),
        ("listy@acme.com", False),
        ("raj@list.com", False),
        ("li.wei@mail.acme.com", False),
    ],
)
def test_list_like_addresses(address, listish):
    from followup.core.model import list_like_address

    assert list_like_address(address) is listish


def _fanout_runtime(mail_env, imap_account, people, *, uid: str, extra: str = ""):
    if extra:  # keys for the test config's [approval] table
        mail_env.write_text(mail_env.read_text().replace("[approval]\n", "[approval]\n" + extra))
    imap_account.append("INBOX", invite(uid=uid, start=START, people=people, company="Acme"))
    return open_runtime(config.load(mail_env), clock=lambda: AFTER)


def _to_crowd(smtp) -> list:
    return [m for m in smtp.messages if any(r.endswith("@" + ACME) for r in m.rcpt_tos)]


@pytest.mark.integration
@pytest.mark.parametrize("mode", ["review", "auto"])
def test_an_invite_with_1007_attendees_makes_no_draft_until_confirmed(
    mail_env, imap_account, smtp, mode
):
    """1,007 attendees: at most 100 people stored, zero drafts, zero approval mails and
    (in auto mode) zero thank-yous; the interview waits, saying why."""
    from followup.app import interviews, status
    from followup.core.model import InterviewState

    rt = _fanout_runtime(
        mail_env,
        imap_account,
        crowd(1007),
        uid=f"crowd-{mode}",
        extra=f'mode = "{mode}"\n',  # under the test config's [approval]
    )
    try:
        report = run_pass(rt, now=AFTER)
        run_pass(rt, now=AFTER + timedelta(hours=3))
        assert report.errors == []
        (interview,) = interviews.all_interviews(rt.store)
        assert interview.state is InterviewState.NEEDS_CONFIRMATION
        assert 0 < len(interview.interviewers) <= 100
        assert drafts.list_drafts(rt.store, include_all=True) == []
        assert [m for m in smtp.messages if m.message["X-Followup"] == "approval_request"] == []
        assert _to_crowd(smtp) == []
        reason = status.interview_json(rt.store, interview)["reason"]
        assert "max_interviewers" in reason and "12" in reason
    finally:
        rt.close()


@pytest.mark.integration
@pytest.mark.parametrize(
    "listish", ["all-staff@acme.example", "everyone@lists.acme.example", "eng@googlegroups.com"]
)
def test_a_list_address_among_three_people_needs_confirmation(
    mail_env, imap_account, smtp, listish
):
    from followup.app import interviews
    from followup.core.model import InterviewState

    people = [
        ("Jane Doe", "jane.doe@acme.example"),
        ("All", listish),
        ("Raj Patel", "raj.patel@acme.example"),
    ]
    rt = _fanout_runtime(mail_env, imap_account, people, uid="lists-1")
    try:
        run_pass(rt, now=AFTER)
        (interview,) = interviews.all_interviews(rt.store)
        assert interview.state is InterviewState.NEEDS_CONFIRMATION
        assert drafts.list_drafts(rt.store, include_all=True) == []
        assert smtp.messages == []
    finally:
        rt.close()


@pytest.mark.integration
def test_confirm_only_makes_drafts_for_the_people_picked(mail_env, imap_account, smtp):
    """After `confirm --only`, drafts (and approval requests) exist for those people only;
    more than the cap, strangers and list addresses are refused."""
    from followup.app import interviews
    from followup.core.model import InterviewState, UsageError

    people = [("All Staff", "all-staff@acme.example"), *crowd(40)]
    rt = _fanout_runtime(mail_env, imap_account, people, uid="pick-1")
    try:
        run_pass(rt, now=AFTER)
        (interview,) = interviews.all_interviews(rt.store)
        for only in (
            (),
            tuple(f"person{i}@{ACME}" for i in range(13)),
            ("all-staff@acme.example",),
            ("stranger@evil.example",),
        ):
            with pytest.raises(UsageError), rt.store.transaction():
                interviews.confirm(rt.store, interview.id, now=AFTER, only=only)
        assert interviews.get(rt.store, interview.id).state is InterviewState.NEEDS_CONFIRMATION
        picked = {f"person{i}@{ACME}" for i in (3, 7)}
        with rt.store.transaction():
            interviews.confirm(rt.store, interview.id, now=AFTER, only=tuple(picked))
        run_pass(rt, now=AFTER + timedelta(minutes=1))
        made = drafts.list_drafts(rt.store, include_all=True)
        assert {d.to.email for d in made} == picked
        (request,) = [m for m in smtp.messages if m.message["X-Followup"] == "approval_request"]
        assert request.rcpt_tos == [ME]  # one request for the interview, both drafts in it
        text = request.message.get_body(("plain",)).get_content()
        assert "Draft 1 of 2" in text and "Draft 2 of 2" in text
        assert _to_crowd(smtp) == []
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
def test_max_message_mb_skips_a_bigger_candidate_with_the_reason(
    mail_env, imap_account, smtp, tmp_path
):
    """`[source] max_message_mb = 1`: a 2 MB invite is not fetched, and `messages` says why;
    a Maildir source applies the same cap from the file's size."""
    big = big_invite(2, base64_attachment=False, tag="-cap")
    imap_account.append("INBOX", big)
    mail_env.write_text(
        mail_env.read_text().replace("timeout = 10", "timeout = 10\nmax_message_mb = 1", 1)
    )
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.big.host").write_bytes(big)
    local = write_config(tmp_path / "local" / "config.toml", maildir=maildir, extra="")
    local.write_text(
        local.read_text().replace('kind = "maildir"', 'kind = "maildir"\nmax_message_mb = 1')
    )
    for cfg in (mail_env, local):
        rt = open_runtime(config.load(cfg), clock=lambda: AFTER)
        try:
            assert run_pass(rt, now=AFTER).errors == []
            (row,) = rt.store.all("SELECT outcome, reason FROM messages")
            assert row["outcome"] == "skipped", cfg
            assert row["reason"].startswith("too large (") and "max_message_mb = 1" in row["reason"]
            assert rt.store.all("SELECT * FROM interviews") == []
        finally:
            rt.close()
