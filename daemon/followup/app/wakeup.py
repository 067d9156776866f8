"""For the daemon: when to wake up next, the one-line STATUS= systemd shows, and the
progress of a long sync (shown by the terminal, systemd and `followup status`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

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


def next_day(now: datetime, zone: tzinfo) -> datetime:
    """The next midnight in the user's zone (UTC): "yesterday" and the day's plan change."""
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.astimezone(UTC)


# --- a long sync's progress ---------------------------------------------------------


@dataclass
class SyncProgress:
    """How far a long sync (a first one, or a backlog of more than a chunk) has got."""

    first: bool  # the folder's first sync (or one resumed after a crash)
    total: int | None = None  # messages to look at, once the source knows
    scanned: int = 0
    interviews: int = 0  # new interviews recorded so far

    def to_json(self) -> dict:
        return {
            "first": self.first,
            "scanned": self.scanned,
            "total": self.total,
            "interviews": self.interviews,
        }

    @classmethod
    def from_json(cls, data: dict) -> SyncProgress | None:
        """The stored row read back; None when it is not one of ours."""
        try:
            total = data.get("total")
            return cls(
                first=bool(data["first"]),
                total=None if total is None else int(total),
                scanned=int(data["scanned"]),
                interviews=int(data["interviews"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def progress_text(progress: SyncProgress) -> str:
    """ "first sync: 3,210 / 10,000 messages, 2 interviews" (systemd's STATUS=, the log,
    `followup status`)."""
    label = "first sync" if progress.first else "catching up"
    done = f"{progress.scanned:,}"
    if progress.total is not None:
        done += f" / {max(progress.total, progress.scanned):,}"
    found = progress.interviews
    return f"{label}: {done} messages, {found:,} interview{'' if found == 1 else 's'}"
