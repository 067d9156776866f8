"""Interview -> follow-up plan (docs/ARCHITECTURE.md §3.7, §3.8). Pure: no I/O, no clock reads.

Every rule works on the user's wall clock (``PlanSettings.timezone``): local
dates and local times are combined with zoneinfo and only then converted to
UTC, so a plan that spans a DST change keeps its wall-clock times (a call at
10:00 stays at 10:00 local; its UTC instant moves by an hour).

Interview states:

- ACTIVE, PAUSED, NEEDS_CONFIRMATION: planned normally. The caller (the
  service) does not act on the tasks of a paused or unconfirmed interview;
  the plan still shows what would happen, so ``followup status`` can print it.
- CANCELLED, STOPPED, DONE: the plan has ended; every task not yet done is
  CANCELLED.

A reschedule is plan_tasks on the updated interview: every pending due moves.
The plan knows nothing of WAITING (a task handed to the user): the caller keeps
that state from its store when it merges a new plan with the old one.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from followup.core.model import Interview, InterviewState, Task, TaskKind, TaskState, UsageError

__all__ = [
    "CALL_KINDS",
    "PlanSettings",
    "add_business_days",
    "approval_deadline_at",
    "call_window_passed",
    "due_tasks",
    "is_business_day",
    "next_due",
    "plan_tasks",
    "thank_you_in_question",
]

CALL_KINDS = (TaskKind.CALL_1, TaskKind.CALL_2, TaskKind.CALL_3)

#: Business days after its due that a call reminder is still worth making
#: (the coach's window is 3-4 business days after the previous step).
CALL_WINDOW_BUSINESS_DAYS = 2

#: Within this long after the interview a thank-you is still plainly worth sending;
#: later (found late, the service down) the user is asked first.
THANK_YOU_STILL_WORTH = timedelta(days=3)

_ENDED = frozenset({InterviewState.CANCELLED, InterviewState.STOPPED, InterviewState.DONE})


@dataclass(frozen=True)
class PlanSettings:
    """The user's calendar and the plan's timing, checked once at construction.

    Errors are UsageError naming the config key (``me.timezone``, ``plan.call_gaps`` ...).
    """

    timezone: str  # the user's IANA zone, e.g. "America/Chicago"
    country: str | None = "US"  # holidays country code; None = weekends only
    subdivision: str | None = None  # e.g. "CA", "BY"
    call_gaps: tuple[int, int, int] = (3, 3, 3)  # business days
    call_time: time = time(10, 0)
    prep_reminder: bool = True
    prep_time: time = time(18, 0)  # evening before
    debrief_delay_minutes: int = 30
    approval_deadline: time = time(18, 0)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as err:
            raise UsageError(f"me.timezone: unknown IANA time zone {self.timezone!r}") from err
        if self.subdivision is not None and self.country is None:
            raise UsageError("me.subdivision: set me.country as well")
        if self.country is not None:
            object.__setattr__(self, "country", self.country.upper())
            try:
                _holiday_dates(self.country, None, 2000)
            except NotImplementedError as err:
                raise UsageError(
                    f"me.country: the holidays package has no country {self.country!r}"
                ) from err
            try:
                _holiday_dates(self.country, self.subdivision, 2000)
            except NotImplementedError as err:
                raise UsageError(
                    f"me.subdivision: {self.country} has no subdivision {self.subdivision!r}"
                ) from err
        gaps = tuple(self.call_gaps)
        if len(gaps) != 3 or not all(
            isinstance(g, int) and not isinstance(g, bool) and g >= 1 for g in gaps
        ):
            raise UsageError(f"plan.call_gaps: expected three whole numbers >= 1, got {gaps!r}")
        object.__setattr__(self, "call_gaps", gaps)
        if isinstance(self.debrief_delay_minutes, bool) or self.debrief_delay_minutes < 0:
            raise UsageError(
                "plan.debrief_delay_minutes: expected a whole number >= 0, "
                f"got {self.debrief_delay_minutes!r}"
            )
        for key, value in (
            ("plan.call_time", self.call_time),
            ("plan.prep_time", self.prep_time),
            ("approval.deadline", self.approval_deadline),
        ):
            if not isinstance(value, time) or value.tzinfo is not None:
                raise UsageError(f"{key}: expected a local time of day like 10:00, got {value!r}")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches instances per key


# --- business days ---------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """Public holidays of one country/subdivision in one year (building these is slow)."""
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(calendar.keys())


def is_business_day(d: date, settings: PlanSettings) -> bool:
    """Monday-Friday and not a public holiday of settings.country/subdivision."""
    if d.weekday() >= 5:
        return False
    if settings.country is None:
        return True
    return d not in _holiday_dates(settings.country, settings.subdivision, d.year)


def add_business_days(d: date, n: int, settings: PlanSettings) -> date:
    """The n-th business day after d (before d when n < 0); d itself when n == 0."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if is_business_day(d, settings):
            remaining -= 1
    return d


# --- local wall clock ------------------------------------------------------


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


def _local_date(instant: datetime, settings: PlanSettings) -> date:
    return instant.astimezone(settings.zone).date()


def _at(d: date, t: time, settings: PlanSettings) -> datetime:
    """Local date + local time in the user's zone, as a UTC instant.

    A time that falls in a spring-forward gap resolves with fold=0 (the offset
    before the change), i.e. one hour later on the new wall clock.
    """
    return datetime.combine(d, t, tzinfo=settings.zone).astimezone(UTC)


def _interview_day(interview: Interview, settings: PlanSettings) -> date:
    return _local_date(interview.start, settings)


# --- the plan --------------------------------------------------------------


def plan_tasks(
    interview: Interview,
    *,
    settings: PlanSettings,
    calls_made: Mapping[TaskKind, datetime] = {},  # noqa: B006 - read-only default
    reminded: Mapping[TaskKind, datetime] = {},  # noqa: B006 - read-only default
    done: Collection[TaskKind] = (),
    now: datetime,
    calls_after: date | None = None,
    debrief_asked: datetime | None = None,
) -> list[Task]:
    """The interview's follow-up plan as of ``now``, in order prep .. call_3.

    Each call is counted from the previous one: from when the user made it
    (``calls_made``), else from when its reminder went out (``reminded``), else
    from its due, and from ``now`` when that due has passed with no reminder
    sent yet (found late, the service down, a clock jump). So two call
    reminders never come together, and a call never comes sooner than its gap
    after the previous reminder. Kinds in ``done`` or ``calls_made`` are DONE.
    Dues are UTC-aware datetimes. ``calls_after``: the person to call is away until
    that day (an out-of-office): the next call comes the business day after it.
    ``debrief_asked``: when the debrief prompt went (or was answered, if first; or
    goes now). An interview found late (asked on a later day) counts its calls from
    that day, as the thank-you goes then: the first call comes its full gap after
    the catch-up mail, not at once beside it.
    """
    _require_aware("now", now)
    _require_aware("interview.start", interview.start)
    _require_aware("interview.end", interview.end)
    for kind, made in calls_made.items():
        _require_aware(f"calls_made[{kind.value}]", made)
    finished = set(done) | set(calls_made)
    ended = interview.state in _ENDED
    day = _interview_day(interview, settings)

    def task(kind: TaskKind, due: datetime) -> Task:
        if kind in finished:
            return Task(kind, due, TaskState.DONE)
        if ended:
            return Task(kind, due, TaskState.CANCELLED)
        return Task(kind, due, TaskState.PENDING, late=due < now)

    tasks: list[Task] = []

    if settings.prep_reminder:
        prep_at = _at(day - timedelta(days=1), settings.prep_time, settings)
        if TaskKind.PREP in finished or ended or prep_at >= now:
            tasks.append(task(TaskKind.PREP, prep_at))
        elif now >= interview.start:
            tasks.append(Task(TaskKind.PREP, prep_at, TaskState.SKIPPED))  # no point after
        else:
            tasks.append(Task(TaskKind.PREP, now.astimezone(UTC), TaskState.PENDING, late=True))

    after = (interview.end + timedelta(minutes=settings.debrief_delay_minutes)).astimezone(UTC)
    tasks.append(task(TaskKind.DEBRIEF, after))
    tasks.append(task(TaskKind.THANK_YOU, after))

    previous = day
    if debrief_asked is not None and not ended:
        _require_aware("debrief_asked", debrief_asked)
        previous = max(day, _local_date(debrief_asked, settings))
    for kind, gap in zip(CALL_KINDS, settings.call_gaps, strict=True):
        due = _at(add_business_days(previous, gap, settings), settings.call_time, settings)
        open_call = kind not in finished and kind not in reminded and not ended
        if open_call and calls_after is not None and _local_date(due, settings) <= calls_after:
            due = _at(add_business_days(calls_after, 1, settings), settings.call_time, settings)
            calls_after = None  # the next call only; the later ones follow from it
        tasks.append(task(kind, due))
        anchor = calls_made.get(kind) or reminded.get(kind)
        if anchor is None:  # not reminded yet: a due that has passed goes now
            anchor = max(due, now) if kind not in finished and not ended else due
        previous = _local_date(anchor, settings)

    return tasks


def thank_you_in_question(interview: Interview, *, now: datetime) -> bool:
    """True when the thank-you would go more than THANK_YOU_STILL_WORTH after the
    interview: the user decides whether a note that late still helps."""
    _require_aware("now", now)
    return now - interview.end > THANK_YOU_STILL_WORTH


def due_tasks(tasks: Sequence[Task], *, now: datetime) -> list[Task]:
    """Pending tasks whose due is at or before now, earliest first."""
    _require_aware("now", now)
    return sorted(
        (t for t in tasks if t.state is TaskState.PENDING and t.due <= now), key=lambda t: t.due
    )


def next_due(tasks: Iterable[Task], *, now: datetime) -> datetime | None:
    """When the daemon should wake for these tasks: the earliest pending due, not before now.

    None when nothing is pending. A due already past comes back as ``now`` (act at once).
    """
    _require_aware("now", now)
    dues = [t.due for t in tasks if t.state is TaskState.PENDING]
    if not dues:
        return None
    return max(min(dues), now)


def call_window_passed(task: Task, *, now: datetime, settings: PlanSettings) -> bool:
    """True for an open call reminder whose due date is more than 2 business days ago.

    Local dates in the user's zone: due Monday -> still in the window on Wednesday,
    gone on Thursday. Always False for other kinds and for closed tasks.
    """
    _require_aware("now", now)
    if task.kind not in CALL_KINDS or task.state not in (TaskState.PENDING, TaskState.WAITING):
        return False
    last_day = add_business_days(
        _local_date(task.due, settings), CALL_WINDOW_BUSINESS_DAYS, settings
    )
    return _local_date(now, settings) > last_day


def approval_deadline_at(interview: Interview, settings: PlanSettings) -> datetime:
    """When the thank-you drafts should be approved by (UTC-aware).

    The interview day (user's zone) at settings.approval_deadline; when the drafts
    are only made at or after that time (end + debrief delay), two hours after they are made.
    """
    _require_aware("interview.end", interview.end)
    deadline = _at(_interview_day(interview, settings), settings.approval_deadline, settings)
    drafts_at = (interview.end + timedelta(minutes=settings.debrief_delay_minutes)).astimezone(UTC)
    if drafts_at >= deadline:
        return drafts_at + timedelta(hours=2)
    return deadline
