"""Thank-you drafts in the store: make, re-render, edit, approve, reject, resolve,
withdraw.

Recipients and Message-ID are frozen at approval: after that only the sending
state machine (outbox.py) touches a draft, or its interview's end withdraws it
before any send began.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from email.message import EmailMessage

from followup.adapters.store import Store
from followup.adapters.store import drafts as draft_rows
from followup.app import outbox
from followup.core.model import (
    DEFAULT_MAX_INTERVIEWERS,
    Debrief,
    Draft,
    DraftState,
    FollowupError,
    Interview,
    Person,
)

__all__ = ["Draft"]  # the type moved to model.py; callers still find it here

NEEDS_USER = (
    DraftState.WAITING.value,
    DraftState.UNKNOWN.value,
    DraftState.FAILED.value,
    DraftState.BOUNCED.value,
)


def new_token() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits


def get(store: Store, draft_id: int) -> Draft:
    draft = draft_rows.get(store, draft_id)
    if draft is None:
        raise FollowupError(f"no draft with id {draft_id} (see `followup drafts --all`)")
    return draft


def list_drafts(
    store: Store,
    *,
    include_all: bool = False,
    interview_id: int | None = None,
) -> list[Draft]:
    """Drafts that need the user; include_all: every draft (withdrawn ones too)."""
    drafts = draft_rows.all_drafts(store)
    if interview_id is not None:
        drafts = [d for d in drafts if d.interview_id == interview_id]
    return drafts if include_all else [d for d in drafts if d.state.value in NEEDS_USER]


def by_token(store: Store, token: str) -> Draft | None:
    return draft_rows.by_token(store, token)


def make_drafts(
    store: Store,
    env,
    interview: Interview,
    debrief: Debrief | None,
    me: Person,
    *,
    now: datetime,
    late: bool,
    max_people: int = DEFAULT_MAX_INTERVIEWERS,
) -> list[int]:
    """One draft per interviewer who has none yet (call inside a transaction).

    A template error for one interviewer is raised to the caller, which logs it
    and goes on: the other interviewers' drafts are still made next pass.
    More people than `max_people`: no draft at all, the interview waits for the
    user to pick them (`followup confirm --only`).
    """
    # lazily: interviews imports this module; Jinja2 is not needed to list drafts
    from followup.app import interviews
    from followup.core import render

    # Recorded within the cap, but the cap may have been lowered since: no mass mail.
    # List addresses here were confirmed by the user (--allow-list-address).
    if interviews.hold_if_fanout(store, interview.id, cap=max_people, now=now, allow_lists=True):
        return []
    made = []
    for person in interview.interviewers:
        if draft_rows.exists(store, interview.id, person.email):
            continue
        email = render.render_thank_you(
            env, interview=interview, person=person, debrief=debrief, me=me, now=now
        )
        made.append(
            draft_rows.insert(
                store, interview.id, person, email, token=new_token(), late=late, now=now
            )
        )
    return made


def refresh_drafts(
    store: Store,
    env,
    interview: Interview,
    debrief: Debrief | None,
    me: Person,
    *,
    now: datetime,
    only: int | None = None,
) -> int:
    """Re-render waiting drafts with the debrief, corrected names, or the day's
    timing words ("yesterday" once the day has turned). The user's own edits are
    never overwritten. Changed content gets a new token, so an approval request
    for the old text can no longer approve it. `only`: that draft alone."""
    from followup.core import render  # lazily: Jinja2 is not needed to list drafts

    changed = 0
    people = {p.email: p for p in interview.interviewers}
    for draft in draft_rows.waiting_unedited(store, interview.id):
        if only is not None and draft.id != only:
            continue
        person = people.get(draft.to.email) or draft.to

        def render_at(moment: datetime, person: Person = person):
            return render.render_thank_you(
                env, interview=interview, person=person, debrief=debrief, me=me, now=moment
            )

        email = render_at(now)
        same = (email.subject, email.body, email.warnings, person.name)
        if same == (draft.subject, draft.body, draft.warnings, draft.to.name):
            draft_rows.touch(store, draft.id, now=now)
            continue
        then = draft.rendered_at
        if then is not None and person.name == draft.to.name:
            before = render_at(then)
            if (before.subject, before.body) == (draft.subject, draft.body):
                draft_rows.retime(store, draft.id, email, now=now)  # the clock alone moved
                changed += 1
                continue
        draft_rows.rewrite(store, draft.id, person.name, email, token=new_token(), now=now)
        changed += 1
    return changed


def follow_the_clock(store: Store, env, me: Person, *, now: datetime, zone: str) -> int:
    """Waiting drafts of ours rendered before today (in the user's zone) are rendered
    again, so "today" becomes "yesterday" and then the weekday. Call in a transaction."""
    from followup.app import interviews
    from followup.core.letter import local_time

    midnight = local_time(now, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    changed = 0
    for interview_id in draft_rows.rendered_before(store, midnight):
        interview = interviews.get(store, interview_id)
        debrief = interviews.get_debrief(store, interview_id)
        changed += refresh_drafts(store, env, interview, debrief, me, now=now)
    return changed


def current_warnings(
    store: Store, env, me: Person, interview_id: int, subject: str, body: str, *, now: datetime
) -> tuple[str, ...]:
    """The checks before approval on this text, as of today (a "today" typed
    yesterday no longer fits)."""
    from followup.app import interviews
    from followup.core import letter, render

    zone = getattr(env, "followup_user_zone", None) or "UTC"
    interview = interviews.get(store, interview_id)
    return letter.proofread(
        interview, me, subject, body, now=now, voice=render.voice_of(env), zone=zone
    )


def personal_sentence(store: Store, draft: Draft) -> str:
    """The debrief's sentence in this draft (what `debrief` previews), or ''."""
    from followup.app import interviews
    from followup.core import letter

    interview = interviews.get(store, draft.interview_id)
    people = {p.email: p for p in interview.interviewers}
    person = people.get(draft.to.email) or draft.to
    debrief = interviews.get_debrief(store, draft.interview_id)
    number = letter.variant(interview, person)
    line = letter.personal_line(interview, person, debrief, number=number).text
    return line if line and line in draft.body else ""


def edit(
    store: Store,
    draft_id: int,
    body: str,
    *,
    now: datetime,
    subject: str | None = None,
    env=None,
    me: Person | None = None,
) -> Draft:
    """The user's own text: checked like ours (with `env` and `me`: spelling,
    timing words … in the user's voice), never rendered again."""
    from followup.core import render  # lazily: Jinja2 is not needed to list drafts

    draft = get(store, draft_id)
    if draft.state is not DraftState.WAITING:
        raise FollowupError(
            f"draft {draft_id} is {draft.state.value}: only a waiting draft can be edited"
        )
    if not body.strip():
        raise FollowupError(f"draft {draft_id}: the edited text is empty")
    subject = render.clean_header(subject) if subject else draft.subject
    if env is not None and me is not None:
        warnings = current_warnings(store, env, me, draft.interview_id, subject, body, now=now)
    else:
        warnings = render.phrase_warnings(subject + "\n" + body)
    draft_rows.edit(
        store, draft_id, subject=subject, body=body, warnings=warnings, token=new_token(), now=now
    )
    return get(store, draft_id)


def approve(
    store: Store, draft_id: int, *, sender: str, now: datetime, seen_token: str | None = None
) -> Draft:
    """waiting -> approved: the Message-ID is fixed now and the token spent.
    `seen_token`: the token of the text the user looked at; if the draft was
    rewritten since (a debrief arrived), approval is refused rather than sending
    words the user never saw."""
    draft = get(store, draft_id)
    if draft.state is DraftState.WITHDRAWN:
        why = draft.last_error or "withdrawn: its plan ended"
        raise FollowupError(f"draft {draft_id} is {why}: it can no longer be approved")
    if draft.state is not DraftState.WAITING:
        raise FollowupError(f"draft {draft_id} is {draft.state.value}, not waiting")
    if seen_token is not None and draft.token != seen_token:
        raise FollowupError(f"draft {draft_id} changed while you were reading it; review it again")
    draft_rows.approve(store, draft_id, message_id=outbox.new_message_id(sender), now=now)
    return get(store, draft_id)


def withdraw_for_interview(
    store: Store, interview_id: int, *, now: datetime, why: str, keep: tuple[str, ...] = ()
) -> list[int]:
    """The interview was cancelled, stopped or ended: its unsent drafts are withdrawn
    (never approved or sent after this). `keep`: addresses whose drafts stay.

    Waiting, failed and approved drafts whose send has not begun go; a draft in
    sending/unknown, or with a send recorded, belongs to the exactly-once
    machinery (outbox.py) and is left alone. Call inside a transaction."""
    unsent = draft_rows.withdrawable(
        store, interview_id, (DraftState.WAITING, DraftState.APPROVED, DraftState.FAILED)
    )
    ids = [d.id for d in unsent if d.to.email not in keep]
    for draft_id in ids:
        draft_rows.withdraw(store, draft_id, f"withdrawn: {why}", now=now)
    return ids


UNSENT = (DraftState.WAITING, DraftState.APPROVED, DraftState.FAILED, DraftState.UNKNOWN)


def reject(store: Store, draft_id: int, *, now: datetime) -> Draft:
    """Any draft not sent nor being sent can be rejected; an approved one then never
    goes (the send loop picks approved rows only, and send_draft re-checks the state
    in its transaction). A maybe-sent one is rejected as "do not resend"."""
    draft = get(store, draft_id)
    if draft.state not in UNSENT:
        raise FollowupError(
            f"draft {draft_id} is {draft.state.value}: only a draft that "
            "was not sent can be rejected"
        )
    draft_rows.reject(store, draft_id, only_from=UNSENT, now=now)
    return get(store, draft_id)


def resolve(store: Store, draft_id: int, outcome: str, *, now: datetime) -> Draft:
    """The user settles a maybe-sent or failed draft: it was "sent", or "resend" it
    (the same approved text, to the same frozen address, with fresh retries)."""
    draft = get(store, draft_id)
    if draft.state not in (DraftState.UNKNOWN, DraftState.FAILED):
        raise FollowupError(f"draft {draft_id} is {draft.state.value}, not maybe-sent or failed")
    state = DraftState.SENT if outcome == "sent" else DraftState.APPROVED
    draft_rows.settle(store, draft_id, state, now=now)
    if state is DraftState.APPROVED:  # the same Message-ID: a server that has it drops it
        draft_rows.forget_send(store, draft.message_id)
    else:
        draft_rows.mark_send_sent(store, draft.message_id)
    return get(store, draft_id)


def due_for_sending(store: Store, *, now: datetime) -> list[Draft]:
    return draft_rows.due_for_sending(store, now=now)


def mark_failed(store: Store, draft_id: int, reason: str, *, now: datetime) -> None:
    """An approved draft that can never be sent as it is (its message cannot be built
    safely): failed, with the reason `followup drafts` shows."""
    draft_rows.mark_failed(store, draft_id, reason, now=now)


def message(draft: Draft, *, me: Person, sender: str, now: datetime) -> EmailMessage:
    """The thank-you as it goes out, to the draft's frozen address only. Raises
    headers.UnsafeHeader if it cannot be built safely."""
    if not draft.message_id:
        raise FollowupError(f"draft {draft.id} has no Message-ID: it was never approved")
    return outbox.build_message(
        sender=Person(me.name, sender),
        to=[draft.to],
        subject=draft.subject,
        body=draft.body,
        html=draft.html,
        message_id=draft.message_id,
        date=now,
        kind="thank_you",
    )
