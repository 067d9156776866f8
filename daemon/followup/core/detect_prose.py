"""A message without a calendar part → Detection: a confirmation email, read as
interview wording plus a date and time in prose. Pure.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from . import detect_dates as dates
from . import detect_text as tx
from .detect_rules import (
    MAX_YEAR,
    MIN_YEAR,
    STRONG_WORDS,
    build_event,
    company_and_role,
    company_email,
    people_in_prose,
    score,
    sent_by_tool,
    with_phones,
)
from .mailtext import Parts, normalise_space
from .model import Detection, InterviewEvent, Person

_PROSE_CHARS = 50_000  # the body is searched for interview wording this far

# `[^\S\n]*`, not `\s*`: a leading `\s*` runs across blank lines, and a search
# restarting at each of them is O(n^2) on a body of newlines.
# The label in six languages ("Ort:", "Lieu :", "Lugar:", "Locatie:", "Local:").
_LOCATION_LINE_RE = re.compile(
    r"(?im)^[^\S\n]*(?:location|where|address|ort|adresse|lieu|lugar|dirección|ubicación|"
    r"locatie|adres|waar|local|endereço)[^\S\n]?:\s*(.{3,200})$"
)


def from_text(parts: Parts, my: set[str], default_tz: str) -> Detection:
    """A confirmation email: interview wording plus a date and time in prose."""
    body, subject = parts.body, parts.subject
    if not STRONG_WORDS.search(subject.lower()) and not STRONG_WORDS.search(
        body[:_PROSE_CHARS].lower()
    ):
        return Detection(None, "no calendar part and no interview wording")
    ref = parts.date.date() if parts.date else None
    found = dates.find_datetime(subject, ref, default_tz) or dates.find_datetime(
        body, ref, default_tz
    )
    if found is None:
        return Detection(None, "interview wording but no date and time")
    if not MIN_YEAR <= found[0].year <= MAX_YEAR:
        return Detection(None, "date out of range")
    return Detection(_prose_event(parts, found, my), "confirmation email")


def _prose_event(
    parts: Parts, found: tuple[datetime, datetime | None, str, bool], my: set[str]
) -> InterviewEvent:
    body, subject = parts.body, parts.subject
    start, end, zone, explicit = found
    if end is None:
        end = start + (dates.find_duration(subject + "\n" + body) or timedelta(hours=1))
    sender_name, sender_addr = parts.sender
    interviewers = with_phones(people_in_prose(body, my), body)
    extra = body[:_PROSE_CHARS]
    if sent_by_tool(sender_addr, sender_name):
        extra += " greenhouse"  # sent by a scheduling tool: counts like a medium word
    conf = score(
        subject, extra, calendar=False, recurring=False, all_day=False, explicit_zone=explicit
    )
    names = {p.name for p in interviewers if p.name}
    company, role = company_and_role(
        subject, subject, body, company_email(sender_addr, interviewers), names, parts.sender
    )
    loc = _LOCATION_LINE_RE.search(body)
    return build_event(
        parts,
        confidence=conf,
        method=None,
        uid="",
        seed=subject,
        sequence=0,
        title=tx.clean_title(subject),
        when=(start, end, zone),
        company_role=(company, role),
        location=normalise_space(loc.group(1)) if loc else None,
        video=tx.find_video_link(body, " ".join(parts.hrefs)),
        organizer=Person(sender_name, sender_addr) if sender_addr else None,
        interviewers=interviewers,
    )
