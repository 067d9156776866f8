"""Carrying out the plan: keep each interview's tasks in the store in step with the
pure planner (plan.py), and act on the ones that are due (prep and call reminders,
the debrief prompt, the thank-you drafts).

One failing interview or template is logged and skipped; the others go on.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

from followup.adapters import desktop
from followup.adapters.store import drafts as draft_rows
from followup.adapters.store import interviews as interview_rows
from followup.adapters.store import tasks as task_rows
from followup.app import drafts, interviews
from followup.app.notices import email_user
from followup.app.runtime import Runtime
from followup.core import calendar_file, plan, render, scripts
from followup.core.model import (
    ACTS_ON,
    DraftState,
    FollowupError,
    Interview,
    Task,
    TaskKind,
    TaskRow,
    TaskState,
)

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=15)  # a task acted on this long after its due was missed


# --- keeping tasks in step with the plan -----------------------------------------


def stored_tasks(rt: Runtime, interview_id: int) -> dict[TaskKind, TaskRow]:
    return {t.kind: t for t in task_rows.for_interview(rt.store, interview_id)}


def sync_plan(rt: Runtime, interview: Interview, *, now: datetime) -> list[Task]:
    """Replan one interview and store it (inside a transaction). Done and waiting
    tasks keep their state; pending ones move with a reschedule; an ended
    interview cancels what is left."""
    stored = stored_tasks(rt, interview.id)
    _reopen_lost_notices(rt, stored)
    done = {k for k, t in stored.items() if t.state is TaskState.DONE}
    calls_made = {
        k: made
        for k, t in stored.items()
        if k in plan.CALL_KINDS and k in done and (made := t.done_at) is not None
    }
    reminded = {
        k: at
        for k, t in stored.items()
        if k in plan.CALL_KINDS and (at := t.reminded_at) is not None
    }
    planned = plan.plan_tasks(
        interview,
        settings=rt.plan_settings,
        calls_made=calls_made,
        reminded=reminded,
        done=done,
        now=now,
        calls_after=interview_rows.calls_after(rt.store, interview.id),
        debrief_asked=_debrief_asked(rt, stored.get(TaskKind.DEBRIEF), interview, now=now),
    )
    for task in planned:
        row = stored.get(task.kind)
        if row is None:
            task_rows.add(rt.store, interview.id, task.kind, task.due, task.state, late=task.late)
        elif row.state is TaskState.PENDING:
            task_rows.replan(rt.store, row.id, task.due, task.state)
        elif row.state is TaskState.WAITING and task.state is TaskState.CANCELLED:
            task_rows.cancel(rt.store, row.id)
    _settle_thank_you(rt, interview, now=now)
    return planned


def _debrief_asked(
    rt: Runtime, row: TaskRow | None, interview: Interview, *, now: datetime
) -> datetime | None:
    """When the debrief prompt (`row`, the stored task) went, or when the debrief was
    answered before one did; `now` when it is overdue and not sent yet (found late: it
    goes in this pass)."""
    if row is not None and (row.reminded_at or row.state is TaskState.DONE):
        return row.reminded_at or row.done_at
    if row is not None and row.state is not TaskState.PENDING:
        return None
    delay = timedelta(minutes=rt.plan_settings.debrief_delay_minutes)
    due = interview.end + delay if row is None else row.due
    return now if due < now else None


_SETTLED = frozenset({DraftState.SENT, DraftState.REJECTED, DraftState.WITHDRAWN})


# Tasks that wait for the user's reply to their reminder. (The prep reminder waits for
# nothing; and its due moves to "now" when late, so "once more per due" would not bound it.)
_WAIT_FOR_REPLY = (TaskKind.DEBRIEF, *plan.CALL_KINDS)


def _reopen_lost_notices(rt: Runtime, stored: dict[TaskKind, TaskRow]) -> None:
    """A task whose reminder may never have arrived (killed mid-send, the connection
    lost: "unknown") would wait for a reply forever: it is pending again, so the
    reminder goes out once more. Its token is kept, so either copy's reply counts."""
    for kind, row in list(stored.items()):
        if kind not in _WAIT_FOR_REPLY or row.state is not TaskState.WAITING:
            continue
        if rt.outbox.lost(task_ref(row)):
            task_rows.reopen(rt.store, row.id)
            stored[kind] = dataclasses.replace(row, state=TaskState.PENDING)
            log.warning(
                "interview %d: the %s reminder may not have reached you: sending it again",
                row.interview_id,
                kind.value,
            )


def task_ref(task: TaskRow) -> str:
    """What a task's notice is recorded under in `sends` (one per task and due time)."""
    return f"task:{task.id}:{task.due_stamp}"


def _settle_thank_you(rt: Runtime, interview: Interview, *, now: datetime) -> None:
    # The thank-you step is done once every draft is sent, rejected or withdrawn
    # (a withdrawn one is never sent: waiting for it would wait forever).
    states = draft_rows.states(rt.store, interview.id)
    if states and states <= _SETTLED:
        task_rows.settle_thank_you(rt.store, interview.id, now=now)


def sync_all_plans(rt: Runtime, *, now: datetime) -> None:
    for interview in interviews.all_interviews(rt.store):
        try:
            with rt.store.transaction():
                sync_plan(rt, interview, now=now)
        except FollowupError as err:
            log.error("interview %d: cannot plan: %s", interview.id, err)


# --- acting on due tasks -----------------------------------------------------------


def due_tasks(rt: Runtime, *, now: datetime) -> list[tuple[Interview, TaskRow]]:
    return [
        (interviews.get(rt.store, t.interview_id), t)
        for t in task_rows.due(rt.store, now=now, interview_states=ACTS_ON)
    ]


def run_due_tasks(rt: Runtime, *, now: datetime) -> int:
    """Act on every due task; returns how many were carried out."""
    acted = 0
    for interview, task in due_tasks(rt, now=now):
        kind, due = task.kind, task.due
        late = task.late or now - due > LATE_AFTER
        try:
            if _act(rt, interview, kind, task, due=due, late=late, now=now):
                acted += 1
                continue
            reason = "the message could not be sent"
        except FollowupError as err:  # a broken template or a send that must wait
            reason = str(err)
        _retry_later(rt, task, reason, now=now)
    return acted


TASK_MAX_BACKOFF = timedelta(hours=6)


def _retry_later(rt: Runtime, task: TaskRow, reason: str, *, now: datetime) -> None:
    attempts = task.attempts + 1
    delay = min(TASK_MAX_BACKOFF, timedelta(minutes=2 ** min(attempts, 10)))
    with rt.store.transaction():
        task_rows.retry_at(rt.store, task.id, attempts=attempts, when=now + delay)
    log.error(
        "interview %d: %s not done (try %d, next in %s): %s",
        task.interview_id,
        task.kind.value,
        attempts,
        delay,
        reason,
    )


def _act(
    rt: Runtime,
    interview: Interview,
    kind: TaskKind,
    task: TaskRow,
    *,
    due: datetime,
    late: bool,
    now: datetime,
) -> bool:
    if kind is TaskKind.THANK_YOU:
        if interviews.thank_you_on_hold(rt.store, interview, now=now):
            with rt.store.transaction():  # the catch-up mail asks; the answer releases it
                _set_task(rt, task.id, TaskState.WAITING, late=True)
            log.info("interview %d: found late, the thank-you waits for your answer", interview.id)
            return True
        with rt.store.transaction():
            made = make_drafts(rt, interview, now=now, late=late)
            _set_task(rt, task.id, TaskState.WAITING, late=late)
        if made:
            log.info(
                "interview %d: %d thank-you draft(s) made%s",
                interview.id,
                len(made),
                " (late)" if late else "",
            )
        return True
    if kind is TaskKind.PREP:
        # the names as the interview has them; "Today" if it goes out late
        email = render.render_prep_reminder(rt.env, interview=interview, me=rt.me, now=now)
        return _notify(
            rt,
            email,
            purpose="prep_reminder",
            task=task,
            due=due,
            now=now,
            state=TaskState.DONE,
            late=late,
        )
    if kind is TaskKind.DEBRIEF:
        token = task.token or drafts.new_token()  # kept when sent once more
        email = render.render_debrief_request(
            rt.env,
            interview=interview,
            token=token,
            me=rt.me,
            now=now,
            ask_thank_you=interviews.thank_you_on_hold(rt.store, interview, now=now),
            next_call=_next_call(rt, interview.id),
            wait_hours=rt.settings.approval.wait_for_debrief,
        )
        return _notify(
            rt,
            email,
            purpose="debrief_request",
            task=task,
            due=due,
            now=now,
            state=TaskState.WAITING,
            token=token,
            late=late,
        )
    call = int(kind.value[-1])
    return _call_reminder(rt, interview, call, task, due=due, late=late, now=now)


def make_drafts(rt: Runtime, interview: Interview, *, now: datetime, late: bool) -> list[int]:
    """drafts.make_drafts with the interview's debrief and the user's settings (inside a
    transaction): one draft per interviewer who has none yet."""
    return drafts.make_drafts(
        rt.store,
        rt.env,
        interview,
        interviews.get_debrief(rt.store, interview.id),
        rt.me,
        now=now,
        late=late,
        max_people=rt.settings.compose.max_interviewers,
    )


def _next_call(rt: Runtime, interview_id: int) -> datetime | None:
    """When the first call reminder still to come is due (for the catch-up mail)."""
    for row in task_rows.for_interview(rt.store, interview_id):
        if row.kind in plan.CALL_KINDS and row.state is TaskState.PENDING:
            return row.due
    return None


def _call_reminder(
    rt: Runtime,
    interview: Interview,
    call: int,
    task: TaskRow,
    *,
    due: datetime,
    late: bool,
    now: datetime,
) -> bool:
    debrief = interviews.get_debrief(rt.store, interview.id)
    if scripts.call_person(interview, debrief) is None:
        log.warning(
            "interview %d: call %d has no one to call; add them with `followup add` or the debrief",
            interview.id,
            call,
        )
    script = scripts.call_script(call, debrief, interview, me=rt.me)
    token = task.token or drafts.new_token()  # kept when sent once more
    as_task = Task(task.kind, due, TaskState.PENDING, late)
    email = render.render_call_reminder(
        rt.env,
        interview=interview,
        script=script,
        debrief=debrief,
        due=due,
        late=late,
        window_passed=plan.call_window_passed(as_task, now=now, settings=rt.plan_settings),
        token=token,
        me=rt.me,
    )
    who = script.to.name or script.to.email or "someone to call"
    ics = calendar_file.call_reminder_ics(
        uid=f"followup-{interview.id}-call-{call}@followup",
        stamp=now,
        summary=f"Follow-up call {call}: {who} ({interview.company})",
        description=script.spoken,
        start=now if late else due,
        sequence=int(now.timestamp()) // 60,
    )
    return _notify(
        rt,
        email,
        purpose=f"call_{call}_reminder",
        task=task,
        due=due,
        now=now,
        state=TaskState.WAITING,
        token=token,
        late=late,
        attachments=[(ics, "text/calendar", f"followup-call-{call}.ics")],
    )


def _notify(
    rt: Runtime,
    email,
    *,
    purpose: str,
    task: TaskRow,
    due: datetime,
    now: datetime,
    state: TaskState,
    late: bool,
    token: str | None = None,
    attachments=(),
) -> bool:
    """Email the user about a task, at most once per task and due time."""
    sent = email_user(
        rt,
        email,
        purpose=purpose,
        ref=task_ref(task),
        now=now,
        apply=lambda: _set_task(rt, task.id, state, token=token, late=late, reminded_at=now),
        undo=lambda: _set_task(
            rt, task.id, TaskState.PENDING, token=task.token, late=late
        ),  # a token a first, maybe-lost copy carries lives on
        attachments=attachments,
    )
    if sent:
        desktop.notify(email.subject, email.body.split("\n\n", 1)[0])
    return sent


def _set_task(
    rt: Runtime,
    task_id: int,
    state: TaskState,
    *,
    token: str | None = None,
    late: bool = False,
    reminded_at: datetime | None = None,
) -> None:
    task_rows.set_progress(
        rt.store, task_id, state, token=token, late=late, reminded_at=reminded_at
    )
