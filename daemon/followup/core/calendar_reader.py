"""iCalendar (RFC 5545) text → the first calendar's components, read the way icalendar
7 reads them, for detect(). Pure.

Why our own reader: icalendar builds a dozen objects per content line (a third of
detect()'s time), while detect reads a few properties of one event. Here each line is
split once with str methods, only the first top-level component and its first
`MAX_EVENTS` VEVENTs keep their properties, and an event's TEXT values (and dates
without a zone) are decoded when asked.

What detect() reports must not change, so icalendar's verdicts are kept, quirks too:
  * a line or value icalendar rejects raises the same exception type (detect reports
    `broken calendar part: <type>`), except inside a VEVENT, where icalendar drops a
    bad line and keeps a bad value as "broken" (reading its time then raises
    `BrokenCalendarProperty`);
  * END closes whatever is open, whatever it names; a calendar whose first
    component never closes gives None ("broken calendar data");
  * str(), repr() and truth of a value are icalendar's (detect's str() of a list of
    values, as from two ORGANIZER lines, shows their reprs);
  * DATE, DATE-TIME, DURATION, TEXT, URI, CAL-ADDRESS, INTEGER and UNKNOWN values are
    decoded here; the long tail (RECUR, PERIOD, TIME, GEO, …, never read by detect)
    is handed to icalendar's own value types, so a calendar it rejected still fails.
Not kept: icalendar's process-wide memory of VTIMEZONEs and TZIDs it has seen (one
message's result could depend on earlier ones); detect cuts VTIMEZONEs out first.

Bounds: everything is one pass over the lines, each line read left to right once; the
nesting stack holds four fields per level; a component keeps at most `MAX_SAME`
properties of one name (detect reads the first, the first 500, or whether there are
several) and only `MAX_EVENTS` events keep any.
"""

from __future__ import annotations

import functools
import os
import re
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from typing import Final, Protocol, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.parser import Parameters
from icalendar.parser.property import split_on_unescaped_comma
from icalendar.prop import TypesFactory, vDDDTypes
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

__all__ = [
    "MAX_EVENTS",
    "MAX_SAME",
    "BrokenCalendarProperty",
    "Calendar",
    "Component",
    "InvalidCalendar",
    "Params",
    "Property",
    "read_calendar",
]

MAX_EVENTS: Final = 50  # detect weighs the first 50 VEVENTs, in icalendar's walk order
MAX_SAME: Final = 1_000  # properties of one name a component keeps

Params = dict[str, str | list[str]]


class InvalidCalendar(ValueError):
    """A DURATION icalendar cannot read (its own class name, which detect reports)."""


class BrokenCalendarProperty(ValueError):
    """The time of a value that did not parse was asked for (as icalendar raises)."""


# ------------------------------------------------------------------- content lines

_FOLD_RE = re.compile(r"\n[ \t]")
_SPECIAL_RE = re.compile(r'[:;"\\]')  # what ends a name or a parameter section
_TOKEN_RE = re.compile(r"[\w.-]+")  # a property or parameter name, whole
_BLANKS_RE = re.compile(r"[ \t]+")
_UNSAFE_RE = re.compile('[\x00-\x08\x0a-\x1f\x7f",:;]')  # in an unquoted parameter value
_QUNSAFE_RE = re.compile('[\x00-\x08\x0a-\x1f\x7f"]')  # in a quoted one
_RFC6868_RE = re.compile(r"\^\^|\^n|\^'")
_RFC6868 = {"^^": "^", "^n": os.linesep, "^'": '"'}
_BACKSLASH_RE = re.compile(r"\\([\\,;:nN])")
_BACKSLASH = {"\\": "\\", ",": ",", ";": ";", ":": ":", "n": "\n", "N": "\n"}
_OWS_BEFORE_RE = re.compile(r"(?<![ \t])[ \t]+([;=])")
_OWS_AFTER_RE = re.compile(r"([;=])[ \t]+")
# the pieces icalendar's blank-stripping loop tells apart: a quoted run, a backslash
# and the character it escapes, blanks, a delimiter, anything else
_OWS_PIECE_RE = re.compile(r'"[^"]*"?|\\[\s\S]?|[ \t]+|[;=]|[^"\\ \t;=]+')
_QUOTE_OR = {sep: re.compile(f'["{sep}]') for sep in ";=,:"}


def _unfold(text: str) -> str:
    """icalendar's unfolding: a run of line breaks (CRLF or LF) followed by a space or a
    tab goes, space included (its `(\\r?\\n)+[ \\t]`). Each `\\n[ \\t]` is found, then its
    run of breaks walked back, so every character is looked at a bounded number of times."""
    if "\n " not in text and "\n\t" not in text:
        return text
    kept: list[str] = []
    pos = 0
    for m in _FOLD_RE.finditer(text):
        start = m.start()  # the run's last "\n"
        while True:
            if start > pos and text[start - 1] == "\r":
                start -= 1
            if start > pos and text[start - 1] == "\n":
                start -= 1
                continue
            break
        kept.append(text[pos:start])
        pos = m.end()
    kept.append(text[pos:])
    return "".join(kept)


def _lines(text: str) -> list[str]:
    """Split on CRLF or LF (a lone CR stays in its line)."""
    lines = text.split("\n")
    if "\r" in text:
        last = lines.pop()
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        lines.append(last)
    return lines


def _unescape_text(value: str) -> str:
    r"""TEXT unescaping, one pass: `\n \N` → newline, `\, \; \: \\` → the character."""
    if "\\" not in value:
        return value
    return _BACKSLASH_RE.sub(lambda m: _BACKSLASH[m.group(1)], value)


def _split_points(line: str) -> tuple[int, int]:
    """(end of the name, the value's colon), -1 when absent: the first `:` or `;` and the
    first `:`, outside double quotes and not after a run of backslashes."""
    name_end = -1
    pos = 0
    size = len(line)
    while (m := _SPECIAL_RE.search(line, pos)) is not None:
        i = m.start()
        ch = line[i]
        if ch == ":":
            return (i if name_end < 0 else name_end), i
        if ch == ";":
            name_end = i if name_end < 0 else name_end
            pos = i + 1
        elif ch == '"':
            close = line.find('"', i + 1)
            if close < 0:
                break
            pos = close + 1
        else:  # a run of backslashes escapes the one character after it
            j = i + 1
            while j < size and line[j] == "\\":
                j += 1
            pos = j + 1
    return name_end, -1


def _content_line(line: str) -> tuple[str, Params, str]:
    """(upper-case name, parameters, raw value), or ValueError where icalendar's
    Contentline.parts() raises one."""
    colon = line.find(":")
    semi = line.find(";")
    if colon > 0 and (semi < 0 or colon < semi):  # no parameters (most lines)
        name = line[:colon]
        if name in _PLAIN_NAMES:  # so no quote or backslash before the colon either
            return name, {}, line[colon + 1 :]
    elif 0 < semi < colon - 1 and line[:semi] in _PLAIN_NAMES:
        section = line[semi + 1 : colon]
        if '"' not in section and "\\" not in section:  # so the first colon is the value's
            return line[:semi], _params(section), line[colon + 1 :]
    return _general_content_line(line)


def _general_content_line(line: str) -> tuple[str, Params, str]:
    """_content_line for names not written as a known one, and quoted parameters."""
    first = _SPECIAL_RE.search(line)
    if first is not None and first.group() == ":":  # no parameters (most lines)
        name_end = colon = first.start()
    else:
        name_end, colon = _split_points(line)
    if colon <= 0:
        colon = len(line)
    name = line[:name_end] if name_end > 0 else line
    if not _TOKEN_RE.fullmatch(name):
        name = _BLANKS_RE.sub("", name.strip())
        if not _TOKEN_RE.fullmatch(name):
            raise ValueError(f"invalid property name: {name[:40]!r}")
    if name_end <= 0 or name_end + 1 == colon:
        raise ValueError("invalid content line")
    params = _params(line[name_end + 1 : colon]) if colon > name_end else {}
    return name.upper(), params, line[colon + 1 :]


def _strip_blanks(st: str) -> str:
    """icalendar's lenient parsing: blanks around `;` and `=` outside quotes go."""
    if " " not in st and "\t" not in st:
        return st
    if '"' not in st and "\\" not in st:
        st = _OWS_BEFORE_RE.sub(r"\1", st)
        return _OWS_AFTER_RE.sub(r"\1", st).strip()
    out: list[str] = []
    pending = ""  # blanks not yet known to stand before a delimiter
    after_delimiter = False
    for piece in _OWS_PIECE_RE.findall(st):
        if piece[0] in " \t":
            pending += piece
        elif piece in (";", "="):
            pending = ""
            while out:  # blanks already written (escaped ones) before a delimiter go too
                kept = out[-1].rstrip(" \t")
                if kept == out[-1]:
                    break
                if kept:
                    out[-1] = kept
                    break
                out.pop()
            out.append(piece)
            after_delimiter = True
        else:
            if pending and not after_delimiter:
                out.append(pending)
            pending = ""
            out.append(piece)
            after_delimiter = False
    if pending and not after_delimiter:
        out.append(pending)
    return "".join(out).strip()


def _q_split(st: str, sep: str, maxsplit: int = -1) -> list[str]:
    """icalendar's q_split: split on `sep` outside double quotes ("" gives [])."""
    if not st:
        return []
    if '"' not in st:
        return st.split(sep, maxsplit)
    result: list[str] = []
    cursor = 0
    in_quotes = False
    for m in _QUOTE_OR[sep].finditer(st):
        if m.group() == '"':
            in_quotes = not in_quotes
        elif not in_quotes:
            result.append(st[cursor : m.start()])
            cursor = m.end()
            if len(result) == maxsplit:
                break
    result.append(st[cursor:])
    return result


def _rfc6868(value: str) -> str:
    if "^" not in value:
        return value
    return _RFC6868_RE.sub(lambda m: _RFC6868[m.group()], value)


def _unpercent(value: str) -> str:
    """Undo the %-marking of backslash escapes (icalendar's _unescape_string)."""
    if "%" not in value:
        return value
    return (
        value.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%3B", ";")
        .replace("%5C", "\\")
        .replace("%25", "%")
    )


# A parameter section with nothing to strip, unescape or reject (the common case):
# names, `=`, values quoted or not, blanks only inside a value (icalendar strips
# those next to `;` and `=`), no backslash, `%` or `^`
_PLAIN_CHAR = '[^"=\\\\%^ \t\x00-\x08\x0a-\x1f\x7f,:;]'
_PLAIN_VALUE = (
    f'(?:"[^"\\\\%^\x00-\x08\x0a-\x1f\x7f]*"|(?:{_PLAIN_CHAR}+(?:[ \\t]+{_PLAIN_CHAR}+)*)?)'
)
_PLAIN_PARAM = f"([\\w.-]+)=({_PLAIN_VALUE}(?:,{_PLAIN_VALUE})*)"
_PLAIN_PARAMS_RE = re.compile(f"{_PLAIN_PARAM}(?:;{_PLAIN_PARAM})*")
_PLAIN_PARAM_RE = re.compile(_PLAIN_PARAM)


def _plain_params(section: str) -> Params:
    """What _params gives a plain section (see _PLAIN_PARAMS_RE), with less work."""
    result: Params = {}
    if '"' not in section:  # then no `;` or `=` but the delimiters, no `,` but between values
        for param in section.split(";"):
            key, _, raw = param.partition("=")
            result[key.upper()] = raw.split(",") if "," in raw else raw
        return result
    for m in _PLAIN_PARAM_RE.finditer(section):
        raw = m.group(2)
        if '"' not in raw:
            values = raw.split(",") if raw else [""]
        else:
            values = [v[1:-1] if v[:1] == '"' else v for v in _q_split(raw, ",")]
        result[m.group(1).upper()] = values[0] if len(values) == 1 else values
    return result


def _params(section: str) -> Params:
    """A parameter section (between the name and the value's colon) as icalendar's
    Parameters.from_ical reads it: upper-case names, a value or a list of values."""
    if not section:
        return {}
    if _PLAIN_PARAMS_RE.fullmatch(section) and not section[-1].isspace():
        return _plain_params(section)
    return _general_params(section)


def _general_params(section: str) -> Params:
    """_params for a section with blanks to strip, escapes, or bad characters."""
    st = _strip_blanks(section)
    if "%" in st or "\\" in st:
        st = (
            st.replace("%", "%25")
            .replace("\\,", "%2C")
            .replace("\\:", "%3A")
            .replace("\\;", "%3B")
            .replace("\\\\", "%5C")
        )
    result: Params = {}
    for param in _q_split(st, ";"):
        pair = _q_split(param, "=", 1)
        if len(pair) != 2 or not _TOKEN_RE.fullmatch(pair[0]):
            raise ValueError(f"invalid parameter: {param[:40]!r}")
        key, raw = pair
        values = []
        for v in _q_split(raw, ","):
            if v.startswith('"') and v.endswith('"'):
                v = v.strip('"')
                if _QUNSAFE_RE.search(v):
                    raise ValueError(f"invalid parameter value: {v[:40]!r}")
            elif _UNSAFE_RE.search(v):
                raise ValueError(f"invalid parameter value: {v[:40]!r}")
            values.append(_unpercent(_rfc6868(v)))
        if not values:
            result[key.upper()] = _unpercent(raw)  # "" (q_split gives no value for "")
        else:
            result[key.upper()] = values[0] if len(values) == 1 else values
    return result


# --------------------------------------------------------------------------- zones

_UTC: Final = ZoneInfo("UTC")
# Zones found, kept alive: ZoneInfo caches a key's zone only while it is referenced (and
# its own strong cache holds 8), so without this a zone file is read again and again.
# Keyed by zone file (each key named one), so no larger than the zone database.
_LOADED: dict[str, ZoneInfo] = {}
_ZONE_DEPTH = 4  # components of the deepest zone file (right/America/Argentina/Salta)


def _zone(tzid: str) -> tzinfo | None:
    """The zone icalendar's tzp.timezone() gives a TZID: the name without its slashes, a
    Windows name's IANA zone, a `/vendor/…/Area/City` name's tail, the name as written.
    ZoneInfo's own errors other than "not found" and "not a valid key" (a directory, a
    name too long for the file system) propagate, as they do from icalendar.

    Names of more than four parts are skipped: no zone file lies that deep, so ZoneInfo
    could only say "not found" (trying each tail, as icalendar does, is quadratic), or,
    past some hundred parts, overflow the stack in importlib's package search (a
    RecursionError icalendar lets through, at a depth that depends on the caller)."""
    cleaned = tzid.strip("/")
    keys = [cleaned]
    if cleaned in WINDOWS_TO_OLSON:
        keys.append(WINDOWS_TO_OLSON[cleaned])
    if tzid.startswith("/"):
        parts = cleaned.rsplit("/", _ZONE_DEPTH)
        keys.extend("/".join(parts[start:]) for start in range(1, len(parts)))
    keys.append(tzid)
    for key in keys:
        if (" " in key and len(key) < 256) or key.count("/") >= _ZONE_DEPTH:
            continue  # no zone file has a space in its name or lies that deep
        zone = _LOADED.get(key)
        if zone is not None:
            return zone
        try:
            zone = ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        _LOADED[key] = zone
        return zone
    return None


# --------------------------------------------------------------------------- values

_DURATION_RE = re.compile(
    r"([-+]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z"
)


def _duration(value: str) -> timedelta:
    """icalendar's vDuration.from_ical (and its error types)."""
    match = _DURATION_RE.match(value)
    if not match:
        raise InvalidCalendar(f"Invalid iCalendar duration: {value[:40]}")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    try:
        result = timedelta(
            weeks=int(weeks or 0),
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=int(seconds or 0),
        )
    except OverflowError as exc:
        raise InvalidCalendar(f"Impractical iCalendar duration: {value[:40]}") from exc
    # negating the longest timedelta overflows, outside icalendar's try, as here
    return -result if sign == "-" else result


def _date(value: str) -> date:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise ValueError(f"Wrong date format {value[:40]}")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except Exception as exc:
        raise ValueError(f"Wrong date format {value[:40]}") from exc


def _datetime(value: str, tzid: str | None) -> datetime:
    """icalendar's vDatetime.from_ical: a known TZID wins over a trailing Z."""
    zone = _zone(tzid) if tzid is not None else None
    text = value.rpartition(":")[2]
    if len(text) < 15 or text[8] != "T":
        raise ValueError(f"Wrong datetime format: {value[:40]}")
    try:
        naive = datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
        )
        if zone is not None:
            return naive.replace(tzinfo=zone)
        if not text[15:]:
            return naive
        if text[15:] == "Z":
            return naive.replace(tzinfo=_UTC)
    except Exception as exc:
        raise ValueError(f"Wrong datetime format: {value[:40]}") from exc
    raise ValueError(f"Wrong datetime format: {value[:40]}")


_icalendar_date_or_time: Final = cast(Callable[..., object], vDDDTypes.from_ical)


def _date_or_time(value: str, tzid: str | list[str] | None) -> object:
    """icalendar's vDDDTypes.from_ical: DURATION, DATE-TIME or DATE by the value's shape.
    A PERIOD, a TIME or a TZID given twice goes to icalendar's own code."""
    if isinstance(tzid, list):
        return _icalendar_date_or_time(value, tzid)
    upper = value.upper()
    if upper.startswith(("P", "-P", "+P")):
        return _duration(value)
    if "/" in upper or len(value) in (6, 7):
        return _icalendar_date_or_time(value, tzid)
    if len(value) in (15, 16):
        return _datetime(value, tzid)
    if len(value) == 8:
        zone = _zone(tzid) if tzid else None
        if zone is not None:
            day = _date(value)
            return datetime(day.year, day.month, day.day, tzinfo=zone)
        return _date(value)
    raise ValueError(f"Expected datetime, date, or time. Got: '{value[:40]}'")


class _ValueType(Protocol):
    """icalendar's value classes as used here."""

    __name__: str
    from_ical: Callable[..., object]

    def __call__(self, value: object, /) -> object: ...


_TYPES: Final = TypesFactory.instance()
_TYPE_NAMES: Final = frozenset(k.upper() for k in _TYPES)
_DEFAULT_TYPES: Final = {
    **{k.upper(): str(v).upper() for k, v in TypesFactory.types_map.items()},
    "RDATE": "DATE-TIME-LIST",  # whatever VALUE says
    "EXDATE": "DATE-TIME-LIST",
}
# Names as producers write them (upper case, no character that ends a name): a line
# that starts with one and a colon or a semicolon is split without a scan for quotes.
_PLAIN_NAMES: Final = frozenset(
    name
    for name in (
        *_DEFAULT_TYPES,
        *("BEGIN", "END", "X-GOOGLE-CONFERENCE", "X-MOZ-GENERATION", "X-LIC-LOCATION"),
        *("X-WR-CALNAME", "X-WR-TIMEZONE", "X-WR-RELCALID", "X-MS-OLK-CONFTYPE"),
        *("X-MICROSOFT-CDO-APPT-SEQUENCE", "X-MICROSOFT-CDO-OWNERAPPTID"),
        *("X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INTENDEDSTATUS"),
        *("X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-CDO-IMPORTANCE"),
        *("X-MICROSOFT-CDO-INSTTYPE", "X-MICROSOFT-DONOTFORWARDMEETING"),
        *("X-MICROSOFT-DISALLOW-COUNTER", "X-MICROSOFT-SKYPETEAMSMEETINGURL"),
        *("X-MICROSOFT-LOCATIONS", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR"),
    )
    if _TOKEN_RE.fullmatch(name) and name.isascii() and name == name.upper()
)
# value types decoded here (a kind each); others are icalendar's (kind "icalendar")
_KINDS: Final = {
    "TEXT": "text",
    "UNKNOWN": "unknown",
    "URI": "uri",
    "CAL-ADDRESS": "cal-address",
    "INTEGER": "integer",
    "DATE": "time",
    "DATE-TIME": "time",
    "DURATION": "time",
}
_CLASS_NAMES: Final = {
    "text": "vText",
    "unknown": "vUnknown",
    "uri": "vUri",
    "cal-address": "vCalAddress",
    "integer": "vInt",
    "time": "vDDDTypes",
}
_STR_KINDS: Final = frozenset(("text", "unknown", "uri", "cal-address"))
_LAZY: Final = _STR_KINDS | {"integer"}
_DATETIME_NAMES: Final = frozenset(("DTSTART", "DTEND", "RECURRENCE-ID", "DUE", "RDATE", "EXDATE"))
# the value type and kind of a property without VALUE=, by name
_DEFAULT_KINDS: Final = {n: (t, _KINDS.get(t, "icalendar")) for n, t in _DEFAULT_TYPES.items()}
_UNKNOWN_KIND: Final = ("UNKNOWN", "unknown")
_INT_RANGE: Final = range(-2147483648, 2147483648)


def _value_type_name(name: str, params: Params) -> str:
    """The value type icalendar's TypesFactory.for_property picks: VALUE= when it names
    a type, else the property's default."""
    if "VALUE" not in params:
        return _DEFAULT_TYPES.get(name, "UNKNOWN")
    value = params["VALUE"]
    if isinstance(value, list):  # icalendar calls .upper() on the list, for any name
        raise AttributeError("'list' object has no attribute 'upper'")
    if name in ("RDATE", "EXDATE"):
        return "DATE-TIME-LIST"
    if value and value.upper() in _TYPE_NAMES:
        return value.upper()
    return _DEFAULT_TYPES.get(name, "UNKNOWN")


def _icalendar_class(type_name: str) -> _ValueType:
    return cast(_ValueType, _TYPES[type_name])


class _Broken:
    """A value its type could not parse: icalendar keeps it as text ("vBroken")."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


_UNDECODED: Final = object()


def _decode(
    kind: str, type_name: str, value: str, tzid: str | list[str] | None, params: Params
) -> object:
    """The value as icalendar's type parses it, or _Broken where it raises ValueError or
    TypeError (its other errors propagate, as from icalendar)."""
    try:
        if kind == "icalendar":
            cls = _icalendar_class(type_name)
            parsed = cls.from_ical(value, tzid) if tzid else cls.from_ical(value)
        elif tzid and kind != "time":
            raise TypeError("from_ical() takes no time zone")
        elif kind in ("text", "unknown"):
            return value
        elif kind in ("uri", "cal-address"):
            if "\r" in value or "\n" in value:
                raise ValueError("a line break in a URI or CAL-ADDRESS")
            return value
        elif kind == "integer":
            try:
                number = int(value)
            except Exception as exc:
                raise ValueError(f"Expected int, got: {value[:40]}") from exc
            if number not in _INT_RANGE:
                raise ValueError(f"Integer {number} is outside the RFC 5545 range")
            return number
        else:
            return _date_or_time(value, tzid or None)
    except (ValueError, TypeError) as exc:
        return _Broken(exc)
    return _icalendar_instance(cls, parsed, params)


def _icalendar_instance(cls: _ValueType, parsed: object, params: Params | None) -> object:
    instance = cls(parsed)  # outside the try, as in icalendar: its errors propagate
    if params is not None:
        instance.params = Parameters(params)  # type: ignore[attr-defined]
    return instance


def _escape_text(text: str) -> str:
    """icalendar's TEXT escaping, for the repr of a TEXT value."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


class Property:
    """One property: its parameters (`params`), and its value decoded on first use, read
    as icalendar's value object would be: str(), repr(), truth, and `time()` for `.dt`."""

    __slots__ = (
        "_decoded",
        "_escaped",
        "_kind",
        "_text",
        "_tzid",
        "_type_name",
        "name",
        "params",
    )

    def __init__(
        self,
        name: str,
        params: Params,
        kind: str,
        type_name: str,
        text: str,
        escaped: bool,
        tzid: str | list[str] | None,
        decoded: object = _UNDECODED,
    ) -> None:
        self.name = name
        self.params = params
        self._kind = kind
        self._type_name = type_name
        self._text = text
        self._escaped = escaped  # `_text` is as written, to be TEXT-unescaped when read
        self._tzid = tzid
        self._decoded = decoded

    @property
    def _value(self) -> str:
        """The value as icalendar hands it to its type (TEXT-unescaped but for UNKNOWN)."""
        if self._escaped:
            self._text = _unescape_text(self._text)
            self._escaped = False
        return self._text

    def _get(self) -> object:
        if self._decoded is _UNDECODED:
            self._decoded = _decode(
                self._kind, self._type_name, self._value, self._tzid, self.params
            )
        return self._decoded

    def _icalendar(self) -> object:
        """The icalendar object this value was (for the str and repr of rarer types)."""
        decoded = self._get()
        if self._kind == "time":
            return _icalendar_instance(cast(_ValueType, vDDDTypes), decoded, self.params)
        return decoded

    def is_text(self) -> bool:
        """Whether icalendar's value is a str (TEXT-like, or kept as text when broken)."""
        decoded = self._get()
        if self._kind in _STR_KINDS or isinstance(decoded, _Broken):
            return True
        return self._kind == "icalendar" and isinstance(decoded, str)

    def time(self) -> object | None:
        """icalendar's `.dt`: a date, datetime, timedelta (or TIME, PERIOD) value, None
        for a type without one; BrokenCalendarProperty if the value did not parse."""
        decoded = self._get()
        if isinstance(decoded, _Broken):
            raise BrokenCalendarProperty(f"{self.name}: {decoded.error}") from decoded.error
        if self._kind == "time":
            return decoded
        if self._kind == "icalendar":
            return cast(object, getattr(decoded, "dt", None))
        return None

    def __str__(self) -> str:
        decoded = self._get()
        if isinstance(decoded, _Broken) or self._kind in _STR_KINDS:
            return self._value
        if self._kind == "integer":
            return str(decoded)
        return str(self._icalendar())

    def __repr__(self) -> str:
        decoded = self._get()
        value = self._value
        if isinstance(decoded, _Broken):
            expected = _CLASS_NAMES.get(self._kind) or _icalendar_class(self._type_name).__name__
            return f"vBroken({value!r}, expected_type={expected!r}, property_name={self.name!r})"
        if self._kind == "text":
            return f"vText({_escape_text(value).encode()!r})"
        if self._kind == "unknown":
            return f"vUnknown({value.encode()!r})"
        if self._kind == "uri":
            return f"vUri({value!r})"
        if self._kind == "cal-address":
            return f"vCalAddress('{value}')"
        if self._kind == "integer":
            return repr(decoded)
        return repr(self._icalendar())

    def __bool__(self) -> bool:
        decoded = self._get()
        if isinstance(decoded, _Broken) or self._kind in _STR_KINDS:
            return bool(self._value)
        if self._kind == "integer":
            return decoded != 0
        return self._kind == "time" or bool(decoded)


# ----------------------------------------------------------------------- components


class Component:
    """A component's name and properties (subcomponents are not kept)."""

    __slots__ = ("_props", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._props: dict[str, list[Property]] = {}

    def add(self, prop: Property) -> None:
        same = self._props.get(prop.name)
        if same is None:
            self._props[prop.name] = [prop]
        elif len(same) < MAX_SAME:
            same.append(prop)

    def get(self, name: str) -> Property | list[Property] | None:
        """As icalendar's Component.get: the property, a list if given several times."""
        same = self._props.get(name.upper())
        if not same:
            return None
        return same[0] if len(same) == 1 else list(same)

    def __contains__(self, name: str) -> bool:
        return name.upper() in self._props


class Calendar:
    """The first top-level component and its first VEVENTs in document order (icalendar's
    walk order: a component before what it contains)."""

    __slots__ = ("events", "top")

    def __init__(self, top: Component, events: tuple[Component, ...]) -> None:
        self.top = top
        self.events = events


class _Open:
    """A component being read: whether bad lines are forgiven (only in a VEVENT, as in
    icalendar), where its properties go (None: read, checked, not kept), and its TZIDs
    (see _end_timezone)."""

    __slots__ = ("forgiving", "keep", "name", "tzids")

    def __init__(self, name: str, keep: Component | None) -> None:
        self.name = name
        self.forgiving = name == "VEVENT"
        self.keep = keep
        self.tzids: list[Property] = []


@functools.cache
def _zone_keys() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _resolves(tzid: str) -> bool:
    """Whether a TZID names a zone: icalendar remembers each it resolved, and a daemon
    that has read a few invites has resolved every such name it meets."""
    try:
        return _zone(tzid) is not None
    except Exception:
        return False  # ZoneInfo's own errors: never remembered


def _end_timezone(closing: _Open) -> None:
    """END:VTIMEZONE makes icalendar remember the closed component's zone: whatever END
    closes, if it has a TZID that names no zone. A component other than a VTIMEZONE then
    has no `to_tz`, and a TZID given twice or not as text no `strip` (AttributeError).
    (A real VTIMEZONE is only met here when detect's cut missed it: its zone, cached by
    icalendar for later messages too, is not computed.)"""
    if not closing.tzids:
        return
    if len(closing.tzids) > 1:
        raise AttributeError("'list' object has no attribute 'strip'")
    tzid = closing.tzids[0]
    if not tzid.is_text():
        raise AttributeError("the TZID value has no attribute 'strip'")
    text = str(tzid)
    if text.strip("/") in _zone_keys() or text in _zone_keys() or _resolves(text):
        return
    if closing.name != "VTIMEZONE":
        raise AttributeError(f"{closing.name!r} object has no attribute 'to_tz'")


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", "replace")


def read_calendar(data: bytes) -> Calendar | None:
    """The first top-level component of iCalendar data, None if it never closes.
    Raises what icalendar's Calendar.from_ical(data, multiple=True) raises."""
    lines = _lines(_unfold(_text(data)))
    stack: list[_Open] = []
    top: Component | None = None
    events: list[Component] = []
    closed = False  # the first top-level component has ended: nothing more is kept
    for line in lines:
        if not line:
            continue
        current = stack[-1] if stack else None
        try:
            name, params, raw = _content_line(line)
        except ValueError:
            if current is None or not current.forgiving:
                raise
            continue
        if name == "BEGIN":
            kind = _unescape_text(raw).upper()
            is_event = kind == "VEVENT" and not closed and len(events) < MAX_EVENTS
            keep = Component(kind) if is_event or top is None else None  # the first, or an event
            if top is None:
                top = keep
            if is_event and keep is not None:
                events.append(keep)
            stack.append(_Open(kind, keep))
        elif name == "END":
            if not stack:
                raise ValueError("END encountered without an accompanying BEGIN!")
            closing = stack.pop()
            closed = closed or not stack
            if closing.tzids and _unescape_text(raw).upper() == "VTIMEZONE":
                _end_timezone(closing)
        elif current is None:
            if name != "X-COMMENT":  # the one property icalendar lets stand outside
                raise ValueError(f'Property "{name}" does not have a parent component.')
        elif name in _READ_APART:
            _read_property(current, name, params, raw, line)
        else:
            tzid = params.get("TZID") if params and name in _DATETIME_NAMES else None
            _read_value(current, name, params, raw, True, tzid)
    if not closed or top is None:
        return None
    return Calendar(top, tuple(events))


_READ_APART: Final = frozenset(("RDATE", "CATEGORIES", "FREEBUSY"))  # read by _read_property


def _read_property(into: _Open, name: str, params: Params, raw: str, line: str) -> None:
    """Check a property as icalendar's parser does; keep it if `into` keeps properties
    (read_calendar reads those not in _READ_APART as this does, with _read_value)."""
    tzid = params.get("TZID") if params and name in _DATETIME_NAMES else None
    if name == "RDATE" and raw == "":
        return  # icalendar drops an empty RDATE
    if name == "CATEGORIES" and _categories(into, params, line):
        return
    if name in ("CATEGORIES", "FREEBUSY"):  # icalendar unescapes these, even as UNKNOWN
        value = _unescape_text(raw)
        for one in value.split(",") if name == "FREEBUSY" else [value]:
            _read_value(into, name, params, one, False, tzid)
        return
    _read_value(into, name, params, raw, True, tzid)


def _read_value(
    into: _Open,
    name: str,
    params: Params,
    text: str,
    escaped: bool,
    tzid: str | list[str] | None,
) -> None:
    """One value: decoded now where icalendar's verdict could raise, else when read.
    `escaped`: `text` is as written, to be TEXT-unescaped unless its type is UNKNOWN."""
    if "VALUE" in params:
        type_name = _value_type_name(name, params)
        kind = _KINDS.get(type_name, "icalendar")
    else:
        type_name, kind = _DEFAULT_KINDS.get(name, _UNKNOWN_KIND)
    escaped = escaped and kind != "unknown"
    keep = into.keep is not None or name == "TZID"
    if into.forgiving and (kind in _LAZY or (kind == "time" and not tzid and _plain_time(text))):
        if keep:
            _keep(into, Property(name, params, kind, type_name, text, escaped, tzid))
        return
    value = _unescape_text(text) if escaped else text
    decoded = _decode(kind, type_name, value, tzid, params)
    if isinstance(decoded, _Broken) and not into.forgiving and name[:2] != "X-":
        raise decoded.error
    if keep:
        _keep(into, Property(name, params, kind, type_name, value, False, tzid, decoded))


def _plain_time(text: str) -> bool:
    """A DATE or DATE-TIME without a zone, by its shape: decoding it can only give a
    value or raise ValueError (kept as broken), so it can wait until it is read."""
    return len(text) in (8, 15, 16) and text[:1].isdigit() and "/" not in text and "\\" not in text


def _keep(into: _Open, prop: Property) -> None:
    if into.keep is not None:
        into.keep.add(prop)
    if prop.name == "TZID" and len(into.tzids) < 2:  # one, or several
        into.tzids.append(prop)


def _value_colon(line: str) -> int:
    """The first colon outside double quotes (icalendar's CATEGORIES split, which
    ignores backslashes), or -1."""
    in_quotes = False
    for m in _QUOTE_OR[":"].finditer(line):
        if m.group() == '"':
            in_quotes = not in_quotes
        elif not in_quotes:
            return m.start()
    return -1


def _categories(into: _Open, params: Params, line: str) -> bool:
    """icalendar reads CATEGORIES from the line as written, split on unescaped commas;
    False when it falls back to the common path (no colon outside quotes)."""
    colon = _value_colon(line)
    if colon <= 0:
        return False
    raw = line[colon + 1 :]
    decoded: object
    try:
        type_name = _value_type_name("CATEGORIES", params)
        items = split_on_unescaped_comma(raw)
        decoded = _icalendar_instance(_icalendar_class(type_name), items, params)
    except ValueError as exc:
        if not into.forgiving:
            raise
        decoded = _Broken(exc)
    if into.keep is not None:
        into.keep.add(
            Property("CATEGORIES", params, "icalendar", type_name, raw, False, None, decoded)
        )
    return True
