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


_CANDIDATE_RE = re.compile(
    r"interview|invitation|invite|invitaci|einladung|calendar|meeting|screen|onsite|"
    r"greenhouse|lever|workday|goodtime|calendly|ashby|zoom|teams|webex|"
    r"text/calendar|application/ics|\.ics\b|method=|recruit|hiring|talent|schedul|"
    r"confirm|appointment|call with|chat with|booked|entrevista|"
    # the same in German, French, Dutch, Portuguese, and their ATS tools
    r"gespräch|gespr=c3=a4ch|bewerbung|entretien|entrevue|candidat|sollicitatie|gesprek|"
    r"uitnodiging|convite|vaga\b|personio|teamtailor|recruitee|gupy|join\.com|"
    r"vorstellungsgespr|termin|verschoben|reprogramad|remarcad|verplaatst|"
    r"urn:content-classes:calendarmessage|"
    r"next steps|availability|opportunity|application|position|\brole\b|candidate|offer|"
    # Being a reply, or having an attachment, says nothing of an interview: replies in our
    # own threads and mail from the companies are let through by core.prefilter.
    r"x-ms-exchange-calendar|x-ms-tnef-correlator",
    re.MULTILINE,  # lower-case words on lower-cased headers: IGNORECASE is 3x slower
)


def looks_like_candidate(header_bytes: bytes) -> bool:
    """Cheap, generous pre-filter on a header block (false positives are cheap)."""
    try:
        head = bytes(header_bytes[:64_000])
        if _CANDIDATE_RE.search(head.decode("utf-8", errors="replace").lower()):
            return True
        if b"=?" not in head:
            return False  # no RFC 2047 word: the decoded fields say nothing new
        msg = email.message_from_bytes(head, policy=email.policy.compat32)
        decoded = " ".join(
            decode_header_value(msg.get(h)) for h in ("Subject", "From", "Sender", "Reply-To")
        )
        return bool(_CANDIDATE_RE.search(decoded.lower()))
    except Exception:
        return True  # unreadable headers: let the full detector decide
