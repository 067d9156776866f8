"""Interviews, their people and debriefs: the rows behind `followup.interviews`."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from followup.adapters.store.db import Store, from_db, to_db
from followup.core.model import (
    Debrief,
    DebriefPerson,
    Interview,
    InterviewState,
    PausedPlan,
    Person,
)


@dataclass(frozen=True)
class EventDetails:
    """What an invite says of an interview, cleaned, as it is stored and shown."""

    sequence: int
    title: str
    company: str
    role: str
    start: datetime
    end: datetime
    timezone: str
    location: str | None
    video_link: str | None


def _columns(details: EventDetails, now: datetime) -> dict[str, object]:
    columns = asdict(details)
    columns["start_utc"] = to_db(columns.pop("start"))
    columns["end_utc"] = to_db(columns.pop("end"))
    columns["updated_at"] = to_db(now)
    return columns


# --- interviews -------------------------------------------------------------------


def find_event(store: Store, event_uid: str) -> tuple[int, int] | None:
    """(id, sequence) of the interview recorded for this iCalendar UID."""
    row = store.one("SELECT id, sequence FROM interviews WHERE event_uid = ?", (event_uid,))
    return (row["id"], row["sequence"]) if row else None


def find_sequence(store: Store, interview_id: int) -> int:
    """The SEQUENCE recorded for an interview (0 if none)."""
    row = store.one("SELECT sequence FROM interviews WHERE id = ?", (interview_id,))
    return int(row["sequence"]) if row else 0


def insert_event(
    store: Store,
    event_uid: str,
    details: EventDetails,
    *,
    state: InterviewState,
    confidence: float,
    source: str,
    now: datetime,
) -> int:
    fields = _columns(details, now)
    return store.insert(
        "INSERT INTO interviews (event_uid, state, confidence, source, created_at, "
        + ", ".join(fields)
        + ") VALUES (:event_uid, :state, :confidence, :source, :created_at, "
        + ", ".join(f":{k}" for k in fields)
        + ")",
        {
            **fields,
            "event_uid": event_uid,
            "state": state.value,
            "confidence": confidence,
            "source": source,
            "created_at": to_db(now),
        },
    )


def update_event(store: Store, interview_id: int, details: EventDetails, *, now: datetime) -> None:
    fields = _columns(details, now)
    assignments = ", ".join(f"{k} = :{k}" for k in fields)
    store.execute(
        f"UPDATE interviews SET {assignments} WHERE id = :id", {**fields, "id": interview_id}
    )


def cancel_event(store: Store, interview_id: int, sequence: int, *, now: datetime) -> None:
    store.execute(
        "UPDATE interviews SET state = ?, sequence = max(sequence, ?), updated_at = ? WHERE id = ?",
        (InterviewState.CANCELLED.value, sequence, to_db(now), interview_id),
    )


def get(store: Store, interview_id: int) -> Interview | None:
    row = store.one("SELECT * FROM interviews WHERE id = ?", (interview_id,))
    return _interview(store, row) if row else None


def all_interviews(store: Store, states: tuple[str, ...] | None = None) -> list[Interview]:
    """By start time; `states`: only interviews in one of these states."""
    rows = store.all("SELECT * FROM interviews ORDER BY start_utc")
    return [_interview(store, r) for r in rows if states is None or r["state"] in states]


def _interview(store: Store, row: sqlite3.Row) -> Interview:
    zone = ZoneInfo(row["timezone"])
    people = tuple(
        Person(p["name"], p["email"], p["phone"], p["title"])
        for p in store.all("SELECT * FROM people WHERE interview_id = ? ORDER BY id", (row["id"],))
    )
    start, end = from_db(row["start_utc"]), from_db(row["end_utc"])
    assert start is not None and end is not None
    return Interview(
        id=row["id"],
        company=row["company"],
        role=row["role"],
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        timezone=row["timezone"],
        state=InterviewState(row["state"]),
        interviewers=people,
        location=row["location"],
        video_link=row["video_link"],
        title=row["title"],
    )


def state_of(store: Store, interview_id: int) -> InterviewState | None:
    row = store.one("SELECT state FROM interviews WHERE id = ?", (interview_id,))
    return InterviewState(row["state"]) if row else None


def stop_reason(store: Store, interview_id: int) -> str | None:
    """Why the interview is in its state (paused, stopped, needs confirmation)."""
    row = store.one("SELECT stop_reason FROM interviews WHERE id = ?", (interview_id,))
    return row["stop_reason"] if row else None


def set_state(
    store: Store,
    interview_id: int,
    state: InterviewState,
    *,
    now: datetime,
    reason: str | None = None,
) -> None:
    """`reason` None keeps the reason stored."""
    store.execute(
        "UPDATE interviews SET state = ?, stop_reason = coalesce(?, stop_reason), "
        "updated_at = ? WHERE id = ?",
        (state.value, reason, to_db(now), interview_id),
    )


def hold(store: Store, interview_id: int, reason: str, *, now: datetime) -> None:
    """Needs confirmation, for `reason` (stop_reason holds the current state's reason)."""
    store.execute(
        "UPDATE interviews SET state = ?, stop_reason = ?, updated_at = ? WHERE id = ?",
        (InterviewState.NEEDS_CONFIRMATION.value, reason, to_db(now), interview_id),
    )


def clear_confirmation_reason(store: Store, interview_id: int) -> None:
    store.execute(
        "UPDATE interviews SET stop_reason = NULL WHERE id = ? AND "
        "stop_reason LIKE 'needs confirmation:%'",
        (interview_id,),
    )


def same_company_before(
    store: Store, interview: Interview, states: tuple[InterviewState, ...]
) -> list[int]:
    """Other interviews with this company that start earlier, in one of `states`."""
    marks = ",".join("?" * len(states))
    return [
        r["id"]
        for r in store.all(
            f"SELECT id FROM interviews WHERE id != ? AND lower(company) = lower(?) "
            f"AND state IN ({marks}) AND start_utc < ?",
            (
                interview.id,
                interview.company.strip(),
                *[s.value for s in states],
                to_db(interview.start),
            ),
        )
    ]


def pause(
    store: Store, interview_id: int, *, now: datetime, sender: str, subject: str, why: str
) -> None:
    """An active plan pauses (one in any other state is left as it is)."""
    store.execute(
        "UPDATE interviews SET state = ?, stop_reason = ?, paused_by = ?, paused_subject = ?, "
        "pause_notified = 0, updated_at = ? WHERE id = ? AND state = ?",
        (
            InterviewState.PAUSED.value,
            why,
            sender,
            subject,
            to_db(now),
            interview_id,
            InterviewState.ACTIVE.value,
        ),
    )


def paused_plans(store: Store) -> list[PausedPlan]:
    return [
        PausedPlan(
            interview_id=r["id"],
            paused_by=r["paused_by"] or "",
            paused_subject=r["paused_subject"] or "",
            reason=r["stop_reason"] or "",
            since=r["updated_at"],
            notified=bool(r["pause_notified"]),
        )
        for r in store.all(
            "SELECT id, paused_by, paused_subject, stop_reason, updated_at, "
            "pause_notified FROM interviews WHERE state = ?",
            (InterviewState.PAUSED.value,),
        )
    ]


def set_pause_notified(store: Store, interview_id: int, notified: bool) -> None:
    store.execute(
        "UPDATE interviews SET pause_notified = ? WHERE id = ?", (int(notified), interview_id)
    )


# --- people -------------------------------------------------------------------------


def people_emails(store: Store, interview_id: int) -> list[str]:
    return [
        r["email"]
        for r in store.all("SELECT email FROM people WHERE interview_id = ?", (interview_id,))
    ]


def add_person(store: Store, interview_id: int, person: Person) -> None:
    """A person already stored keeps their name, and their phone if they had one."""
    store.execute(
        "INSERT INTO people (interview_id, name, email, phone) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (interview_id, email) DO UPDATE SET "
        "phone = coalesce(people.phone, excluded.phone)",
        (interview_id, person.name, person.email, person.phone),
    )


def rename_person(store: Store, interview_id: int, email: str, name: str) -> None:
    store.execute(
        "UPDATE people SET name = ? WHERE interview_id = ? AND email = ?",
        (name, interview_id, email),
    )


def change_email(store: Store, interview_id: int, old: str, new: str) -> None:
    store.execute(
        "UPDATE people SET email = ? WHERE interview_id = ? AND email = ?",
        (new, interview_id, old),
    )


def set_people(store: Store, interview_id: int, people: tuple[DebriefPerson, ...]) -> None:
    """The debrief's list becomes the interview's: names, titles, notes and the one
    to call as given; a phone already known is kept. In the order given."""
    rows = store.all("SELECT email, phone FROM people WHERE interview_id = ?", (interview_id,))
    phones = {r["email"].lower(): r["phone"] for r in rows}
    store.execute("DELETE FROM people WHERE interview_id = ?", (interview_id,))
    store.execute("UPDATE interviews SET people_by_user = 1 WHERE id = ?", (interview_id,))
    for p in people:
        store.execute(
            "INSERT INTO people (interview_id, name, email, phone, title, talked_about, "
            "remember, to_call) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                interview_id,
                p.name,
                p.email,
                p.phone or phones.get(p.email.lower()),
                p.title,
                p.talked_about,
                p.remember,
                int(p.call),
            ),
        )


def set_coordinators(store: Store, interview_id: int, people: tuple[Person, ...]) -> None:
    """Who arranged the interview (a recruiting coordinator, a scheduling mailbox): shown,
    never written to."""
    data = [{"name": p.name, "email": p.email, "title": p.title} for p in people]
    store.execute(
        "UPDATE interviews SET coordinators = ? WHERE id = ?", (json.dumps(data), interview_id)
    )


def coordinators(store: Store, interview_id: int) -> tuple[Person, ...]:
    row = store.one("SELECT coordinators FROM interviews WHERE id = ?", (interview_id,))
    if row is None:
        return ()
    return tuple(
        Person(str(p.get("name", "")), str(p.get("email", "")), None, str(p.get("title", "")))
        for p in json.loads(row["coordinators"] or "[]")
    )


def set_calls_after(store: Store, interview_id: int, day: date, who: str) -> bool:
    """No call before `day` (who is away until then). False if that was known."""
    row = store.one("SELECT calls_after FROM interviews WHERE id = ?", (interview_id,))
    if row is None or (row["calls_after"] and row["calls_after"] >= day.isoformat()):
        return False
    store.execute(
        "UPDATE interviews SET calls_after = ?, calls_after_who = ?, calls_after_told = 0 "
        "WHERE id = ?",
        (day.isoformat(), who, interview_id),
    )
    return True


def calls_after(store: Store, interview_id: int) -> date | None:
    row = store.one("SELECT calls_after FROM interviews WHERE id = ?", (interview_id,))
    return date.fromisoformat(row["calls_after"]) if row and row["calls_after"] else None


def calls_moved_untold(store: Store) -> list[tuple[int, date, str]]:
    """(interview, back on, who) whose moved call the user was not told about."""
    rows = store.all(
        "SELECT id, calls_after, calls_after_who FROM interviews "
        "WHERE calls_after IS NOT NULL AND calls_after_told = 0 AND state = ?",
        (InterviewState.ACTIVE.value,),
    )
    return [(r["id"], date.fromisoformat(r["calls_after"]), r["calls_after_who"]) for r in rows]


def set_calls_moved_told(store: Store, interview_id: int, told: bool) -> None:
    store.execute(
        "UPDATE interviews SET calls_after_told = ? WHERE id = ?", (int(told), interview_id)
    )


def people_by_user(store: Store, interview_id: int) -> bool:
    """The user has set this interview's people (debrief, `followup people`)."""
    row = store.one("SELECT people_by_user FROM interviews WHERE id = ?", (interview_id,))
    return bool(row and row["people_by_user"])


def set_company_role(
    store: Store, interview_id: int, *, company: str | None, role: str | None, now: datetime
) -> None:
    store.execute(
        "UPDATE interviews SET company = coalesce(?, company), role = coalesce(?, role), "
        "updated_at = ? WHERE id = ?",
        (company, role, to_db(now), interview_id),
    )


def people_notes(store: Store, interview_id: int) -> tuple[DebriefPerson, ...]:
    rows = store.all("SELECT * FROM people WHERE interview_id = ? ORDER BY id", (interview_id,))
    return tuple(
        DebriefPerson(
            name=r["name"],
            email=r["email"],
            title=r["title"],
            talked_about=r["talked_about"],
            remember=r["remember"],
            call=bool(r["to_call"]),
            phone=r["phone"],
        )
        for r in rows
    )


def keep_only_people(store: Store, interview_id: int, emails: list[str]) -> None:
    marks = ",".join("?" * len(emails))
    store.execute(
        f"DELETE FROM people WHERE interview_id = ? AND email NOT IN ({marks})",
        (interview_id, *emails),
    )


def active_people(store: Store) -> list[tuple[str, int]]:
    """(email, interview id) of everyone in an active plan, earliest interview first."""
    return [
        (r["email"], r["interview_id"])
        for r in store.all(
            "SELECT p.email, p.interview_id FROM people p JOIN interviews i "
            "ON i.id = p.interview_id WHERE i.state = ? ORDER BY i.start_utc",
            (InterviewState.ACTIVE.value,),
        )
    ]


# --- debriefs -----------------------------------------------------------------------


def save_debrief(store: Store, interview_id: int, debrief: Debrief, *, now: datetime) -> None:
    """A later answer replaces an earlier one."""
    values = {f: getattr(debrief, f) for f in Debrief.FIELDS}
    store.execute(
        "INSERT INTO debriefs (interview_id, answered_at, " + ", ".join(values) + ") "
        "VALUES (:id, :at, " + ", ".join(f":{f}" for f in values) + ") "
        "ON CONFLICT (interview_id) DO UPDATE SET answered_at = excluded.answered_at, "
        + ", ".join(f"{f} = excluded.{f}" for f in values),
        {**values, "id": interview_id, "at": to_db(now)},
    )


def get_debrief(store: Store, interview_id: int) -> Debrief | None:
    row = store.one("SELECT * FROM debriefs WHERE interview_id = ?", (interview_id,))
    if row is None:
        return None
    return Debrief(**{f: row[f] for f in Debrief.FIELDS}, people=people_notes(store, interview_id))
