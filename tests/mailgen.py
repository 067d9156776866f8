"""Messages for integration tests: invites and replies built from parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

ME = "sam.seeker@example.net"


def invite(
    *,
    uid: str,
    start: datetime,
    people: list[tuple[str, str]],
    minutes: int = 60,
    company: str = "Acme",
    role: str = "Backend Engineer",
    sequence: int = 0,
    method: str = "REQUEST",
    sent: datetime | None = None,
) -> bytes:
    """A calendar invite (text/calendar REQUEST) from the company's recruiter."""
    end = start + timedelta(minutes=minutes)
    fmt = "%Y%m%dT%H%M%SZ"
    attendees = "".join(
        f"ATTENDEE;CN={name};ROLE=REQ-PARTICIPANT:mailto:{email}\r\n" for name, email in people
    )
    sent = sent or start - timedelta(days=5)
    return (
        f"From: {company} Recruiting <recruiting@{company.lower()}.example>\r\n"
        f"To: Sam Seeker <{ME}>\r\n"
        f"Subject: Invitation: Interview: {role} at {company}\r\n"
        f"Date: {format_datetime(sent)}\r\n"
        f"Message-ID: <{uid}-{sequence}-{method.lower()}@{company.lower()}.example>\r\n"
        "MIME-Version: 1.0\r\n"
        f"Content-Type: text/calendar; charset=UTF-8; method={method}\r\n\r\n"
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//followup//EN\r\n"
        f"METHOD:{method}\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nSEQUENCE:{sequence}\r\n"
        f"DTSTAMP:{sent.astimezone(UTC).strftime(fmt)}\r\n"
        f"DTSTART:{start.astimezone(UTC).strftime(fmt)}\r\n"
        f"DTEND:{end.astimezone(UTC).strftime(fmt)}\r\n"
        f"SUMMARY:Interview: {role} at {company}\r\n"
        f"ORGANIZER;CN={company} Recruiting:mailto:recruiting@{company.lower()}.example\r\n"
        f"{attendees}ATTENDEE;CN=Sam Seeker:mailto:{ME}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def reply(
    *,
    to_subject: str,
    body: str,
    sender: str = ME,
    quoted: str = "",
    message_id: str = "<reply-1@example.net>",
    headers: str = "",
) -> bytes:
    """The user's (or someone's) reply to one of followup's emails, Gmail style."""
    quote = "".join(f"> {line}\r\n" for line in quoted.splitlines())
    return (
        f"From: Sam Seeker <{sender}>\r\nTo: Sam Seeker <{ME}>\r\n"
        f"Subject: Re: {to_subject}\r\nMessage-ID: {message_id}\r\n"
        f"Date: Tue, 01 Dec 2026 16:00:00 -0600\r\n{headers}"
        "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
        f"{body}\r\n\r\nOn Tue, Dec 1, 2026 at 3:31 PM Sam Seeker <{ME}> wrote:\r\n{quote}"
    ).encode()
