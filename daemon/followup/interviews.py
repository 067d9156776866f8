"""Interviews in the store: record detected events, confirm, stop, debrief.

The decisions (is this an update? a cancel? does it need confirmation?) are
made from plain data; this module only reads and writes rows.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from followup import drafts
from followup.headers import header_text, person_name
from followup.model import (
    DEFAULT_MAX_INTERVIEWERS,
    MAX_INTERVIEWERS,
    Debrief,
    FollowupError,
    Interview,
    InterviewEvent,
    InterviewState,
    Method,
    Person,
    TaskKind,
    TaskState,
    UsageError,
    fanout_problem,
    list_like_address,
    valid_address,
)
from followup.store import Store, from_db, to_db

log = logging.getLogger(__name__)

_ENDED = (InterviewState.CANCELLED, InterviewState.STOPPED, InterviewState.DONE)


def record_event(store: Store, event: InterviewEvent, *, now: datetime, source: str,
                 default_timezone: str, max_people: int = DEFAULT_MAX_INTERVIEWERS,
                 ) -> tuple[int | None, str]:
    """Insert or update the interview an event describes. Returns (id, outcome).

    Outcomes: "new", "update" (higher SEQUENCE: times moved), "cancel",
    "duplicate" (same UID, same or lower SEQUENCE), "ignored" (not an interview).
    More than `max_people` people, or a list address: the interview needs
    confirmation (the user picks the people). Call inside a transaction.
    """
    from followup import detect  # lazily: icalendar and phonenumbers slow `status` down
    row = store.one("SELECT id, sequence, state FROM interviews WHERE event_uid = ?",
                    (event.uid,))
    if event.method is Method.CANCEL:
        if row is None:
            return None, "ignored"
        store.execute("UPDATE interviews SET state = ?, sequence = max(sequence, ?), "
                      "updated_at = ? WHERE id = ?",
                      (InterviewState.CANCELLED.value, event.sequence, to_db(now), row["id"]))
        drafts.withdraw_for_interview(store, row["id"], now=now, why="the interview was cancelled")
        return row["id"], "cancel"
    if event.start is None or event.confidence < detect.MAYBE_THRESHOLD:
        return None, "ignored"
    start = event.start
    end = event.end or start + timedelta(hours=1)
    zone = event.timezone or default_timezone
    # Stored as they would be sent: decoded, cleaned (what `status` shows is what goes out).
    fields = {
        "sequence": event.sequence, "title": header_text(event.title),
        "company": header_text(event.company), "role": header_text(event.role),
        "start_utc": to_db(start), "end_utc": to_db(end),
        "timezone": zone, "location": event.location, "video_link": event.video_link,
        "updated_at": to_db(now),
    }
    if row is not None:
        if event.sequence <= row["sequence"]:
            return row["id"], "duplicate"
        assignments = ", ".join(f"{k} = :{k}" for k in fields)
        store.execute(f"UPDATE interviews SET {assignments} WHERE id = :id",
                      {**fields, "id": row["id"]})
        _merge_people(store, row["id"], _within_bound(store, row["id"], event.interviewers))
        hold_if_fanout(store, row["id"], named=len(event.interviewers), cap=max_people,
                       now=now)
        return row["id"], "update"
    state = (InterviewState.ACTIVE if event.confidence >= detect.CONFIRMED_THRESHOLD
             else InterviewState.NEEDS_CONFIRMATION)
    interview_id = store.insert(
        "INSERT INTO interviews (event_uid, state, confidence, source, created_at, "
        + ", ".join(fields) + ") VALUES (:event_uid, :state, :confidence, :source, :created_at, "
        + ", ".join(f":{k}" for k in fields) + ")",
        {**fields, "event_uid": event.uid, "state": state.value,
         "confidence": event.confidence, "source": source, "created_at": to_db(now)},
    )
    _merge_people(store, interview_id, _within_bound(store, interview_id, event.interviewers))
    hold_if_fanout(store, interview_id, named=len(event.interviewers), cap=max_people, now=now)
    return interview_id, "new"


def _within_bound(store: Store, interview_id: int, people: tuple[Person, ...],
                  ) -> tuple[Person, ...]:
    """Storage is bounded whatever the invite holds: at most MAX_INTERVIEWERS people."""
    stored = {r["email"] for r in store.all("SELECT email FROM people WHERE interview_id = ?",
                                            (interview_id,))}
    fresh = [p for p in people if p.email.lower() not in stored]
    room = max(0, MAX_INTERVIEWERS - len(stored))
    if len(fresh) > room:
        log.warning("interview %d: %d people not stored (at most %d per interview)",
                    interview_id, len(fresh) - room, MAX_INTERVIEWERS)
    known = [p for p in people if p.email.lower() in stored]
    return tuple(known + fresh[:room])


def fanout_reason(store: Store, interview_id: int, *, cap: int, named: int = 0,
                  allow_lists: bool = False) -> str | None:
    """Why this interview's people need the user's pick (see model.fanout_problem)."""
    emails = [r["email"] for r in store.all("SELECT email FROM people WHERE interview_id = ?",
                                            (interview_id,))]
    return fanout_problem(emails, cap=cap, named=named, allow_lists=allow_lists)


def hold_if_fanout(store: Store, interview_id: int, *, cap: int, now: datetime, named: int = 0,
                   allow_lists: bool = False) -> str | None:
    """A plan that has not ended waits for `followup confirm --only` (no drafts, no
    mail) when it has too many people or a list address. Returns the reason."""
    reason = fanout_reason(store, interview_id, cap=cap, named=named, allow_lists=allow_lists)
    if reason is None:
        return None
    row = store.one("SELECT state FROM interviews WHERE id = ?", (interview_id,))
    if row is None or InterviewState(row["state"]) in _ENDED:  # gone or over: nothing to hold
        return reason
    log.warning("interview %d needs confirmation: %s", interview_id, reason)
    # stop_reason holds the reason for the current state (paused, stopped, or this).
    store.execute("UPDATE interviews SET state = ?, stop_reason = ?, updated_at = ? "
                  "WHERE id = ?", (InterviewState.NEEDS_CONFIRMATION.value,
                                   f"needs confirmation: {reason}", to_db(now), interview_id))
    return reason


def _merge_people(store: Store, interview_id: int, people: tuple[Person, ...]) -> None:
    # A reschedule may add or rename attendees; never drop one the user corrected.
    for person in people:
        if not valid_address(person.email):
            log.warning("interview %d: %r is not an address followup will write to; "
                        "skipped", interview_id, header_text(person.email))
            continue
        name = person_name(person.name)
        store.execute(
            "INSERT INTO people (interview_id, name, email, phone) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (interview_id, email) DO UPDATE SET "
            "phone = coalesce(people.phone, excluded.phone)",
            (interview_id, name, person.email.lower(), person.phone),
        )


def add_manual(store: Store, *, company: str, role: str, start: datetime, end: datetime,
               timezone: str, people: list[Person], now: datetime, location: str | None = None,
               max_people: int = DEFAULT_MAX_INTERVIEWERS) -> int:
    """An interview the user records by hand (e.g. scheduled on the phone)."""
    event = InterviewEvent(
        is_interview=True, confidence=1.0, method=Method.REQUEST,
        uid=f"manual-{to_db(now)}-{company}-{start.isoformat()}", sequence=0,
        title=f"Interview: {role} at {company}", company=company, role=role,
        start=start, end=end, timezone=timezone, location=location, video_link=None,
        organizer=None, interviewers=tuple(people),
    )
    interview_id, _ = record_event(store, event, now=now, source="manual",
                                   default_timezone=timezone, max_people=max_people)
    assert interview_id is not None
    return interview_id


def get(store: Store, interview_id: int) -> Interview:
    row = store.one("SELECT * FROM interviews WHERE id = ?", (interview_id,))
    if row is None:
        raise FollowupError(f"no interview with id {interview_id} (see `followup status`)")
    return _interview(store, row)


def all_interviews(store: Store, states: tuple[str, ...] | None = None) -> list[Interview]:
    rows = store.all("SELECT * FROM interviews ORDER BY start_utc")
    return [_interview(store, r) for r in rows if states is None or r["state"] in states]


def _interview(store: Store, row) -> Interview:
    zone = ZoneInfo(row["timezone"])
    people = tuple(Person(p["name"], p["email"], p["phone"]) for p in store.all(
        "SELECT * FROM people WHERE interview_id = ? ORDER BY id", (row["id"],)))
    start, end = from_db(row["start_utc"]), from_db(row["end_utc"])
    assert start is not None and end is not None
    return Interview(
        id=row["id"], company=row["company"], role=row["role"],
        start=start.astimezone(zone), end=end.astimezone(zone), timezone=row["timezone"],
        state=InterviewState(row["state"]), interviewers=people, location=row["location"],
        video_link=row["video_link"], title=row["title"],
    )


def set_state(store: Store, interview_id: int, state: InterviewState, *, now: datetime,
              reason: str | None = None) -> list[int]:
    """Returns the drafts withdrawn: an ended plan sends nothing more."""
    get(store, interview_id)  # clear error for a wrong id
    store.execute("UPDATE interviews SET state = ?, stop_reason = coalesce(?, stop_reason), "
                  "updated_at = ? WHERE id = ?", (state.value, reason, to_db(now), interview_id))
    if state not in _ENDED:
        return []
    why = f"plan {state.value}" + (f": {reason}" if reason else "")
    return drafts.withdraw_for_interview(store, interview_id, now=now, why=why)


def confirm(store: Store, interview_id: int, *, now: datetime, only: tuple[str, ...] = (),
            max_people: int = DEFAULT_MAX_INTERVIEWERS, allow_lists: bool = False) -> Interview:
    """Accept an interview that waits for the user; `only`: keep just these people
    (required when the invite named too many people or a list address)."""
    interview = get(store, interview_id)
    if interview.state is not InterviewState.NEEDS_CONFIRMATION:
        raise FollowupError(f"interview {interview_id} is {interview.state.value}, "
                            "not waiting for confirmation")
    if only:
        _keep_only(store, interview, only, max_people=max_people, allow_lists=allow_lists,
                   now=now)
    elif reason := fanout_reason(store, interview_id, cap=max_people):
        raise UsageError(f"interview {interview_id}: {reason}; pick the people: "
                         f"`followup confirm {interview_id} --only EMAIL [--only EMAIL ...]`")
    store.execute("UPDATE interviews SET stop_reason = NULL WHERE id = ? AND "
                  "stop_reason LIKE 'needs confirmation:%'", (interview_id,))
    _redo_thank_you(store, interview_id)
    set_state(store, interview_id, InterviewState.ACTIVE, now=now)
    end_earlier_plans(store, get(store, interview_id), now=now)
    return get(store, interview_id)


def _keep_only(store: Store, interview: Interview, only: tuple[str, ...], *, max_people: int,
               allow_lists: bool, now: datetime) -> None:
    chosen = list(dict.fromkeys(e.strip().lower() for e in only))
    known = {p.email for p in interview.interviewers}
    for email in chosen:
        if email not in known:
            raise UsageError(f"--only {email}: not one of the people of interview "
                             f"{interview.id} (see `followup status {interview.id}`)")
        if list_like_address(email) and not allow_lists:
            raise UsageError(f"--only {email}: looks like a mailing list; add "
                             "--allow-list-address if it really is one person")
    if len(chosen) > max_people:
        raise UsageError(f"--only: {len(chosen)} people, more than [compose] "
                         f"max_interviewers = {max_people}")
    marks = ",".join("?" * len(chosen))
    store.execute(f"DELETE FROM people WHERE interview_id = ? AND email NOT IN ({marks})",
                  (interview.id, *chosen))
    drafts.withdraw_for_interview(store, interview.id, now=now, keep=tuple(chosen),
                                  why="not picked by `followup confirm --only`")


def _redo_thank_you(store: Store, interview_id: int) -> None:
    # A thank-you step held back for confirmation makes its drafts on the next pass
    # (only for people who have none yet).
    store.execute("UPDATE tasks SET state = ? WHERE interview_id = ? AND kind = ? AND state = ?",
                  (TaskState.PENDING.value, interview_id, TaskKind.THANK_YOU.value,
                   TaskState.WAITING.value))


def end_earlier_plans(store: Store, interview: Interview, *, now: datetime) -> list[int]:
    """A confirmed new interview with the same company is a second interview: the
    earlier plan has done its job and ends (no more calls asking for one)."""
    if interview.state is not InterviewState.ACTIVE or not interview.company.strip():
        return []
    ended = []
    for row in store.all("SELECT id FROM interviews WHERE id != ? AND lower(company) = lower(?) "
                         "AND state IN (?, ?) AND start_utc < ?",
                         (interview.id, interview.company.strip(), InterviewState.ACTIVE.value,
                          InterviewState.PAUSED.value, to_db(interview.start))):
        set_state(store, row["id"], InterviewState.DONE, now=now,  # withdraws its drafts
                  reason=f"second interview scheduled (interview {interview.id})")
        ended.append(row["id"])
    return ended


def pause(store: Store, interview_id: int, *, now: datetime, sender: str, subject: str,
          why: str) -> None:
    """A message from the company: stop acting and tell the user (never guess)."""
    store.execute(
        "UPDATE interviews SET state = ?, stop_reason = ?, paused_by = ?, paused_subject = ?, "
        "pause_notified = 0, updated_at = ? WHERE id = ? AND state = ?",
        (InterviewState.PAUSED.value, why, sender, subject, to_db(now), interview_id,
         InterviewState.ACTIVE.value))


def save_debrief(store: Store, interview_id: int, debrief: Debrief, *, now: datetime) -> None:
    """A later answer replaces an earlier one."""
    get(store, interview_id)
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
    return Debrief(**{f: row[f] for f in Debrief.FIELDS})
