"""What one incoming message does: a new or changed interview, a reply from the
user (approve / edit / reject / debrief / call done), or nothing.

Each message is handled in one transaction together with the record that it
was seen and the source's position, so a crash neither skips nor repeats it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses

from followup.adapters.sources import Incoming, Peek, Seen, Wanted, header_block
from followup.adapters.store import Store, utcnow
from followup.adapters.store import drafts as draft_rows
from followup.adapters.store import interviews as interview_rows
from followup.adapters.store import messages as message_log
from followup.adapters.store import requests as request_rows
from followup.adapters.store import tasks as task_rows
from followup.app import commands, drafts, interviews
from followup.app.outbox import MARK_HEADER
from followup.app.runtime import Runtime
from followup.core import (
    bounces,
    debrief,
    detect,
    detect_text,
    prefilter,
    replies,
    request_reply,
    senders,
)
from followup.core.model import (
    ApprovalRequest,
    Detection,
    DraftState,
    InterviewEvent,
    RequestState,
    SyncPosition,
    TaskKind,
    TaskRow,
    UsageError,
)

log = logging.getLogger(__name__)


REFRESH_EVERY = 250  # headers between two looks at whether the store learned something


def wanted(rt: Runtime) -> Wanted:
    """Which headers earn a body fetch (core.prefilter): what the store knows is read once,
    and again only when it changed during the pass (an interview found in a first sync
    makes its company's later mail worth reading)."""
    return _Prefilter(rt)


class _Prefilter:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.known = known(rt)
        self.generation = message_log.thread_generation(rt.store)
        self.calls = 0

    def __call__(self, header: bytes) -> bool | Peek:
        self.calls += 1
        if self.calls % REFRESH_EVERY == 0:
            generation = message_log.thread_generation(self.rt.store)
            if generation != self.generation:
                self.known, self.generation = known(self.rt), generation
        verdict = prefilter.need(header, self.known)
        if verdict == prefilter.PEEK:
            return prefilter.top_says_interview
        return verdict == prefilter.BODY


def known(rt: Runtime) -> prefilter.Known:
    """The store's knowledge the pre-filter needs, as one plain frozen object."""
    people, domains = company_addresses(rt)
    return prefilter.Known(
        message_ids=message_log.thread_ids(rt.store),
        people=frozenset(people),
        domains=frozenset(domains),
        mine=frozenset(rt.settings.me.addresses),
    )


@dataclass(frozen=True)
class Header:
    """The few header fields the pipeline reads, parsed once. The email package
    raises all sorts of errors on hostile headers (IndexError for `From: a@`):
    every field here falls back to "absent" instead."""

    message_id: str | None
    senders: frozenset[str]
    subject: str
    references: frozenset[str]
    ours: bool

    @classmethod
    def parse(cls, data: bytes) -> Header:
        fields = _raw_fields(data)
        return cls(
            message_id=_field(fields, "Message-ID", _PLAIN_ID.match).strip() or None,
            senders=frozenset(
                a.lower() for _, a in getaddresses([_field(fields, "From", _PLAIN_FROM.match)]) if a
            ),
            subject=" ".join(_field(fields, "Subject", _plain_text).split()),
            references=frozenset(
                _field(fields, "In-Reply-To", _plain_text).split()
                + _field(fields, "References", _plain_text).split()
            ),
            ours=bool(_field(fields, MARK_HEADER, _plain_text).strip()),
        )


# Values the email package's default policy reads back unchanged (no encoded words, no
# quoting, comments or groups): taken as they are, skipping its parser (a third of a
# millisecond a header). Anything else goes through that parser, so the result is the
# same either way (tests/test_quiet_pass.py compares both on every fixture and hostile
# header).
_ADDR = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
# Anchored at both ends: tried at the start only, linear on any input.
_PLAIN_ID = re.compile(rf"\A *<{_ADDR}> *\Z")
_PLAIN_FROM = re.compile(rf"\A *(?:{_ADDR}|[A-Za-z0-9]+(?: [A-Za-z0-9]+)* <{_ADDR}>) *\Z")


def _plain_text(value: str) -> bool:
    """Printable ASCII (and tabs) with no encoded word."""
    return value.isascii() and "=?" not in value and value.replace("\t", " ").isprintable()


def _raw_fields(data: bytes) -> dict[str, str]:
    """name (lower case) -> the first value of that field, unfolded, as the default
    policy would hand it to its header parser. The fast compat32 parse splits the block;
    an unreadable header reads as empty."""
    try:
        parsed = BytesHeaderParser().parsebytes(data)
        fields: dict[str, str] = {}
        for name, value in parsed.raw_items():
            fields.setdefault(name.lower(), value)
        return fields
    except Exception:  # noqa: BLE001 - a header the email package cannot split says nothing
        return {}


def _field(fields: dict[str, str], name: str, plain: Callable[[str], object]) -> str:
    raw = fields.get(name.lower())
    if raw is None:
        return ""
    value = raw.replace("\r", "").replace("\n", "")  # unfolded, as the default policy does
    if plain(value):
        return value
    try:
        return str(default_policy.header_fetch_parse(name, raw) or "")
    except Exception:  # noqa: BLE001 - a field the email package cannot read is absent
        return ""


def remembered(rt: Runtime) -> Seen:
    """What the store remembers of the source's folder, for its next fetch."""
    store, folder = rt.store, rt.mail.folder

    def rescan(start: SyncPosition) -> None:
        with store.transaction():
            message_log.restart(store, folder, start)

    return Seen(
        position=message_log.position(store, folder),
        known_keys=lambda: message_log.known_keys(store, folder),
        rescan=rescan,
    )


def mark_done(store: Store, msg: Incoming) -> None:
    """Move the folder's position past `msg`; call inside the transaction that records
    what was made of it, so a crash neither skips nor repeats it."""
    if msg.record:  # no body read, but the reason must be on record, not silent
        message_log.log(store, msg.folder, msg.key, "skipped", msg.reason, now=utcnow())
    if msg.position is not None:
        message_log.advance(store, msg.folder, msg.position)


def record_rejected(rt: Runtime, msg: Incoming, reason: str, *, now: datetime) -> None:
    """A message whose processing failed: remembered with the reason, never retried
    (a bad message read again on every start would stop the service for good)."""
    with rt.store.transaction():
        message_log.log(rt.store, msg.folder, msg.key, "rejected", reason[:500], now=now)
        mark_done(rt.store, msg)


def handle(rt: Runtime, msg: Incoming, *, now: datetime) -> str:
    """Process one message inside a transaction; returns its outcome."""
    if msg.transient:  # could not be read this time (moved by the mail client): next pass
        return "skipped"
    with rt.store.transaction():
        outcome, reason, message_id = _outcome(rt, msg, now)
        if msg.raw is not None:
            message_log.log(
                rt.store,
                msg.folder,
                msg.key,
                outcome,
                reason,
                now=now,
                message_id=message_id or fingerprint(msg),
            )
        mark_done(rt.store, msg)
    if outcome == "rejected":
        log.warning("%s %s: skipped: %s", msg.folder, msg.key, reason)
    elif outcome not in ("skipped", "ignored", "duplicate", "own"):
        log.info("%s %s: %s %s", msg.folder, msg.key, outcome, reason)
    return outcome


def _outcome(rt: Runtime, msg: Incoming, now: datetime) -> tuple[str, str, str | None]:
    if msg.raw is None:
        return "skipped", msg.reason, None
    try:
        header = Header.parse(msg.header or msg.raw)
    except Exception as err:  # noqa: BLE001 - bad input is logged and skipped, never fatal
        return "rejected", f"unreadable header ({err.__class__.__name__})", None
    message_id = header.message_id
    known = _known(rt, msg, header)
    if known:
        return *known, message_id
    bounced = _bounce(rt, msg.raw, now)
    if bounced:
        return "bounce", bounced, message_id
    if _sender_is_me(rt, header):
        reply = replies.parse_reply(msg.raw)
        if reply.token:
            outcome, reason = _handle_reply(rt, reply, now)
            return outcome, reason, message_id
    found = _detect(rt, header, msg.raw)
    if found.event is not None:
        recorded = _record(rt, found.event, header, msg, now)
        if recorded:
            return *recorded, message_id
    paused = _company_message(rt, header, msg.raw, now)
    if paused:
        return "paused", paused, message_id
    return "ignored", found.reason or "not an interview", message_id


def _bounce(rt: Runtime, raw: bytes, now: datetime) -> str | None:
    """A delivery failure of a thank-you: that draft is marked bounced (the user is
    told once, notices.tell_bounced). A report naming nothing of ours is ignored."""
    report = bounces.read_bounce(raw)
    if report is None:
        return None
    hit = draft_rows.sent_matching(rt.store, report.message_ids, report.recipients)
    if not hit:
        return "a delivery report about no thank-you of ours"
    why = " ".join(x for x in (report.status, report.reason) if x) or "undeliverable"
    for draft in hit:
        draft_rows.mark_bounced(rt.store, draft.id, f"bounced: {why}"[:300], now=now)
    return "thank-you to " + ", ".join(d.to.email for d in hit) + f" bounced ({why[:120]})"


def _known(rt: Runtime, msg: Incoming, header: Header) -> tuple[str, str] | None:
    """Our own message, a copy of one, or a message handled before: nothing to do."""
    if header.ours and _sender_is_me(rt, header):
        return "own", "our own message"
    if header.message_id and draft_rows.ours(rt.store, [header.message_id]):
        return "own", "a copy of a message followup sent"
    seen = _seen_before(rt, msg, header.message_id)
    return ("duplicate", seen) if seen else None


def _detect(rt: Runtime, header: Header, raw: bytes) -> Detection:
    found = detect.detect(
        raw, my_addresses=rt.settings.me.addresses, default_timezone=rt.settings.me.timezone
    )
    if found.event is None or found.event.method is not None:
        return found  # nothing, or a calendar invite: that stands
    # Prose is only a confirmation when nothing says otherwise: a reply in one of our
    # own threads quotes our words, and a rejection names the interview
    # date ("thank you for your interview on Tuesday …").
    if _answers_us(rt, header):
        return Detection(None, "a reply to a message followup sent")
    if replies.company_news(raw) == "a rejection":
        return Detection(None, "news about an interview, not an invitation to one")
    return found


def _record(
    rt: Runtime, event: InterviewEvent, header: Header, msg: Incoming, now: datetime
) -> tuple[str, str] | None:
    """Store a detected interview; a new one may be the second interview of an
    earlier plan. None when the event is not worth recording."""
    interview_id, outcome = interviews.record_event(
        rt.store,
        event,
        now=now,
        source=header.message_id or msg.key,
        default_timezone=rt.settings.me.timezone,
        max_people=rt.settings.compose.max_interviewers,
        thank_coordinator=rt.settings.compose.thank_coordinator,
    )
    if outcome == "ignored":
        return None
    assert interview_id is not None
    if outcome == "new":
        sender = next(iter(header.senders), "") if len(header.senders) == 1 else ""
        if sender and _failed_authentication(_head(msg.raw or b"")):
            sender = ""  # a forged From is no company's word
        ended = interviews.end_earlier_plans(
            rt.store, interviews.get(rt.store, interview_id), now=now, sent_from=sender
        )
        if ended:
            log.info("second interview with %s: plan(s) %s ended", event.company, ended)
    return outcome, f"interview {interview_id}: {event.title}"


def _answers_us(rt: Runtime, header: Header) -> bool:
    """Does the message's In-Reply-To/References name a message followup sent?"""
    return bool(draft_rows.ours(rt.store, sorted(header.references)))


def fingerprint(msg: Incoming) -> str:
    """Who a message is when it has no Message-ID: a digest of its header block (the
    server gives the same bytes for the same message, whatever its UID)."""
    head = (msg.header or header_block(msg.raw or b"")).replace(b"\r\n", b"\n")
    return "sha256:" + hashlib.sha256(head).hexdigest()


def _seen_before(rt: Runtime, msg: Incoming, message_id: str | None) -> str:
    """Why this message was handled already ("" if it was not). A UIDVALIDITY change
    or a rescanned window shows old mail again under new keys: handled twice, a
    company mail would re-pause a plan the user resumed."""
    if message_log.seen_key(rt.store, msg.folder, msg.key):
        return "seen before under this key"
    if message_log.seen_message_id(rt.store, message_id or fingerprint(msg)):
        return "Message-ID seen before" if message_id else "same header seen before"
    return ""


# --- messages from the companies ------------------------------------------------


def company_addresses(rt: Runtime) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Interviewers' addresses and their companies' domains -> the active plans they are
    in. One person can be in several (a second plan, or an invite that merely lists them):
    mail from them concerns every one of those plans, never just the latest."""
    people: dict[str, list[int]] = {}
    domains: dict[str, list[int]] = {}
    for email, interview_id in interview_rows.active_people(rt.store):
        people.setdefault(email, []).append(interview_id)
        domain = email.rpartition("@")[2]
        if domain not in detect_text.FREEMAIL:  # gmail.com says nothing of an employer
            domains.setdefault(domain, []).append(interview_id)
    return people, domains


def _company_message(rt: Runtime, header: Header, raw: bytes, now: datetime) -> str | None:
    """Someone from the company wrote: a reply to our thank-you, an offer, a
    rejection or next steps pauses the plan; anything else is left alone."""
    if len(header.senders) != 1:
        return None
    (sender,) = header.senders
    people, domains = company_addresses(rt)
    candidates = people.get(sender) or domains.get(sender.rpartition("@")[2]) or []
    if not candidates:
        return None
    head = _head(raw)  # out-of-office, authentication, generated: one parse
    away = replies.out_of_office(head)
    if away:  # an out-of-office is not the company's answer
        log.info("mail from %s is an %s: plan not paused", sender, away)
        _away_until(rt, sender, raw, list(dict.fromkeys(candidates)), now=now)
        return None
    failed = _failed_authentication(head)
    if failed:  # anyone can write "From: hr@acme.example"; a forgery must not stop a plan
        log.warning("mail from %s not taken as the company's (%s): plan not paused", sender, failed)
        return None
    refs = header.references
    news = replies.company_news(raw)
    answered = [i for i in dict.fromkeys(candidates)
                if refs & draft_rows.sent_for_interview(rt.store, i)]  # fmt: skip
    if answered and not (replies.is_generated(head) and not news):
        why = f"{sender} replied to your thank-you" + (f" and mentions {news}" if news else "")
        concerned = answered  # the thread says which plan it is about
    elif news:
        why = f"{sender} wrote and mentions {news}"
        concerned = list(dict.fromkeys(candidates))  # every plan they are in: never guess
    else:
        return None
    for interview_id in concerned:
        interviews.pause(
            rt.store, interview_id, now=now, sender=sender, subject=header.subject, why=why
        )
    plans = ", ".join(str(i) for i in concerned)
    return f"interview {plans} paused: {why}"


def _away_until(
    rt: Runtime, sender: str, raw: bytes, candidates: list[int], *, now: datetime
) -> None:
    """An out-of-office of the person the calls go to, with a return date: their next
    call moves after it (the user is told once, notices.tell_calls_moved)."""
    from followup.core import mailtext, scripts

    try:
        text = mailtext.body_text(mailtext.parse_bytes(raw[:_MAX_HEADER]))
    except Exception:  # noqa: BLE001 - an unreadable auto-reply moves nothing
        return
    back = replies.return_date(text, sent=now.date())
    if back is None:
        return
    for interview_id in candidates:
        interview = interviews.get(rt.store, interview_id)
        person = scripts.call_person(interview, interviews.get_debrief(rt.store, interview_id))
        if person is not None and person.email.lower() == sender:
            who = person.name or person.email
            if interview_rows.set_calls_after(rt.store, interview_id, back, who):
                log.info("interview %d: %s away until %s: next call moved", interview_id, who, back)


_MAX_HEADER = 256 * 1024


def _head(raw: bytes) -> Message:
    """The header of a message, parsed once for the company-mail checks (never its
    body: a 25 MB message costs no more than its header). Unreadable: an empty one."""
    try:
        return BytesHeaderParser(policy=default_policy).parsebytes(header_block(raw[:_MAX_HEADER]))
    except Exception:  # noqa: BLE001 - an unreadable header says nothing
        return Message()


def _failed_authentication(head: Message) -> str | None:
    return senders.failed_authentication(senders.auth_headers(head))


def _sender_is_me(rt: Runtime, header: Header) -> bool:
    return bool(header.senders) and header.senders <= rt.settings.me.addresses


# --- replies from the user -----------------------------------------------------

# A reply that was the user's, but looked like our own request: the user is told
# (notices.answer_refused) that nothing was sent, and why.
REFUSED = "refused"
STALE = "stale"  # the user's reply to a request that no longer stands: answered too
UNCLEAR = "unclear"  # the user's reply that says nothing we can act on: answered too


def _handle_reply(rt: Runtime, reply: replies.Reply, now: datetime) -> tuple[str, str]:
    """A reply carrying one of our tokens. It acts only if `replies.authorize` allows."""
    assert reply.token
    mine = rt.settings.me.addresses
    trusted = rt.settings.approval.trusted_authserv_id
    request = request_rows.by_token(rt.store, reply.token)
    if request is not None and request.state is not RequestState.OPEN:
        if reply.sender in mine and not reply.sender_problem:
            return _stale_request(rt, request)
        return "rejected", f"reply to approval request {request.id}, which no longer stands"
    if request is not None:
        refused = replies.authorize(
            reply, my_addresses=mine, expected_token=request.token, trusted_authserv_id=trusted
        )
        if refused:
            return "rejected", f"reply to approval request {request.id} refused: {refused}"
        return _request_reply(rt, request, reply, now)
    draft = drafts.by_token(rt.store, reply.token)
    if draft is not None:
        refused = replies.authorize(
            reply, my_addresses=mine, expected_token=draft.token or "", trusted_authserv_id=trusted
        )
        if refused:
            return "rejected", f"reply for draft {draft.id} refused: {refused}"
        return _draft_reply(rt, draft, reply, now)
    task = task_rows.by_token(rt.store, reply.token)
    if task is not None:
        if task.kind is TaskKind.DEBRIEF and reply.debrief is None:
            # Answers typed on a phone ("Went well: …", "1. …") are a debrief, not an edit.
            loose = debrief.loose_answers(reply.new_text)
            if loose is not None:
                reply = dataclasses.replace(reply, action=replies.Action.DEBRIEF, debrief=loose)
        refused = replies.authorize(
            reply, my_addresses=mine, expected_token=task.token or "", trusted_authserv_id=trusted
        )
        if refused:
            return "rejected", f"reply for {task.kind.value} refused: {refused}"
        return _task_reply(rt, task, reply, now)
    if reply.sender in mine and not reply.sender_problem:
        # The user's own reply to an old request: answered, never dropped in the log.
        return STALE, (
            "your reply carries a code that no longer matches anything waiting for you: "
            "the draft was approved, rewritten since (a newer request replaced that one), "
            "rejected or withdrawn, or the reminder was already answered"
        )
    return "rejected", "reply token matches nothing waiting (used, replaced, or forged)"


def _request_reply(
    rt: Runtime, request: ApprovalRequest, reply: replies.Reply, now: datetime
) -> tuple[str, str]:
    """A reply to one approval request: the drafts it names, by their number in it,
    are approved, rewritten or rejected; all or nothing, and only if each still
    reads as the user was shown it."""
    count = len(request.drafts)
    answer = request_reply.read_request_answer(reply.new_text, count, echo=reply.echo)
    if answer.problem and count == 1:  # one draft: the grammar of a per-draft request
        answer = _one_draft_answer(reply) or answer
    if answer.problem:
        about = "your reply to the approval request"
        if count == 1:
            only = drafts.get(rt.store, request.drafts[0][0]).to
            to = f"{only.name} <{only.email}>" if only.name else only.email
            about = f"your reply about the thank-you to {to}"
        if reply.reason.startswith("automatic message"):  # answering could loop
            return "rejected", f"{about} not understood ({reply.reason})"
        if reply.echo:
            return REFUSED, (
                f"{about} was read as a new text, but it still holds {reply.echo} of the "
                "approval request, so it was not used"
            )
        return UNCLEAR, f"{about} was not understood: {answer.problem}"
    named = {*answer.approve, *answer.reject, *(n for n, _ in answer.edits)}
    for number in sorted(named):
        draft_id, seen = request.drafts[number - 1]
        draft = drafts.get(rt.store, draft_id)
        if draft.state is not DraftState.WAITING or draft.token != seen:
            _ask_again(rt, request.interview_id)
            what = "changed" if draft.state is DraftState.WAITING else draft.state.value
            return STALE, (
                f"draft {number} of the request you answered is {what} since it was "
                "mailed; the drafts as they stand now come in a new request"
            )
    for number in answer.approve:
        draft_id, seen = request.drafts[number - 1]
        commands.approve.within(rt, draft_id, now=now, seen_token=seen)
    for number, text in answer.edits:
        commands.edit_and_approve.within(rt, request.drafts[number - 1][0], text, now=now)
    for number in answer.reject:
        commands.reject.within(rt, request.drafts[number - 1][0], now=now)
    request_rows.set_state(rt.store, request.id, RequestState.ANSWERED)
    _ask_again(rt, request.interview_id)  # drafts it left waiting get a request of their own
    return "reply", f"approval request {request.id}: {answer.understood} (by email)"


def _stale_request(rt: Runtime, request: ApprovalRequest) -> tuple[str, str]:
    """The user's reply to a request that was answered or replaced: told so, and
    the drafts still waiting are mailed again as they stand."""
    _ask_again(rt, request.interview_id)
    if request.state is RequestState.SUPERSEDED:
        why = "a newer approval request replaced it, because the drafts changed since"
    else:
        why = "it was answered already (a request's code works once)"
    return STALE, (
        f"your reply answered an approval request that no longer stands: {why}; "
        "any draft still waiting comes again in a new request"
    )


def _one_draft_answer(reply: replies.Reply) -> request_reply.RequestAnswer | None:
    """ "approve", "reject" or a whole new text above the quote, for a one-draft request."""
    if reply.action is replies.Action.APPROVE:
        return request_reply.RequestAnswer(approve=(1,))
    if reply.action is replies.Action.REJECT:
        return request_reply.RequestAnswer(reject=(1,))
    if reply.action is replies.Action.EDIT and reply.edited_text:
        return request_reply.RequestAnswer(edits=((1, reply.edited_text),))
    return None


def _ask_again(rt: Runtime, interview_id: int) -> None:
    """The interview's waiting drafts are asked about anew (a fresh request)."""
    for draft in drafts.list_drafts(rt.store, interview_id=interview_id):
        if draft.state is DraftState.WAITING and draft.request_sent:
            draft_rows.set_request_sent(rt.store, draft.id, False)


def _draft_reply(
    rt: Runtime, draft: drafts.Draft, reply: replies.Reply, now: datetime
) -> tuple[str, str]:
    if draft.state is not DraftState.WAITING:
        return "rejected", f"draft {draft.id} is {draft.state.value}"
    # The same use cases as the command line, inside this message's transaction.
    if reply.action is replies.Action.APPROVE:
        commands.approve.within(rt, draft.id, now=now)
        return "reply", f"draft {draft.id} approved by email"
    if reply.action is replies.Action.EDIT and reply.edited_text:
        commands.edit_and_approve.within(rt, draft.id, reply.edited_text, now=now)
        return "reply", f"draft {draft.id} edited and approved by email"
    if reply.action is replies.Action.REJECT:
        commands.reject.within(rt, draft.id, now=now)
        return "reply", f"draft {draft.id} rejected by email"
    to = f"{draft.to.name} <{draft.to.email}>" if draft.to.name else draft.to.email
    if reply.echo:  # our own request taken for the user's text: say so, send nothing
        return REFUSED, (
            f"your reply about the thank-you to {to} (draft {draft.id}) was read "
            f"as a new text, but it still holds {reply.echo} of the approval "
            "request, so it was not used"
        )
    if reply.action is replies.Action.DEBRIEF or "debrief headings" in reply.reason:
        return REFUSED, (
            f"your reply about the thank-you to {to} (draft {draft.id}) holds "
            "the debrief questions where a new text of the thank-you was "
            "expected, so it was not used"
        )
    return _not_understood(reply, f"your reply about the thank-you to {to} (draft {draft.id})")


def _task_reply(rt: Runtime, task: TaskRow, reply: replies.Reply, now: datetime) -> tuple[str, str]:
    kind = task.kind
    if kind is TaskKind.DEBRIEF and reply.debrief is not None:
        try:  # a reply quotes only some people: it updates the list, never replaces it
            commands.answer_debrief.within(
                rt, task.interview_id, reply.debrief, now=now, complete=False
            )
        except UsageError as err:
            return UNCLEAR, f"your debrief reply was not used: {err}"
        return "reply", f"debrief for interview {task.interview_id} saved from email"
    if kind is TaskKind.DEBRIEF and reply.action in (replies.Action.APPROVE, replies.Action.REJECT):
        interview = interviews.get(rt.store, task.interview_id)
        held = interviews.thank_you_on_hold(rt.store, interview, now=now)
        if held:  # the catch-up mail's question
            wanted = reply.action is replies.Action.APPROVE
            commands.decide_thank_you.within(rt, task.interview_id, wanted=wanted, now=now)
            answer = "drafted for your approval" if wanted else "skipped"
            return "reply", f"thank-you of interview {task.interview_id} {answer} (your reply)"
    if kind.value.startswith("call_") and reply.action is replies.Action.DONE:
        commands.call_done.within(rt, task.interview_id, kind, now=now)
        return "reply", f"{kind.value} of interview {task.interview_id} marked made"
    what = "debrief" if kind is TaskKind.DEBRIEF else kind.value.replace("_", " ")
    return _not_understood(reply, f"your reply to the {what} reminder")


def _not_understood(reply: replies.Reply, about: str) -> tuple[str, str]:
    """The user's reply that says nothing we can act on: answered with what was read and
    how to answer, except an automatic one (answering auto-replies could loop)."""
    if reply.reason.startswith("automatic message"):
        return "rejected", f"{about} not understood ({reply.reason})"
    return UNCLEAR, f"{about} was not understood: {reply.reason}"
