"""Interviews in the store: record detected events, confirm, stop, debrief.

The decisions (is this an update? a cancel? does it need confirmation?) are
made from plain data; this module only reads and writes rows.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import replace
from datetime import datetime, timedelta

from followup.adapters.store import Store, to_db
from followup.adapters.store import drafts as draft_rows
from followup.adapters.store import interviews as interview_rows
from followup.adapters.store import tasks as task_rows
from followup.app import drafts
from followup.core import plan
from followup.core.headers import header_text, person_name
from followup.core.model import (
    DEFAULT_MAX_INTERVIEWERS,
    MAX_INTERVIEWERS,
    Debrief,
    DebriefPerson,
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

log = logging.getLogger(__name__)

_ENDED = (InterviewState.CANCELLED, InterviewState.STOPPED, InterviewState.DONE)


def record_event(
    store: Store,
    event: InterviewEvent,
    *,
    now: datetime,
    source: str,
    default_timezone: str,
    max_people: int = DEFAULT_MAX_INTERVIEWERS,
    thank_coordinator: bool = False,
) -> tuple[int | None, str]:
    """Insert or update the interview an event describes. Returns (id, outcome).
    `thank_coordinator`: the event's coordinators are stored (and drafted to) as its
    people too; otherwise they are not stored.

    Outcomes: "new", "update" (higher SEQUENCE: times moved), "cancel",
    "duplicate" (same UID, same or lower SEQUENCE), "ignored" (not an interview).
    More than `max_people` people, or a list address: the interview needs
    confirmation (the user picks the people). Call inside a transaction.
    """
    if thank_coordinator and event.coordinators:
        event = replace(
            event, interviewers=event.interviewers + event.coordinators, coordinators=()
        )
    from followup.core import detect  # lazily: icalendar and phonenumbers slow `status` down

    found = interview_rows.find_event(store, event.uid)
    if event.method is Method.CANCEL:
        if found is None:
            return None, "ignored"
        interview_rows.cancel_event(store, found[0], event.sequence, now=now)
        drafts.withdraw_for_interview(store, found[0], now=now, why="the interview was cancelled")
        return found[0], "cancel"
    if event.start is None or event.confidence < detect.MAYBE_THRESHOLD:
        return None, "ignored"
    start = event.start
    end = event.end or start + timedelta(hours=1)
    zone = event.timezone or default_timezone
    # Stored as they would be sent: decoded, cleaned (what `status` shows is what goes out).
    details = interview_rows.EventDetails(
        sequence=event.sequence,
        title=header_text(event.title),
        company=header_text(event.company),
        role=header_text(event.role),
        start=start,
        end=end,
        timezone=zone,
        location=event.location,
        video_link=event.video_link,
    )
    if found is not None:
        interview_id, sequence = found
        if event.sequence <= sequence:
            return interview_id, "duplicate"
        interview_rows.update_event(store, interview_id, details, now=now)
        _store_coordinators(store, interview_id, event.coordinators)
        _merge_people(store, interview_id, _within_bound(store, interview_id, event.interviewers))
        hold_if_fanout(store, interview_id, named=len(event.interviewers), cap=max_people, now=now)
        return interview_id, "update"
    moved = _rescheduled(store, event)
    if moved is not None:
        # A plain email moving an interview: the same interview at its new time.
        current = interview_rows.find_sequence(store, moved)
        interview_rows.update_event(
            store, moved, dataclasses.replace(details, sequence=current), now=now
        )
        _store_coordinators(store, moved, event.coordinators)
        _merge_people(store, moved, _within_bound(store, moved, event.interviewers))
        return moved, "update"
    state = (
        InterviewState.ACTIVE
        if event.confidence >= detect.CONFIRMED_THRESHOLD
        else InterviewState.NEEDS_CONFIRMATION
    )
    interview_id = interview_rows.insert_event(
        store, event.uid, details, state=state, confidence=event.confidence, source=source, now=now
    )
    _store_coordinators(store, interview_id, event.coordinators)
    _merge_people(store, interview_id, _within_bound(store, interview_id, event.interviewers))
    hold_if_fanout(store, interview_id, named=len(event.interviewers), cap=max_people, now=now)
    return interview_id, "new"


_OPEN = (InterviewState.ACTIVE, InterviewState.NEEDS_CONFIRMATION, InterviewState.PAUSED)


def _rescheduled(store: Store, event: InterviewEvent) -> int | None:
    """The interview a reschedule email moves: of the open interviews with the sender's
    company domain or people, the one at the old time it names, else the only one."""
    from followup.core.detect_text import FREEMAIL, VENDOR_DOMAINS  # lazily, as above

    if event.reschedule_of is None or event.method is not None:
        return None
    addresses = [p.email.lower() for p in (event.organizer, *event.interviewers) if p and p.email]
    domains = {a.rpartition("@")[2] for a in addresses} - FREEMAIL - VENDOR_DOMAINS
    theirs = [
        i
        for i in all_interviews(store, tuple(s.value for s in _OPEN))
        if any(
            p.email.lower() in addresses or p.email.lower().rpartition("@")[2] in domains
            for p in i.interviewers
        )
    ]
    at_old_time = [i for i in theirs if i.start == event.reschedule_of]
    if len(at_old_time) == 1:
        return at_old_time[0].id
    return theirs[0].id if len(theirs) == 1 else None


def _within_bound(
    store: Store,
    interview_id: int,
    people: tuple[Person, ...],
) -> tuple[Person, ...]:
    """Storage is bounded whatever the invite holds: at most MAX_INTERVIEWERS people."""
    stored = set(interview_rows.people_emails(store, interview_id))
    fresh = [p for p in people if p.email.lower() not in stored]
    room = max(0, MAX_INTERVIEWERS - len(stored))
    if len(fresh) > room:
        log.warning(
            "interview %d: %d people not stored (at most %d per interview)",
            interview_id,
            len(fresh) - room,
            MAX_INTERVIEWERS,
        )
    known = [p for p in people if p.email.lower() in stored]
    return tuple(known + fresh[:room])


def fanout_reason(
    store: Store, interview_id: int, *, cap: int, named: int = 0, allow_lists: bool = False
) -> str | None:
    """Why this interview's people need the user's pick (see model.fanout_problem)."""
    emails = interview_rows.people_emails(store, interview_id)
    return fanout_problem(emails, cap=cap, named=named, allow_lists=allow_lists)


def hold_if_fanout(
    store: Store,
    interview_id: int,
    *,
    cap: int,
    now: datetime,
    named: int = 0,
    allow_lists: bool = False,
) -> str | None:
    """A plan that has not ended waits for `followup confirm --only` (no drafts, no
    mail) when it has too many people or a list address. Returns the reason."""
    reason = fanout_reason(store, interview_id, cap=cap, named=named, allow_lists=allow_lists)
    if reason is None:
        return None
    state = interview_rows.state_of(store, interview_id)
    if state is None or state in _ENDED:  # gone or over: nothing to hold
        return reason
    log.warning("interview %d needs confirmation: %s", interview_id, reason)
    interview_rows.hold(store, interview_id, f"needs confirmation: {reason}", now=now)
    return reason


def _store_coordinators(store: Store, interview_id: int, people: tuple[Person, ...]) -> None:
    if people:  # an update that names none keeps those known
        kept = tuple(
            Person(person_name(p.name), p.email.lower(), None, header_text(p.title))
            for p in people[:MAX_COORDINATORS]
            if valid_address(p.email)
        )
        interview_rows.set_coordinators(store, interview_id, kept)


MAX_COORDINATORS = 10


def _merge_people(store: Store, interview_id: int, people: tuple[Person, ...]) -> None:
    # A reschedule may add or rename attendees; never drop one the user corrected.
    # Once the user has set the list (debrief, `followup people`), it is theirs.
    if interview_rows.people_by_user(store, interview_id):
        return
    for person in people:
        if not valid_address(person.email):
            log.warning(
                "interview %d: %r is not an address followup will write to; skipped",
                interview_id,
                header_text(person.email),
            )
            continue
        interview_rows.add_person(
            store,
            interview_id,
            Person(person_name(person.name), person.email.lower(), person.phone),
        )


def add_manual(
    store: Store,
    *,
    company: str,
    role: str,
    start: datetime,
    end: datetime,
    timezone: str,
    people: list[Person],
    now: datetime,
    location: str | None = None,
    max_people: int = DEFAULT_MAX_INTERVIEWERS,
) -> int:
    """An interview the user records by hand (e.g. scheduled on the phone)."""
    event = InterviewEvent(
        is_interview=True,
        confidence=1.0,
        method=Method.REQUEST,
        uid=f"manual-{to_db(now)}-{company}-{start.isoformat()}",
        sequence=0,
        title=f"Interview: {role} at {company}",
        company=company,
        role=role,
        start=start,
        end=end,
        timezone=timezone,
        location=location,
        video_link=None,
        organizer=None,
        interviewers=tuple(people),
    )
    interview_id, _ = record_event(
        store, event, now=now, source="manual", default_timezone=timezone, max_people=max_people
    )
    assert interview_id is not None
    return interview_id


def get(store: Store, interview_id: int) -> Interview:
    interview = interview_rows.get(store, interview_id)
    if interview is None:
        raise FollowupError(f"no interview with id {interview_id} (see `followup status`)")
    return interview


def all_interviews(store: Store, states: tuple[str, ...] | None = None) -> list[Interview]:
    return interview_rows.all_interviews(store, states)


def set_state(
    store: Store,
    interview_id: int,
    state: InterviewState,
    *,
    now: datetime,
    reason: str | None = None,
) -> list[int]:
    """Returns the drafts withdrawn: an ended plan sends nothing more."""
    get(store, interview_id)  # clear error for a wrong id
    interview_rows.set_state(store, interview_id, state, now=now, reason=reason)
    if state not in _ENDED:
        return []
    why = f"plan {state.value}" + (f": {reason}" if reason else "")
    return drafts.withdraw_for_interview(store, interview_id, now=now, why=why)


def confirm(
    store: Store,
    interview_id: int,
    *,
    now: datetime,
    only: tuple[str, ...] = (),
    max_people: int = DEFAULT_MAX_INTERVIEWERS,
    allow_lists: bool = False,
) -> Interview:
    """Accept an interview that waits for the user; `only`: keep just these people
    (required when the invite named too many people or a list address)."""
    interview = get(store, interview_id)
    if interview.state is not InterviewState.NEEDS_CONFIRMATION:
        raise FollowupError(
            f"interview {interview_id} is {interview.state.value}, not waiting for confirmation"
        )
    if only:
        _keep_only(store, interview, only, max_people=max_people, allow_lists=allow_lists, now=now)
    elif reason := fanout_reason(store, interview_id, cap=max_people):
        raise UsageError(
            f"interview {interview_id}: {reason}; pick the people: "
            f"`followup confirm {interview_id} --only EMAIL [--only EMAIL ...]`"
        )
    interview_rows.clear_confirmation_reason(store, interview_id)
    _redo_thank_you(store, interview_id)
    set_state(store, interview_id, InterviewState.ACTIVE, now=now)
    end_earlier_plans(store, get(store, interview_id), now=now)
    return get(store, interview_id)


def _keep_only(
    store: Store,
    interview: Interview,
    only: tuple[str, ...],
    *,
    max_people: int,
    allow_lists: bool,
    now: datetime,
) -> None:
    chosen = list(dict.fromkeys(e.strip().lower() for e in only))
    known = {p.email for p in interview.interviewers}
    for email in chosen:
        if email not in known:
            raise UsageError(
                f"--only {email}: not one of the people of interview "
                f"{interview.id} (see `followup status {interview.id}`)"
            )
        if list_like_address(email) and not allow_lists:
            raise UsageError(
                f"--only {email}: looks like a mailing list; add "
                "--allow-list-address if it really is one person"
            )
    if len(chosen) > max_people:
        raise UsageError(
            f"--only: {len(chosen)} people, more than [compose] max_interviewers = {max_people}"
        )
    interview_rows.keep_only_people(store, interview.id, chosen)
    drafts.withdraw_for_interview(
        store,
        interview.id,
        now=now,
        keep=tuple(chosen),
        why="not picked by `followup confirm --only`",
    )


def _redo_thank_you(store: Store, interview_id: int) -> None:
    # A thank-you step held back for confirmation makes its drafts on the next pass
    # (only for people who have none yet).
    task_rows.reopen_thank_you(store, interview_id)


def end_earlier_plans(
    store: Store, interview: Interview, *, now: datetime, sent_from: str | None = None
) -> list[int]:
    """A confirmed new interview with the same company is a second interview: the
    earlier plan has done its job and ends (no more calls asking for one).

    `sent_from`: the address a detected invite came from. A company name is anyone's to
    write, so mail ends an earlier plan only when it comes from the domain of one of
    that plan's people; `confirm` (the user's word) passes None."""
    if interview.state is not InterviewState.ACTIVE or not interview.company.strip():
        return []
    ended = []
    for earlier in interview_rows.same_company_before(
        store, interview, (InterviewState.ACTIVE, InterviewState.PAUSED)
    ):
        if sent_from is not None and not _from_their_domain(store, earlier, sent_from):
            log.warning(
                "interview %d: an invite from %s names the same company; not taken as its "
                "second interview (not from the domain of its people)",
                earlier,
                sent_from,
            )
            continue
        set_state(
            store,
            earlier,
            InterviewState.DONE,
            now=now,  # withdraws its drafts
            reason=f"second interview scheduled (interview {interview.id})",
        )
        ended.append(earlier)
    return ended


def _from_their_domain(store: Store, interview_id: int, address: str) -> bool:
    from followup.core.detect_text import FREEMAIL  # lazily: detection is heavy to import

    domain = address.rpartition("@")[2].lower()
    if not domain or domain in FREEMAIL:
        return False
    theirs = {p.email.rpartition("@")[2].lower() for p in get(store, interview_id).interviewers}
    return domain in theirs


def pause(
    store: Store, interview_id: int, *, now: datetime, sender: str, subject: str, why: str
) -> None:
    """A message from the company: stop acting and tell the user (never guess)."""
    interview_rows.pause(store, interview_id, now=now, sender=sender, subject=subject, why=why)


def save_debrief(store: Store, interview_id: int, debrief: Debrief, *, now: datetime) -> None:
    """A later answer replaces an earlier one."""
    get(store, interview_id)
    interview_rows.save_debrief(store, interview_id, debrief, now=now)


def get_debrief(store: Store, interview_id: int) -> Debrief | None:
    return interview_rows.get_debrief(store, interview_id)


def people_notes(store: Store, interview_id: int) -> tuple[DebriefPerson, ...]:
    """The interview's people with the user's notes about each, in order."""
    return interview_rows.people_notes(store, interview_id)


def coordinators(store: Store, interview_id: int) -> tuple[Person, ...]:
    """Who arranged the interview without sitting in it (not written to)."""
    return interview_rows.coordinators(store, interview_id)


def thank_you_on_hold(store: Store, interview: Interview, *, now: datetime) -> bool:
    """Found more than three days late, with no debrief and no draft yet: whether a
    thank-you is still worth sending is the user's call, asked in the catch-up mail."""
    if not plan.thank_you_in_question(interview, now=now):
        return False
    if task_rows.state_of(store, interview.id, TaskKind.DEBRIEF) is TaskState.DONE:
        return False  # answered: the answers make the drafts
    thanked = task_rows.state_of(store, interview.id, TaskKind.THANK_YOU)
    return thanked in (TaskState.PENDING, TaskState.WAITING) and not draft_rows.states(
        store, interview.id
    )
