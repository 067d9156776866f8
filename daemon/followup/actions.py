"""Carrying out the plan: keep each interview's tasks in the store up to date,
act on the ones that are due, ask the user to approve drafts.

Decisions come from the pure planner (plan.py) and renderer (render.py); this
module turns them into rows and messages. One failing interview or template
is logged and skipped; the others go on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from followup import calendar_file, desktop, drafts, interviews, plan, render
from followup.model import (
    DraftState,
    FollowupError,
    Interview,
    InterviewState,
    Task,
    TaskKind,
    TaskState,
)
from followup.outbox import build_message, new_message_id
from followup.runtime import Runtime
from followup.store import from_db, to_db

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=15)  # a task acted on this long after its due was missed
ACTS_ON = (InterviewState.ACTIVE,)  # needs-confirmation and paused plans wait for the user


# --- keeping tasks in step with the plan -----------------------------------------


def stored_tasks(rt: Runtime, interview_id: int) -> dict[TaskKind, dict]:
    return {TaskKind(r["kind"]): dict(r) for r in rt.store.all(
        "SELECT * FROM tasks WHERE interview_id = ?", (interview_id,))}


def sync_plan(rt: Runtime, interview: Interview, *, now: datetime) -> list[Task]:
    """Replan one interview and store it (inside a transaction). Done and waiting
    tasks keep their state; pending ones move with a reschedule; an ended
    interview cancels what is left."""
    stored = stored_tasks(rt, interview.id)
    _reopen_lost_notices(rt, stored)
    done = {k for k, r in stored.items() if r["state"] == TaskState.DONE.value}
    calls_made = {k: made for k, r in stored.items()
                  if k in plan.CALL_KINDS and k in done
                  and (made := from_db(r["done_at"])) is not None}
    planned = plan.plan_tasks(interview, settings=rt.plan_settings, calls_made=calls_made,
                              done=done, now=now)
    for task in planned:
        row = stored.get(task.kind)
        if row is None:
            rt.store.execute(
                "INSERT INTO tasks (interview_id, kind, due_utc, state, late) VALUES (?,?,?,?,?)",
                (interview.id, task.kind.value, to_db(task.due), task.state.value,
                 int(task.late)))
        elif row["state"] == TaskState.PENDING.value:
            rt.store.execute("UPDATE tasks SET due_utc = ?, state = ? WHERE id = ?",
                             (to_db(task.due), task.state.value, row["id"]))
        elif row["state"] == TaskState.WAITING.value and task.state is TaskState.CANCELLED:
            rt.store.execute("UPDATE tasks SET state = ?, token = NULL WHERE id = ?",
                             (TaskState.CANCELLED.value, row["id"]))
    _settle_thank_you(rt, interview, now=now)
    return planned


_SETTLED = frozenset({DraftState.SENT.value, DraftState.REJECTED.value,
                      DraftState.WITHDRAWN.value})


# Tasks that wait for the user's reply to their reminder. (The prep reminder waits for
# nothing; and its due moves to "now" when late, so "once more per due" would not bound it.)
_WAIT_FOR_REPLY = (TaskKind.DEBRIEF, *plan.CALL_KINDS)


def _reopen_lost_notices(rt: Runtime, stored: dict[TaskKind, dict]) -> None:
    """A task whose reminder may never have arrived (killed mid-send, the connection
    lost: "unknown") would wait for a reply forever: it is pending again, so the
    reminder goes out once more. Its token is kept, so either copy's reply counts."""
    for kind, row in stored.items():
        if kind not in _WAIT_FOR_REPLY or row["state"] != TaskState.WAITING.value:
            continue
        if rt.outbox.lost(task_ref(row)):
            rt.store.execute("UPDATE tasks SET state = ? WHERE id = ?",
                             (TaskState.PENDING.value, row["id"]))
            row["state"] = TaskState.PENDING.value
            log.warning("interview %d: the %s reminder may not have reached you: sending it "
                        "again", row["interview_id"], kind.value)


def task_ref(task: dict) -> str:
    """What a task's notice is recorded under in `sends` (one per task and due time)."""
    return f"task:{task['id']}:{task['due_utc']}"


def _settle_thank_you(rt: Runtime, interview: Interview, *, now: datetime) -> None:
    # The thank-you step is done once every draft is sent, rejected or withdrawn
    # (a withdrawn one is never sent: waiting for it would wait forever).
    states = {r["state"] for r in rt.store.all(
        "SELECT state FROM drafts WHERE interview_id = ?", (interview.id,))}
    if states and states <= _SETTLED:
        rt.store.execute(
            "UPDATE tasks SET state = ?, done_at = coalesce(done_at, ?) "
            "WHERE interview_id = ? AND kind = ? AND state = ?",
            (TaskState.DONE.value, to_db(now), interview.id, TaskKind.THANK_YOU.value,
             TaskState.WAITING.value))


def sync_all_plans(rt: Runtime, *, now: datetime) -> None:
    for interview in interviews.all_interviews(rt.store):
        try:
            with rt.store.transaction():
                sync_plan(rt, interview, now=now)
        except FollowupError as err:
            log.error("interview %d: cannot plan: %s", interview.id, err)


# --- acting on due tasks -----------------------------------------------------------


def due_tasks(rt: Runtime, *, now: datetime) -> list[tuple[Interview, dict]]:
    rows = rt.store.all(
        "SELECT t.* FROM tasks t JOIN interviews i ON i.id = t.interview_id "
        "WHERE t.state = ? AND t.due_utc <= ? AND (t.retry_at IS NULL OR t.retry_at <= ?) "
        "AND i.state IN ({}) ORDER BY t.due_utc".format(",".join("?" * len(ACTS_ON))),
        (TaskState.PENDING.value, to_db(now), to_db(now), *[s.value for s in ACTS_ON]))
    return [(interviews.get(rt.store, r["interview_id"]), dict(r)) for r in rows]


def run_due_tasks(rt: Runtime, *, now: datetime) -> int:
    """Act on every due task; returns how many were carried out."""
    acted = 0
    for interview, task in due_tasks(rt, now=now):
        kind = TaskKind(task["kind"])
        due = from_db(task["due_utc"])
        assert due is not None
        late = bool(task["late"]) or now - due > LATE_AFTER
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


def _retry_later(rt: Runtime, task: dict, reason: str, *, now: datetime) -> None:
    attempts = int(task.get("attempts") or 0) + 1
    delay = min(TASK_MAX_BACKOFF, timedelta(minutes=2 ** min(attempts, 10)))
    with rt.store.transaction():
        rt.store.execute("UPDATE tasks SET attempts = ?, retry_at = ? WHERE id = ?",
                         (attempts, to_db(now + delay), task["id"]))
    log.error("interview %d: %s not done (try %d, next in %s): %s", task["interview_id"],
              task["kind"], attempts, delay, reason)


def _act(rt: Runtime, interview: Interview, kind: TaskKind, task: dict, *, due: datetime,
         late: bool, now: datetime) -> bool:
    if kind is TaskKind.THANK_YOU:
        with rt.store.transaction():
            debrief = interviews.get_debrief(rt.store, interview.id)
            made = drafts.make_drafts(rt.store, rt.env, interview, debrief, rt.me, now=now,
                                      late=late,
                                      max_people=rt.settings.compose.max_interviewers)
            _set_task(rt, task["id"], TaskState.WAITING, late=late)
        if made:
            log.info("interview %d: %d thank-you draft(s) made%s", interview.id, len(made),
                     " (late)" if late else "")
        return True
    if kind is TaskKind.PREP:
        email = render.render_prep_reminder(rt.env, interview=interview, me=rt.me)
        return _notify(rt, email, purpose="prep_reminder", task=task, due=due, now=now,
                       state=TaskState.DONE, late=late)
    if kind is TaskKind.DEBRIEF:
        token = task.get("token") or drafts.new_token()  # kept when sent once more
        email = render.render_debrief_request(rt.env, interview=interview, token=token,
                                              me=rt.me)
        return _notify(rt, email, purpose="debrief_request", task=task, due=due, now=now,
                       state=TaskState.WAITING, token=token, late=late)
    call = int(kind.value[-1])
    return _call_reminder(rt, interview, call, task, due=due, late=late, now=now)


def _call_reminder(rt: Runtime, interview: Interview, call: int, task: dict, *,
                   due: datetime, late: bool, now: datetime) -> bool:
    if not interview.interviewers:
        log.warning("interview %d: call %d has no one to call; add them with "
                    "`followup add` or the debrief", interview.id, call)
    person = interview.interviewers[0] if interview.interviewers else rt.me
    token = task.get("token") or drafts.new_token()  # kept when sent once more
    debrief = interviews.get_debrief(rt.store, interview.id)
    as_task = Task(TaskKind(task["kind"]), due, TaskState.PENDING, late)
    email = render.render_call_reminder(
        rt.env, interview=interview, call=call, person=person, debrief=debrief, due=due,
        late=late, window_passed=plan.call_window_passed(as_task, now=now,
                                                          settings=rt.plan_settings),
        token=token, me=rt.me)
    script = render.call_script(call, debrief, interview, person, me=rt.me)
    ics = calendar_file.call_reminder_ics(
        uid=f"followup-{interview.id}-call-{call}@followup", stamp=now,
        summary=f"Follow-up call {call}: {person.name or person.email} ({interview.company})",
        description=script, start=now if late else due, sequence=int(now.timestamp()) // 60)
    return _notify(rt, email, purpose=f"call_{call}_reminder", task=task, due=due, now=now,
                   state=TaskState.WAITING, token=token, late=late,
                   attachments=[(ics, "text/calendar", f"followup-call-{call}.ics")])


def _notify(rt: Runtime, email, *, purpose: str, task: dict, due: datetime, now: datetime,
            state: TaskState, late: bool, token: str | None = None,
            attachments=()) -> bool:
    """Email the user about a task, at most once per task and due time."""
    sent = _email_user(
        rt, email, purpose=purpose, ref=task_ref(task), now=now,
        apply=lambda: _set_task(rt, task["id"], state, token=token, late=late),
        undo=lambda: _set_task(rt, task["id"], TaskState.PENDING, token=task.get("token"),
                               late=late),  # a token a first, maybe-lost copy carries lives on
        attachments=attachments)
    if sent:
        desktop.notify(email.subject, email.body.split("\n\n", 1)[0])
    return sent


def _email_user(rt: Runtime, email, *, purpose: str, ref: str, now: datetime,
                apply=lambda: None, undo=lambda: None, attachments=()) -> bool:
    """Send a rendered notice to the user, at most once per `ref` (outbox.send_notice).
    False (not sent, the caller retries later) if the message cannot be built safely."""
    try:
        msg = build_message(sender=rt.me, to=[rt.me], subject=email.subject, body=email.body,
                            html=email.html,
                            message_id=new_message_id(rt.settings.transport.sender),
                            date=now, kind=purpose, attachments=attachments, automatic=True)
    except FollowupError as err:
        log.error("%s to you not sent: %s", purpose, err)
        return False
    return rt.outbox.send_notice(msg, recipients=[rt.me.email], purpose=purpose, ref=ref,
                                 now=now, apply=apply, undo=undo)


def _set_task(rt: Runtime, task_id: int, state: TaskState, *, token: str | None = None,
              late: bool = False) -> None:
    rt.store.execute("UPDATE tasks SET state = ?, token = ?, late = max(late, ?) WHERE id = ?",
                     (state.value, token, int(late), task_id))


# --- approval ----------------------------------------------------------------------


_GOING = (DraftState.APPROVED, DraftState.SENDING, DraftState.SENT, DraftState.UNKNOWN)


def auto_approve(rt: Runtime, *, now: datetime) -> int:
    """approval.mode = "auto": the user opted out of reviewing drafts, not out of
    the cap: only an active plan's drafts, and never more than [compose]
    max_interviewers per interview (over it, every draft waits for the user)."""
    if rt.settings.approval.mode != "auto":
        return 0
    cap = rt.settings.compose.max_interviewers
    count = 0
    by_interview: dict[int, list[drafts.Draft]] = {}
    for draft in drafts.list_drafts(rt.store, include_all=True):
        by_interview.setdefault(draft.interview_id, []).append(draft)
    for interview_id, own in by_interview.items():
        waiting = [d for d in own if d.state is DraftState.WAITING]
        if not waiting or interviews.get(rt.store, interview_id).state not in ACTS_ON:
            continue
        going = sum(1 for d in own if d.state in _GOING)
        if going + len(waiting) > cap:
            log.warning("interview %d: %d drafts would pass [compose] max_interviewers = %d; "
                        "not approved automatically (review them)", interview_id,
                        going + len(waiting), cap)
            continue
        with rt.store.transaction():
            for draft in waiting:
                drafts.approve(rt.store, draft.id, sender=rt.settings.transport.sender, now=now)
        count += len(waiting)
    return count


def request_approvals(rt: Runtime, *, now: datetime) -> int:
    """Email each new waiting draft to the user, with its token (email_requests)."""
    if not rt.settings.approval.email_requests or rt.settings.approval.mode == "auto":
        return 0
    sent = 0
    rows = rt.store.all("SELECT id, token, request_sent FROM drafts WHERE state = ? AND "
                        "token IS NOT NULL", (DraftState.WAITING.value,))
    for row in rows:
        if row["request_sent"] and not rt.outbox.lost(f"approval:{row['id']}:{row['token']}"):
            continue  # asked already (a request that may be lost is sent once more)
        draft = drafts.get(rt.store, row["id"])
        interview = interviews.get(rt.store, draft.interview_id)
        if interview.state not in ACTS_ON:
            continue
        try:
            email = render.render_approval_request(
                rt.env, draft_subject=draft.subject, draft_body=draft.body,
                recipients=[draft.to], warnings=draft.warnings, token=draft.token or "",
                interview=interview, me=rt.me)
        except FollowupError as err:
            log.error("draft %d: approval request not sent: %s", draft.id, err)
            continue

        def mark(draft_id=draft.id, value=1) -> None:
            rt.store.execute("UPDATE drafts SET request_sent = ? WHERE id = ?",
                             (value, draft_id))

        if _email_user(rt, email, purpose="approval_request",
                       ref=f"approval:{draft.id}:{draft.token}", now=now, apply=mark,
                       undo=lambda draft_id=draft.id: mark(draft_id, 0)):
            sent += 1
    return sent


def remind_deadline(rt: Runtime, *, now: datetime) -> int:
    """One reminder per interview whose drafts still wait at the approval deadline."""
    reminded = 0
    for interview in interviews.all_interviews(rt.store, (InterviewState.ACTIVE.value,)):
        waiting = [d for d in drafts.list_drafts(rt.store, interview_id=interview.id)
                   if d.state is DraftState.WAITING]
        if not waiting or now < plan.approval_deadline_at(interview, rt.plan_settings):
            continue
        if now.astimezone(interview.start.tzinfo).date() != interview.start.date():
            continue  # the same-day promise is gone; no nagging the day after
        try:
            email = render.render_approval_deadline(rt.env, interview=interview,
                                                    count=len(waiting), me=rt.me)
        except FollowupError as err:
            log.error("interview %d: deadline reminder not sent: %s", interview.id, err)
            continue
        if _email_user(rt, email, purpose="approval_deadline", ref=f"deadline:{interview.id}",
                       now=now):
            reminded += 1
    return reminded


def notify_paused(rt: Runtime, *, now: datetime) -> int:
    """Tell the user, once, that a message from the company paused a plan."""
    told = 0
    for row in rt.store.all("SELECT id, paused_by, paused_subject, stop_reason, updated_at, "
                            "pause_notified FROM interviews WHERE state = ?",
                            (InterviewState.PAUSED.value,)):
        if row["pause_notified"] and not rt.outbox.lost(f"paused:{row['id']}:{row['updated_at']}"):
            continue  # told already (a notice that may be lost is sent once more)
        interview = interviews.get(rt.store, row["id"])
        try:
            email = render.render_plan_paused(
                rt.env, interview=interview, sender=row["paused_by"] or "",
                subject=row["paused_subject"] or "", why=row["stop_reason"] or "", me=rt.me)
        except FollowupError as err:
            log.error("interview %d: pause notice not sent: %s", interview.id, err)
            continue

        def mark(interview_id=interview.id, value=1) -> None:
            rt.store.execute("UPDATE interviews SET pause_notified = ? WHERE id = ?",
                             (value, interview_id))

        if _email_user(rt, email, purpose="plan_paused",
                       ref=f"paused:{interview.id}:{row['updated_at']}", now=now, apply=mark,
                       undo=lambda i=interview.id: mark(i, 0)):
            told += 1
    return told


def send_approved(rt: Runtime, *, now: datetime) -> dict[str, int]:
    """Send every approved draft that is due. A draft whose message cannot be built
    safely fails alone, with its reason; the drafts after it still go."""
    counts: dict[str, int] = {}
    for draft in drafts.due_for_sending(rt.store, now=now):
        try:
            msg = drafts.message(draft, me=rt.me, sender=rt.settings.transport.sender, now=now)
        except FollowupError as err:
            log.error("draft %d to %s cannot be sent: %s", draft.id, draft.to.email, err)
            with rt.store.transaction():
                drafts.mark_failed(rt.store, draft.id, f"cannot be sent: {err}", now=now)
            counts["failed"] = counts.get("failed", 0) + 1
            continue
        try:
            state = rt.outbox.send_draft(draft.id, msg, recipients=[draft.to.email], now=now)
        except FollowupError as err:  # cannot reach or log in to the server: next pass
            log.error("sending stopped for this pass: %s", err)
            counts["deferred"] = counts.get("deferred", 0) + 1
            break
        counts[state] = counts.get(state, 0) + 1
    return counts


# --- for the daemon ------------------------------------------------------------------


def next_wake(rt: Runtime, *, now: datetime) -> datetime | None:
    """The earliest moment something is due: a task, a send retry, an approval deadline."""
    candidates: list[datetime] = []
    row = rt.store.one(
        "SELECT min(max(t.due_utc, coalesce(t.retry_at, ''))) AS due FROM tasks t "
        "JOIN interviews i ON i.id = t.interview_id WHERE t.state = ? AND i.state = ?",
        (TaskState.PENDING.value, InterviewState.ACTIVE.value))
    if row and row["due"]:
        candidates.append(from_db(row["due"]))  # type: ignore[arg-type]
    row = rt.store.one("SELECT min(retry_at) AS due FROM drafts WHERE state = ?",
                       (DraftState.APPROVED.value,))
    if row and row["due"]:
        candidates.append(from_db(row["due"]))  # type: ignore[arg-type]
    for interview in interviews.all_interviews(rt.store, (InterviewState.ACTIVE.value,)):
        deadline = plan.approval_deadline_at(interview, rt.plan_settings)
        if deadline > now and any(d.state is DraftState.WAITING for d in drafts.list_drafts(
                rt.store, interview_id=interview.id)):
            candidates.append(deadline)
    return min(candidates) if candidates else None


def summary_line(rt: Runtime, *, now: datetime) -> str:
    """One line for systemd's STATUS=: what it watches, what waits, what is next."""
    source = rt.settings.source
    parts = [f"watching {source.folder if source.kind == 'imap' else 'Maildir'}"]
    waiting = sum(1 for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING)
    if waiting:
        parts.append(f"{waiting} draft(s) waiting")
    row = rt.store.one(
        "SELECT t.kind, t.due_utc, i.company FROM tasks t JOIN interviews i "
        "ON i.id = t.interview_id WHERE t.state = ? AND i.state = ? ORDER BY t.due_utc LIMIT 1",
        (TaskState.PENDING.value, InterviewState.ACTIVE.value))
    if row:
        due = from_db(row["due_utc"])
        assert due is not None
        local = due.astimezone(rt.plan_settings.zone)
        parts.append(f"next: {row['kind'].replace('_', ' ')} with {row['company']} "
                     f"on {local:%a %H:%M}")
    return "; ".join(parts)
