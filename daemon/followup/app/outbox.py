"""Every message the service emits goes through here, exactly once.

The send is a recorded state machine. Before the transport is called, a row in
`sends` (state "sending", Message-ID fixed) is committed; after it returns, the
row becomes "sent" in the same transaction that moves the draft or task on. A
crash in between leaves "sending" behind, and `reconcile()` decides from
evidence — the transport's own record, or the Sent folder — never by
resending blindly; without evidence the message is "unknown" (maybe sent) and
the user decides.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime

from followup.adapters.store import Store
from followup.adapters.store import drafts as draft_rows
from followup.adapters.transports import (
    AmbiguousSendError,
    PermanentSendError,
    TransientSendError,
    Transport,
)
from followup.core import headers
from followup.core.model import DraftState, FollowupError, Person, SendRecord, valid_address

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
GIVE_UP_AFTER = 12  # transient failures in a row before a draft is marked failed
NOTICE_TRIES = 2  # a notice to the user left "unknown" is sent once more, not again

# Our own messages carry this header so the inbox watcher skips them when they
# come back to the user's inbox (approval requests, reminders).
MARK_HEADER = "X-Followup"


# What new_message_id() makes: a Message-ID read from the store must still look like it.
_MESSAGE_ID = re.compile(
    r"<[A-Za-z0-9._-]{1,64}@[A-Za-z0-9-]{1,63}"
    r"(?:\.[A-Za-z0-9-]{1,63}){0,16}>"
)


def new_message_id(sender: str) -> str:
    """Unique per message (yagmail's default hashes From/To/Subject: two thank-yous to
    one person would collide), short enough that the header is never folded."""
    domain = sender.rpartition("@")[2].lower()
    if not valid_address(sender) or len(domain) > 200:
        domain = "followup.invalid"
    return f"<fu.{secrets.token_hex(10)}@{domain}>"


def build_message(
    *,
    sender: Person,
    to: Sequence[Person],
    subject: str,
    body: str,
    message_id: str,
    date: datetime,
    kind: str,
    html: str | None = None,
    attachments: Sequence[tuple[bytes, str, str]] = (),
    automatic: bool = False,
) -> EmailMessage:
    """A plain-text message (HTML alternative only if given) whose headers are built
    from decoded, cleaned text and validated addresses, then read back: recipients,
    headers and subject must be exactly what we meant. Raises UnsafeHeader (a
    FollowupError) with the reason otherwise; never the stdlib's ValueError."""
    from_ = headers.address(sender.name, sender.email)
    recipients = [headers.address(p.name, p.email) for p in to]
    subject_text = headers.header_text(subject)
    if not _MESSAGE_ID.fullmatch(message_id or ""):
        raise headers.UnsafeHeader(
            f"{headers.header_text(message_id)!r} is not a Message-ID followup writes"
        )
    msg = EmailMessage(policy=headers.MAIL_POLICY)
    try:
        msg["From"] = from_
        msg["To"] = recipients
        msg["Subject"] = subject_text
        msg["Date"] = format_datetime(date)
        msg["Message-ID"] = message_id
        if automatic:  # to the user only: mail to an interviewer never names the tool
            msg[MARK_HEADER] = headers.header_text(kind)
            msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to reminders
        msg.set_content(body)
        if html:
            msg.add_alternative(html, subtype="html")
        for data, mimetype, filename in attachments:
            maintype, _, subtype = mimetype.partition("/")
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        headers.check_read_back(
            msg,
            sender=from_.addr_spec,
            recipients=[a.addr_spec for a in recipients],
            subject=subject_text,
        )
    except (ValueError, TypeError, LookupError, MessageError) as err:  # UnicodeError too
        raise headers.UnsafeHeader(f"cannot build the message: {err}") from None
    return msg


def envelope_sender(msg: EmailMessage) -> str:
    """The From address build_message validated and read back."""
    return msg["From"].addresses[0].addr_spec


class Outbox:
    def __init__(
        self,
        store: Store,
        transport: Transport | None,
        *,
        save_copy: Callable[[bytes], None] | None = None,
        find_sent: Callable[[str], bool | None] | None = None,
        provider_keeps_copy: bool = False,
    ):
        self.store = store
        self.transport = transport
        self.save_copy = save_copy  # APPEND to \Sent where the provider keeps none
        self.find_sent = find_sent
        self.provider_keeps_copy = provider_keeps_copy

    def _mail(self) -> Transport:
        if self.transport is None:  # a store-only runtime (open_runtime(with_mail=False))
            raise FollowupError("this command opened no mail transport: it cannot send")
        return self.transport

    # notices to the user ----------------------------------------------------

    def _notice_states(self, ref: str) -> dict[str, int]:
        return draft_rows.notice_states(self.store, ref)

    def already_sent(self, ref: str) -> bool:
        """At most once per `ref`, with one exception: a notice that may have been lost
        (left "unknown" by a crash or a dropped connection) goes out once more. To the
        user only, so a possible duplicate reminder beats a lost one; never twice more."""
        states = self._notice_states(ref)
        if states.get("sent") or states.get("sending"):
            return True
        return states.get("unknown", 0) >= NOTICE_TRIES

    def lost(self, ref: str) -> bool:
        """The notice for `ref` went out unconfirmed ("unknown") or certainly not
        ("failed" after a crash) and may be sent again: its owner (a task waiting for
        a reply to it, a draft whose request it was) should send it anew."""
        states = self._notice_states(ref)
        tried = states.get("unknown", 0) or states.get("failed", 0)
        return bool(tried) and not self.already_sent(ref)

    def send_notice(
        self,
        msg: EmailMessage,
        *,
        recipients: Sequence[str],
        purpose: str,
        ref: str,
        now: datetime,
        apply: Callable[[], None] = lambda: None,
        undo: Callable[[], None] = lambda: None,
    ) -> bool:
        """Send a message to the user at most once per `ref`.

        `apply` (what the send means: a task now waits for a reply with this token)
        runs in the same transaction that records the send, before the message
        leaves, so a crash can never leave a sent reminder whose token we forgot.
        `undo` runs if the message certainly did not go. False: try again later."""
        if self.already_sent(ref):
            return True
        message_id = msg["Message-ID"]
        transport = self._mail()
        with self.store.transaction():
            self._begin(message_id, purpose, msg, now, ref=ref)
            apply()
        try:
            transport.send(msg, sender=envelope_sender(msg), recipients=recipients)
        except (TransientSendError, PermanentSendError) as err:
            log.warning("%s to %s not sent, will retry later: %s", purpose, msg["To"], err)
            with self.store.transaction():
                draft_rows.forget_send(self.store, message_id)
                undo()
            return False
        except AmbiguousSendError as err:
            # To the user only: its owner sends it once more on the next pass (lost());
            # a possible duplicate reminder beats a lost one, and one more beats a loop.
            log.error("%s to %s maybe sent, will be sent once more: %s", purpose, msg["To"], err)
            with self.store.transaction():
                self._finish(message_id, "unknown", now, str(err))
            return True
        with self.store.transaction():
            self._finish(message_id, "sent", now)
        log.info("sent %s to %s", purpose, msg["To"])
        return True

    # drafts to interviewers -------------------------------------------------

    def send_draft(
        self, draft_id: int, msg: EmailMessage, *, recipients: Sequence[str], now: datetime
    ) -> str:
        """Send one approved draft to exactly `recipients` (its frozen address);
        returns its new state."""
        message_id = msg["Message-ID"]
        with self.store.transaction():
            draft = draft_rows.get(self.store, draft_id)
            if draft is None or draft.state is not DraftState.APPROVED:
                return draft.state.value if draft else "missing"
            if draft.message_id != message_id:
                raise FollowupError(f"draft {draft_id}: Message-ID changed after approval")
            transport = self._mail()
            self._begin(message_id, "thank_you", msg, now, draft_id=draft_id)
            self._draft_state(draft_id, DraftState.SENDING, now)
        try:
            transport.send(msg, sender=envelope_sender(msg), recipients=recipients)
        except TransientSendError as err:
            return self._retry_later(draft_id, message_id, now, str(err))
        except PermanentSendError as err:
            log.error("draft %d to %s failed: %s", draft_id, msg["To"], err)
            with self.store.transaction():
                self._finish(message_id, "failed", now, str(err))
                self._draft_state(draft_id, DraftState.FAILED, now, error=str(err))
            return DraftState.FAILED.value
        except AmbiguousSendError as err:
            return self._resolve_unclear(draft_id, message_id, now, str(err))
        if self.save_copy is not None:
            try:
                self.save_copy(msg.as_bytes())
            except FollowupError as err:  # the mail went out; a missing copy is not fatal
                log.warning("draft %d sent, but no Sent copy was saved: %s", draft_id, err)
        with self.store.transaction():
            self._finish(message_id, "sent", now)
            self._draft_state(draft_id, DraftState.SENT, now)
        log.info("sent thank-you (draft %d) to %s", draft_id, msg["To"])
        return DraftState.SENT.value

    def _retry_later(self, draft_id: int, message_id: str, now: datetime, error: str) -> str:
        with self.store.transaction():
            tried = draft_rows.attempts(self.store, draft_id)
            draft_rows.forget_send(self.store, message_id)
            if tried is None:  # the draft went away while it was being sent: nothing to retry
                return "missing"
            attempts = tried + 1
            if attempts >= GIVE_UP_AFTER:
                self._draft_state(
                    draft_id,
                    DraftState.FAILED,
                    now,
                    error=f"gave up after {attempts} tries: {error}",
                )
                log.error("draft %d failed after %d tries: %s", draft_id, attempts, error)
                return DraftState.FAILED.value
            delay = min(MAX_BACKOFF, timedelta(minutes=2**attempts))
            draft_rows.retry_later(
                self.store, draft_id, attempts=attempts, when=now + delay, error=error, now=now
            )
        log.warning(
            "draft %d not sent (try %d), retrying in %s: %s", draft_id, attempts, delay, error
        )
        return DraftState.APPROVED.value

    # after a crash ----------------------------------------------------------

    def reconcile(self, *, now: datetime) -> dict[str, int]:
        """Settle every send left in "sending" by a crash. Returns counts by outcome."""
        counts: dict[str, int] = {}
        for send in draft_rows.sending(self.store):
            outcome = self._settle(send, now)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def _settle(self, send: SendRecord, now: datetime) -> str:
        message_id, draft_id = send.message_id, send.draft_id
        evidence = self._mail().was_delivered(message_id)
        if evidence is None and self.find_sent is not None:
            try:
                evidence = self.find_sent(message_id)
            except FollowupError as err:
                log.warning("cannot look for %s in Sent: %s", message_id, err)
                return "pending"  # try again next pass, when the server may be back
            if evidence is False and not self.provider_keeps_copy:
                evidence = None  # we file the copy after sending: absence proves nothing
        if evidence is True:
            with self.store.transaction():
                self._finish(message_id, "sent", now)
                if draft_id is not None:
                    self._draft_state(draft_id, DraftState.SENT, now)
            log.info("reconciled %s: it was sent", message_id)
            return "sent"
        if evidence is False:
            with self.store.transaction():
                if draft_id is not None:
                    draft_rows.forget_send(self.store, message_id)
                    self._draft_state(draft_id, DraftState.APPROVED, now)
                else:  # kept, so its owner sees the notice was lost (lost())
                    self._finish(message_id, "failed", now, "interrupted before it was sent")
            log.info("reconciled %s: it was not sent; will send", message_id)
            return "resend"
        return self._resolve_unclear(
            draft_id, message_id, now, "interrupted while sending: it may have gone out"
        )

    def _resolve_unclear(
        self, draft_id: int | None, message_id: str, now: datetime, error: str
    ) -> str:
        with self.store.transaction():
            self._finish(message_id, "unknown", now, error)
            if draft_id is not None:
                self._draft_state(draft_id, DraftState.UNKNOWN, now, error=error)
        if draft_id is None:  # a notice to the user: its owner sends it once more
            log.warning(
                "%s: a notice to you maybe sent (%s); it is sent once more", message_id, error
            )
        else:  # to an interviewer: a duplicate is the user's call, never ours
            log.error(
                "%s: maybe sent (%s); check your Sent folder, then "
                "`followup resolve %s sent|resend`",
                message_id,
                error,
                draft_id,
            )
        return DraftState.UNKNOWN.value

    # rows -------------------------------------------------------------------

    def _begin(
        self,
        message_id: str,
        purpose: str,
        msg: EmailMessage,
        now: datetime,
        *,
        draft_id: int | None = None,
        ref: str | None = None,
    ) -> None:
        draft_rows.begin_send(
            self.store,
            message_id,
            purpose=purpose,
            recipients=msg["To"],
            now=now,
            draft_id=draft_id,
            ref=ref,
        )

    def _finish(self, message_id: str, state: str, now: datetime, error: str | None = None) -> None:
        draft_rows.finish_send(self.store, message_id, state, now=now, error=error)

    def _draft_state(
        self, draft_id: int, state: DraftState, now: datetime, *, error: str | None = None
    ) -> None:
        draft_rows.set_state(self.store, draft_id, state, now=now, error=error)
