"""Dates and times as confirmation emails write them, in English, German, French,
Spanish, Portuguese and Dutch: "Tuesday, December 1 at 2:00 PM CST",
"Dienstag, 8. Dezember 2026 um 14:00 Uhr", "mardi 8 décembre à 14h00 (heure de Paris)",
"08/12/2026 14:00". Zones are read by detect_zones.

A written weekday decides what a date means (08/12 or 12/08, which year); without
one, the sender's locale does (`Locale`). A time with no zone is in the company's
zone when its country is known, else the user's, and is marked not explicit.

Pure: no I/O, no clock (the reference date comes in). Every pattern runs in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .detect_text import MAX_TEXT_CHARS, has_case_twin
from .detect_zones import find_zone, leading_region, valid_zone

__all__ = [
    "Found",
    "Locale",
    "find_datetime",
    "find_datetimes",
    "find_duration",
    "valid_zone",
    "weekday_before",
]


@dataclass(frozen=True)
class Locale:
    """What the message says of its sender: how it orders 08/12/2026 (`day_first`),
    its two-letter country (for "IST", "CST") and the company's zone, if known."""

    day_first: bool = False
    country: str | None = None
    zone: str | None = None


class Found(NamedTuple):
    """One date and time in prose."""

    start: datetime
    end: datetime | None
    zone: str
    explicit: bool  # the text named the zone
    at: int  # where the date starts in the text
    stop: int  # where the date and its time end


# --------------------------------------------------------------- month and day words

MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12, "mär": 3, "okt": 10, "dez": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "avr": 4, "juil": 7,
    "déc": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "ene": 1, "abr": 4, "dic": 12,
    # Portuguese ("ago", "set", "out" are English words: only the full names)
    "janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6,
    "julho": 7, "setembro": 9, "outubro": 10, "dezembro": 12, "fev": 2,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "mrt": 3,
}  # fmt: skip

WEEKDAYS = {
    # English
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
    # German
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
    "sonnabend": 5, "sonntag": 6, "mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6,
    # French
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
    "dimanche": 6, "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6,
    # Spanish
    "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
    "sábado": 5, "sabado": 5, "domingo": 6, "mié": 2, "jue": 3, "vie": 4, "sáb": 5, "dom": 6,
    # Portuguese ("segunda-feira": the "-feira" is dropped before the lookup)
    "segunda": 0, "terça": 1, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4, "seg": 0,
    "ter": 1, "qua": 2, "qui": 3, "sex": 4,
    # Dutch
    "maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5,
    "zondag": 6, "ma": 0, "wo": 2, "vr": 4, "za": 5, "zo": 6,
}  # fmt: skip

# Any word where a month may stand; the code keeps it only if MONTHS knows it (an
# alternation of a hundred names tried at every word would cost 20x more).
# Possessive: a shorter month word would leave a letter after it, which (?!…) refuses.
_MON = r"(?P<mon{n}>[^\W\d_]{{3,10}}+)(?![^\W\d_])\.?"
_YEAR = r"(?:,?\s{{1,3}}(?:de\s{{1,2}})?(?P<year{n}>(?:19|20|21)\d\d)\b)?"
_DATE_RE = re.compile(
    # "December 1, 2026", "Dec. 1st"
    r"\b"
    + _MON.format(n=1)
    + r"\s{1,3}(?P<day1>\d{1,2})(?:st|nd|rd|th)?\b"
    + _YEAR.format(n=1)
    # "1 December 2026", "8. Dezember 2026", "8 de dezembro de 2026", "1er décembre"
    + r"|\b(?P<day2>\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s{0,3}(?:of\s{1,2}|de\s{1,2})?"
    + _MON.format(n=2)
    + _YEAR.format(n=2)
    + r"|\b(?P<iy>20\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b"
    # "08/12/2026", "8.12.2026", "08-12-2026": the order is decided below
    r"|\b(?P<na>\d{1,2})(?P<sep>[./-])(?P<nb>\d{1,2})(?P=sep)(?P<ny>20\d\d)\b"
    # "am 08.12. um 14 Uhr": a day-first date without its year
    r"|\b(?P<da>\d{1,2})\.(?P<db>\d{1,2})\.(?![\d.])",
    re.IGNORECASE,
)
_MONTH_AT_RE = re.compile(
    r"(?:st|nd|rd|th|er|º|\.)?\s{0,3}(?:de\s{1,2})?(?P<word>[^\W\d_]{3,10})(?![^\W\d_])"
)
_WEEKDAY_BEFORE_RE = re.compile(
    r"(?<![^\W\d_])(?P<wd>[^\W\d_]{2,13})(?:-feira)?\.?,?[ \t]{0,3}"
    r"(?:(?:den|le|el|the|dia|op)[ \t]{1,2})?$",
    re.IGNORECASE,
)

# --------------------------------------------------------------------- clock times

_T = (
    r"(?P<h{n}>\d{{1,2}})(?:[:.h](?P<mi{n}>\d\d))?"
    r"(?:\s?(?P<ap{n}>[ap]\.?m\b\.?)|\s?(?P<suf{n}>uhr|uur|h)\b)?"
)
_TIME_RE = re.compile(
    r"(?<![\d/:.-])"
    + _T.format(n=1)
    + r"(?:(?:\s{0,2}[-–—]\s{0,2}|\s{1,2}(?:to|until|till|bis|à|a|às|as|tot|até|hasta)\s{1,2})"
    + _T.format(n=2)
    + r")?",
    re.IGNORECASE,
)
_DURATION_RE = re.compile(r"\b(\d{2,3})[- ]?min(?:ute)?s?\b|\b(\d)[- ]?hours?\b", re.IGNORECASE)


def _may_name_duration(text: str) -> bool:
    """False only when _DURATION_RE (IGNORECASE) cannot match: neither "min" nor "hour"
    in the lower-cased text, and no letter IGNORECASE but not lower() takes for i or s."""
    if has_case_twin(text):
        return True
    low = text.lower()
    return "min" in low or "hour" in low


def _hour(h: str, mi: str | None, ap: str | None, suffix: str | None = None) -> time | None:
    hour, minute = int(h), int(mi or 0)
    if ap:
        if not 1 <= hour <= 12:
            return None
        pm = ap.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    elif suffix and not mi and hour < 6:
        return None  # "1h", "2 h": a duration, not a time of day
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _is_time(m: re.Match[str], n: int) -> bool:
    return bool(m.group(f"mi{n}") or m.group(f"ap{n}") or m.group(f"suf{n}"))


def _find_time(window: str) -> tuple[time, time | None, int] | None:
    """First clock time in the window ("2:00 PM", "14:00", "14h00", "2pm - 3pm",
    "14 Uhr"), and where it ends."""
    for m in _TIME_RE.finditer(window):
        if not _is_time(m, 1):
            continue  # a bare number is a day or a count, not a time
        ap1, ap2 = m.group("ap1"), m.group("ap2")
        start = _hour(m.group("h1"), m.group("mi1"), ap1 or ap2, m.group("suf1"))
        if start is None:
            continue
        end = None
        if m.group("h2") and (_is_time(m, 2) or ap1):
            end = _hour(m.group("h2"), m.group("mi2"), ap2 or ap1, m.group("suf2"))
        return start, end, m.end()
    return None


# ------------------------------------------------------------------------ dates


def weekday_before(text: str, at: int) -> int | None:
    """The weekday written just before `at` ("Tuesday, ", "Di., ", "mardi le "), or None."""
    m = _WEEKDAY_BEFORE_RE.search(text[max(0, at - 20) : at])
    return WEEKDAYS.get(m.group("wd").lower()) if m else None


def _with_year(mon: int, day: int, ref: date | None, weekday: int | None) -> date | None:
    """A date written without its year: the next one on or after the message date,
    the one whose weekday matches if a weekday was written."""
    if ref is None:
        return None
    candidates = []
    for y in (ref.year, ref.year + 1, ref.year + 2):
        try:
            d = date(y, mon, day)
        except ValueError:
            continue  # 29 February in a common year
        if d >= ref:
            candidates.append(d)
    matching = [d for d in candidates if weekday is not None and d.weekday() == weekday]
    chosen = matching or candidates
    return chosen[0] if chosen else None


def _numeric(
    a: int, b: int, year: int, sep: str, weekday: int | None, locale: Locale
) -> date | None:
    """08/12/2026: the weekday decides, then a part over 12, then the locale."""
    orders = []
    for month, day in ((a, b), (b, a)):
        try:
            orders.append(date(year, month, day))
        except ValueError:
            continue
    if not orders:
        return None
    if len(orders) == 1 or orders[0] == orders[1]:
        return orders[0]
    if weekday is not None:
        matching = [d for d in orders if d.weekday() == weekday]
        if len(matching) == 1:
            return matching[0]
    day_first = locale.day_first or sep == "."  # nobody writes 12.08.2026 month first
    return orders[1] if day_first else orders[0]


def _date_of(m: re.Match[str], text: str, ref: date | None, locale: Locale) -> date | None:
    g = m.groupdict()
    weekday = weekday_before(text, m.start())
    try:
        if g["iy"]:
            return date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g["ny"]:
            return _numeric(int(g["na"]), int(g["nb"]), int(g["ny"]), g["sep"], weekday, locale)
        if g["da"]:
            return _with_year(int(g["db"]), int(g["da"]), ref, weekday)
        name = (g["mon1"] or g["mon2"]).lower()
        mon = MONTHS[name]
        day = int(g["day1"] or g["day2"])
        year = g["year1"] or g["year2"]
        if year:
            return date(int(year), mon, day)
        return _with_year(mon, day, ref, weekday)
    except (ValueError, KeyError, TypeError):
        return None


def _zone_near(text: str, after: int, before: int, locale: Locale) -> tuple[str | None, bool]:
    """The zone named right after the time, else just before the date, else anywhere
    in the text; else the company's (not explicit)."""
    window = text[after : after + 60]
    zone = (
        leading_region(window)
        or find_zone(window, locale.country)
        or find_zone(text[max(0, before - 40) : before], locale.country)
        or find_zone(text, locale.country)
    )
    if zone:
        return zone, True
    return locale.zone, False


# Every date holds a digit, its first at most this far from where the date starts: a
# month word of at most 10 letters ("septiembre"), a "." and three blanks before the day.
_DIGIT_RE = re.compile(r"\d")
_MAX_LEAD = 14


def _next_date(text: str, pos: int) -> re.Match[str] | None:
    """_DATE_RE.search(text, pos), the text before its next digit skipped: no date
    starts there, and _DATE_RE is tried at every position."""
    digit = _DIGIT_RE.search(text, pos)
    if digit is None:
        return None
    return _DATE_RE.search(text, max(pos, digit.start() - _MAX_LEAD))


def find_datetimes(
    text: str, ref: date | None, default_tz: str, locale: Locale = Locale(), limit: int = 4
) -> list[Found]:
    """Dates with a clock time in prose, in order, at most `limit`. `ref` is the
    message date, used to infer a missing year."""
    text = text[:MAX_TEXT_CHARS]
    found: list[Found] = []
    pos = 0
    while m := _next_date(text, pos):
        pos = m.end()
        if m.group("mon1"):
            after = _MONTH_AT_RE.match(text, m.end("day1"))
            if m.group("mon1").lower() not in MONTHS or (
                after and after.group("word").lower() in MONTHS
            ):
                # Not a month ("Tuesday 8 December"), or a weekday that spells like
                # one ("mar. 8 déc."): the day may start a day-first date.
                pos = m.start("day1")
                continue
        elif m.group("mon2") and m.group("mon2").lower() not in MONTHS:
            pos = m.start("mon2")
            continue
        day = _date_of(m, text, ref, locale)
        if day is None:
            continue
        clock = _find_time(text[m.end() : m.end() + 60])
        zone_from = m.end() + clock[2] if clock else m.end()
        if not clock:
            clock = _find_time(text[max(0, m.start() - 40) : m.start()])
            if not clock:
                continue
        zone, explicit = _zone_near(text, zone_from, m.start(), locale)
        zone = zone or default_tz
        tz = ZoneInfo(zone)
        start = datetime.combine(day, clock[0], tz)
        end = datetime.combine(day, clock[1], tz) if clock[1] else None
        if end is not None and end <= start:
            end = None
        found.append(Found(start, end, zone, explicit, m.start(), zone_from))
        if len(found) >= limit:
            break
    return found


def find_datetime(
    text: str, ref: date | None, default_tz: str, locale: Locale = Locale()
) -> tuple[datetime, datetime | None, str, bool] | None:
    """First date with a clock time in prose: (start, end or None, IANA zone,
    zone_was_explicit)."""
    found = find_datetimes(text, ref, default_tz, locale, limit=1)
    if not found:
        return None
    first = found[0]
    return first.start, first.end, first.zone, first.explicit


def find_dates(
    text: str, ref: date | None, locale: Locale = Locale(), limit: int = 3
) -> list[date]:
    """Dates written in prose, with or without a clock time, in order (at most `limit`)."""
    found: list[date] = []
    for m in _DATE_RE.finditer(text[:MAX_TEXT_CHARS]):
        day = _date_of(m, text, ref, locale)
        if day is not None:
            found.append(day)
            if len(found) >= limit:
                break
    return found


def find_duration(text: str) -> timedelta | None:
    text = text[:MAX_TEXT_CHARS]
    if not _may_name_duration(text):
        return None
    m = _DURATION_RE.search(text)
    if not m:
        return None
    minutes = int(m.group(1)) if m.group(1) else int(m.group(2)) * 60
    return timedelta(minutes=minutes) if 10 <= minutes <= 480 else None
