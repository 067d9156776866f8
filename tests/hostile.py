"""Hostile messages built to make a parser slow: each is a real-looking interview
invite or confirmation with one part blown up to the size limits detection
accepts (a part up to detect.MAX_PART_BYTES = 2 MiB), shaped against a parser
or a pattern: runs of what a quantifier accepts, a prefix repeated, no final match.

Used by tests/test_linear_time.py and bench/hostile.py.
"""

from __future__ import annotations

import base64

PART = 1_900_000  # bytes of hostile content per message: under the 2 MiB part cap
DATE_LINE = "Your interview is on December 1, 2026 at 2:00 PM CST."

_HEAD = (
    "From: Acme Recruiting <jane.doe@acme.example>\r\n"
    "To: Sam Seeker <sam.seeker@example.net>\r\n"
    "Subject: {subject}\r\n"
    "Date: Mon, 23 Nov 2026 08:00:00 +0000\r\n"
    "Message-ID: <{mid}@acme.example>\r\n"
    "MIME-Version: 1.0\r\n"
)
_EVENT = (
    "BEGIN:VEVENT\r\nUID:{mid}\r\nDTSTAMP:20261123T080000Z\r\n"
    "DTSTART:20261201T190000Z\r\nDTEND:20261201T200000Z\r\n"
    "SUMMARY:Interview: Backend Engineer at Acme\r\n"
    "ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.example\r\n"
    "ATTENDEE;CN=Sam Seeker:mailto:sam.seeker@example.net\r\n"
    "{extra}END:VEVENT\r\n"
)


def _repeat(unit: str, size: int = PART) -> str:
    return unit * (size // len(unit))


def _calendar_message(
    mid: str, calendar: str, subject: str = "Interview: Backend Engineer"
) -> bytes:
    """A text/calendar invite; `calendar` is the whole VCALENDAR text, sent base64."""
    body = base64.encodebytes(calendar.encode()).decode()
    return (
        _HEAD.format(subject=subject, mid=mid)
        + "Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + body
    ).encode()


def _text_message(
    mid: str, body: str, ctype: str = "text/plain", subject: str = "Interview confirmation"
) -> bytes:
    encoded = base64.encodebytes(body.encode()).decode()
    return (
        _HEAD.format(subject=subject, mid=mid)
        + f"Content-Type: {ctype}; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + encoded
    ).encode()


def vtimezone_flood() -> bytes:
    """1.9 MB of `BEGIN:VTIMEZONE` lines and no END (the issue's 57 s case), then the event."""
    cal = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
        + _repeat("BEGIN:VTIMEZONE\r\n")
        + _EVENT.format(mid="vtz-flood", extra="")
        + "END:VCALENDAR\r\n"
    )
    return _calendar_message("vtz-flood", cal)


def vtimezone_pairs() -> bytes:
    """Thousands of tiny complete VTIMEZONE blocks (each one cut out and read)."""
    block = (
        "BEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    )
    cal = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
        + _repeat(block)
        + _EVENT.format(mid="vtz-pairs", extra="")
        + "END:VCALENDAR\r\n"
    )
    return _calendar_message("vtz-pairs", cal)


def attendee_flood() -> bytes:
    """Thousands of ATTENDEE lines (1.9 MB) in one event."""
    lines = "".join(
        f"ATTENDEE;CN=Person {i};ROLE=REQ-PARTICIPANT:mailto:p{i}@acme.example\r\n"
        for i in range(PART // 70)
    )
    cal = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
        + _EVENT.format(mid="attendees", extra=lines)
        + "END:VCALENDAR\r\n"
    )
    return _calendar_message("attendees", cal)


def folded_description() -> bytes:
    """A DESCRIPTION folded over 1.9 MB of continuation lines of blanks."""
    desc = "DESCRIPTION:Interview with Acme" + _repeat("\r\n \t ") + "\r\n"
    cal = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
        + _EVENT.format(mid="folded-desc", extra=desc)
        + "END:VCALENDAR\r\n"
    )
    return _calendar_message("folded-desc", cal)


def folded_header() -> bytes:
    """A Subject folded over 1.9 MB of continuation lines, then an ordinary invite body."""
    subject = "Interview" + _repeat("\r\n interview with")
    body = "Your interview is on December 1, 2026 at 2:00 PM CST.\r\n"
    return _text_message("folded-head", body, subject=subject)


def html_single_line() -> bytes:
    """A 1.9 MB HTML body on one line: unclosed "<" runs, attributes, no newline."""
    markup = (
        "<html><body><p>Your interview is on December 1, 2026 at 2:00 PM CST."
        + _repeat("<a href='x' <b <i ")
        + "</p></body></html>"
    )
    return _text_message("html-line", markup, ctype="text/html")


def html_unclosed() -> bytes:
    """HTML the stdlib parser gives up on (`<![x[`), then 1.9 MB of "<": the fallback path."""
    markup = "<p>Your interview is on December 1, 2026 at 2:00 PM CST.<![x[" + _repeat("<")
    return _text_message("html-unclosed", markup, ctype="text/html")


def blank_lines_body() -> bytes:
    """Interview wording, then 1.9 MB of blank lines (for line-anchored `^\\s*`)."""
    body = DATE_LINE + "\n" + _repeat(" \n") + "Location"
    return _text_message("blank-lines", body)


def blanks_body() -> bytes:
    """Interview wording, then 1.9 MB of spaces between words patterns look for."""
    body = (
        DATE_LINE
        + " Your interview with"
        + _repeat(" ", 1_400_000)
        + "for the Senior"
        + _repeat(" ", 200_000)
        + "Interviewers:"
        + _repeat(" ", 200_000)
        + "x"
    )
    return _text_message("blanks", body)


def repeated_words_body() -> bytes:
    """The words detection looks for, repeated without ever completing a match."""
    body = DATE_LINE + _repeat(" interview with interviewer: Jane (j@ room Position: (")
    return _text_message("words", body)


def digits_body() -> bytes:
    """Phone-number-like digit runs everywhere, with names before them."""
    body = DATE_LINE + _repeat(" Jane Doe (jane@acme.example) +1 (312) 555-01")
    return _text_message("digits", body)


def deep_mime(depth: int = 2_000) -> bytes:
    """Multipart nested `depth` levels deep, an invite at the bottom."""
    head = _HEAD.format(subject="Interview: Backend Engineer", mid="deep-mime")
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    )
    closing = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    inner = (
        "Content-Type: text/plain\r\n\r\nYour interview is on December 1, 2026 at 2:00 PM CST.\r\n"
    )
    return (head + opening + inner + closing).encode()


def many_parts(count: int = 5_000) -> bytes:
    """One multipart with thousands of small text parts."""
    head = _HEAD.format(subject="Interview: Backend Engineer", mid="many-parts")
    parts = "".join(
        "--b\r\nContent-Type: text/plain\r\n\r\ninterview with Jane\r\n" for _ in range(count)
    )
    return (
        head + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + parts + "--b--\r\n"
    ).encode()


BUILDERS = {
    "vtimezone-flood": vtimezone_flood,
    "vtimezone-pairs": vtimezone_pairs,
    "attendee-flood": attendee_flood,
    "folded-description": folded_description,
    "folded-header": folded_header,
    "html-single-line": html_single_line,
    "html-unclosed": html_unclosed,
    "blank-lines-body": blank_lines_body,
    "blanks-body": blanks_body,
    "repeated-words-body": repeated_words_body,
    "digits-body": digits_body,
    "deep-mime": deep_mime,
    "many-parts": many_parts,
}


def hostile_corpus() -> list[tuple[str, bytes]]:
    return [(name, build()) for name, build in BUILDERS.items()]
