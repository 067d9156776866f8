"""The send loop: approved drafts go out through the outbox (exactly once), and
approval.mode = "auto" approves within the fan-out cap.
"""

from __future__ import annotations

import logging
from datetime import datetime

from followup.app import drafts, interviews
from followup.app.runtime import Runtime
from followup.core.model import ACTS_ON, DraftState, FollowupError

log = logging.getLogger(__name__)


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
            log.warning(
                "interview %d: %d drafts would pass [compose] max_interviewers = %d; "
                "not approved automatically (review them)",
                interview_id,
                going + len(waiting),
                cap,
            )
            continue
        with rt.store.transaction():
            for draft in waiting:
                drafts.approve(rt.store, draft.id, sender=rt.settings.transport.sender, now=now)
        count += len(waiting)
    return count


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
