"""The follow-up plan: business days, holidays, DST, reschedules, states
(docs/ARCHITECTURE.md §3.7, §3.8)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import followup  # noqa: F401
except ImportError:  # source checkout without an install: daemon/ is the source root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))

import holidays
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from followup.core.model import Interview, InterviewState, Task, TaskKind, TaskState, UsageError
from followup.core.plan import (
    CALL_KINDS,
    PlanSettings,
    add_business_days,
    approval_deadline_at,
    call_window_passed,
    due_tasks,
    is_business_day,
    next_due,
    plan_tasks,
)

CHICAGO = "America/Chicago"
NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
LONDON = "Europe/London"

US = PlanSettings(timezone=CHICAGO)
K = TaskKind


def local(zone: str, y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone))


def interview(
    start: datetime, minutes: int = 60, state: InterviewState = InterviewState.ACTIVE
) -> Interview:
    return Interview(
        id=1,
        company="Acme",
        role="Backend Engineer",
        start=start,
        end=start + timedelta(minutes=minutes),
        timezone=str(start.tzinfo),
        state=state,
    )


def by_kind(tasks: list[Task]) -> dict[TaskKind, Task]:
    return {t.kind: t for t in tasks}


def local_of(task: Task, zone: str) -> datetime:
    return task.due.astimezone(ZoneInfo(zone))


# A clock well before every interview used below.
EARLY = datetime(2026, 1, 1, tzinfo=UTC)


# --- business days -----------------------------------------------------------


def test_thanksgiving_friday_is_a_business_day_in_the_us_calendar():
    """US Thanksgiving 2026 (Thu 26 Nov) is a holiday; the Friday after is not in `holidays` US."""
    us = holidays.country_holidays("US", years=2026)
    assert date(2026, 11, 26) in us
    assert date(2026, 11, 27) not in us
    assert not is_business_day(date(2026, 11, 26), US)
    assert is_business_day(date(2026, 11, 27), US)


def test_weekends_only_when_no_country():
    """country=None counts only weekends: Thanksgiving is an ordinary Thursday."""
    plain = PlanSettings(timezone=CHICAGO, country=None)
    assert is_business_day(date(2026, 11, 26), plain)
    assert not is_business_day(date(2026, 11, 28), plain)
    assert add_business_days(date(2026, 11, 25), 3, plain) == date(2026, 11, 30)


def test_add_business_days_skips_thanksgiving_and_weekend():
    """Wed 25 Nov + 3 business days in the US: Fri 27, Mon 30, Tue 1 Dec."""
    assert add_business_days(date(2026, 11, 25), 3, US) == date(2026, 12, 1)


def test_add_business_days_zero_and_negative():
    """n=0 is the day itself; a negative n walks back over the weekend."""
    assert add_business_days(date(2026, 11, 28), 0, US) == date(2026, 11, 28)
    assert add_business_days(date(2026, 11, 30), -1, US) == date(2026, 11, 27)


def test_subdivision_holidays_count():
    """Bavaria keeps Epiphany (6 Jan), Berlin state does not."""
    bavaria = PlanSettings(timezone=BERLIN, country="DE", subdivision="BY")
    berlin = PlanSettings(timezone=BERLIN, country="DE", subdivision="BE")
    assert not is_business_day(date(2026, 1, 6), bavaria)
    assert is_business_day(date(2026, 1, 6), berlin)


@hsettings(max_examples=200, deadline=None)
@given(start=st.dates(date(2025, 1, 1), date(2028, 12, 31)), n=st.integers(0, 30))
def test_add_business_days_lands_on_the_nth_business_day(start: date, n: int):
    """The result is a business day and exactly n business days lie in (start, result]."""
    end = add_business_days(start, n, US)
    span = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_business_day(d, US) for d in span) == n
    if n:
        assert is_business_day(end, US)


# --- call 1 ------------------------------------------------------------------


def test_call_1_after_thanksgiving_interview():
    """Interview Wed 25 Nov 2026 (Chicago) -> call 1 on Tue 1 Dec at 10:00 local."""
    tasks = by_kind(plan_tasks(interview(local(CHICAGO, 2026, 11, 25, 14)), settings=US, now=EARLY))
    assert local_of(tasks[K.CALL_1], CHICAGO) == local(CHICAGO, 2026, 12, 1, 10)
    assert tasks[K.CALL_1].due.tzinfo is UTC


def test_call_1_after_friday_interview_is_wednesday():
    """Interview Fri 4 Dec 2026 -> call 1 on Wed 9 Dec."""
    tasks = by_kind(plan_tasks(interview(local(CHICAGO, 2026, 12, 4, 9)), settings=US, now=EARLY))
    assert local_of(tasks[K.CALL_1], CHICAGO) == local(CHICAGO, 2026, 12, 9, 10)
    assert local_of(tasks[K.CALL_1], CHICAGO).weekday() == 2


def test_interview_day_is_the_users_local_date():
    """An interview at 23:30 Chicago (next day in UTC) counts from the Chicago date."""
    start = local(CHICAGO, 2026, 12, 3, 23, 30)  # Thu local, Fri 05:30 UTC
    tasks = by_kind(plan_tasks(interview(start, 20), settings=US, now=EARLY))
    assert local_of(tasks[K.PREP], CHICAGO) == local(CHICAGO, 2026, 12, 2, 18)
    assert local_of(tasks[K.CALL_1], CHICAGO) == local(CHICAGO, 2026, 12, 8, 10)  # Fri Mon Tue


def test_interview_given_in_another_zone_uses_the_users_zone():
    """An invite written in Berlin time is planned on the user's Chicago wall clock."""
    start = local(BERLIN, 2026, 12, 4, 1, 0)  # Fri 01:00 Berlin = Thu 18:00 Chicago
    tasks = by_kind(plan_tasks(interview(start), settings=US, now=EARLY))
    assert local_of(tasks[K.PREP], CHICAGO) == local(CHICAGO, 2026, 12, 2, 18)
    assert local_of(tasks[K.CALL_1], CHICAGO) == local(CHICAGO, 2026, 12, 8, 10)


# --- DST ---------------------------------------------------------------------


def test_dst_new_york_keeps_wall_clock():
    """Interview Thu 29 Oct (EDT); call 1 on Tue 3 Nov is still 10:00 local, now EST."""
    ny = PlanSettings(timezone=NEW_YORK)
    tasks = by_kind(
        plan_tasks(interview(local(NEW_YORK, 2026, 10, 29, 14)), settings=ny, now=EARLY)
    )
    prep, call_1 = tasks[K.PREP], tasks[K.CALL_1]
    assert prep.due == datetime(2026, 10, 28, 22, 0, tzinfo=UTC)  # 18:00 EDT
    assert call_1.due == datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # 10:00 EST
    assert local_of(prep, NEW_YORK).utcoffset() == timedelta(hours=-4)
    assert local_of(call_1, NEW_YORK).utcoffset() == timedelta(hours=-5)
    assert local_of(call_1, NEW_YORK).time() == time(10, 0)


def test_dst_berlin_keeps_wall_clock():
    """Interview Thu 22 Oct (CEST); call 1 on Tue 27 Oct is 10:00 CET, 09:00 UTC."""
    de = PlanSettings(timezone=BERLIN, country="DE")
    tasks = by_kind(plan_tasks(interview(local(BERLIN, 2026, 10, 22, 11)), settings=de, now=EARLY))
    assert tasks[K.PREP].due == datetime(2026, 10, 21, 16, 0, tzinfo=UTC)  # 18:00 CEST
    assert tasks[K.CALL_1].due == datetime(2026, 10, 27, 9, 0, tzinfo=UTC)  # 10:00 CET
    assert local_of(tasks[K.CALL_1], BERLIN).time() == time(10, 0)


# --- other countries' holidays ------------------------------------------------


def test_german_christmas_moves_call_1():
    """Interview Tue 22 Dec in Germany: the would-be call day Fri 25 is a holiday -> Mon 28."""
    de = PlanSettings(timezone=BERLIN, country="DE")
    tasks = by_kind(plan_tasks(interview(local(BERLIN, 2026, 12, 22, 10)), settings=de, now=EARLY))
    assert local_of(tasks[K.CALL_1], BERLIN) == local(BERLIN, 2026, 12, 28, 10)


def test_british_boxing_day_observed_moves_call_1_past_us_date():
    """Interview Wed 23 Dec: GB skips 25 and Boxing Day observed (28) -> Wed 30; US -> Tue 29."""
    gb = PlanSettings(timezone=LONDON, country="GB")
    gb_tasks = by_kind(
        plan_tasks(interview(local(LONDON, 2026, 12, 23, 10)), settings=gb, now=EARLY)
    )
    us_tasks = by_kind(
        plan_tasks(interview(local(CHICAGO, 2026, 12, 23, 10)), settings=US, now=EARLY)
    )
    assert local_of(gb_tasks[K.CALL_1], LONDON).date() == date(2026, 12, 30)
    assert local_of(us_tasks[K.CALL_1], CHICAGO).date() == date(2026, 12, 29)


# --- calls 2 and 3 ------------------------------------------------------------

MON_DEC_7 = local(CHICAGO, 2026, 12, 7, 10)  # call 1 due Thu 10 Dec


def test_call_2_counts_from_when_call_1_was_made():
    """Call 1 made on Mon 14 Dec (late) -> call 2 three business days later, Thu 17 Dec."""
    made = local(CHICAGO, 2026, 12, 14, 15)
    tasks = by_kind(
        plan_tasks(interview(MON_DEC_7), settings=US, calls_made={K.CALL_1: made}, now=made)
    )
    assert tasks[K.CALL_1].state is TaskState.DONE
    assert local_of(tasks[K.CALL_2], CHICAGO) == local(CHICAGO, 2026, 12, 17, 10)
    assert local_of(tasks[K.CALL_3], CHICAGO) == local(CHICAGO, 2026, 12, 22, 10)


def test_call_2_counts_from_call_1_due_when_never_marked():
    """Call 1 never marked made -> call 2 three business days after its due: Tue 15 Dec."""
    tasks = by_kind(plan_tasks(interview(MON_DEC_7), settings=US, now=EARLY))
    assert local_of(tasks[K.CALL_1], CHICAGO) == local(CHICAGO, 2026, 12, 10, 10)
    assert local_of(tasks[K.CALL_2], CHICAGO) == local(CHICAGO, 2026, 12, 15, 10)
    assert local_of(tasks[K.CALL_3], CHICAGO) == local(CHICAGO, 2026, 12, 18, 10)


def test_call_2_counts_from_when_call_1_was_reminded():
    """Call 1 due Thu 10 Dec, its reminder went only on Mon 14 Dec (the service was
    down): call 2 comes three business days after the reminder, Thu 17 Dec."""
    reminded = local(CHICAGO, 2026, 12, 14, 9)
    tasks = by_kind(
        plan_tasks(interview(MON_DEC_7), settings=US, reminded={K.CALL_1: reminded}, now=reminded)
    )
    assert local_of(tasks[K.CALL_1], CHICAGO) == local(CHICAGO, 2026, 12, 10, 10)
    assert local_of(tasks[K.CALL_2], CHICAGO) == local(CHICAGO, 2026, 12, 17, 10)
    assert local_of(tasks[K.CALL_3], CHICAGO) == local(CHICAGO, 2026, 12, 22, 10)


@pytest.mark.parametrize("days_late", [1, 4, 14, 40])
def test_an_interview_found_late_never_brings_two_call_reminders_together(days_late: int):
    """Found weeks after the fact: call 1 is due at once (late), and each later call
    comes its full gap after the one before, counted from now: never a burst."""
    now = MON_DEC_7 + timedelta(days=days_late)
    tasks = by_kind(plan_tasks(interview(MON_DEC_7), settings=US, now=now))
    due_now = [t for t in due_tasks(list(tasks.values()), now=now) if t.kind in CALL_KINDS]
    assert len(due_now) <= 1
    calls = [tasks[k] for k in CALL_KINDS]
    for before, after in zip(calls, calls[1:], strict=False):
        start = max(before.due, now).astimezone(ZoneInfo(CHICAGO)).date()
        assert after.due.astimezone(ZoneInfo(CHICAGO)).date() >= add_business_days(start, 3, US)
        assert after.due > now


def test_call_made_late_at_night_counts_from_the_local_date():
    """Call 1 made Mon 14 Dec 23:30 Chicago (Tue in UTC) counts from Monday."""
    made = local(CHICAGO, 2026, 12, 14, 23, 30)
    tasks = by_kind(
        plan_tasks(interview(MON_DEC_7), settings=US, calls_made={K.CALL_1: made}, now=made)
    )
    assert local_of(tasks[K.CALL_2], CHICAGO).date() == date(2026, 12, 17)


def test_call_3_counts_from_when_call_2_was_made():
    """Call 2 made early (Fri 11 Dec) pulls call 3 forward to Wed 16 Dec."""
    made_1 = local(CHICAGO, 2026, 12, 10, 10, 5)
    made_2 = local(CHICAGO, 2026, 12, 11, 9)
    tasks = by_kind(
        plan_tasks(
            interview(MON_DEC_7),
            settings=US,
            calls_made={K.CALL_1: made_1, K.CALL_2: made_2},
            now=made_2,
        )
    )
    assert tasks[K.CALL_2].state is TaskState.DONE
    assert local_of(tasks[K.CALL_3], CHICAGO) == local(CHICAGO, 2026, 12, 16, 10)


def test_custom_gaps_and_call_time():
    """call_gaps (4, 3, 5) and call_time 14:30 are honoured."""
    s = PlanSettings(timezone=CHICAGO, call_gaps=(4, 3, 5), call_time=time(14, 30))
    tasks = by_kind(plan_tasks(interview(MON_DEC_7), settings=s, now=EARLY))
    assert local_of(tasks[K.CALL_1], CHICAGO) == local(CHICAGO, 2026, 12, 11, 14, 30)
    assert local_of(tasks[K.CALL_2], CHICAGO) == local(CHICAGO, 2026, 12, 16, 14, 30)
    assert local_of(tasks[K.CALL_3], CHICAGO) == local(CHICAGO, 2026, 12, 23, 14, 30)


# --- prep, debrief, thank-you -------------------------------------------------


def test_full_plan_in_order_with_expected_dues():
    """A plan made well ahead has six pending, not-late tasks with the rule's dues."""
    tasks = plan_tasks(interview(MON_DEC_7, 45), settings=US, now=EARLY)
    assert [t.kind for t in tasks] == list(TaskKind)
    assert all(t.state is TaskState.PENDING and not t.late for t in tasks)
    t = by_kind(tasks)
    assert local_of(t[K.PREP], CHICAGO) == local(CHICAGO, 2026, 12, 6, 18)  # Sunday evening
    assert local_of(t[K.DEBRIEF], CHICAGO) == local(CHICAGO, 2026, 12, 7, 11, 15)
    assert t[K.THANK_YOU].due == t[K.DEBRIEF].due


def test_no_prep_task_when_disabled():
    """prep_reminder=False leaves the prep task out."""
    s = PlanSettings(timezone=CHICAGO, prep_reminder=False)
    kinds = [t.kind for t in plan_tasks(interview(MON_DEC_7), settings=s, now=EARLY)]
    assert K.PREP not in kinds and K.DEBRIEF in kinds


def test_prep_due_now_when_planned_after_prep_time_before_interview():
    """Recorded at 21:00 the evening before: the prep reminder is due now and late."""
    now = local(CHICAGO, 2026, 12, 6, 21)
    prep = by_kind(plan_tasks(interview(MON_DEC_7), settings=US, now=now))[K.PREP]
    assert prep.state is TaskState.PENDING
    assert prep.late is True
    assert prep.due == now
    assert due_tasks([prep], now=now) == [prep]


def test_prep_skipped_when_planned_after_interview_started():
    """Recorded once the interview has begun: the prep reminder is skipped."""
    now = MON_DEC_7 + timedelta(minutes=5)
    tasks = by_kind(plan_tasks(interview(MON_DEC_7), settings=US, now=now))
    assert tasks[K.PREP].state is TaskState.SKIPPED
    assert tasks[K.DEBRIEF].state is TaskState.PENDING
    assert tasks[K.DEBRIEF].late is False


def test_debrief_delay_setting():
    """debrief_delay_minutes moves the debrief and thank-you after the end."""
    s = PlanSettings(timezone=CHICAGO, debrief_delay_minutes=90)
    t = by_kind(plan_tasks(interview(MON_DEC_7, 60), settings=s, now=EARLY))
    assert local_of(t[K.DEBRIEF], CHICAGO) == local(CHICAGO, 2026, 12, 7, 12, 30)
    assert t[K.THANK_YOU].due == t[K.DEBRIEF].due


# --- late, done, reschedule, states --------------------------------------------


def test_late_flag_marks_only_past_dues():
    """Planned the day after the interview: debrief and thank-you are late, calls are not."""
    now = local(CHICAGO, 2026, 12, 8, 9)
    t = by_kind(plan_tasks(interview(MON_DEC_7), settings=US, now=now))
    assert t[K.DEBRIEF].late and t[K.THANK_YOU].late
    assert not t[K.CALL_1].late and not t[K.CALL_2].late
    assert t[K.PREP].state is TaskState.SKIPPED


def test_done_tasks_stay_done_and_are_not_late():
    """Kinds in `done` are DONE, never late, and not due."""
    now = local(CHICAGO, 2026, 12, 9, 9)
    tasks = plan_tasks(interview(MON_DEC_7), settings=US, done={K.PREP, K.DEBRIEF}, now=now)
    t = by_kind(tasks)
    assert t[K.PREP].state is TaskState.DONE and not t[K.PREP].late
    assert t[K.DEBRIEF].state is TaskState.DONE and not t[K.DEBRIEF].late
    assert t[K.THANK_YOU].state is TaskState.PENDING and t[K.THANK_YOU].late
    assert [x.kind for x in due_tasks(tasks, now=now)] == [K.THANK_YOU]


def test_reschedule_moves_every_pending_task():
    """Moving the interview from Mon 7 to Wed 9 Dec moves every pending due; done stays done."""
    before = by_kind(plan_tasks(interview(MON_DEC_7), settings=US, done={K.PREP}, now=EARLY))
    moved = interview(local(CHICAGO, 2026, 12, 9, 10))
    after = by_kind(plan_tasks(moved, settings=US, done={K.PREP}, now=EARLY))
    assert after[K.PREP].state is TaskState.DONE
    for kind in (K.DEBRIEF, K.THANK_YOU, K.CALL_1, K.CALL_2, K.CALL_3):
        assert after[kind].state is TaskState.PENDING
        assert after[kind].due > before[kind].due, kind
    assert local_of(after[K.CALL_1], CHICAGO).date() == date(2026, 12, 14)
    assert local_of(after[K.DEBRIEF], CHICAGO) == local(CHICAGO, 2026, 12, 9, 11, 30)


@pytest.mark.parametrize(
    "state", [InterviewState.CANCELLED, InterviewState.STOPPED, InterviewState.DONE]
)
def test_ended_interview_cancels_every_open_task(state: InterviewState):
    """Cancelled, stopped or finished: every task not done is CANCELLED and nothing is due."""
    now = local(CHICAGO, 2026, 12, 20)
    tasks = plan_tasks(
        interview(MON_DEC_7, state=state),
        settings=US,
        calls_made={K.CALL_1: local(CHICAGO, 2026, 12, 10, 11)},
        done={K.DEBRIEF},
        now=now,
    )
    states = {t.kind: t.state for t in tasks}
    assert states[K.DEBRIEF] is TaskState.DONE
    assert states[K.CALL_1] is TaskState.DONE
    for kind in (K.PREP, K.THANK_YOU, K.CALL_2, K.CALL_3):
        assert states[kind] is TaskState.CANCELLED, kind
    assert not any(t.late for t in tasks)
    assert due_tasks(tasks, now=now) == []
    assert next_due(tasks, now=now) is None


@pytest.mark.parametrize("state", [InterviewState.PAUSED, InterviewState.NEEDS_CONFIRMATION])
def test_paused_and_unconfirmed_are_planned_like_active(state: InterviewState):
    """Paused or unconfirmed interviews get the same plan; the caller decides not to act."""
    active = plan_tasks(interview(MON_DEC_7), settings=US, now=EARLY)
    other = plan_tasks(interview(MON_DEC_7, state=state), settings=US, now=EARLY)
    assert other == active


# --- due_tasks, next_due -------------------------------------------------------


def test_due_tasks_and_next_due():
    """due_tasks returns pending tasks due by now; next_due is the earliest pending due."""
    tasks = plan_tasks(interview(MON_DEC_7), settings=US, now=EARLY)
    t = by_kind(tasks)
    before_prep = local(CHICAGO, 2026, 12, 6, 12)
    assert due_tasks(tasks, now=before_prep) == []
    assert next_due(tasks, now=before_prep) == t[K.PREP].due
    after_debrief = local(CHICAGO, 2026, 12, 7, 12)
    assert [x.kind for x in due_tasks(tasks, now=after_debrief)] == [K.PREP, K.DEBRIEF, K.THANK_YOU]


def test_next_due_skips_closed_tasks_and_never_returns_the_past():
    """Only PENDING counts; an overdue pending task means "now"."""
    now = local(CHICAGO, 2026, 12, 8, 9)
    due = datetime(2026, 12, 1, tzinfo=UTC)
    tasks = [
        Task(K.PREP, due, TaskState.DONE),
        Task(K.DEBRIEF, due, TaskState.WAITING),
        Task(K.CALL_1, now + timedelta(days=2)),
    ]
    assert next_due(tasks, now=now) == now + timedelta(days=2)
    tasks.append(Task(K.THANK_YOU, due))
    assert next_due(tasks, now=now) == now
    assert next_due([], now=now) is None


# --- call window ---------------------------------------------------------------


def test_call_window_passed_after_two_business_days():
    """Call 1 due Thu 10 Dec: open through Mon 14 Dec (2 business days), gone on Tue 15."""
    call_1 = by_kind(plan_tasks(interview(MON_DEC_7), settings=US, now=EARLY))[K.CALL_1]
    assert not call_window_passed(call_1, now=local(CHICAGO, 2026, 12, 10, 18), settings=US)
    assert not call_window_passed(call_1, now=local(CHICAGO, 2026, 12, 14, 23, 59), settings=US)
    assert call_window_passed(call_1, now=local(CHICAGO, 2026, 12, 15, 0, 1), settings=US)


def test_call_window_counts_holidays():
    """Due Wed 25 Nov: Thanksgiving doesn't count, so Mon 30 Nov is still in the window."""
    call = Task(K.CALL_2, local(CHICAGO, 2026, 11, 25, 10).astimezone(UTC))
    assert not call_window_passed(call, now=local(CHICAGO, 2026, 11, 30, 12), settings=US)
    assert call_window_passed(call, now=local(CHICAGO, 2026, 12, 1, 12), settings=US)


def test_call_window_only_for_open_calls():
    """Non-call tasks and done calls never report a passed window."""
    long_ago = datetime(2026, 1, 5, 16, tzinfo=UTC)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert not call_window_passed(Task(K.DEBRIEF, long_ago), now=now, settings=US)
    assert not call_window_passed(Task(K.CALL_1, long_ago, TaskState.DONE), now=now, settings=US)
    assert call_window_passed(Task(K.CALL_1, long_ago, TaskState.WAITING), now=now, settings=US)


# --- approval deadline ---------------------------------------------------------


def test_approval_deadline_same_day():
    """A morning interview: drafts to approve by 18:00 local that day."""
    assert approval_deadline_at(interview(MON_DEC_7), US) == local(CHICAGO, 2026, 12, 7, 18)


def test_approval_deadline_after_late_interview():
    """Ending 18:30: the deadline is end + 30 min debrief delay + 2 h = 21:00 local."""
    late = interview(local(CHICAGO, 2026, 12, 7, 17, 30), 60)
    assert approval_deadline_at(late, US) == local(CHICAGO, 2026, 12, 7, 21)


def test_approval_deadline_when_drafts_are_made_after_it():
    """Ending 17:45 (drafts at 18:15, past 18:00): the deadline is 20:15, not already gone."""
    late = interview(local(CHICAGO, 2026, 12, 7, 17), 45)
    assert approval_deadline_at(late, US) == local(CHICAGO, 2026, 12, 7, 20, 15)


def test_approval_deadline_is_utc_aware():
    """The deadline comes back in UTC."""
    assert approval_deadline_at(interview(MON_DEC_7), US).tzinfo is UTC


# --- settings and inputs ---------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"timezone": "Mars/Olympus"}, "me.timezone"),
        ({"timezone": CHICAGO, "country": "XX"}, "me.country"),
        ({"timezone": CHICAGO, "country": "US", "subdivision": "ZZ"}, "me.subdivision"),
        ({"timezone": CHICAGO, "call_gaps": (3, 0, 3)}, "plan.call_gaps"),
        ({"timezone": CHICAGO, "call_gaps": (3, 3)}, "plan.call_gaps"),
        ({"timezone": CHICAGO, "debrief_delay_minutes": -1}, "plan.debrief_delay_minutes"),
    ],
)
def test_bad_settings_name_the_key(kwargs, key):
    """A bad setting raises UsageError whose message starts with the config key."""
    with pytest.raises(UsageError, match=f"^{key}:"):
        PlanSettings(**kwargs)


def test_country_code_is_case_insensitive():
    """'us' is accepted as 'US'."""
    assert PlanSettings(timezone=CHICAGO, country="us").country == "US"


def test_naive_now_is_refused():
    """A naive `now` is a programming error, not a guess."""
    with pytest.raises(ValueError, match="now"):
        plan_tasks(interview(MON_DEC_7), settings=US, now=datetime(2026, 12, 1))


@hsettings(max_examples=150, deadline=None)
@given(
    day=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    minute=st.integers(0, 24 * 60 - 1),
    zone=st.sampled_from([CHICAGO, NEW_YORK, BERLIN, LONDON, "Australia/Sydney"]),
)
def test_calls_always_on_business_days_at_call_time(day: date, minute: int, zone: str):
    """For any interview, calls fall on local business days at 10:00, in order, after the end."""
    country = {BERLIN: "DE", LONDON: "GB", "Australia/Sydney": "AU"}.get(zone, "US")
    s = PlanSettings(timezone=zone, country=country)
    start = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=ZoneInfo(zone))
    t = by_kind(plan_tasks(interview(start), settings=s, now=EARLY))
    calls = [local_of(t[k], zone) for k in (K.CALL_1, K.CALL_2, K.CALL_3)]
    for c in calls:
        assert is_business_day(c.date(), s)
        assert c.time() == time(10, 0)
    assert (
        t[K.PREP].due
        < start
        < t[K.DEBRIEF].due
        < t[K.CALL_1].due
        < t[K.CALL_2].due
        < t[K.CALL_3].due
    )


def test_plan_and_calendar_file_import_no_io_modules():
    """The pure modules load with sqlite3, imaplib, smtplib and friends blocked."""
    import subprocess

    blocked = ["sqlite3", "imaplib", "smtplib", "imapclient", "yagmail", "keyring"]
    code = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import followup.core.plan, followup.core.calendar_file\n"
    )
    daemon = str(Path(__file__).resolve().parents[1] / "daemon")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": daemon}
    )
    assert result.returncode == 0, result.stderr
