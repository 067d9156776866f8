"""Use cases: what the user can ask for, on the command line or by replying to a mail.

Each is a `UseCase`: calling it runs it in a transaction of its own (the CLI's way);
`.within(...)` runs the very same rules inside the caller's transaction (the inbox
watcher's way, where the reply, the record that it was read and the mailbox position
commit together). The rules live here once, so the two paths cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Concatenate, Generic, ParamSpec, TypeVar

from followup.adapters.store import tasks as task_rows
from followup.app import drafts, interviews, tasks
from followup.app.drafts import Draft
from followup.app.runtime import Runtime
from followup.core.model import (
    Debrief,
    DraftState,
    FollowupError,
    Interview,
    InterviewEvent,
    InterviewState,
    Person,
    TaskKind,
    TaskState,
    UsageError,
)

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class UseCase(Generic[P, R]):
    """A use case that owns its transaction when called, or joins the caller's."""

    def __init__(self, rules: Callable[Concatenate[Runtime, P], R]):
        self.within = rules
        self.__doc__ = rules.__doc__
        self.__name__ = rules.__name__

    def __call__(self, rt: Runtime, *args: P.args, **kwargs: P.kwargs) -> R:
        with rt.store.transaction():
            return self.within(rt, *args, **kwargs)


# --- drafts ---------------------------------------------------------------------------


@UseCase
def approve(rt: Runtime, draft_id: int, *, now: datetime, seen_token: str | None = None) -> Draft:
    """waiting -> approved (its Message-ID fixed now). `seen_token`: the text the user
    looked at; a draft rewritten since is refused rather than sent unseen."""
    return drafts.approve(
        rt.store, draft_id, sender=rt.settings.transport.sender, now=now, seen_token=seen_token
    )


@UseCase
def edit(
    rt: Runtime, draft_id: int, body: str, *, now: datetime, subject: str | None = None
) -> Draft:
    """The user's own text replaces the draft's (never re-rendered after this)."""
    return drafts.edit(rt.store, draft_id, body, now=now, subject=subject)


@UseCase
def edit_and_approve(rt: Runtime, draft_id: int, body: str, *, now: datetime) -> Draft:
    """An edited text sent back by email: the user approved it by sending it."""
    drafts.edit(rt.store, draft_id, body, now=now)
    return approve.within(rt, draft_id, now=now)


@UseCase
def reject(rt: Runtime, draft_id: int, *, now: datetime) -> Draft:
    """Any draft not sent nor being sent: it never goes."""
    return drafts.reject(rt.store, draft_id, now=now)


@UseCase
def resolve(rt: Runtime, draft_id: int, outcome: str, *, now: datetime) -> Draft:
    """A maybe-sent or failed draft: it was "sent", or "resend" it."""
    return drafts.resolve(rt.store, draft_id, outcome, now=now)


def waiting_drafts_for_all(rt: Runtime, *, several_interviews: bool) -> list[int]:
    """The drafts `approve --all` may approve. One slip must not mail several companies:
    drafts of more than one interview need `several_interviews` (`--yes`)."""
    waiting = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING]
    per_interview: dict[int, int] = {}
    for d in waiting:
        per_interview[d.interview_id] = per_interview.get(d.interview_id, 0) + 1
    if len(per_interview) > 1 and not several_interviews:
        counts = ", ".join(f"interview {i}: {n}" for i, n in sorted(per_interview.items()))
        raise UsageError(
            f"--all would approve {len(waiting)} drafts of "
            f"{len(per_interview)} interviews ({counts}); add --yes, "
            "or give draft IDs"
        )
    return [d.id for d in waiting]


# --- the debrief and the calls --------------------------------------------------------


@UseCase
def answer_debrief(rt: Runtime, interview_id: int, debrief: Debrief, *, now: datetime) -> int:
    """Store the user's debrief (replacing an earlier one), close the debrief step and
    rewrite waiting drafts with it. Returns how many drafts were rewritten."""
    store = rt.store
    interviews.save_debrief(store, interview_id, debrief, now=now)
    task_rows.finish_debrief(store, interview_id, now=now)
    interview = interviews.get(store, interview_id)
    try:
        return drafts.refresh_drafts(store, rt.env, interview, debrief, rt.me, now=now)
    except FollowupError as err:  # a broken template must not cost the user's answers
        log.error("interview %d: debrief saved, drafts not rewritten: %s", interview_id, err)
        return 0


@UseCase
def call_done(rt: Runtime, interview_id: int, kind: TaskKind, *, now: datetime) -> None:
    """A follow-up call made: the next one is planned from now."""
    _mark_task(rt, interview_id, kind, TaskState.DONE, now=now)
    tasks.sync_plan(rt, interviews.get(rt.store, interview_id), now=now)


def _mark_task(
    rt: Runtime, interview_id: int, kind: TaskKind, state: TaskState, *, now: datetime
) -> None:
    current = task_rows.state_of(rt.store, interview_id, kind)
    if current is None:
        task_rows.add_done(rt.store, interview_id, kind, state, now=now)
        return
    if current is TaskState.CANCELLED:
        raise FollowupError(f"interview {interview_id}: {kind.value} was cancelled")
    task_rows.mark(rt.store, interview_id, kind, state, now=now)


# --- interviews -----------------------------------------------------------------------


@UseCase
def stop(rt: Runtime, interview_id: int, reason: str, *, now: datetime) -> list[int]:
    """End a plan (offer, rejected, withdrawn, other). Returns the withdrawn drafts."""
    withdrawn = interviews.set_state(
        rt.store, interview_id, InterviewState.STOPPED, now=now, reason=reason
    )
    tasks.sync_plan(rt, interviews.get(rt.store, interview_id), now=now)
    return withdrawn


@UseCase
def resume(rt: Runtime, interview_id: int, *, now: datetime) -> Interview:
    """Only a plan that a message from the company paused can be resumed."""
    interview = interviews.get(rt.store, interview_id)
    if interview.state is not InterviewState.PAUSED:
        raise FollowupError(f"interview {interview_id} is {interview.state.value}, not paused")
    interviews.set_state(rt.store, interview_id, InterviewState.ACTIVE, now=now)
    resumed = interviews.get(rt.store, interview_id)
    tasks.sync_plan(rt, resumed, now=now)
    return resumed


@UseCase
def confirm(
    rt: Runtime,
    interview_id: int,
    *,
    now: datetime,
    only: tuple[str, ...] = (),
    allow_lists: bool = False,
) -> Interview:
    """An interview that waits for the user (unsure detection, a crowd, a list address)
    starts; `only` keeps just those people."""
    return interviews.confirm(
        rt.store,
        interview_id,
        now=now,
        only=only,
        max_people=rt.settings.compose.max_interviewers,
        allow_lists=allow_lists,
    )


@UseCase
def import_event(
    rt: Runtime, event: InterviewEvent, *, source: str, now: datetime, confirmed_at: float
) -> tuple[int | None, str]:
    """An invite the user hands over (`followup import`): that is the user saying "this
    is an interview", so it counts as confirmed (`confirmed_at`: the threshold)."""
    from dataclasses import replace

    event = replace(event, is_interview=True, confidence=max(event.confidence, confirmed_at))
    return interviews.record_event(
        rt.store,
        event,
        now=now,
        source=source,
        default_timezone=rt.settings.me.timezone,
        max_people=rt.settings.compose.max_interviewers,
    )


@UseCase
def add_interview(
    rt: Runtime,
    *,
    company: str,
    role: str,
    start: datetime,
    end: datetime,
    timezone: str,
    people: list[Person],
    location: str | None,
    now: datetime,
) -> int:
    """An interview the user records by hand (e.g. scheduled on the phone)."""
    return interviews.add_manual(
        rt.store,
        company=company,
        role=role,
        start=start,
        end=end,
        timezone=timezone,
        people=people,
        now=now,
        location=location,
        max_people=rt.settings.compose.max_interviewers,
    )
