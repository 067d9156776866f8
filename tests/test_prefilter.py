"""core.prefilter: which messages earn a body fetch (pure; issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup.adapters.sources import header_block
from followup.core import mailtext
from followup.core.prefilter import BODY, NOTHING, PEEK, Known, need, top_says_interview

MESSAGES = Path(__file__).parent / "fixtures" / "messages"
ME = "sam.seeker@example.net"

KNOWN = Known(
    message_ids=frozenset({"<thanks-1@followup.seeker.example>", "<invite-7@acme.example>"}),
    people=frozenset({"jane.doe@acme.example"}),
    domains=frozenset({"acme.example"}),
    mine=frozenset({ME, "sam@seeker.example"}),
)


def head(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


ROWS = [
    # (what, header, calendar, verdict)
    (
        "a newsletter",
        head(
            "From: Garden Shop <hello@gardenshop.example>",
            "Subject: Spring sale: 30% off seeds",
            "List-Unsubscribe: <https://gardenshop.example/u/1>",
            "Precedence: bulk",
        ),
        False,
        NOTHING,
    ),
    (
        "a list mail whose subject says interview",
        head(
            "From: ATS <no-reply@mailer.ats.example>",
            "Subject: Your interview with Globex is confirmed",
            "List-Id: <candidates.ats.example>",
        ),
        False,
        BODY,
    ),
    (
        "a list mail with a calendar part",
        head("From: Meetup <info@meetup.example>", "Subject: You're in!", "Precedence: bulk"),
        True,
        BODY,
    ),
    (
        "a job alert, no list header",
        head(
            "From: LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>",
            "Subject: 12 new positions for Backend Engineer",
        ),
        False,
        NOTHING,
    ),
    (
        "a job board saying interview",
        head(
            "From: Indeed <alert@indeed.com>",
            "Subject: Acme would like to schedule a phone screen",
        ),
        False,
        BODY,
    ),
    (
        "a list mail replying in a thread (GitHub)",
        head(
            "From: GitHub <notifications@github.com>",
            "Subject: Re: [sam/dotfiles] Fix zsh prompt (#42)",
            "In-Reply-To: <sam/dotfiles/pull/42@github.com>",
            "List-ID: sam/dotfiles <dotfiles.sam.github.com>",
        ),
        False,
        NOTHING,
    ),
    (
        "a friend's reply in an unknown thread",
        head(
            "From: Alex Rivera <alex.rivera@mailbox.example>",
            "Subject: Re: weekend plans",
            "In-Reply-To: <p42@seeker.example>",
            'Content-Type: multipart/mixed; boundary="b"',
        ),
        False,
        PEEK,
    ),
    (
        "a reply to a thank-you followup sent (Message-ID case differs)",
        head(
            "From: Someone <someone@elsewhere.example>",
            "Subject: Re: Thank you",
            "In-Reply-To: <THANKS-1@followup.seeker.example>",
        ),
        False,
        BODY,
    ),
    (
        "a reply naming an interview's thread in References only",
        head(
            "From: Someone <someone@elsewhere.example>",
            "Subject: Re: Tuesday",
            "References: <x@y.example>\r\n <invite-7@acme.example>",
        ),
        False,
        BODY,
    ),
    (
        "the user's own mail (an approval or debrief reply)",
        head("From: Sam Seeker <sam@seeker.example>", "Subject: Re: drafts for you"),
        False,
        BODY,
    ),
    (
        "an interviewer of an active plan",
        head("From: Jane Doe <Jane.Doe@acme.example>", "Subject: Quick question"),
        False,
        BODY,
    ),
    (
        "someone else at an active plan's company, on a list",
        head(
            "From: Acme People Team <people@acme.example>",
            "Subject: Our news",
            "List-Unsubscribe: <mailto:u@acme.example>",
        ),
        False,
        BODY,
    ),
    (
        "a bounce",
        head(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example>",
            "Subject: Undelivered Mail Returned to Sender",
        ),
        False,
        BODY,
    ),
    (
        "a confirmation without a calendar part",
        head(
            "From: Dana Lee <dana@initech.example>",
            "Subject: Your call with Initech on Tuesday",
        ),
        False,
        BODY,
    ),
    (
        "a German invitation, RFC 2047 encoded",
        head(
            "From: Personio <no-reply@personio.example>",
            "Subject: =?utf-8?q?Einladung_zum_Vorstellungsgespr=C3=A4ch?=",
            "List-Unsubscribe: <mailto:u@personio.example>",
        ),
        False,
        BODY,
    ),
    (
        "a receipt with a PDF",
        head(
            "From: Power & Light <billing@power.example>",
            "Subject: Your receipt for March",
            'Content-Type: multipart/mixed; boundary="m"',
        ),
        False,
        NOTHING,
    ),
]


@pytest.mark.parametrize(("what", "header", "calendar", "verdict"), ROWS, ids=[r[0] for r in ROWS])
def test_what_earns_a_body(what, header, calendar, verdict):
    assert need(header, KNOWN, calendar=calendar) == verdict


def test_without_the_stores_knowledge_a_thread_reply_is_only_peeked_at():
    header = ROWS[7][1]  # the reply to our thank-you
    assert need(header, KNOWN) == BODY
    assert need(header, Known()) == PEEK


def test_unreadable_headers_earn_a_body_and_never_raise():
    assert need(b"\xff\xfe\x00garbage", Known()) in (BODY, NOTHING, PEEK)
    assert need(b"", Known()) == NOTHING


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Would love to do a first interview for the founding engineer role.", True),
        ("Können wir das Vorstellungsgespräch auf Donnerstag verschieben?", True),
        ("¿Podemos hacer la entrevista el martes?", True),
        ("Sounds great, see you at dinner on Saturday!", False),
    ],
)
def test_the_top_of_a_reply(text, says):
    assert top_says_interview(text) is says


def _interview_fixtures() -> list[Path]:
    out = []
    for path in sorted(MESSAGES.glob("*.eml")):
        expected = MESSAGES / "expected" / f"{path.stem}.json"
        if expected.exists() and json.loads(expected.read_text()).get("is_interview"):
            out.append(path)
    return out


@pytest.mark.parametrize("path", _interview_fixtures(), ids=lambda p: p.name)
def test_every_interview_fixture_is_read_with_nothing_known(path: Path):
    """An interview from a company we never heard of: its body must be read, by its
    header, its calendar part or the top of its text."""
    raw = path.read_bytes()
    msg = mailtext.parse_bytes(raw)
    calendar = any(mailtext.is_calendar_part(p) for p in mailtext.leaf_parts(msg))
    verdict = need(header_block(raw), Known(), calendar=calendar)
    if verdict == PEEK:
        assert top_says_interview(mailtext.body_text(msg)[:4096]), path.name
    else:
        assert verdict == BODY, path.name
