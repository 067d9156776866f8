"""Thank-you drafts in the store: make, re-render, edit, approve, reject, resolve,
withdraw.

Recipients and Message-ID are frozen at approval: after that only the sending
state machine (outbox.py) touches a draft, or its interview's end withdraws it
before any send began.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from followup import outbox
from followup.model import (
    DEFAULT_MAX_INTERVIEWERS,
    Debrief,
    DraftState,
    FollowupError,
    Interview,
    Person,
)
from followup.store import Store, to_db

NEEDS_USER = (DraftState.WAITING.value, DraftState.UNKNOWN.value, DraftState.FAILED.value)


def new_token() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits


@dataclass(frozen=True)
class Draft:
    id: int
    interview_id: int
    to: Person
    subject: str
    body: str
    html: str | None
    warnings: tuple[str, ...]
    state: DraftState
    edited: bool
    late: bool
    token: str | None
    message_id: str | None
    last_error: str | None

    def to_json(self) -> dict:
        return {"id": self.id, "interview_id": self.interview_id,
                "to": [{"name": self.to.name, "email": self.to.email}],
                "subject": self.subject, "body": self.body, "message_id": self.message_id,
                "state": self.state.value, "warnings": list(self.warnings), "late": self.late,
                "error": self.last_error}


def _draft(row) -> Draft:
    return Draft(
        id=row["id"], interview_id=row["interview_id"],
        to=Person(row["to_name"], row["to_email"]), subject=row["subject"], body=row["body"],
        html=row["html"], warnings=tuple(w for w in row["warnings"].split("\n") if w),
        state=DraftState(row["state"]), edited=bool(row["edited"]), late=bool(row["late"]),
        token=row["token"], message_id=row["message_id"], last_error=row["last_error"],
    )


def get(store: Store, draft_id: int) -> Draft:
    row = store.one("SELECT * FROM drafts WHERE id = ?", (draft_id,))
    if row is None:
        raise FollowupError(f"no draft with id {draft_id} (see `followup drafts --all`)")
    return _draft(row)


def list_drafts(store: Store, *, include_all: bool = False, interview_id: int | None = None,
                ) -> list[Draft]:
    """Drafts that need the user; include_all: every draft (withdrawn ones too)."""
    rows = store.all("SELECT * FROM drafts ORDER BY interview_id, id")
    drafts = [_draft(r) for r in rows]
    if interview_id is not None:
        drafts = [d for d in drafts if d.interview_id == interview_id]
    return drafts if include_all else [d for d in drafts if d.state.value in NEEDS_USER]


def by_token(store: Store, token: str) -> Draft | None:
    row = store.one("SELECT * FROM drafts WHERE token = ?", (token,))
    return _draft(row) if row else None


def make_drafts(store: Store, env, interview: Interview, debrief: Debrief | None, me: Person,
                *, now: datetime, late: bool, max_people: int = DEFAULT_MAX_INTERVIEWERS,
                ) -> list[int]:
    """One draft per interviewer who has none yet (call inside a transaction).

    A template error for one interviewer is raised to the caller, which logs it
    and goes on: the other interviewers' drafts are still made next pass.
    More people than `max_people`: no draft at all, the interview waits for the
    user to pick them (`followup confirm --only`).
    """
    # lazily: interviews imports this module; Jinja2 is not needed to list drafts
    from followup import interviews, render

    # Recorded within the cap, but the cap may have been lowered since: no mass mail.
    # List addresses here were confirmed by the user (--allow-list-address).
    if interviews.hold_if_fanout(store, interview.id, cap=max_people, now=now,
                                 allow_lists=True):
        return []
    made = []
    for person in interview.interviewers:
        exists = store.one("SELECT 1 FROM drafts WHERE interview_id = ? AND to_email = ?",
                           (interview.id, person.email))
        if exists:
            continue
        email = render.render_thank_you(env, interview=interview, person=person,
                                        debrief=debrief, me=me)
        made.append(store.insert(
            "INSERT INTO drafts (interview_id, to_name, to_email, subject, body, html, warnings, "
            "state, late, token, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (interview.id, person.name, person.email, email.subject, email.body, email.html,
             "\n".join(email.warnings), DraftState.WAITING.value, int(late), new_token(),
             to_db(now), to_db(now))))
    return made


def refresh_drafts(store: Store, env, interview: Interview, debrief: Debrief | None,
                   me: Person, *, now: datetime) -> int:
    """Re-render waiting drafts with the debrief (or corrected names). The user's
    own edits are never overwritten. Changed content gets a new token, so an
    approval request for the old text can no longer approve it."""
    from followup import render  # lazily: Jinja2 is not needed to list drafts

    changed = 0
    people = {p.email: p for p in interview.interviewers}
    for row in store.all("SELECT * FROM drafts WHERE interview_id = ? AND state = ? AND "
                         "edited = 0", (interview.id, DraftState.WAITING.value)):
        person = people.get(row["to_email"]) or Person(row["to_name"], row["to_email"])
        email = render.render_thank_you(env, interview=interview, person=person,
                                        debrief=debrief, me=me)
        if (email.subject, email.body, person.name) == (row["subject"], row["body"],
                                                         row["to_name"]):
            continue
        store.execute(
            "UPDATE drafts SET to_name = ?, subject = ?, body = ?, html = ?, warnings = ?, "
            "token = ?, request_sent = 0, updated_at = ? WHERE id = ?",
            (person.name, email.subject, email.body, email.html, "\n".join(email.warnings),
             new_token(), to_db(now), row["id"]))
        changed += 1
    return changed


def edit(store: Store, draft_id: int, body: str, *, now: datetime,
         subject: str | None = None) -> Draft:
    from followup import render  # lazily: Jinja2 is not needed to list drafts

    draft = get(store, draft_id)
    if draft.state is not DraftState.WAITING:
        raise FollowupError(f"draft {draft_id} is {draft.state.value}: only a waiting draft "
                            "can be edited")
    if not body.strip():
        raise FollowupError(f"draft {draft_id}: the edited text is empty")
    subject = render.clean_header(subject) if subject else draft.subject
    warnings = render.phrase_warnings(subject + "\n" + body)
    store.execute(
        "UPDATE drafts SET subject = ?, body = ?, html = NULL, warnings = ?, edited = 1, "
        "token = ?, request_sent = 0, updated_at = ? WHERE id = ?",
        (subject, body, "\n".join(warnings), new_token(), to_db(now), draft_id))
    return get(store, draft_id)


def approve(store: Store, draft_id: int, *, sender: str, now: datetime,
            seen_token: str | None = None) -> Draft:
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
        raise FollowupError(f"draft {draft_id} changed while you were reading it; "
                            "review it again")
    store.execute(
        "UPDATE drafts SET state = ?, message_id = ?, approved_at = ?, token = NULL, "
        "updated_at = ? WHERE id = ? AND state = ?",
        (DraftState.APPROVED.value, outbox.new_message_id(sender), to_db(now), to_db(now),
         draft_id, DraftState.WAITING.value))
    return get(store, draft_id)


def withdraw_for_interview(store: Store, interview_id: int, *, now: datetime, why: str,
                           keep: tuple[str, ...] = ()) -> list[int]:
    """The interview was cancelled, stopped or ended: its unsent drafts are withdrawn
    (never approved or sent after this). `keep`: addresses whose drafts stay.

    Waiting, failed and approved drafts whose send has not begun go; a draft in
    sending/unknown, or with a send recorded, belongs to the exactly-once
    machinery (outbox.py) and is left alone. Call inside a transaction."""
    rows = store.all(
        "SELECT id, to_email FROM drafts d WHERE interview_id = ? AND state IN (?, ?, ?) "
        "AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.draft_id = d.id "
        "AND s.state IN ('sending', 'sent', 'unknown'))",
        (interview_id, DraftState.WAITING.value, DraftState.APPROVED.value,
         DraftState.FAILED.value))
    ids = [int(r["id"]) for r in rows if r["to_email"] not in keep]
    for draft_id in ids:
        store.execute("UPDATE drafts SET state = ?, token = NULL, retry_at = NULL, "
                      "last_error = ?, updated_at = ? WHERE id = ?",
                      (DraftState.WITHDRAWN.value, f"withdrawn: {why}", to_db(now), draft_id))
    return ids


UNSENT = (DraftState.WAITING, DraftState.APPROVED, DraftState.FAILED, DraftState.UNKNOWN)


def reject(store: Store, draft_id: int, *, now: datetime) -> Draft:
    """Any draft not sent nor being sent can be rejected; an approved one then never
    goes (the send loop picks approved rows only, and send_draft re-checks the state
    in its transaction). A maybe-sent one is rejected as "do not resend"."""
    draft = get(store, draft_id)
    if draft.state not in UNSENT:
        raise FollowupError(f"draft {draft_id} is {draft.state.value}: only a draft that "
                            "was not sent can be rejected")
    with_state = ",".join("?" * len(UNSENT))
    store.execute(f"UPDATE drafts SET state = ?, token = NULL, retry_at = NULL, updated_at = ? "
                  f"WHERE id = ? AND state IN ({with_state})",
                  (DraftState.REJECTED.value, to_db(now), draft_id, *[s.value for s in UNSENT]))
    return get(store, draft_id)


def resolve(store: Store, draft_id: int, outcome: str, *, now: datetime) -> Draft:
    """The user settles a maybe-sent or failed draft: it was "sent", or "resend" it
    (the same approved text, to the same frozen address, with fresh retries)."""
    draft = get(store, draft_id)
    if draft.state not in (DraftState.UNKNOWN, DraftState.FAILED):
        raise FollowupError(f"draft {draft_id} is {draft.state.value}, not maybe-sent "
                            "or failed")
    state = DraftState.SENT if outcome == "sent" else DraftState.APPROVED
    store.execute("UPDATE drafts SET state = ?, attempts = 0, retry_at = NULL, updated_at = ? "
                  "WHERE id = ?", (state.value, to_db(now), draft_id))
    if state is DraftState.APPROVED:  # the same Message-ID: a server that has it drops it
        store.execute("DELETE FROM sends WHERE message_id = ?", (draft.message_id,))
    else:
        store.execute("UPDATE sends SET state = 'sent' WHERE message_id = ?",
                      (draft.message_id,))
    return get(store, draft_id)


def due_for_sending(store: Store, *, now: datetime) -> list[Draft]:
    rows = store.all("SELECT * FROM drafts WHERE state = ? AND (retry_at IS NULL OR "
                     "retry_at <= ?) ORDER BY id", (DraftState.APPROVED.value, to_db(now)))
    return [_draft(r) for r in rows]


def mark_failed(store: Store, draft_id: int, reason: str, *, now: datetime) -> None:
    """An approved draft that can never be sent as it is (its message cannot be built
    safely): failed, with the reason `followup drafts` shows."""
    store.execute("UPDATE drafts SET state = ?, last_error = ?, updated_at = ? "
                  "WHERE id = ? AND state = ?",
                  (DraftState.FAILED.value, reason, to_db(now), draft_id,
                   DraftState.APPROVED.value))


def message(draft: Draft, *, me: Person, sender: str, now: datetime) -> EmailMessage:
    """The thank-you as it goes out, to the draft's frozen address only. Raises
    headers.UnsafeHeader if it cannot be built safely."""
    if not draft.message_id:
        raise FollowupError(f"draft {draft.id} has no Message-ID: it was never approved")
    return outbox.build_message(
        sender=Person(me.name, sender), to=[draft.to], subject=draft.subject, body=draft.body,
        html=draft.html, message_id=draft.message_id, date=now, kind="thank_you")
