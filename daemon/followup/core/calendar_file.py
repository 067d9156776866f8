"""A small .ics file for a call reminder, so the call lands in the user's calendar.

Pure: bytes in memory, no clock read (DTSTAMP is ``stamp``, else ``start``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vCalAddress

__all__ = ["ALARM_MINUTES_BEFORE", "PRODID", "call_reminder_ics"]

PRODID = "-//followup//call reminder//EN"
ALARM_MINUTES_BEFORE = 10


def _utc(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)


def call_reminder_ics(
    *,
    uid: str,
    summary: str,
    description: str,
    start: datetime,
    minutes: int = 15,
    organizer_email: str | None = None,
    stamp: datetime | None = None,
    sequence: int = 0,
) -> bytes:
    """One VEVENT (UTC times) with a display alarm 10 minutes before, as iCalendar bytes.

    Keep ``uid`` stable for one call and raise ``sequence`` when it moves (a
    reschedule), so calendar apps update the event instead of adding a second one.
    """
    if not uid:
        raise ValueError("uid must not be empty")
    if minutes <= 0:
        raise ValueError(f"minutes must be positive, got {minutes!r}")
    begin = _utc("start", start)
    stamped = _utc("stamp", stamp) if stamp is not None else begin

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamped)
    event.add("sequence", sequence)
    event.add("dtstart", begin)
    event.add("dtend", begin + timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "OPAQUE")
    if organizer_email:
        event.add("organizer", vCalAddress(f"mailto:{organizer_email}"))

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(minutes=-ALARM_MINUTES_BEFORE))
    event.add_component(alarm)

    cal.add_component(event)
    return bytes(cal.to_ical())
