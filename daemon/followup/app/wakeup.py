"""For the daemon: when to wake up next, and the one-line STATUS= systemd shows."""

from __future__ import annotations

from datetime import datetime

from followup.adapters.store import drafts as draft_rows
from followup.adapters.store import tasks as task_rows
from followup.app import drafts, interviews
from followup.app.runtime import Runtime
from followup.core import plan
from followup.core.model import DraftState, InterviewState


def next_wake(rt: Runtime, *, now: datetime) -> datetime | None:
    """The earliest moment something is due: a task, a send retry, an approval deadline."""
    candidates: list[datetime] = []
    for due in (task_rows.next_due(rt.store), draft_rows.next_retry(rt.store)):
        if due is not None:
            candidates.append(due)
    for interview in interviews.all_interviews(rt.store, (InterviewState.ACTIVE.value,)):
        deadline = plan.approval_deadline_at(interview, rt.plan_settings)
        if deadline > now and any(
            d.state is DraftState.WAITING
            for d in drafts.list_drafts(rt.store, interview_id=interview.id)
        ):
            candidates.append(deadline)
    return min(candidates) if candidates else None


def summary_line(rt: Runtime, *, now: datetime) -> str:
    """One line for systemd's STATUS=: what it watches, what waits, what is next."""
    source = rt.settings.source
    parts = [f"watching {source.folder if source.kind == 'imap' else 'Maildir'}"]
    waiting = sum(1 for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING)
    if waiting:
        parts.append(f"{waiting} draft(s) waiting")
    upcoming = task_rows.next_pending(rt.store)
    if upcoming:
        task, company = upcoming
        local = task.due.astimezone(rt.plan_settings.zone)
        parts.append(
            f"next: {task.kind.value.replace('_', ' ')} with {company} on {local:%a %H:%M}"
        )
    return "; ".join(parts)
