"""The .ics file attached to a call reminder."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import followup  # noqa: F401
except ImportError:  # source checkout without an install: daemon/ is the source root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))

import pytest
from icalendar import Calendar

from followup.core.calendar_file import PRODID, call_reminder_ics

START = datetime(2026, 12, 10, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # 16:00 UTC


def build(**overrides) -> bytes:
    args = {
        "uid": "interview-3-call_1@followup",
        "summary": "Call Jane Doe (Acme), under 3 minutes",
        "description": "Fix what you wish you had not said.\nClose: is now a good time?",
        "start": START,
    }
    args.update(overrides)
    return call_reminder_ics(**args)


def event_of(data: bytes):
    cal = Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


def test_calendar_header():
    """The calendar carries our PRODID, VERSION 2.0 and METHOD:PUBLISH."""
    cal, _ = event_of(build())
    assert str(cal["PRODID"]) == PRODID == "-//followup//call reminder//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "PUBLISH"


def test_event_times_are_utc():
    """DTSTART is the call time in UTC; DTEND is `minutes` later; DTSTAMP defaults to start."""
    data = build(minutes=20)
    _, event = event_of(data)
    assert event.decoded("DTSTART") == datetime(2026, 12, 10, 16, 0, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=20)
    assert event.decoded("DTSTAMP") == event.decoded("DTSTART")
    assert b"DTSTART:20261210T160000Z" in data
    assert b"TZID" not in data


def test_event_text_round_trips():
    """UID, SUMMARY and DESCRIPTION (with newline, comma, semicolon) come back unchanged."""
    description = "Line one; with, punctuation\nLine two"
    _, event = event_of(build(description=description))
    assert str(event["UID"]) == "interview-3-call_1@followup"
    assert str(event["SUMMARY"]) == "Call Jane Doe (Acme), under 3 minutes"
    assert str(event["DESCRIPTION"]) == description


def test_display_alarm_ten_minutes_before():
    """One VALARM, ACTION:DISPLAY, triggering 10 minutes before the start."""
    _, event = event_of(build())
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == timedelta(minutes=-10)
    assert str(alarms[0]["DESCRIPTION"])  # DISPLAY alarms require a description


def test_organizer_and_stamp_and_sequence():
    """organizer_email becomes a mailto: ORGANIZER; stamp and sequence are used as given."""
    stamp = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    _, event = event_of(build(organizer_email="me@example.org", stamp=stamp, sequence=2))
    assert str(event["ORGANIZER"]) == "mailto:me@example.org"
    assert event.decoded("DTSTAMP") == stamp
    assert int(event["SEQUENCE"]) == 2


def test_no_organizer_by_default():
    """Without organizer_email there is no ORGANIZER line."""
    _, event = event_of(build())
    assert "ORGANIZER" not in event


def test_output_is_deterministic_and_crlf():
    """Same inputs give the same bytes (no clock read); lines end in CRLF."""
    assert build() == build()
    assert build().count(b"\r\n") == build().count(b"\n")


@pytest.mark.parametrize(
    "overrides",
    [
        {"start": datetime(2026, 12, 10, 10, 0)},
        {"minutes": 0},
        {"uid": ""},
    ],
)
def test_bad_input_is_refused(overrides):
    """A naive start, a non-positive length or an empty UID raise ValueError."""
    with pytest.raises(ValueError):
        build(**overrides)
