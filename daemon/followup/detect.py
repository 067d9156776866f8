"""Message bytes → Detection: is this an interview, and when, with whom.

Pure: no I/O, no clock reads. `detect()` never raises; anything it cannot read
becomes Detection(None, reason). Calendar parts (text/calendar, .ics) win over
prose; a message without one is read as a confirmation email.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from icalendar.cal import Component
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from . import detect_text as tx
from .mailtext import MAX_PART_BYTES, Parts, decode_header_value, normalise_space, read_message
from .model import Detection, InterviewEvent, Method, Person, valid_address

INTERVIEW_THRESHOLD = 0.5
CONFIRMED_THRESHOLD = 0.75
# Below is_interview, but worth asking the user about (`followup confirm`), never acted on.
MAYBE_THRESHOLD = 0.4
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
MIN_YEAR, MAX_YEAR = 1970, 2100

# ------------------------------------------------------------------- wording

_URL_RE = re.compile(r"(?:https?://|www\.)\S{1,2000}", re.IGNORECASE)

STRONG_WORDS = re.compile(
    r"\binterview\w*|\bphone[\s-]screen|\bscreening\s+call|\btechnical\s+screen|\bonsite\b|"
    r"\bon-site\b|\bhiring\s+manager|\bfinal\s+round|\bsystem\s+design|\bcoding\s+(?:exercise|session)|"
    r"\brecruiter\s+(?:call|screen|chat)|\bpanel\s+(?:interview|session)|\bentrevista|\bvorstellungsgespr",
    re.IGNORECASE,
)
MEDIUM_WORDS = re.compile(
    r"\brecruit\w*|\bcandidate|\btalent\s+acquisition|\bposition\b|\bthe\s+role\b|\bhiring\s+team|"
    r"\bgreenhouse|\blever\b|\bworkday|\bgoodtime|\bashby|\bcalendly",
    re.IGNORECASE,
)
NEGATIVE_WORDS = re.compile(
    r"\bstand-?\s?up\b|\bdaily\s+scrum|\b1:1\b|\bone[\s-]on[\s-]one|\bdentist|\bdental|\bdoctor|"
    r"\bwebinar|\bnewsletter|\bmeetup(?![-\w])|\bparty\b|\bhappy\s+hour|\bretro(?:spective)?\b|"
    r"\bsprint\b|\ball[\s-]hands|\bbirthday|\bworkgroup|\bwork\s+group|\blearning\s+series|"
    r"\bwe(?:'|’)?re\s+hiring|\bjob\s+alert|\bapply\s+now|\bunsubscribe|\bappointment\s+reminder|"
    r"\bhaircut|\bcheck-?up\b|\bcleaning\b|\bbook\s+club",
    re.IGNORECASE,
)
CONFIRM_WORDS = re.compile(
    r"\bconfirm\w*|\bscheduled\b|\bis\s+set\b|\bbooked\b|\binvitation\b|\bcalendar\s+invite|"
    r"\blooking\s+forward\s+to\s+(?:speaking|meeting|talking)",
    re.IGNORECASE,
)
CANCEL_WORDS = re.compile(r"\bcancel+ed\b|\bcancel+ation\b|\bhas\s+been\s+cancel", re.IGNORECASE)

ROBOT_LOCALPARTS = re.compile(
    r"^(?:no-?reply|do-?not-?reply|donotreply|notifications?|calendar-notification|"
    r"calendar|mailer-daemon|postmaster|invites?|scheduling|scheduler|automated|bounce\w*|"
    # Team mailboxes organise interviews but are nobody you met or can thank by name.
    r"recruiting|recruitment|recruiters?|talent|careers?|jobs|hr|hiring|interviews?|people)"
    r"(?:[+.-].*)?$",
    re.IGNORECASE,
)
ROBOT_DOMAINS = ("greenhouse.io", "greenhouse-mail.io", "lever.co", "calendly.com", "goodtime.io",
                 "myworkday.com", "ashbyhq.com", "zoom.us", "insideicloud.icloud.com")
RESOURCE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com")
ROOM_NAME = re.compile(r"\b(?:conference|meeting)\s+room\b|^room\b|\broom\s+\w*\d", re.IGNORECASE)
SCHEDULING_TOOLS = re.compile(r"greenhouse|lever\.co|workday|goodtime|calendly|ashby",
                              re.IGNORECASE)


# ------------------------------------------------------------------ calendars


class DateOutOfRange(ValueError):
    """Year 0001 or 9999 and the like: no real interview, and datetime math would overflow."""


# VTIMEZONE blocks are cut out by scanning (`_split_vtimezones`), not by a lazy
# `BEGIN.*?END` regex: that restarts at every BEGIN without an END and costs
# O(n^2) (20,000 lines of BEGIN:VTIMEZONE took a minute).
_VTZ_BEGIN, _VTZ_END = b"begin:vtimezone", b"end:vtimezone"
_VTZ_TAIL_RE = re.compile(rb"[ \t]*\r?\n?")  # after END:VTIMEZONE; matched in place, always
_FOLD_RE = re.compile(rb"\r?\n[ \t]")
_TZID_LINE_RE = re.compile(rb"^TZID[^:\r\n]*:(.*)$", re.MULTILINE)
_TZOFFSETTO_RE = re.compile(rb"TZOFFSETTO:\s*([+-])(\d\d)(\d\d)")
_TZID_UTC_PREFIX_RE = re.compile(r"^\((?:UTC|GMT)[^)]*\)\s*")
_TZID_IANA_TAIL_RE = re.compile(r"([A-Z][a-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)$")
_UTC_TZIDS = ("", "UTC", "GMT", "ETC/UTC", "ETC/GMT", "Z")  # a "Z" time given as UTC
_COMMON_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Halifax",
    "America/St_Johns", "America/Sao_Paulo", "America/Mexico_City", "America/Bogota",
    "Europe/London", "Europe/Berlin", "Europe/Helsinki", "Europe/Moscow", "Asia/Dubai",
    "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney",
    "Australia/Brisbane", "Australia/Adelaide", "Pacific/Auckland", "UTC",
)


def _unfold(data: bytes) -> bytes:
    return _FOLD_RE.sub(b"", data)


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

    VTIMEZONE blocks are removed before icalendar sees the data: their RRULEs
    would be expanded by the tz machinery, and custom TZIDs are easier to map
    by name or by offsets to a real IANA zone.
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
        if ("/" in c or c in ("UTC", "GMT")) and tx.valid_zone(c):
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
        seen = {_minutes(datetime(year, month, 15, 12, tzinfo=tz).utcoffset())
                for month in (1, 7)}
        if seen == set(offsets):
            return zone
    return None


def _minutes(offset: timedelta | None) -> int:
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _event_time(prop: object, vtimezones: dict[str, frozenset[int]], default_tz: str
                ) -> tuple[datetime, str, bool] | None:
    """(aware start, IANA zone, all_day) for a DTSTART/DTEND property."""
    if prop is None or not hasattr(prop, "dt"):
        return None
    value = prop.dt
    if isinstance(value, datetime):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise DateOutOfRange("date out of range")
        tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
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


def _address(prop: object) -> tuple[str, str, str]:
    """(name, email, cutype) of an ORGANIZER/ATTENDEE property."""
    addr = _MAILTO_RE.sub("", str(prop).strip()).strip().lower()
    params = getattr(prop, "params", {}) or {}
    name = normalise_space(str(params.get("CN", "") or "")).strip("\"' ")
    if name.lower() == addr or "@" in name:
        name = ""
    name = natural_order(name)
    return name, addr, str(params.get("CUTYPE", "") or "").upper()


_LAST_FIRST = re.compile(
    r"^(?P<last>[^\W\d_][\w'’ -]{0,40}),\s*(?P<first>[^\W\d_][\w'’. -]{0,40})$")
_SUFFIXES = re.compile(r"^(?:jr|sr|ii|iii|iv|phd|md|esq|mba|cpa)\.?$", re.IGNORECASE)


def natural_order(name: str) -> str:
    """Outlook writes CN="Doe, Jane": the thank-you must say "Jane Doe"."""
    match = _LAST_FIRST.match(name)
    if not match or _SUFFIXES.match(match["first"].strip()):
        return name
    return f"{match['first'].strip()} {match['last'].strip()}"


def is_robot(addr: str) -> bool:
    local, _, domain = addr.lower().partition("@")
    if ROBOT_LOCALPARTS.match(local):
        return True
    return any(domain == d or domain.endswith("." + d) for d in ROBOT_DOMAINS)


def is_resource(name: str, addr: str, cutype: str) -> bool:
    domain = addr.rpartition("@")[2]
    return (
        cutype in ("ROOM", "RESOURCE")
        or any(domain == d or domain.endswith("." + d) for d in RESOURCE_DOMAINS)
        or bool(ROOM_NAME.search(name))
    )


def _pick_event(cal: Component) -> Component | None:
    events = [c for c in cal.walk("VEVENT")][:50]
    if not events:
        return None
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    return (masters or events)[0]


def _parse_ics(data: bytes) -> Component | None:
    """icalendar Calendar with VTIMEZONEs removed (see _vtimezone_offsets)."""
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    stripped = _split_vtimezones(data)[1]
    if stripped.upper().startswith(b"BEGIN:VEVENT"):
        stripped = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + stripped.rstrip()
                    + b"\r\nEND:VCALENDAR\r\n")
    cals = icalendar.Calendar.from_ical(stripped, multiple=True)
    return cals[0] if cals else None


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
    value = str(cal.get("METHOD") or param or "").strip().upper()
    return value


# --------------------------------------------------------------------- scoring


def score(title: str, extra: str, *, calendar: bool, recurring: bool, all_day: bool,
          explicit_zone: bool = True, has_time: bool = True) -> float:
    """Confidence that this is a job interview; why each weight: see the comments."""
    conf = 0.3 if calendar else 0.25
    extra = _URL_RE.sub(" ", extra)  # words inside links ("meetup-join") say nothing
    if STRONG_WORDS.search(title):
        conf += 0.5 if calendar else 0.35  # the event's own name says so
    elif STRONG_WORDS.search(extra):
        conf += 0.25 if calendar else 0.2  # said in the body only
    medium = {m.group(0).lower() for m in MEDIUM_WORDS.finditer(extra + " " + title)}
    conf += min(0.2, 0.1 * len(medium))
    if not calendar and CONFIRM_WORDS.search(title + " " + extra):
        conf += 0.15
    if not calendar and explicit_zone:
        conf += 0.05
    if NEGATIVE_WORDS.search(title):
        conf -= 0.5
    elif NEGATIVE_WORDS.search(extra):
        conf -= 0.2
    if recurring:
        conf -= 0.3  # interviews do not repeat
    if all_day:
        conf -= 0.25  # interviews have a clock time
    if not calendar and CANCEL_WORDS.search(title):
        conf -= 0.3  # a cancellation mail must not create an interview unasked
    if not has_time:
        conf = min(conf, 0.3)
    return round(min(0.99, max(0.01, conf)), 2)


# -------------------------------------------------------------------- people


def _people(organizer: object, attendees: Sequence[object], my: set[str]
            ) -> tuple[Person | None, list[Person]]:
    org_person = None
    people: list[Person] = []
    seen: set[str] = set()
    entries = []
    if organizer is not None:
        name, addr, cutype = _address(organizer)
        org_person = Person(name, addr)
        entries.append((name, addr, cutype))
    for att in attendees:
        entries.append(_address(att))
    for name, addr, cutype in entries:
        key = addr or name.lower()
        if not key or key in seen or addr in my:
            continue
        if is_robot(addr) or is_resource(name, addr, cutype) or cutype == "GROUP":
            continue
        if addr and not valid_address(addr):
            continue  # "a@x.com, b@y.com" or non-ASCII: never a recipient we trust
        seen.add(key)
        people.append(Person(name, addr))
    return org_person, people


def _text_people(text: str, my: set[str]) -> list[Person]:
    """Interviewers named in prose, without the user, robots and repeats."""
    people: list[Person] = []
    seen: set[str] = set()
    for name, addr in tx.people_in_text(text):
        addr = addr.lower()
        key = addr or name.lower()
        if key in seen or addr in my or (addr and is_robot(addr)):
            continue
        seen.add(key)
        people.append(Person(name, addr))
    return people


def _my_names(attendees: Sequence[object], my: set[str]) -> set[str]:
    """The user's own display names, as the invite spells them."""
    names = set()
    for att in attendees[:500]:
        name, addr, _ = _address(att)
        if addr in my and name:
            names.add(name)
    return names


def _with_phones(people: list[Person], text: str) -> tuple[Person, ...]:
    def variants(p: Person) -> list[str]:
        # "Doe, Jane" in a CN is written "Jane Doe" in a signature.
        last, comma, first = p.name.partition(",")
        flipped = f"{first.strip()} {last.strip()}" if comma else ""
        return [k for k in (p.name, flipped, p.email) if k]

    keys = [k for p in people for k in variants(p)]
    phones = tx.phones_near(text, keys)
    out = []
    for p in people:
        phone = next((phones[k] for k in variants(p) if k in phones), None)
        out.append(Person(p.name, p.email, phone) if phone else p)
    return tuple(out)


def _company_role(title: str, subject: str, body: str, org_email: str,
                  names: Collection[str] = ()) -> tuple[str | None, str | None]:
    """From the title, then the subject, then the body; the organizer's domain last.

    `names` are people (the user, interviewers): "Interview with Jane Doe" names no company.
    """
    company, role = tx.company_role_from_title(title, names)
    if not company or not role:
        c2, r2 = tx.company_role_from_title(subject, names)
        company, role = company or c2, role or r2
    if not company or not role:
        c3, r3 = tx.company_role_from_body(body)
        company, role = company or c3, role or r3
    if not company and org_email:
        company = tx.company_from_domain(org_email)
    return company, role


# ------------------------------------------------------------------- builders

_REPLY_METHODS = ("REPLY", "COUNTER", "DECLINECOUNTER", "REFRESH")
# Where an event's text is weighed, each source is read this far.
_EXTRA_CHARS = 20_000
_PROSE_CHARS = 50_000


def _event(parts: Parts, *, confidence: float, method: Method | None, uid: str, seed: str,
           sequence: int, title: str, when: tuple[datetime, datetime, str],
           company_role: tuple[str | None, str | None], location: str | None,
           video: str | None, organizer: Person | None,
           interviewers: Sequence[Person]) -> InterviewEvent:
    """The one place an InterviewEvent is made, from what a calendar or prose reading
    found. `uid`: the event's own UID ("" if none); `seed` names it when neither it
    nor the message has an ID."""
    start, end, zone = when
    company, role = company_role
    return InterviewEvent(
        is_interview=confidence >= INTERVIEW_THRESHOLD,
        confidence=confidence,
        method=method,
        uid=uid or parts.message_id or _synthetic_uid(seed, start),
        sequence=sequence,
        title=title,
        company=company,
        role=role,
        start=start,
        end=end,
        timezone=zone,
        location=location,
        video_link=video,
        organizer=organizer,
        interviewers=tuple(interviewers),
        message_id=parts.message_id or None,
    )


def _synthetic_uid(title: str, start: datetime | None) -> str:
    seed = f"{title}|{start.isoformat() if start else ''}".encode("utf-8", "replace")
    return "followup-" + hashlib.sha1(seed).hexdigest()[:16]


def _company_email(addr: str, people: Sequence[Person]) -> str:
    """The address whose domain may name the company: the organizer or sender, unless a
    robot, else the first interviewer with one."""
    if addr and not is_robot(addr):
        return addr
    return next((p.email for p in people if p.email), "")


def _from_calendar(data: bytes, param: str | None, parts: Parts, my: set[str],
                   default_tz: str) -> Detection:
    vtimezones = _vtimezone_offsets(_unfold(data))
    cal = _parse_ics(data)
    if cal is None:
        return Detection(None, "broken calendar data")
    method = _method(cal, param)
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
    event = _calendar_event(ev, method, start, vtimezones, parts, my, default_tz)
    return Detection(event, "calendar event")


def _calendar_event(ev: Component, method: str, start: tuple[datetime, str, bool],
                    vtimezones: dict[str, frozenset[int]], parts: Parts, my: set[str],
                    default_tz: str) -> InterviewEvent:
    start_dt, zone, all_day = start
    title = normalise_space(_text(ev, "SUMMARY"))
    description = _text(ev, "DESCRIPTION")
    location = normalise_space(_text(ev, "LOCATION")) or None
    organizer, people, my_names = _calendar_people(ev, description, parts, my)
    extra = " ".join([parts.subject, description[:_EXTRA_CHARS], parts.body[:_EXTRA_CHARS]])
    if organizer and SCHEDULING_TOOLS.search(organizer.email):
        extra += " greenhouse"
    conf = score(title, extra, calendar=True, recurring=_recurs(ev), all_day=all_day)
    org_email = _company_email(organizer.email if organizer else "", people)
    names = my_names | {p.name for p in people if p.name}
    video = tx.find_video_link(location or "", _text(ev, "X-GOOGLE-CONFERENCE"),
                               _text(ev, "URL"), _text(ev, "CONFERENCE"), description,
                               parts.body, " ".join(parts.hrefs))
    return _event(
        parts, confidence=conf, method=_calendar_method(method, ev),
        uid=normalise_space(_text(ev, "UID")), seed=title, sequence=_sequence(ev),
        title=title or tx.clean_title(parts.subject),
        when=(start_dt, _event_end(ev, start, vtimezones, default_tz), zone),
        company_role=_company_role(title, parts.subject, description, org_email, names),
        location=location, video=video, organizer=organizer, interviewers=people,
    )


def _event_end(ev: Component, start: tuple[datetime, str, bool],
               vtimezones: dict[str, frozenset[int]], default_tz: str) -> datetime:
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
    try:
        duration = ev.get("DURATION").dt
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
    try:
        return int(str(ev.get("SEQUENCE", 0)).strip() or 0)
    except ValueError:
        return 0


def _calendar_people(ev: Component, description: str, parts: Parts, my: set[str]
                     ) -> tuple[Person | None, list[Person], set[str]]:
    """(organizer, interviewers with their phones, the user's own names)."""
    attendees = ev.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    organizer, people = _people(ev.get("ORGANIZER"), attendees[:500], my)
    text = description + "\n" + parts.body
    if not people:
        organizer, people = _sender_and_named(organizer, text, parts, my)
    my_names = _my_names(attendees, my) | {n for n, a in parts.recipients if a in my and n}
    return organizer, list(_with_phones(people, text)), my_names


def _sender_and_named(organizer: Person | None, text: str, parts: Parts, my: set[str]
                      ) -> tuple[Person | None, list[Person]]:
    """A bare .ics attached by a person (Zoom exports have no attendees): the sender
    and the people the mail names are the interviewers."""
    people = _text_people(text, my)
    sender_name, sender_addr = parts.sender
    if sender_addr and sender_addr not in my and not is_robot(sender_addr):
        if organizer is None:
            organizer = Person(sender_name, sender_addr)
        if sender_addr not in {p.email for p in people}:
            people.insert(0, Person(sender_name, sender_addr))
    return organizer, people


_VIA_RE = re.compile(r"^(.{2,40}?)\s+(?:via|through)\s+\w+")  # "Acme via Greenhouse"
# `[^\S\n]*`, not `\s*`: a leading `\s*` runs across blank lines, and a search
# restarting at each of them is O(n^2) on a body of newlines.
_LOCATION_LINE_RE = re.compile(r"(?im)^[^\S\n]*(?:location|where|address)\s*:\s*(.{3,200})$")


def _from_text(parts: Parts, my: set[str], default_tz: str) -> Detection:
    """A confirmation email: interview wording plus a date and time in prose."""
    body, subject = parts.body, parts.subject
    if not STRONG_WORDS.search(subject) and not STRONG_WORDS.search(body[:_PROSE_CHARS]):
        return Detection(None, "no calendar part and no interview wording")
    ref = parts.date.date() if parts.date else None
    found = tx.find_datetime(subject, ref, default_tz) or tx.find_datetime(body, ref, default_tz)
    if found is None:
        return Detection(None, "interview wording but no date and time")
    if not MIN_YEAR <= found[0].year <= MAX_YEAR:
        return Detection(None, "date out of range")
    return Detection(_prose_event(parts, found, my), "confirmation email")


def _prose_event(parts: Parts, found: tuple[datetime, datetime | None, str, bool],
                 my: set[str]) -> InterviewEvent:
    body, subject = parts.body, parts.subject
    start, end, zone, explicit = found
    if end is None:
        end = start + (tx.find_duration(subject + "\n" + body) or timedelta(hours=1))
    sender_name, sender_addr = parts.sender
    interviewers = _with_phones(_text_people(body, my), body)
    extra = body[:_PROSE_CHARS]
    if SCHEDULING_TOOLS.search(sender_addr) or SCHEDULING_TOOLS.search(sender_name):
        extra += " greenhouse"  # sent by a scheduling tool: counts like a medium word
    conf = score(subject, extra, calendar=False, recurring=False, all_day=False,
                 explicit_zone=explicit)
    names = {p.name for p in interviewers if p.name}
    company, role = _company_role(subject, subject, body,
                                  _company_email(sender_addr, interviewers), names)
    loc = _LOCATION_LINE_RE.search(body)
    return _event(
        parts, confidence=conf, method=None, uid="", seed=subject, sequence=0,
        title=tx.clean_title(subject), when=(start, end, zone),
        company_role=(company or _via_company(sender_name), role),
        location=normalise_space(loc.group(1)) if loc else None,
        video=tx.find_video_link(body, " ".join(parts.hrefs)),
        organizer=Person(sender_name, sender_addr) if sender_addr else None,
        interviewers=interviewers,
    )


def _via_company(sender_name: str) -> str | None:
    """"Acme via Greenhouse" names Acme."""
    m = _VIA_RE.match(sender_name)
    return m.group(1).strip() if m else None


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
        return _from_calendar(raw, None, Parts(), my, default_tz)
    parts = read_message(raw)
    failure = None
    for data, param in parts.calendars:
        try:
            result = _from_calendar(data, param, parts, my, default_tz)
        except Exception as exc:  # broken ICS: remember, then try prose
            failure = Detection(None, f"broken calendar part: {type(exc).__name__}")
            continue
        if result.event is not None or result.reason == "calendar reply":
            return result
        failure = failure or result
    result = _from_text(parts, my, default_tz)
    if result.event is None and failure is not None:
        return failure
    if result.event is None and parts.skipped_big and not parts.texts:
        return Detection(None, "parts too large")
    return result


def detect(raw: bytes, *, my_addresses: Collection[str] = (),
           default_timezone: str = "UTC") -> Detection:
    """Read one RFC 5322 message or bare .ics file. Never raises."""
    try:
        default_tz = tx.valid_zone(default_timezone) or "UTC"
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
    r"urn:content-classes:calendarmessage|"
    r"next steps|availability|opportunity|application|position|\brole\b|candidate|offer|"
    r"^in-reply-to:|"  # a reply in a thread (recruiters answer "Re: Next steps") is worth a look
    r"x-ms-exchange-calendar|x-ms-tnef-correlator|x-ms-has-attach:\s*yes|multipart/mixed",
    re.IGNORECASE | re.MULTILINE,
)


def looks_like_candidate(header_bytes: bytes) -> bool:
    """Cheap, generous pre-filter on a header block (false positives are cheap)."""
    try:
        head = bytes(header_bytes[:64_000])
        text = head.decode("utf-8", errors="replace")
        msg = email.message_from_bytes(head, policy=email.policy.compat32)
        decoded = " ".join(decode_header_value(msg.get(h))
                           for h in ("Subject", "From", "Sender", "Reply-To"))
        return bool(_CANDIDATE_RE.search(text) or _CANDIDATE_RE.search(decoded))
    except Exception:
        return True  # unreadable headers: let the full detector decide
