"""Notices to the user: approval requests, the approval-deadline reminder, a paused
plan — each at most once, through the outbox's exactly-once notice path.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from followup.adapters.store import drafts as draft_rows
from followup.adapters.store import interviews as interview_rows
from followup.adapters.store import messages as message_log
from followup.adapters.store import requests as request_rows
from followup.adapters.store import tasks as task_rows
from followup.app import drafts, interviews
from followup.app.outbox import build_message, new_message_id
from followup.app.runtime import Runtime
from followup.core import plan, render
from followup.core.model import (
    ACTS_ON,
    DraftState,
    FollowupError,
    InterviewState,
    RenderedEmail,
    RequestState,
    TaskKind,
    TaskState,
)

log = logging.getLogger(__name__)


def email_user(
    rt: Runtime,
    email,
    *,
    purpose: str,
    ref: str,
    now: datetime,
    apply=lambda: None,
    undo=lambda: None,
    attachments=(),
) -> bool:
    """Send a rendered notice to the user, at most once per `ref` (outbox.send_notice).
    False (not sent, the caller retries later) if the message cannot be built safely."""
    try:
        msg = build_message(
            sender=rt.me,
            to=[rt.me],
            subject=email.subject,
            body=email.body,
            html=email.html,
            message_id=new_message_id(rt.settings.transport.sender),
            date=now,
            kind=purpose,
            attachments=attachments,
            automatic=True,
        )
    except FollowupError as err:
        log.error("%s to you not sent: %s", purpose, err)
        return False
    return rt.outbox.send_notice(
        msg, recipients=[rt.me.email], purpose=purpose, ref=ref, now=now, apply=apply, undo=undo
    )


def _debrief_settled(rt: Runtime, interview, now: datetime) -> bool:
    """The approval request goes once the debrief is in, or `wait_for_debrief` hours
    after the interview (then with the generic drafts)."""
    state = task_rows.state_of(rt.store, interview.id, TaskKind.DEBRIEF)
    if state is None or state in (TaskState.DONE, TaskState.SKIPPED, TaskState.CANCELLED):
        return True
    asked = task_rows.reminded_at(rt.store, interview.id, TaskKind.DEBRIEF)
    since = max(interview.end, asked) if asked else interview.end  # found late: from the ask
    return now >= since + timedelta(hours=rt.settings.approval.wait_for_debrief)


def request_approvals(rt: Runtime, *, now: datetime) -> int:
    """One approval request per interview, holding every waiting draft of it,
    numbered (email_requests). A new one goes when a draft is new or rewritten since
    the last (that one is then superseded), or when the last may have been lost."""
    if not rt.settings.approval.email_requests or rt.settings.approval.mode == "auto":
        return 0
    sent = 0
    by_interview: dict[int, list[drafts.Draft]] = {}
    for row in draft_rows.awaiting_request(rt.store):
        by_interview.setdefault(row.interview_id, []).append(row)
    for interview_id, waiting in sorted(by_interview.items()):
        last = request_rows.latest(rt.store, interview_id)
        lost = last is not None and rt.outbox.lost(_request_ref(last.interview_id, last.token))
        if all(d.request_sent for d in waiting) and not lost:
            continue  # asked already
        interview = interviews.get(rt.store, interview_id)
        if interview.state not in ACTS_ON or not _debrief_settled(rt, interview, now):
            continue
        if _send_request(rt, interview, sorted(waiting, key=lambda d: d.id), last, now=now):
            sent += 1
    return sent


def _request_ref(interview_id: int, token: str) -> str:
    return f"approval:{interview_id}:{token}"


def _send_request(rt: Runtime, interview, waiting, last, *, now: datetime) -> bool:
    token = drafts.new_token()
    entries = [
        render.ApprovalEntry(
            number=n,
            to=d.to,
            subject=d.subject,
            body=d.body,
            warnings=d.warnings,
            personal=drafts.personal_sentence(rt.store, d),
        )
        for n, d in enumerate(waiting, start=1)
    ]
    replaced = last is not None and last.state is RequestState.OPEN
    try:
        email = render.render_approval_request(
            rt.env, entries=entries, token=token, interview=interview, me=rt.me, replaced=replaced
        )
    except FollowupError as err:
        log.error("interview %d: approval request not sent: %s", interview.id, err)
        return False
    made: list[int] = []

    def apply() -> None:  # in the send's own transaction: the token is known before it goes
        pairs = [(d.id, d.token or "") for d in waiting]
        made.append(request_rows.insert(rt.store, interview.id, token, pairs, now=now))
        for d in waiting:
            draft_rows.set_request_sent(rt.store, d.id, True)

    def undo() -> None:  # it certainly did not go: the earlier request still stands
        for request_id in made:
            request_rows.delete(rt.store, request_id)
        if replaced:
            request_rows.set_state(rt.store, last.id, RequestState.OPEN)
        for d in waiting:
            draft_rows.set_request_sent(rt.store, d.id, False)

    return email_user(
        rt,
        email,
        purpose="approval_request",
        ref=_request_ref(interview.id, token),
        now=now,
        apply=apply,
        undo=undo,
    )


def _email_flagged(
    rt: Runtime,
    email: RenderedEmail,
    *,
    purpose: str,
    ref: str,
    now: datetime,
    flag: Callable[[bool], None],
) -> bool:
    """email_user with a "told" flag on its row: set in the send's own transaction,
    cleared again if the notice certainly did not go."""
    return email_user(
        rt,
        email,
        purpose=purpose,
        ref=ref,
        now=now,
        apply=lambda: flag(True),
        undo=lambda: flag(False),
    )


def remind_deadline(rt: Runtime, *, now: datetime) -> int:
    """One reminder per interview whose drafts still wait at the approval deadline."""
    reminded = 0
    for interview in interviews.all_interviews(rt.store, (InterviewState.ACTIVE.value,)):
        waiting = [
            d
            for d in drafts.list_drafts(rt.store, interview_id=interview.id)
            if d.state is DraftState.WAITING
        ]
        if not waiting or now < plan.approval_deadline_at(interview, rt.plan_settings):
            continue
        if now.astimezone(interview.start.tzinfo).date() != interview.start.date():
            continue  # the same-day promise is gone; no nagging the day after
        try:
            email = render.render_approval_deadline(
                rt.env, interview=interview, count=len(waiting), me=rt.me
            )
        except FollowupError as err:
            log.error("interview %d: deadline reminder not sent: %s", interview.id, err)
            continue
        if email_user(
            rt, email, purpose="approval_deadline", ref=f"deadline:{interview.id}", now=now
        ):
            reminded += 1
    return reminded


def notify_paused(rt: Runtime, *, now: datetime) -> int:
    """Tell the user, once, that a message from the company paused a plan."""
    told = 0
    for paused in interview_rows.paused_plans(rt.store):
        if paused.notified and not rt.outbox.lost(f"paused:{paused.interview_id}:{paused.since}"):
            continue  # told already (a notice that may be lost is sent once more)
        interview = interviews.get(rt.store, paused.interview_id)
        try:
            email = render.render_plan_paused(
                rt.env,
                interview=interview,
                sender=paused.paused_by,
                subject=paused.paused_subject,
                why=paused.reason,
                me=rt.me,
            )
        except FollowupError as err:
            log.error("interview %d: pause notice not sent: %s", interview.id, err)
            continue
        if _email_flagged(
            rt,
            email,
            purpose="plan_paused",
            ref=f"paused:{interview.id}:{paused.since}",
            now=now,
            flag=functools.partial(interview_rows.set_pause_notified, rt.store, interview.id),
        ):
            told += 1
    return told


ANSWER_WITHIN = timedelta(days=3)  # older refused replies are not answered any more
ANSWERS_PER_PASS = 20


def answer_refused(rt: Runtime, *, now: datetime) -> int:
    """Tell the user, once per incoming message, why a reply of theirs sent nothing."""
    rows = [
        (row, outcome)
        for outcome in ("refused", "stale", "unclear")
        for row in message_log.recent(
            rt.store, outcome, since=now - ANSWER_WITHIN, limit=ANSWERS_PER_PASS
        )
    ][:ANSWERS_PER_PASS]
    return _tell_each_once(
        rt,
        rows,
        ref=lambda item: f"refused:{item[0].message_id or 'message-' + str(item[0].id)}",
        compose=lambda item: render.render_reply_refused(
            rt.env,
            why=item[0].reason,
            me=rt.me,
            stale=item[1] == "stale",
            unclear=item[1] == "unclear",
        ),
        failed=lambda item: "answer to a refused reply",
        purpose="reply_refused",
        now=now,
    )


def _tell_each_once(rt: Runtime, items, *, ref, compose, failed, purpose: str, now) -> int:
    """Email the user about each item at most once (`ref(item)` names it in the outbox).
    One whose notice cannot be rendered is logged (`failed(item)` says what) and skipped;
    the others go on. Returns how many were sent."""
    told = 0
    for item in items:
        key = ref(item)
        if rt.outbox.already_sent(key):
            continue
        try:
            email = compose(item)
        except FollowupError as err:
            log.error("%s not sent: %s", failed(item), err)
            continue
        if email_user(rt, email, purpose=purpose, ref=key, now=now):
            told += 1
    return told


def tell_bounced(rt: Runtime, *, now: datetime) -> int:
    """Tell the user, once per draft, that a sent thank-you bounced, and how to fix it."""
    return _tell_each_once(
        rt,
        draft_rows.bounced(rt.store)[:ANSWERS_PER_PASS],
        ref=lambda draft: f"bounced:{draft.id}",
        compose=lambda draft: render.render_draft_bounced(
            rt.env,
            interview=interviews.get(rt.store, draft.interview_id),
            person=draft.to,
            reason=(draft.last_error or "").removeprefix("bounced: "),
            me=rt.me,
        ),
        failed=lambda draft: f"draft {draft.id}: bounce notice",
        purpose="draft_bounced",
        now=now,
    )


def tell_calls_moved(rt: Runtime, *, now: datetime) -> int:
    """Tell the user, once, that an out-of-office moved the next call."""
    told = 0
    for interview_id, back, who in interview_rows.calls_moved_untold(rt.store):
        interview = interviews.get(rt.store, interview_id)
        pending = [
            t
            for t in task_rows.for_interview(rt.store, interview_id)
            if t.kind.value.startswith("call_") and t.state is TaskState.PENDING
        ]
        if not pending:
            interview_rows.set_calls_moved_told(rt.store, interview_id, True)
            continue
        task = min(pending, key=lambda t: t.due)
        try:
            email = render.render_call_moved(
                rt.env,
                interview=interview,
                who=who,
                back=back,
                call=int(task.kind.value[-1]),
                next_call=task.due,
                me=rt.me,
            )
        except FollowupError as err:
            log.error("interview %d: moved-call notice not sent: %s", interview_id, err)
            continue
        ref = f"calls-moved:{interview_id}:{back.isoformat()}"
        if email_user(
            rt,
            email,
            purpose="call_moved",
            ref=ref,
            now=now,
            apply=lambda i=interview_id: interview_rows.set_calls_moved_told(rt.store, i, True),
            undo=lambda i=interview_id: interview_rows.set_calls_moved_told(rt.store, i, False),
        ):
            told += 1
    return told
