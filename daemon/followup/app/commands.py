"""Use cases: what the user can ask for, on the command line or by replying to a mail.

Each is a `UseCase`: calling it runs it in a transaction of its own (the CLI's way);
`.within(...)` runs the very same rules inside the caller's transaction (the inbox
watcher's way, where the reply, the record that it was read and the mailbox position
commit together). The rules live here once, so the two paths cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Concatenate, Generic, ParamSpec, TypeVar

from followup.adapters.store import interviews as interview_rows
from followup.adapters.store import tasks as task_rows
from followup.app import drafts, interviews, tasks
from followup.app.drafts import Draft
from followup.app.runtime import Runtime
from followup.core.debrief import merge_people
from followup.core.headers import header_text
from followup.core.model import (
    Debrief,
    DebriefPerson,
    DraftState,
    FollowupError,
    Interview,
    InterviewEvent,
    InterviewState,
    Person,
    TaskKind,
    TaskState,
    UsageError,
    valid_address,
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
    looked at; a draft rewritten since is refused rather than sent unseen. A draft
    of ours is first brought up to the day ("today" the day after is "yesterday"):
    from the command line, that is the text approved (and shown); by email, a
    changed text is refused, and the next request shows it."""
    draft = drafts.get(rt.store, draft_id)
    if draft.state is DraftState.WAITING and not draft.edited:
        interview = interviews.get(rt.store, draft.interview_id)
        debrief = interviews.get_debrief(rt.store, draft.interview_id)
        try:
            drafts.refresh_drafts(
                rt.store, rt.env, interview, debrief, rt.me, now=now, only=draft_id
            )
        except FollowupError as err:  # a broken template: the text the user saw stands
            log.error("draft %d: not rendered again before approval: %s", draft_id, err)
    return drafts.approve(
        rt.store, draft_id, sender=rt.settings.transport.sender, now=now, seen_token=seen_token
    )


@UseCase
def edit(
    rt: Runtime, draft_id: int, body: str, *, now: datetime, subject: str | None = None
) -> Draft:
    """The user's own text replaces the draft's (never re-rendered after this)."""
    return drafts.edit(rt.store, draft_id, body, now=now, subject=subject, env=rt.env, me=rt.me)


@UseCase
def edit_and_approve(rt: Runtime, draft_id: int, body: str, *, now: datetime) -> Draft:
    """An edited text sent back by email: the user approved it by sending it."""
    drafts.edit(rt.store, draft_id, body, now=now, env=rt.env, me=rt.me)
    return approve.within(rt, draft_id, now=now)


@UseCase
def reject(rt: Runtime, draft_id: int, *, now: datetime) -> Draft:
    """Any draft not sent nor being sent: it never goes."""
    return drafts.reject(rt.store, draft_id, now=now)


@UseCase
def resolve(rt: Runtime, draft_id: int, outcome: str, *, now: datetime) -> Draft:
    """A maybe-sent or failed draft: it was "sent", or "resend" it."""
    return drafts.resolve(rt.store, draft_id, outcome, now=now)


def waiting_drafts_for_all(
    rt: Runtime,
    *,
    several_interviews: bool,
    include_flagged: bool = False,
    now: datetime | None = None,
) -> tuple[list[int], list[Draft]]:
    """The drafts `approve --all` may approve, and the waiting ones it skips because
    they carry warnings (unless `include_flagged`; the user's own texts are checked
    again as of `now`). One slip must not mail several companies: drafts of more
    than one interview need `several_interviews` (`--yes`)."""
    waiting = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING]
    if now is not None:
        waiting = [
            replace(
                d,
                warnings=drafts.current_warnings(
                    rt.store, rt.env, rt.me, d.interview_id, d.subject, d.body, now=now
                ),
            )
            if d.edited
            else d
            for d in waiting
        ]
    flagged = [] if include_flagged else [d for d in waiting if d.warnings]
    waiting = [d for d in waiting if d not in flagged]
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
    return [d.id for d in waiting], flagged


# --- the debrief and the calls --------------------------------------------------------


@dataclass(frozen=True)
class PeopleChange:
    """What a debrief or a `followup people` edit did to the drafts."""

    added: tuple[str, ...] = ()  # addresses that joined (a draft is made for each)
    removed: tuple[str, ...] = ()  # addresses that left (their unsent drafts withdrawn)
    rewritten: int = 0  # waiting, unedited drafts re-rendered


@UseCase
def answer_debrief(
    rt: Runtime, interview_id: int, debrief: Debrief, *, now: datetime, complete: bool = True
) -> PeopleChange:
    """Store the user's debrief (replacing an earlier one), close the debrief step and
    rewrite waiting drafts with it. Its people, when given, become the interview's
    list: `complete` (the editor, a TOML file) says they are the whole list; an
    emailed reply (not complete) only updates, adds and strikes out."""
    store = rt.store
    interview = interviews.get(store, interview_id)
    current = interview_rows.people_notes(store, interview_id)
    change = PeopleChange()
    if debrief.people or debrief.removed:
        people = merge_people(current, debrief.people, debrief.removed, complete=complete)
        change = _set_people(rt, interview, people, now=now)
    held = interviews.thank_you_on_hold(rt.store, interview, now=now)
    interviews.save_debrief(store, interview_id, replace(debrief, people=(), removed=()), now=now)
    task_rows.finish_debrief(store, interview_id, now=now)
    if held:  # found late: answering is the "yes" the catch-up mail asked for
        _release_thank_you(rt, interview_id, now=now)
    return replace(change, rewritten=_rewrite_drafts(rt, interview_id, now=now))


@UseCase
def decide_thank_you(rt: Runtime, interview_id: int, *, wanted: bool, now: datetime) -> int:
    """The user's answer to the catch-up mail's question (a thank-you this late?):
    yes drafts one per person from what is known; no skips the step (the calls go
    on). Returns how many drafts were made. Anything else than an interview whose
    thank-you waits for that answer is a usage error."""
    interview = interviews.get(rt.store, interview_id)
    if not interviews.thank_you_on_hold(rt.store, interview, now=now):
        raise UsageError(
            f"interview {interview_id}: its thank-you does not wait for a yes or no "
            f"(see `followup status {interview_id}`)"
        )
    if not wanted:
        task_rows.mark(rt.store, interview_id, TaskKind.THANK_YOU, TaskState.SKIPPED, now=now)
        return 0
    return _release_thank_you(rt, interview_id, now=now)


def _release_thank_you(rt: Runtime, interview_id: int, *, now: datetime) -> int:
    """Drafts for a thank-you held by the catch-up question (its step waits for them)."""
    interview = interviews.get(rt.store, interview_id)
    made = tasks.make_drafts(rt, interview, now=now, late=True)
    task_rows.mark_waiting(rt.store, interview_id, TaskKind.THANK_YOU)
    return len(made)


def _set_people(
    rt: Runtime, interview: Interview, people: tuple[DebriefPerson, ...], *, now: datetime
) -> PeopleChange:
    """The user's list becomes the interview's: the drafts of people who left are
    withdrawn (never sent), people who joined get a draft once the thank-you step
    has begun."""
    if not people:
        raise UsageError(
            f"interview {interview.id}: the list of people would be empty "
            f"(to end the plan: `followup stop {interview.id}`)"
        )
    store = rt.store
    before = {p.email.lower() for p in interview.interviewers}
    after = {p.email.lower() for p in people}
    interview_rows.set_people(store, interview.id, people)
    removed = tuple(e for e in before if e not in after)
    if removed:
        drafts.withdraw_for_interview(
            store,
            interview.id,
            now=now,
            why="removed from the interview's people",
            keep=tuple(p.email for p in people),
        )
    added = tuple(p.email for p in people if p.email.lower() not in before)
    started = task_rows.state_of(store, interview.id, TaskKind.THANK_YOU)
    if added and started in (TaskState.WAITING, TaskState.DONE):
        fresh = interviews.get(store, interview.id)
        tasks.make_drafts(rt, fresh, now=now, late=False)
    return PeopleChange(added=added, removed=removed)


def _rewrite_drafts(rt: Runtime, interview_id: int, *, now: datetime) -> int:
    interview = interviews.get(rt.store, interview_id)
    debrief = interviews.get_debrief(rt.store, interview_id)
    try:
        return drafts.refresh_drafts(rt.store, rt.env, interview, debrief, rt.me, now=now)
    except FollowupError as err:  # a broken template must not cost the user's answers
        log.error("interview %d: saved, drafts not rewritten: %s", interview_id, err)
        return 0


@dataclass(frozen=True)
class PeopleEdit:
    """`followup people ID --add/--remove/--rename/--email/--call`."""

    add: tuple[Person, ...] = ()
    remove: tuple[str, ...] = ()
    rename: tuple[tuple[str, str], ...] = ()  # (email, new name)
    email: tuple[tuple[str, str], ...] = ()  # (old, new)
    call: str | None = None  # the address the calls go to


@UseCase
def edit_people(rt: Runtime, interview_id: int, edit: PeopleEdit, *, now: datetime) -> PeopleChange:
    """Correct the interview's people outside the debrief. An address that is not
    one of them is a usage error naming it."""
    interview = interviews.get(rt.store, interview_id)
    people = list(interview_rows.people_notes(rt.store, interview_id))

    def index(email: str, option: str) -> int:
        for n, p in enumerate(people):
            if p.email.lower() == email.strip().lower():
                return n
        known = ", ".join(p.email for p in people) or "nobody yet"
        raise UsageError(
            f"{option} {email}: not one of interview {interview_id}'s people ({known})"
        )

    for email in edit.remove:
        people.pop(index(email, "--remove"))
    for email, name in edit.rename:
        n = index(email, "--rename")
        people[n] = replace(people[n], name=header_text(name))
    for old, new in edit.email:
        n = index(old, "--email")
        address = new.strip().lower()
        if not valid_address(address):
            raise UsageError(f"--email {old} {new}: {new!r} is not one plain email address")
        people[n] = replace(people[n], email=address)
    for person in edit.add:
        if any(p.email.lower() == person.email.lower() for p in people):
            raise UsageError(f"--add {person.email}: already one of the people")
        people.append(DebriefPerson(person.name, person.email, phone=person.phone))
    if edit.call is not None:
        n = index(edit.call, "--call")
        people = [replace(p, call=i == n) for i, p in enumerate(people)]
    change = _set_people(rt, interview, tuple(people), now=now)
    return replace(change, rewritten=_rewrite_drafts(rt, interview_id, now=now))


@UseCase
def edit_interview(
    rt: Runtime, interview_id: int, *, company: str | None, role: str | None, now: datetime
) -> int:
    """Correct the company or role (detection can get them wrong); waiting, unedited
    drafts are re-rendered. Returns how many."""
    interviews.get(rt.store, interview_id)
    interview_rows.set_company_role(
        rt.store,
        interview_id,
        company=header_text(company) if company is not None else None,
        role=header_text(role) if role is not None else None,
        now=now,
    )
    return _rewrite_drafts(rt, interview_id, now=now)


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
        thank_coordinator=rt.settings.compose.thank_coordinator,
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
