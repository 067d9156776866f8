"""A message without a calendar part → Detection: a confirmation email, read as
interview wording plus a date and time in prose. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

from . import detect_dates as dates
from . import detect_people as people_
from . import detect_text as tx
from .detect_calendar import natural_order
from .detect_rules import (
    MAX_YEAR,
    MIN_YEAR,
    SCHEDULING_TOOLS,
    STRONG_WORDS,
    build_event,
    company_and_role,
    company_email,
    people_in_prose,
    score,
)
from .mailtext import Parts, normalise_space
from .model import Detection, InterviewEvent, Person

_PROSE_CHARS = 50_000  # the body is searched for interview wording this far

_VIA_RE = re.compile(r"^(.{2,40}?)\s+(?:via|through)\s+\w+")  # "Acme via Greenhouse"
# `[^\S\n]*`, not `\s*`: a leading `\s*` runs across blank lines, and a search
# restarting at each of them is O(n^2) on a body of newlines.
_LOCATION_LINE_RE = re.compile(r"(?im)^[^\S\n]*(?:location|where|address)\s*:\s*(.{3,200})$")


def from_text(parts: Parts, my: set[str], default_tz: str) -> Detection:
    """A confirmation email: interview wording plus a date and time in prose."""
    body, subject = parts.body, parts.subject
    if not STRONG_WORDS.search(subject) and not STRONG_WORDS.search(body[:_PROSE_CHARS]):
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
    interviewers, coordinators = _prose_people(parts, my)
    extra = body[:_PROSE_CHARS]
    if SCHEDULING_TOOLS.search(sender_addr) or SCHEDULING_TOOLS.search(sender_name):
        extra += " greenhouse"  # sent by a scheduling tool: counts like a medium word
    conf = score(
        subject, extra, calendar=False, recurring=False, all_day=False, explicit_zone=explicit
    )
    names = {p.name for p in interviewers if p.name}
    company, role = company_and_role(
        subject, subject, body, company_email(sender_addr, interviewers), names
    )
    loc = _LOCATION_LINE_RE.search(body)
    event = build_event(
        parts,
        confidence=conf,
        method=None,
        uid="",
        seed=subject,
        sequence=0,
        title=tx.clean_title(subject),
        when=(start, end, zone),
        company_role=(company or _via_company(sender_name), role),
        location=normalise_space(loc.group(1)) if loc else None,
        video=tx.find_video_link(body, " ".join(parts.hrefs)),
        organizer=Person(sender_name, sender_addr) if sender_addr else None,
        interviewers=interviewers,
    )
    return replace(event, coordinators=coordinators)


def _prose_people(parts: Parts, my: set[str]) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    """(interviewers, coordinators) of a confirmation email: the people it names, and
    its sender when a person who names others (a recruiter confirming the slot)."""
    text = people_.own_text(parts.body)
    if parts.sender[1] in my:
        text += "\n" + people_.forwarded_text(parts.body)
    found = people_in_prose(text, my)
    extra = [p for p in people_.named_in_prose(text) if p.email not in my]
    named = people_.merge(found, extra, unaddressed=True) if found else extra
    named = [
        p if p.title else Person(p.name, p.email, p.phone, people_.signature_title(text, p.name))
        for p in named
    ]
    interviewers = people_.with_phones(named, text)
    coordinators: tuple[Person, ...] = ()
    sender_name, sender_addr = parts.sender
    known = {p.email for p in interviewers}
    a_person = not people_.is_mailbox(sender_addr) and not SCHEDULING_TOOLS.search(sender_addr)
    if interviewers and sender_addr and sender_addr not in my | known and a_person:
        name, title = people_.split_cn(natural_order(sender_name))
        title = title or people_.signature_title(text, name)
        coordinators = (Person(name, sender_addr, None, title),)
    return interviewers, coordinators


def _via_company(sender_name: str) -> str | None:
    """ "Acme via Greenhouse" names Acme."""
    m = _VIA_RE.match(sender_name)
    return m.group(1).strip() if m else None
