"""Calendar parts (text/calendar, .ics) → Detection: VTIMEZONEs read by text, TZIDs
as producers write them, the event picked, its people, and the event built. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from . import detect_dates as dates
from . import detect_people as people_
from . import detect_text as tx
from .calendar_reader import Calendar, Component, Property, read_calendar
from .detect_rules import (
    MAX_YEAR,
    MIN_YEAR,
    build_event,
    company_and_role,
    company_email,
    is_resource,
    is_robot,
    people_in_prose,
    score,
    sent_by_tool,
)
from .mailtext import Parts, normalise_space
from .model import Detection, InterviewEvent, Method, Person, list_like_address, valid_address

_REPLY_METHODS = ("REPLY", "COUNTER", "DECLINECOUNTER", "REFRESH")
_EXTRA_CHARS = 20_000  # each text weighed beside the event's title is read this far

# ------------------------------------------------------------------ calendars


class DateOutOfRange(ValueError):
    """Year 0001 or 9999 and the like: no real interview, and datetime math would overflow."""


# VTIMEZONE blocks are cut out by scanning (`_split_vtimezones`), not by a lazy
# `BEGIN.*?END` regex: that restarts at every BEGIN without an END and costs
# O(n^2) (20,000 lines of BEGIN:VTIMEZONE took a minute).
_VTZ_BEGIN, _VTZ_END = b"begin:vtimezone", b"end:vtimezone"
_VTZ_TAIL_RE = re.compile(rb"[ \t]*\r?\n?")  # after END:VTIMEZONE; matched in place, always
_FOLD_RE = re.compile(rb"\r?\n[ \t]")
_LF_FOLD_RE = re.compile(rb"\n[ \t]")
_TZID_LINE_RE = re.compile(rb"^TZID[^:\r\n]*:(.*)$", re.MULTILINE)
_TZOFFSETTO_RE = re.compile(rb"TZOFFSETTO:\s*([+-])(\d\d)(\d\d)")
_TZID_UTC_PREFIX_RE = re.compile(r"^\((?:UTC|GMT)[^)]*\)\s*")
_TZID_IANA_TAIL_RE = re.compile(r"([A-Z][a-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)$")
_UTC_TZIDS = ("", "UTC", "GMT", "ETC/UTC", "ETC/GMT", "Z")  # a "Z" time given as UTC
_COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/Bogota",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Australia/Sydney",
    "Australia/Brisbane",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "UTC",
)


def _unfold(data: bytes) -> bytes:
    """`_FOLD_RE.sub(b"", data)`, found by its line break: the pattern's optional CR
    made the regex try every byte (four times slower)."""
    if b"\n " not in data and b"\n\t" not in data:
        return data
    kept: list[bytes] = []
    pos = 0
    for m in _LF_FOLD_RE.finditer(data):
        start = m.start()
        if start > pos and data[start - 1] == 13:  # its CR, not one a fold before took
            start -= 1
        kept.append(data[pos:start])
        pos = m.end()
    kept.append(data[pos:])
    return b"".join(kept)


def _split_vtimezones(data: bytes) -> tuple[list[bytes], bytes]:
    """(VTIMEZONE blocks, the data without them), in one pass.

    Same cut as `BEGIN:VTIMEZONE.*?END:VTIMEZONE[ \\t]*\\r?\\n?` (any case), found
    with bytes.find: a BEGIN without an END ends the scan instead of restarting it.
    """
    low = data.lower()
    blocks: list[bytes] = []
    kept: list[bytes] = []
    pos = 0
    while (begin := low.find(_VTZ_BEGIN, pos)) != -1:
        end = low.find(_VTZ_END, begin + len(_VTZ_BEGIN))
        if end == -1:
            break  # no END after this BEGIN, so none after any later BEGIN either
        end += len(_VTZ_END)
        tail = _VTZ_TAIL_RE.match(data, end)  # always matches: every piece is optional
        end = tail.end() if tail else end
        kept.append(data[pos:begin])
        blocks.append(data[begin:end])
        pos = end
    kept.append(data[pos:])
    return blocks, b"".join(kept)


def _vtimezone_offsets(data: bytes) -> dict[str, frozenset[int]]:
    """TZID → set of TZOFFSETTO minutes, read by text.

    VTIMEZONE blocks are cut out before calendar_reader reads the data (icalendar,
    whose reading it keeps, would build zones from them, expanding their RRULEs):
    custom TZIDs are easier to map by name or by offsets to a real IANA zone.
    """
    zones: dict[str, frozenset[int]] = {}
    for block in _split_vtimezones(data)[0][:20]:
        tzid = _TZID_LINE_RE.search(block)
        if not tzid:
            continue
        offsets = set()
        for m in _TZOFFSETTO_RE.finditer(block):
            minutes = int(m.group(2)) * 60 + int(m.group(3))
            offsets.add(-minutes if m.group(1) == b"-" else minutes)
        name = tzid.group(1).decode("utf-8", "replace").strip().strip('"').replace("\\,", ",")
        zones[name] = frozenset(offsets)
    return zones


def resolve_tzid(tzid: str, vtimezones: dict[str, frozenset[int]], year: int) -> str | None:
    """A TZID as producers write it → IANA name, or None."""
    name = tzid.strip().strip('"').replace("\\,", ",")
    candidates = [name, _TZID_UTC_PREFIX_RE.sub("", name)]
    # "/mozilla.org/20050126_1/America/New_York" and similar prefixes
    m = _TZID_IANA_TAIL_RE.search(name)
    if m:
        candidates.append(m.group(1))
    for c in candidates:
        if c in WINDOWS_TO_OLSON:
            return WINDOWS_TO_OLSON[c]
        if ("/" in c or c in ("UTC", "GMT")) and dates.valid_zone(c):
            return c
    offsets = vtimezones.get(name)
    if offsets:
        return _zone_by_offsets(offsets, year)
    return None


def _zone_by_offsets(offsets: frozenset[int], year: int) -> str | None:
    """First common IANA zone whose January/July offsets match the VTIMEZONE's."""
    year = min(max(year, MIN_YEAR), MAX_YEAR)
    for zone in _COMMON_ZONES:
        tz = ZoneInfo(zone)
        seen = {_minutes(datetime(year, month, 15, 12, tzinfo=tz).utcoffset()) for month in (1, 7)}
        if seen == set(offsets):
            return zone
    return None


def _minutes(offset: timedelta | None) -> int:
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _event_time(
    prop: Property | list[Property] | None, vtimezones: dict[str, frozenset[int]], default_tz: str
) -> tuple[datetime, str, bool] | None:
    """(aware start, IANA zone, all_day) for a DTSTART/DTEND property (given once)."""
    if not isinstance(prop, Property):
        return None
    value = prop.time()  # BrokenCalendarProperty if it did not parse
    if isinstance(value, datetime):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise DateOutOfRange("date out of range")
        tzid = prop.params.get("TZID")
        utc_tzid = str(tzid or "").strip('"').upper() in _UTC_TZIDS
        if value.tzinfo is not None and value.utcoffset() == timedelta(0) and utc_tzid:
            # Given in UTC ("Z"): show it in the user's zone.
            return value.astimezone(ZoneInfo(default_tz)), default_tz, False
        if isinstance(value.tzinfo, ZoneInfo):
            return value, value.tzinfo.key, False
        zone = (resolve_tzid(str(tzid), vtimezones, value.year) if tzid else None) or default_tz
        naive = value.replace(tzinfo=None)
        return naive.replace(tzinfo=ZoneInfo(zone)), zone, False
    if isinstance(value, date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise DateOutOfRange("date out of range")
        midnight = datetime(value.year, value.month, value.day, tzinfo=ZoneInfo(default_tz))
        return midnight, default_tz, True
    return None


_MAILTO_RE = re.compile(r"^mailto:", re.IGNORECASE)


def _attendee(prop: Property | list[Property]) -> people_.Attendee:
    """An ORGANIZER/ATTENDEE property read: an EMAIL= parameter beats the address
    (iCloud writes a relay, `…@imip.me.com`, and the real address in EMAIL=).
    Two ORGANIZER lines come as a list: its str (icalendar's reprs), no parameters."""
    addr = str(prop).strip()
    if addr[6:7] == ":":  # "mailto:" (any case) has its colon there
        addr = _MAILTO_RE.sub("", addr).strip()
    addr = addr.lower()
    params = prop.params if isinstance(prop, Property) else {}
    email_param = params.get("EMAIL")
    if email_param:  # absent or empty: the address stands
        email = normalise_space(str(email_param)).strip("\"' ").lower()
        email = _MAILTO_RE.sub("", email)
        if email and valid_address(email):
            addr = email
    cn = params.get("CN")
    name = normalise_space(str(cn)).strip("\"' ") if cn else ""
    if name.lower() == addr or "@" in name:
        name = ""
    name = natural_order(name)
    return people_.Attendee(
        name,
        addr,
        str(params.get("CUTYPE", "") or "").upper(),
        str(params.get("ROLE", "") or "").upper(),
        str(params.get("PARTSTAT", "") or "").upper(),
    )


_LAST_FIRST = re.compile(
    r"^(?P<last>[^\W\d_][\w'’ -]{0,40}),\s*(?P<first>[^\W\d_][\w'’. -]{0,40})$"
)
_SUFFIXES = re.compile(r"^(?:jr|sr|ii|iii|iv|phd|md|esq|mba|cpa)\.?$", re.IGNORECASE)


def natural_order(name: str) -> str:
    """Outlook writes CN="Doe, Jane": the thank-you must say "Jane Doe"."""
    if "," not in name:
        return name
    match = _LAST_FIRST.match(name)
    if not match or _SUFFIXES.match(match["first"].strip()):
        return name
    return f"{match['first'].strip()} {match['last'].strip()}"


def _pick_event(cal: Calendar) -> Component | None:
    events = list(cal.events[:50])
    if not events:
        return None
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    return (masters or events)[0]


def _parse_ics(data: bytes) -> Calendar | None:
    """The calendar read with VTIMEZONEs removed (see _vtimezone_offsets)."""
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    stripped = _split_vtimezones(data)[1]
    if stripped.upper().startswith(b"BEGIN:VEVENT"):
        stripped = (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + stripped.rstrip() + b"\r\nEND:VCALENDAR\r\n"
        )
    return read_calendar(stripped)


def _text(ev: Component, key: str) -> str:
    value = ev.get(key)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    try:
        return str(value)
    except Exception:
        return ""


def _method(cal: Component, param: str | None) -> str:
    # several METHOD lines: their list's str, which names no method
    value = str(cal.get("METHOD") or param or "").strip().upper()
    return value


# -------------------------------------------------------------------- people


# Google Calendar lists the organizer among the attendees whenever they attend: there,
# an organizer missing from the list is not in the meeting. (Outlook never lists the
# organizer, and others vary, so elsewhere a missing organizer says nothing.)
_LISTS_ORGANIZER = re.compile(r"google", re.IGNORECASE)


def _people(
    organizer: Property | list[Property] | None,
    read: Sequence[people_.Attendee],
    my: set[str],
    text: str = "",
    lists_organizer: bool = False,
) -> tuple[Person | None, list[Person], list[Person]]:
    """(organizer, interviewers, coordinators) from the calendar's people (the
    attendees as `_attendee` read them)."""
    org_person = None
    people: list[Person] = []
    coordinators: list[Person] = []
    seen: set[str] = set()
    org = _attendee(organizer) if organizer is not None else None
    if org is not None:
        org_person = Person(org.name, org.email)
    entries = ([org] if org is not None else []) + list(read)
    kept: list[tuple[people_.Attendee, Person, str]] = []
    lowered: str | None = None  # the text lower-cased, once someone's title is looked for
    for a in entries:
        key = a.email or a.name.lower()
        if not key or key in seen or a.email in my:
            continue
        if is_robot(a.email) or is_resource(a.name, a.email, a.cutype) or a.cutype == "GROUP":
            continue
        if people_.is_room(a.name, a.email, a.cutype) or (
            a.email and people_.is_mailbox(a.email) and not list_like_address(a.email)
        ):
            continue  # a room, or a team's mailbox: nobody to thank
        if a.email and not valid_address(a.email):
            continue  # "a@x.com, b@y.com" or non-ASCII: never a recipient we trust
        seen.add(key)
        name, title = people_.split_cn(a.name)
        if not title and name:
            lowered = lowered if lowered is not None else _sigma_free_lower(text)
            if _sigma_free_lower(name) in lowered:  # else no line of the text starts with it
                title = people_.signature_title(text, name)
        kept.append((a, Person(name, a.email, None, title), a.name))
    for a, person, cn in kept:
        if org is not None and a is org:
            as_attendee = next((r for r in read if r.email == org.email), None)
            attends: bool | None = None
            if as_attendee is not None:
                if as_attendee.role == "NON-PARTICIPANT" or as_attendee.partstat == "DECLINED":
                    attends = False
            elif lists_organizer and read:
                attends = False
            writer = True
        else:
            attends = False if a.role == "NON-PARTICIPANT" else None
            writer = False
        others = len(kept) - 1
        if people_.is_coordinator(
            person, cn=cn, text=text, writer=writer, others=others, attends=attends
        ):
            coordinators.append(person)
        else:
            people.append(person)
    return org_person, people, coordinators


def _sigma_free_lower(text: str) -> str:
    """Lower case that is the same for a line as for the text around it (lower() writes
    a final sigma by context): each line's lower case is then a piece of the text's."""
    return text.lower().replace("ς", "σ")


def _my_names(read: Sequence[people_.Attendee], my: set[str]) -> set[str]:
    """The user's own display names, as the invite spells them."""
    return {a.name for a in read if a.email in my and a.name}


# ------------------------------------------------------------------- the event


def from_calendar(
    data: bytes, param: str | None, parts: Parts, my: set[str], default_tz: str
) -> Detection:
    vtimezones = _vtimezone_offsets(_unfold(data))
    cal = _parse_ics(data)
    if cal is None:
        return Detection(None, "broken calendar data")
    method = _method(cal.top, param)
    if method in _REPLY_METHODS:
        return Detection(None, "calendar reply")
    ev = _pick_event(cal)
    if ev is None:
        return Detection(None, "calendar without an event")
    try:
        start = _event_time(ev.get("DTSTART"), vtimezones, default_tz)
    except DateOutOfRange:
        return Detection(None, "date out of range")
    if start is None:
        return Detection(None, "event without a start time")
    prodid = str(cal.top.get("PRODID") or "")  # several: their reprs, read together
    event = _calendar_event(ev, prodid, method, start, vtimezones, parts, my, default_tz)
    return Detection(event, "calendar event")


def _calendar_event(
    ev: Component,
    prodid: str,
    method: str,
    start: tuple[datetime, str, bool],
    vtimezones: dict[str, frozenset[int]],
    parts: Parts,
    my: set[str],
    default_tz: str,
) -> InterviewEvent:
    start_dt, zone, all_day = start
    title = normalise_space(_text(ev, "SUMMARY"))
    description = _text(ev, "DESCRIPTION")
    location = normalise_space(_text(ev, "LOCATION")) or None
    organizer, people, coordinators, my_names = _calendar_people(ev, description, parts, my, prodid)
    extra = " ".join([parts.subject, description[:_EXTRA_CHARS], parts.body[:_EXTRA_CHARS]])
    if organizer and sent_by_tool(organizer.email):
        extra += " greenhouse"
    conf = score(title, extra, calendar=True, recurring=_recurs(ev), all_day=all_day)
    org_email = company_email(organizer.email if organizer else "", people)
    names = my_names | {p.name for p in people if p.name}
    video = tx.find_video_link(
        location or "",
        _text(ev, "X-GOOGLE-CONFERENCE"),
        _text(ev, "URL"),
        _text(ev, "CONFERENCE"),
        description,
        parts.body,
        " ".join(parts.hrefs),
    )
    event = build_event(
        parts,
        confidence=conf,
        method=_calendar_method(method, ev),
        uid=normalise_space(_text(ev, "UID")),
        seed=title,
        sequence=_sequence(ev),
        title=title or tx.clean_title(parts.subject),
        when=(start_dt, _event_end(ev, start, vtimezones, default_tz), zone),
        company_role=company_and_role(
            title, parts.subject, description, org_email, names, parts.sender, parts.body
        ),
        location=location,
        video=video,
        organizer=organizer,
        interviewers=people,
    )
    # build_event leaves coordinators at their default, (): a copy only when there are some
    return replace(event, coordinators=tuple(coordinators)) if coordinators else event


def _event_end(
    ev: Component,
    start: tuple[datetime, str, bool],
    vtimezones: dict[str, frozenset[int]],
    default_tz: str,
) -> datetime:
    """DTEND, else DTSTART + DURATION, else an hour (a day if all-day) after the start."""
    start_dt, _zone, all_day = start
    end = None
    try:
        end_t = _event_time(ev.get("DTEND"), vtimezones, default_tz)
        end = end_t[0].astimezone(start_dt.tzinfo) if end_t else None
    except ValueError:
        end = None
    if end is None and ev.get("DURATION") is not None:
        end = _end_by_duration(ev, start_dt)
    if end is None or end < start_dt:
        end = start_dt + (timedelta(days=1) if all_day else timedelta(hours=1))
    return end


def _end_by_duration(ev: Component, start: datetime) -> datetime | None:
    prop = ev.get("DURATION")
    try:
        duration = prop.time() if isinstance(prop, Property) else None
        if isinstance(duration, timedelta) and timedelta(0) < duration < timedelta(days=30):
            return start + duration
    except Exception:
        pass  # an unreadable DURATION, or one past the calendar's end: the default end
    return None


def _calendar_method(method: str, ev: Component) -> Method:
    cancelled = method == "CANCEL" or _text(ev, "STATUS").upper() == "CANCELLED"
    return Method.CANCEL if cancelled else Method.REQUEST


def _recurs(ev: Component) -> bool:
    return "RRULE" in ev or "RECURRENCE-ID" in ev or "RDATE" in ev


def _sequence(ev: Component) -> int:
    value = ev.get("SEQUENCE")
    if not isinstance(value, Property):
        return 0  # none, or several (whose str no int() reads)
    try:
        return int(str(value).strip() or 0)
    except ValueError:
        return 0


def _calendar_people(
    ev: Component, description: str, parts: Parts, my: set[str], prodid: str = ""
) -> tuple[Person | None, list[Person], list[Person], set[str]]:
    """(organizer, interviewers with their phones, coordinators, the user's own names)."""
    attendees = ev.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    text = people_.own_text(description + "\n" + parts.body)
    if parts.sender[1] in my:
        text += "\n" + people_.forwarded_text(description + "\n" + parts.body)
    read = [_attendee(att) for att in attendees[:500]]  # each read once, for both uses
    organizer, people, coordinators = _people(
        ev.get("ORGANIZER"),
        read,
        my,
        text,
        bool(_LISTS_ORGANIZER.search(prodid)),
    )
    my_names = _my_names(read, my) | {n for n, a in parts.recipients if a in my and n}
    if not people and not coordinators:
        organizer, people, coordinators = _sender_and_named(organizer, text, parts, my)
    else:
        named = [p for p in _named(text, my) if p.name not in my_names]
        people = people_.merge(people, named)
        coordinators_at = {c.email for c in coordinators}
        people = [p for p in people if p.email not in coordinators_at]
    return organizer, list(people_.with_phones(people, text)), coordinators, my_names


def _named(text: str, my: set[str]) -> list[Person]:
    """People the text names: the older reading (names with addresses) first, the
    heading lists in several languages (names with titles) merged in."""
    found = people_in_prose(text, my)
    extra = [p for p in people_.named_in_prose(text) if p.email not in my]
    return people_.merge(found, extra) if found else extra


def _sender_and_named(
    organizer: Person | None, text: str, parts: Parts, my: set[str]
) -> tuple[Person | None, list[Person], list[Person]]:
    """A bare .ics attached by a person (Zoom exports have no attendees): the sender
    and the people the mail names are the interviewers; the sender is a coordinator
    when others are named and they say they will not join, or sign as a recruiter."""
    people = _named(text, my)
    coordinators: list[Person] = []
    sender_name, sender_addr = parts.sender
    if sender_addr and sender_addr not in my and not people_.is_mailbox(sender_addr):
        if organizer is None:
            organizer = Person(sender_name, sender_addr)
        if sender_addr not in {p.email for p in people}:
            name, title = people_.split_cn(natural_order(sender_name))
            sender = Person(name, sender_addr, None, title or people_.signature_title(text, name))
            others = len(people)
            if people_.is_coordinator(
                sender, cn=sender_name, text=text, writer=True, others=others, attends=None
            ):
                coordinators.append(sender)
            else:
                people.insert(0, sender)
    return organizer, people, coordinators
