"""Dates, times and zones as confirmation emails write them: "Tuesday, December 1 at
2:00 PM CST", "(GMT-06:00) Central Time", "heure de Paris".

Pure: no I/O, no clock (the reference date comes in). Every pattern runs in linear time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .detect_text import MAX_TEXT_CHARS
from .mailtext import normalise_space

# ---------------------------------------------------------------------- zones

# Abbreviations people write in mail. Wall time "2 PM CST" in December means the
# zone's local time, so mapping to the IANA zone (not a fixed offset) is right.
ZONE_ABBREVIATIONS = {
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "ET": "America/New_York",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "GMT": "Europe/London",
    "BST": "Europe/London",
    "UTC": "UTC",
    "WET": "Europe/Lisbon",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "EET": "Europe/Helsinki",
    "EEST": "Europe/Helsinki",
    "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata",
    "SGT": "Asia/Singapore",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
}

ZONE_NAMES = {
    "eastern": "America/New_York",
    "central": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
    "central european": "Europe/Berlin",
    "british": "Europe/London",
    "india": "Asia/Kolkata",
    "indian": "Asia/Kolkata",
}

_ZONE_RE = re.compile(
    r"(?P<iana>\b(?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_]{2,30}(?:/[A-Za-z_]{2,30})?)"
    r"|(?P<named>\b(?:Central European|Eastern|Central|Mountain|Pacific|British|India|Indian)"
    r"\s+(?:Standard\s+|Daylight\s+|Summer\s+)?Time\b)"
    r"|\((?P<gmtoff>(?:GMT|UTC)\s?[+-]\d{1,2}(?::?\d\d)?)\)"
    r"|\b(?P<abbr>[A-Z]{2,4})\b"
)


# "(?<!\s)\s+X": a search restarting inside a run of blanks re-reads the run each
# time (O(n^2)); starting only where the run starts finds the same matches.
_TIME_WORD_RE = re.compile(r"(?<!\s)\s+(?:(?:standard|daylight|summer)\s*)?time$")
_OFFSET_RE = re.compile(r"([+-])(\d{1,2})(?::?(\d\d))?")


def valid_zone(name: str | None) -> str | None:
    """The IANA name if zoneinfo knows it, else None."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        ZoneInfo(name)
        return name
    except Exception:
        return None


def find_zone(text: str) -> str | None:
    """First time-zone mention in `text`, as an IANA name."""
    for m in _ZONE_RE.finditer(text[:MAX_TEXT_CHARS]):
        if m.group("iana"):
            zone = valid_zone(m.group("iana"))
            if zone:
                return zone
        elif m.group("named"):
            key = _TIME_WORD_RE.sub("", m.group("named").lower())
            key = normalise_space(key)
            if key in ZONE_NAMES:
                return ZONE_NAMES[key]
        elif m.group("gmtoff"):
            # "(GMT-05:00) Eastern Time": prefer the name that usually follows.
            tail = text[m.end() : m.end() + 40]
            named = find_zone_named_only(tail)
            if named:
                return named
            return _fixed_offset_zone(m.group("gmtoff"))
        elif m.group("abbr") in ZONE_ABBREVIATIONS:
            return ZONE_ABBREVIATIONS[m.group("abbr")]
    return None


def find_zone_named_only(text: str) -> str | None:
    for m in _ZONE_RE.finditer(text):
        if m.group("named") or m.group("iana"):
            return find_zone(m.group(0))
    return None


def _fixed_offset_zone(s: str) -> str | None:
    """GMT-05:00 → Etc/GMT+5 (POSIX sign is inverted); only whole hours exist there."""
    m = _OFFSET_RE.search(s)
    if not m or (m.group(3) and m.group(3) != "00"):
        return None
    hours = int(m.group(2))
    if hours == 0:
        return "UTC"
    sign = "-" if m.group(1) == "+" else "+"
    return valid_zone(f"Etc/GMT{sign}{hours}")


# ----------------------------------------------------------------- dates in prose

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_RE = re.compile(
    r"\b" + _MON + r"\s{1,3}(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s{1,3}(?P<year>\d{4})\b)?"
    r"|\b(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s{1,3}(?:of\s)?"
    + _MON.replace("mon>", "mon2>")
    + r"(?:,?\s{1,3}(?P<year2>\d{4})\b)?"
    r"|\b(?P<iy>20\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b"
    r"|\b(?P<um>\d{1,2})/(?P<ud>\d{1,2})/(?P<uy>20\d\d)\b",
    re.IGNORECASE,
)
_T = r"(?P<h{n}>\d{{1,2}})(?:[:.](?P<mi{n}>\d\d))?\s?(?P<ap{n}>[ap]\.?m\b\.?)?"
_TIME_RE = re.compile(
    r"(?<![\d/:-])"
    + _T.format(n=1)
    + r"(?:\s{0,2}(?:-|–|—|to|until)\s{0,2}"
    + _T.format(n=2)
    + r")?",
    re.IGNORECASE,
)
_DURATION_RE = re.compile(r"\b(\d{2,3})[- ]?min(?:ute)?s?\b|\b(\d)[- ]?hours?\b", re.IGNORECASE)


def _hour(h: str, mi: str | None, ap: str | None) -> time | None:
    hour, minute = int(h), int(mi or 0)
    if ap:
        if not 1 <= hour <= 12:
            return None
        pm = ap.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _find_time(window: str) -> tuple[time, time | None] | None:
    """First clock time in the window ("2:00 PM", "14:00", "2pm - 3pm")."""
    for m in _TIME_RE.finditer(window):
        if not (m.group("mi1") or m.group("ap1")):
            continue  # a bare number is a day or a count, not a time
        ap1, ap2 = m.group("ap1"), m.group("ap2")
        start = _hour(m.group("h1"), m.group("mi1"), ap1 or ap2)
        if start is None:
            continue
        end = None
        if m.group("h2") and (m.group("mi2") or ap2 or ap1):
            end = _hour(m.group("h2"), m.group("mi2"), ap2 or ap1)
        return start, end
    return None


def _date_of(m: re.Match[str], ref: date | None) -> date | None:
    g = m.groupdict()
    try:
        if g["iy"]:
            return date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["uy"]:
            return date(int(g["uy"]), int(g["um"]), int(g["ud"]))
        mon = MONTHS[(g["mon"] or g["mon2"]).lower()[:3]]
        day = int(g["day"] or g["day2"])
        year = g["year"] or g["year2"]
        if year:
            return date(int(year), mon, day)
        if ref is None:
            return None
        # No year: the next such date on or after the message date.
        for y in (ref.year, ref.year + 1, ref.year + 2):
            try:
                d = date(y, mon, day)
            except ValueError:
                continue  # 29 February in a common year
            if d >= ref:
                return d
    except (ValueError, KeyError, TypeError):
        return None
    return None


def find_datetime(
    text: str, ref: date | None, default_tz: str
) -> tuple[datetime, datetime | None, str, bool] | None:
    """First date with a clock time in prose.

    Returns (start, end or None, IANA zone, zone_was_explicit). `ref` is the
    message date, used to infer a missing year.
    """
    text = text[:MAX_TEXT_CHARS]
    for m in _DATE_RE.finditer(text):
        day = _date_of(m, ref)
        if day is None:
            continue
        after = text[m.end() : m.end() + 60]
        found = _find_time(after)
        zone_from = m.end()
        if found:
            tm = _TIME_RE.search(after)
            zone_from = m.end() + (tm.end() if tm else 0)
        else:
            before = text[max(0, m.start() - 40) : m.start()]
            found = _find_time(before)
            if not found:
                continue
        zone = find_zone(text[zone_from : zone_from + 60]) or find_zone(text)
        explicit = zone is not None
        zone = zone or default_tz
        tz = ZoneInfo(zone)
        start = datetime.combine(day, found[0], tz)
        end = datetime.combine(day, found[1], tz) if found[1] else None
        if end is not None and end <= start:
            end = None
        return start, end, zone, explicit
    return None


def find_duration(text: str) -> timedelta | None:
    m = _DURATION_RE.search(text[:MAX_TEXT_CHARS])
    if not m:
        return None
    minutes = int(m.group(1)) if m.group(1) else int(m.group(2)) * 60
    return timedelta(minutes=minutes) if 10 <= minutes <= 480 else None
