"""calendar_reader on its own: content lines (folding, quoting, escapes), each value
type as icalendar decodes it, the structure icalendar builds, and the bounds."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.content_line import Contentline

from followup.core.calendar_reader import _PLAIN_PARAMS_RE as PLAIN_PARAMS_RE
from followup.core.calendar_reader import (
    MAX_EVENTS,
    MAX_SAME,
    BrokenCalendarProperty,
    Calendar,
    Component,
    InvalidCalendar,
    Property,
    read_calendar,
)
from followup.core.calendar_reader import _content_line as content_line
from followup.core.calendar_reader import _general_content_line as general_content_line
from followup.core.calendar_reader import _general_params as general_params
from followup.core.calendar_reader import _plain_params as plain_params

BOUND = 1.0  # seconds for a hostile calendar: a bound on super-linear work, not a benchmark


def _calendar(*event_lines: str, outside: tuple[str, ...] = ()) -> bytes:
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Test//EN", "METHOD:REQUEST", *outside]
    lines += ["BEGIN:VEVENT", *event_lines, "END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()


def _read(data: bytes) -> Calendar:
    cal = read_calendar(data)
    assert cal is not None
    return cal


def _event(*lines: str) -> Component:
    return _read(_calendar(*lines)).events[0]


def _one(ev: Component, name: str) -> Property:
    prop = ev.get(name)
    assert isinstance(prop, Property), prop
    return prop


# ------------------------------------------------------------------- content lines


@pytest.mark.parametrize(
    ("data", "summary"),
    [
        (b"SUMMARY:Phone\r\n  screen", "Phone screen"),  # CRLF + space: the space goes
        (b"SUMMARY:Phone\n\tscreen", "Phonescreen"),  # bare LF + tab
        (b"SUMMARY:Pho\r\n ne\r\n  screen", "Phone screen"),  # folded twice
        (b"SUMMARY:Phone\r\n\r\n  screen", "Phone screen"),  # blank lines inside a fold go too
        (b"SUMMARY:Phone\rscreen", "Phone\rscreen"),  # a lone CR is no line break
    ],
)
def test_folded_lines_are_joined(data: bytes, summary: str) -> None:
    cal = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + data + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    assert str(_one(_read(cal).events[0], "SUMMARY")) == summary


@pytest.mark.parametrize(
    ("line", "name", "params", "value"),
    [
        ("SUMMARY:Interview", "SUMMARY", {}, "Interview"),
        ("summary:a:b", "SUMMARY", {}, "a:b"),  # the first colon ends the name
        (
            'ATTENDEE;CN="Doe, Jane: Recruiting; EU";ROLE=CHAIR:mailto:jane@x.com',
            "ATTENDEE",
            {"CN": "Doe, Jane: Recruiting; EU", "ROLE": "CHAIR"},
            "mailto:jane@x.com",
        ),
        ('X;MEMBER=a,b,"c,d":v', "X", {"MEMBER": ["a", "b", "c,d"]}, "v"),  # several values
        ("X;CN=Sam Seeker;ROLE = CHAIR :v", "X", {"CN": "Sam Seeker", "ROLE": "CHAIR"}, "v"),
        ("X;cn=a;CN=b:v", "X", {"CN": "b"}, "v"),  # names are caseless, the last wins
        ("X;CN=:v", "X", {"CN": ""}, "v"),
        ("X;A=1\\:2:v", "X", {"A": "1:2"}, "v"),  # an escaped colon is no separator
        ("X;A=100%2C:v", "X", {"A": "100%2C"}, "v"),  # %-sequences stay as written
        ("X;CN=^'Sam^' ^^ ^x:v", "X", {"CN": '"Sam" ^ ^x'}, "v"),  # RFC 6868
        ("X;CN=a^nb:v", "X", {"CN": "a\nb"}, "v"),
        ("D E S C R I P T I O N:x", "DESCRIPTION", {}, "x"),  # blanks in a name go
        ("X-A.B_c:v", "X-A.B_C", {}, "v"),
        ("X;A=b", "X", {"A": "b"}, ""),  # no colon: an empty value
    ],
)
def test_content_lines_are_split_as_icalendar_does(
    line: str, name: str, params: dict[str, object], value: str
) -> None:
    assert content_line(line) == (name, params, value)


@pytest.mark.parametrize(
    "line",
    [
        "no colon",
        ":value",
        ";A=b:value",
        "X;:value",  # an empty parameter section
        "X;A:value",  # a parameter without "="
        "X;A=b;:value",
        'X;A="b:value',  # an unclosed quote swallows the colon
        'X;A=b"c:value',
        "X;A=b\x01:value",  # a control character
        "X;A B=c:value",
        "X(1):value",
    ],
)
def test_bad_content_lines_raise_value_error(line: str) -> None:
    with pytest.raises(ValueError):
        content_line(line)


PARITY_LINES = [
    'ATTENDEE;CN="Doe, Jane";EMAIL=jane@x.com:mailto:relay@imip.me.com',
    "X;A=\\ ;B=c:v",
    'X;A= "q" ;B=c:v',
    "X;A=b \u3000:v",
    "X;A=b\\\\:c:v",
    'X;A=\\"b:c:v',
    "X\\;Y:v",
    "X;A=b= c:v",
    'X;A="a"b":v',
    'X;A=""":v',
    "X;A=%5C\\,:v",
    "X;A=^^n:v",
    "  X ;A=b:v",
]


@pytest.mark.parametrize("line", PARITY_LINES)
def test_content_lines_match_icalendar_on_its_odd_cases(line: str) -> None:
    try:
        name, params, value = Contentline(line).parts()
        expected: object = (name.upper(), dict(params), value)
    except ValueError:
        expected = ValueError
    try:
        name, got_params, raw = content_line(line)
        got: object = (
            name,
            got_params,
            str(Property(name, got_params, "text", "TEXT", raw, True, None)),
        )
    except ValueError:
        got = ValueError
    assert got == expected


# -------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("written", "text"),
    [
        ("a\\nb\\Nc", "a\nb\nc"),
        ("a\\, b\\; c\\: d", "a, b; c: d"),
        ("C:\\\\new", "C:\\new"),  # an escaped backslash, then a plain "n"
        ("50\\%", "50\\%"),  # an unknown escape stays
    ],
)
def test_text_is_unescaped(written: str, text: str) -> None:
    assert str(_one(_event(f"DESCRIPTION:{written}"), "DESCRIPTION")) == text


def test_unknown_values_are_kept_as_written() -> None:
    ev = _event("X-GOOGLE-CONFERENCE:https://meet.google.com/a\\,b", "URL:https://x.com/a\\,b")
    assert str(_one(ev, "X-GOOGLE-CONFERENCE")) == "https://meet.google.com/a\\,b"
    assert str(_one(ev, "URL")) == "https://x.com/a,b"  # a URI is unescaped like TEXT


NY = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")  # a ZoneInfo, not datetime.timezone.utc: detect tells them apart


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("DTSTART:20261203T090000", datetime(2026, 12, 3, 9, 0)),  # floating
        ("DTSTART:20261203T090000Z", datetime(2026, 12, 3, 9, 0, tzinfo=UTC)),
        ("DTSTART;TZID=America/New_York:20261203T090000", datetime(2026, 12, 3, 9, tzinfo=NY)),
        ("DTSTART;TZID=Eastern Standard Time:20261203T090000", datetime(2026, 12, 3, 9, tzinfo=NY)),
        (
            "DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20261203T090000",
            datetime(2026, 12, 3, 9, tzinfo=NY),
        ),
        ('DTSTART;TZID="America/New_York":20261203T090000', datetime(2026, 12, 3, 9, tzinfo=NY)),
        ("DTSTART;TZID=America/New_York:20261203T090000Z", datetime(2026, 12, 3, 9, tzinfo=NY)),
        ("DTSTART;TZID=Customized Time Zone:20261203T090000", datetime(2026, 12, 3, 9, 0)),
        (
            "DTSTART;TZID=Customized Time Zone:20261203T090000Z",
            datetime(2026, 12, 3, 9, tzinfo=UTC),
        ),
        ("DTSTART;VALUE=DATE:20261203", date(2026, 12, 3)),
        ("DTSTART:20261203", date(2026, 12, 3)),  # the shape decides, not VALUE=
        ("DTSTART;TZID=America/New_York;VALUE=DATE:20261203", datetime(2026, 12, 3, tzinfo=NY)),
        ("DTSTART;TZID=Nowhere;VALUE=DATE:20261203", date(2026, 12, 3)),
        ("DURATION:PT1H30M", timedelta(hours=1, minutes=30)),
        ("DURATION:-P1D", timedelta(days=-1)),
        ("DURATION:P2W", timedelta(weeks=2)),
        ("DTSTART;VALUE=TEXT:20261203T090000", None),  # a TEXT value has no time
    ],
)
def test_dates_and_durations_are_decoded_as_icalendar_does(line: str, value: object) -> None:
    name = line.split(";")[0].split(":")[0]
    got = _one(_event(line), name).time()
    assert got == value
    assert type(got) is type(value)
    if isinstance(value, datetime):
        assert isinstance(got, datetime) and got.tzinfo is value.tzinfo


def test_the_tzid_parameter_stays_as_written() -> None:
    prop = _one(_event('DTSTART;TZID="(UTC-05:00) Eastern":20261203T090000'), "DTSTART")
    assert prop.params["TZID"] == "(UTC-05:00) Eastern"


@pytest.mark.parametrize(
    "line",
    [
        "DTSTART:20261303T090000",  # month 13
        "DTSTART:20261232",  # day 32 (read when asked, as every DATE without a zone)
        "DTEND:20261203T250000Z",
        "DTSTART:2026120３",  # a digit, but not an ASCII one
        "DTSTART:2026-12-03T09:00",
        "DTSTART:20261203T0900",
        "DTSTART:20261203T090000X",
        "DTSTART:tomorrow",
        "DURATION:1 hour",
        "DURATION:p1d",  # lower case
    ],
)
def test_a_bad_time_in_an_event_is_kept_and_broken(line: str) -> None:
    name = line.split(":")[0]
    prop = _one(_event(line, "SUMMARY:kept"), name)  # the event itself is read
    with pytest.raises(BrokenCalendarProperty):
        prop.time()


def test_integers_text_and_truth() -> None:
    ev = _event("SEQUENCE:+07", "SUMMARY:", "X-A;VALUE=INTEGER:0", "X-B;VALUE=INTEGER:x")
    assert str(_one(ev, "SEQUENCE")) == "7"
    assert not _one(ev, "SUMMARY") and not _one(ev, "X-A")  # as icalendar's "" and 0
    assert str(_one(ev, "X-B")) == "x"  # an INTEGER that is none: its text


def test_several_properties_of_a_name_come_as_a_list_with_icalendar_reprs() -> None:
    ev = _event("ORGANIZER:mailto:a@x.com", "ORGANIZER;CN=B:mailto:b@y.com", "SUMMARY:a,b")
    organizers = ev.get("ORGANIZER")
    assert isinstance(organizers, list) and organizers[1].params == {"CN": "B"}
    assert str(organizers) == "[vCalAddress('mailto:a@x.com'), vCalAddress('mailto:b@y.com')]"
    assert repr(_one(ev, "SUMMARY")) == "vText(b'a\\\\,b')"


# ----------------------------------------------------------------------- structure


def test_events_come_in_document_order_and_only_the_first_calendar_counts() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nBEGIN:VEVENT\r\nUID:2\r\nEND:VEVENT\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    cal = _read(data)
    assert [str(_one(e, "UID")) for e in cal.events] == ["1", "2", "3"]
    assert str(cal.top.get("METHOD")) == "REQUEST"
    assert "UID" not in cal.top  # an event's properties stay in the event


def test_end_closes_whatever_is_open() -> None:
    data = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VCALENDAR\r\nEND:VTODO\r\n"
    assert [str(_one(e, "UID")) for e in _read(data).events] == ["1"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"END:VCALENDAR\r\n", ValueError),
        (_calendar(outside=("X-BAD",)), ValueError),  # a bad line outside an event
        (_calendar("BEGIN:VALARM", "TRIGGER:-PT15", "END:VALARM"), InvalidCalendar),
        (_calendar("BEGIN:VALARM", "TRIGGER:-15 minutes", "END:VALARM"), ValueError),
        (_calendar("BEGIN:VALARM", "REPEAT:often", "END:VALARM"), ValueError),
        (_calendar("SUMMARY;VALUE=TEXT,URI:x"), AttributeError),  # VALUE given twice
        (_calendar("DTSTART;TZID=America:20261203T090000"), IsADirectoryError),  # ZoneInfo's
        (_calendar() + b"SUMMARY:after the end\r\n", ValueError),
    ],
)
def test_what_icalendar_rejects_raises_its_exception_type(data: bytes, error: type) -> None:
    with pytest.raises(error) as caught:
        read_calendar(data)
    assert type(caught.value).__name__ == error.__name__  # detect reports the name


def test_a_bad_line_in_an_event_is_dropped() -> None:
    ev = _event('ATTENDEE;CN="Unclosed:mailto:a@x.com', "ATTENDEE:mailto:b@x.com", "X-BAD")
    assert str(_one(ev, "ATTENDEE")) == "mailto:b@x.com"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\n",  # never closed
        b"X-COMMENT:only a comment\r\n",
    ],
)
def test_no_closed_component_is_no_calendar(data: bytes) -> None:
    assert read_calendar(data) is None


def test_an_empty_rdate_is_no_recurrence() -> None:
    ev = _event("RDATE:", "RRULE:FREQ=WEEKLY")
    assert "RDATE" not in ev and "RRULE" in ev


# -------------------------------------------------------------------------- bounds


def _timed(data: bytes) -> tuple[Calendar | None, float]:
    start = time.process_time()
    cal = read_calendar(data)
    return cal, time.process_time() - start


def test_100000_lines_are_read_in_linear_time() -> None:
    lines = "".join(f"X-L;A=b:{i}\r\n" for i in range(100_000))  # 1.3 MB
    cal, seconds = _timed(_calendar(outside=(lines.rstrip(),)))
    assert cal is not None and seconds < BOUND


def test_10000_nested_events_keep_the_first_ones() -> None:
    data = b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nUID:x\r\n" * 10_000
    data += b"END:VEVENT\r\n" * 10_000 + b"END:VCALENDAR\r\n"
    cal, seconds = _timed(data)
    assert cal is not None and len(cal.events) == MAX_EVENTS and seconds < BOUND


def test_10000_unclosed_begins_are_no_calendar() -> None:
    cal, seconds = _timed(b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VALARM\r\n" * 10_000)
    assert cal is None and seconds < BOUND


@pytest.mark.parametrize(
    "line",
    [
        "X;" + ";".join(f"P{i}=v" for i in range(100_000)) + ":v",  # many parameters
        "X;" + ";".join(f'P{i}="a, b"' for i in range(50_000)) + ":v",
        "X;A=" + "\\" * 500_000 + ":v",  # a run of backslashes
        "X;A=" + '"' * 500_001 + ":v",  # quotes that never close
        "X;A=" + " ; " * 200_000 + ":v",  # blanks around delimiters
        "X;A=" + "b " * 250_000 + ":v",  # a plain-looking section failing at its end
        "X;A=" + '"b",' * 200_000 + "c d:v",
        "DTSTART;TZID=/" + "a/" * 100_000 + "America/New_York:20261203T090000",
    ],
)
def test_hostile_lines_stay_linear(line: str) -> None:
    start = time.process_time()
    with contextlib.suppress(ValueError, OSError):  # rejected: only the time matters here
        read_calendar(_calendar(line))
    assert time.process_time() - start < BOUND


def test_a_run_of_line_breaks_unfolds_in_linear_time() -> None:
    cal, seconds = _timed(_calendar("SUMMARY:a" + "\r\n" * 500_000 + " b"))
    assert cal is not None and str(_one(cal.events[0], "SUMMARY")) == "ab"
    assert seconds < BOUND


def test_a_component_keeps_a_bounded_number_of_one_property() -> None:
    ev = _event(*(f"ATTENDEE:mailto:p{i}@x.com" for i in range(MAX_SAME + 500)))
    attendees = ev.get("ATTENDEE")
    assert isinstance(attendees, list) and len(attendees) == MAX_SAME
    assert str(attendees[0]) == "mailto:p0@x.com"


# ------------------------------------------------------------- fast paths agree

_NAMES = ("ATTENDEE", "DTSTART", "BEGIN", "X-GOOGLE-CONFERENCE", "Summary", "X Y", "", "X\\")
_PARAMS = (
    *("CN=Jane Doe", "TZID=America/Chicago", "A=b,c", "A=", 'CN="Doe, Jane"', "CN=a b"),
    *('A="x",y', "A=b\\", "A=%5C", "A=^n", "A= b", "A=b ", "A=b\x01", "A", "=b", "A=b=c"),
    *("A=é", "A=b\u3000", 'A="b', "A=b:c", "é=b", ""),
)
_VALUES = ("mailto:a@b.c", "", "x;y", 'a"b', "\\")


@st.composite
def _sections(draw: st.DrawFn) -> str:
    return ";".join(draw(st.lists(st.sampled_from(_PARAMS), min_size=1, max_size=4)))


@st.composite
def _lines(draw: st.DrawFn) -> str:
    line = draw(st.sampled_from(_NAMES))
    if draw(st.booleans()):
        line += ";" + draw(_sections())
    if draw(st.booleans()):
        line += ":" + draw(st.sampled_from(_VALUES))
    return line


def _both(read: Callable[[str], object], line: str) -> object:
    try:
        return read(line)
    except ValueError:
        return ValueError


@settings(max_examples=1500, deadline=None)
@given(_lines())
def test_the_fast_content_line_is_the_general_one(line: str) -> None:
    assert _both(content_line, line) == _both(general_content_line, line)


@settings(max_examples=1500, deadline=None)
@given(_sections())
def test_plain_parameters_read_as_the_general_reading(section: str) -> None:
    if PLAIN_PARAMS_RE.fullmatch(section) and not section[-1].isspace():
        assert plain_params(section) == _both(general_params, section)
