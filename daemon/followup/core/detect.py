"""Message bytes → Detection: is this an interview, and when, with whom.

Pure: no I/O, no clock reads. `detect()` never raises; anything it cannot read
becomes Detection(None, reason). Calendar parts (text/calendar, .ics) win over
prose; a message without one is read as a confirmation email.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Collection

from . import detect_dates as dates
from .detect_calendar import DateOutOfRange, from_calendar, natural_order, resolve_tzid
from .detect_prose import from_text
from .detect_rules import (
    CONFIRMED_THRESHOLD,
    INTERVIEW_THRESHOLD,
    MAYBE_THRESHOLD,
    STRONG_WORDS,
    is_resource,
    is_robot,
    score,
)
from .mailtext import MAX_PART_BYTES, Parts, decode_header_value, read_message
from .model import Detection

__all__ = [
    "CONFIRMED_THRESHOLD",
    "INTERVIEW_THRESHOLD",
    "MAX_MESSAGE_BYTES",
    "MAX_PART_BYTES",
    "MAYBE_THRESHOLD",
    "STRONG_WORDS",
    "DateOutOfRange",
    "detect",
    "is_resource",
    "is_robot",
    "looks_like_candidate",
    "natural_order",
    "resolve_tzid",
    "score",
]

MAX_MESSAGE_BYTES = 25 * 1024 * 1024


# ---------------------------------------------------------------------- API


def _is_bare_ics(raw: bytes) -> bool:
    head = raw[:200].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    return head.startswith(b"BEGIN:VCALENDAR") or head.startswith(b"BEGIN:VEVENT")


def _detect(raw: bytes, my: set[str], default_tz: str) -> Detection:
    if not raw or not raw.strip():
        return Detection(None, "empty input")
    if len(raw) > MAX_MESSAGE_BYTES:
        return Detection(None, "message too large")
    if _is_bare_ics(raw):
        if len(raw) > MAX_PART_BYTES:
            return Detection(None, "calendar too large")
        return from_calendar(raw, None, Parts(), my, default_tz)
    parts = read_message(raw)
    failure = None
    for data, param in parts.calendars:
        try:
            result = from_calendar(data, param, parts, my, default_tz)
        except Exception as exc:  # broken ICS: remember, then try prose
            failure = Detection(None, f"broken calendar part: {type(exc).__name__}")
            continue
        if result.event is not None or result.reason == "calendar reply":
            return result
        failure = failure or result
    result = from_text(parts, my, default_tz)
    if result.event is None and failure is not None:
        return failure
    if result.event is None and parts.skipped_big and not parts.texts:
        return Detection(None, "parts too large")
    return result


def detect(
    raw: bytes, *, my_addresses: Collection[str] = (), default_timezone: str = "UTC"
) -> Detection:
    """Read one RFC 5322 message or bare .ics file. Never raises."""
    try:
        default_tz = dates.valid_zone(default_timezone) or "UTC"
        my = {a.strip().lower() for a in my_addresses if a}
        return _detect(bytes(raw), my, default_tz)
    except RecursionError:
        return Detection(None, "message nested too deeply")
    except Exception as exc:
        return Detection(None, f"unreadable message: {type(exc).__name__}")


# Words in a header block that make a message worth reading: plain substrings of the
# lower-cased header (`in` is ~30x faster than one big regex alternation over it).
_CANDIDATE_WORDS = (
    *("interview", "invitation", "invite", "invitaci", "einladung", "calendar", "meeting"),
    *("screen", "onsite", "greenhouse", "lever", "workday", "goodtime", "calendly", "ashby"),
    *("zoom", "teams", "webex", "text/calendar", "application/ics", "method=", "recruit"),
    "hiring",
    *("talent", "schedul", "confirm", "appointment", "call with", "chat with", "booked"),
    "entrevista",
    # the same in German, French, Dutch, Portuguese, and their ATS tools
    *("gespräch", "gespr=c3=a4ch", "bewerbung", "entretien", "entrevue", "candidat"),
    *("sollicitatie", "gesprek", "uitnodiging", "convite", "personio", "teamtailor"),
    *("recruitee", "gupy", "join.com", "vorstellungsgespr", "termin", "verschoben"),
    *("reprogramad", "remarcad", "verplaatst", "urn:content-classes:calendarmessage"),
    *("next steps", "availability", "opportunity", "application", "position", "offer"),
    # Exchange invites that carry no text/calendar part (TNEF). Being a reply, or having
    # an attachment, says nothing of an interview: replies in our own threads and mail
    # from the companies are let through by core.prefilter.
    *("x-ms-exchange-calendar", "x-ms-tnef-correlator"),
)
_CANDIDATE_BOUNDED = re.compile(r"vaga\b|\.ics\b|\brole\b")
# Fields no rule of followup reads: hops, signatures, seals and spam verdicts, most of a
# real header's bytes (hostnames, IPs, base64 blobs in which an interview word only turns
# up by chance). The pre-filter skips them; the IMAP source leaves them on the server
# (HEADER.FIELDS.NOT), so a Maildir and an IMAP account get the same verdicts. The server
# echoes the list in every answer: a name is here only where real headers carry many
# more bytes of it than its name costs (the corpus's invitations: 52 % of their header
# bytes net of the echo).
UNREAD_FIELDS = (
    *("Received", "X-Received", "Received-SPF", "DKIM-Signature", "X-Google-DKIM-Signature"),
    *("ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results"),
    *("X-Gm-Message-State", "X-Google-Smtp-Source", "Autocrypt", "X-Spamd-Result"),
    *("X-Microsoft-Antispam", "X-Microsoft-Antispam-Message-Info"),
    *("X-Forefront-Antispam-Report", "X-MS-Exchange-AntiSpam-MessageData"),
)
# Authentication-Results is fetched (the sender checks read it) but holds no interview.
_TRACE_FIELDS = (*(f.lower() + ":" for f in UNREAD_FIELDS), "authentication-results:")


def _readable_header(text: str) -> str:
    """The lower-cased header without its trace fields (folded lines go with theirs)."""
    kept, skipping = [], False
    for line in text.lower().splitlines():
        if line[:1] in (" ", "\t"):
            if not skipping:
                kept.append(line)
            continue
        skipping = line.startswith(_TRACE_FIELDS)
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def _has_candidate_word(text: str) -> bool:
    return any(w in text for w in _CANDIDATE_WORDS) or bool(_CANDIDATE_BOUNDED.search(text))


def looks_like_candidate(header_bytes: bytes) -> bool:
    """Cheap, generous pre-filter on a header block (false positives are cheap)."""
    try:
        head = bytes(header_bytes[:64_000])
        if _has_candidate_word(_readable_header(head.decode("utf-8", errors="replace"))):
            return True
        if b"=?" not in head:
            return False  # no RFC 2047 word: the decoded fields say nothing new
        msg = email.message_from_bytes(head, policy=email.policy.compat32)
        decoded = " ".join(
            decode_header_value(msg.get(h)) for h in ("Subject", "From", "Sender", "Reply-To")
        )
        return _has_candidate_word(decoded.lower())
    except Exception:
        return True  # unreadable headers: let the full detector decide
