"""Domain types shared by the pure core and the adapters.

Plain frozen dataclasses: no I/O, no clock. Times are timezone-aware datetimes;
the store keeps them as UTC instants plus the IANA zone they were given in.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class FollowupError(Exception):
    """An operation failed; the message is one line meant for the user (exit 1)."""


class UsageError(FollowupError):
    """A usage or configuration error: the message names the key or file (exit 2)."""


_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
    r"\.[A-Za-z]{2,63}"
)


def valid_address(text: str) -> bool:
    """One plain ASCII addr-spec: the only kind followup will ever send to (no
    lists, no display names, nothing a header or an envelope could misread; no
    "=?", which the email package would decode as an encoded-word)."""
    return (
        bool(_ADDRESS.fullmatch(text))
        and ".." not in text
        and "=?" not in text
        and len(text) <= 254
    )


# Mailboxes that reach many people or nobody: a thank-you to one would go to a
# whole company, so such an interview waits for the user to pick the people.
_LIST_WORD = (
    r"all|staff|team|teams|everyone|everybody|employees|members|list|lists|group"
    r"|groups|dl|distro|distribution|announce|announcements"
)
_LIST_LOCALPART = re.compile(
    rf"^(?:(?:{_LIST_WORD})(?:[-_.+].*)?|all[-_.]?(?:{_LIST_WORD}|hands|company|people|users)"
    rf"|.*[-_.](?:{_LIST_WORD})|no-?reply|do-?not-?reply|donotreply)$",
    re.IGNORECASE,
)
_LIST_DOMAIN_LABELS = frozenset({"lists", "list", "groups", "mailman", "listserv"})
_LIST_DOMAINS = ("googlegroups.com", "groups.io")


def list_like_address(email: str) -> bool:
    """all-staff@, everyone@, team@, noreply@, anything@lists.… or @googlegroups.com."""
    local, _, domain = email.lower().rpartition("@")
    labels = domain.split(".")
    return (
        bool(_LIST_LOCALPART.match(local))
        or any(label in _LIST_DOMAIN_LABELS for label in labels[:-2])  # lists.acme.com
        or any(domain == d or domain.endswith("." + d) for d in _LIST_DOMAINS)
    )


DEFAULT_MAX_INTERVIEWERS = 12  # [compose] max_interviewers
MAX_INTERVIEWERS = 100  # the hard bound: never more people than this stored per interview


def fanout_problem(
    emails: list[str], *, cap: int, named: int | None = None, allow_lists: bool = False
) -> str | None:
    """Why these recipients need the user's pick before any draft is made, or None.
    `named`: how many people the invite itself named (more than were kept)."""
    count = max(len(emails), named or 0)
    if count > cap:
        return (
            f"{count} people, more than the {cap} followup writes to ([compose] max_interviewers)"
        )
    lists = [e for e in emails if list_like_address(e)]
    if lists and not allow_lists:
        return f"{lists[0]} looks like a mailing list"
    return None


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str | None = None
    title: str = ""  # job title ("Engineering Manager"): from the invite, or the debrief

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "phone": self.phone, "title": self.title}


class Method(enum.StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class InterviewEvent:
    """What detection makes of one message: the contract of `followup parse --json`."""

    is_interview: bool
    confidence: float
    method: Method | None  # None: no calendar part (a confirmation email)
    uid: str  # iCalendar UID, else the Message-ID
    sequence: int
    title: str
    company: str | None
    role: str | None
    start: datetime | None  # aware; None when the message holds no event
    end: datetime | None
    timezone: str | None  # IANA name the times were given in, if known
    location: str | None
    video_link: str | None
    organizer: Person | None
    interviewers: tuple[Person, ...] = ()
    message_id: str | None = None
    # People who arrange the interview but do not sit in it (a recruiting
    # coordinator, a scheduling mailbox): kept, not thanked by default.
    coordinators: tuple[Person, ...] = ()
    # A plain email that moves an interview: the old time it names (None: not a move).
    reschedule_of: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        moved = {"reschedules": self.reschedule_of.isoformat()} if self.reschedule_of else {}
        return {
            "is_interview": self.is_interview,
            "confidence": round(self.confidence, 2),
            "method": self.method.value if self.method else None,
            "uid": self.uid,
            "sequence": self.sequence,
            "title": self.title,
            "company": self.company,
            "role": self.role,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "timezone": self.timezone,
            "location": self.location,
            "video_link": self.video_link,
            "organizer": (
                {"name": self.organizer.name, "email": self.organizer.email}
                if self.organizer
                else None
            ),
            "interviewers": [p.to_json() for p in self.interviewers],
            "coordinators": [p.to_json() for p in self.coordinators],
            **moved,
        }


@dataclass(frozen=True)
class Detection:
    """Result of detection: an event, or None with the reason it was not one."""

    event: InterviewEvent | None
    reason: str = ""


@dataclass(frozen=True)
class DebriefPerson:
    """One interviewer as the debrief has them: the spelling the user checked, and
    what the user remembers of talking with this person (their own note only)."""

    name: str
    email: str
    title: str = ""
    talked_about: str = ""  # what you talked about with them
    remember: str = ""  # one thing they said or asked
    call: bool = False  # the one the follow-up calls go to
    phone: str | None = None

    def person(self) -> Person:
        return Person(self.name, self.email, self.phone, self.title)


@dataclass(frozen=True)
class Debrief:
    """The user's answers right after the interview (the coach's four questions),
    and, when `people` is given, the interviewer list as the user corrected it."""

    topics: str = ""
    went_well: str = ""
    wish_not_said: str = ""  # fixed in call 1 (never repeated to the interviewer)
    meant: str = ""  # what the user meant instead: what call 1 says
    wish_said: str = ""  # said in call 2
    unmet_requirement: str = ""  # made up for in call 3
    made_up_for: str = ""  # what the user did since about the unmet requirement
    people: tuple[DebriefPerson, ...] = ()  # empty: the list stays as detected
    removed: tuple[str, ...] = ()  # addresses struck out in an emailed reply ("remove")

    FIELDS = (
        "topics",
        "went_well",
        "wish_not_said",
        "meant",
        "wish_said",
        "unmet_requirement",
        "made_up_for",
    )

    @classmethod
    def from_answers(
        cls,
        answers: Mapping[str, str],
        people: tuple[DebriefPerson, ...] = (),
        removed: tuple[str, ...] = (),
    ) -> Debrief:
        """From answers keyed by field name (missing ones empty)."""
        a = answers
        return cls(
            topics=a.get("topics", ""),
            went_well=a.get("went_well", ""),
            wish_not_said=a.get("wish_not_said", ""),
            meant=a.get("meant", ""),
            wish_said=a.get("wish_said", ""),
            unmet_requirement=a.get("unmet_requirement", ""),
            made_up_for=a.get("made_up_for", ""),
            people=people,
            removed=removed,
        )

    def notes_for(self, email: str) -> DebriefPerson | None:
        key = email.lower()
        return next((p for p in self.people if p.email.lower() == key), None)


class InterviewState(enum.StrEnum):
    NEEDS_CONFIRMATION = "needs_confirmation"
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    CANCELLED = "cancelled"
    DONE = "done"


# The plans the service acts on: needs-confirmation and paused plans wait for the user.
ACTS_ON = (InterviewState.ACTIVE,)


@dataclass(frozen=True)
class Interview:
    id: int
    company: str
    role: str
    start: datetime
    end: datetime
    timezone: str
    state: InterviewState
    interviewers: tuple[Person, ...] = ()
    location: str | None = None
    video_link: str | None = None
    title: str = ""


class TaskKind(enum.StrEnum):
    PREP = "prep"
    DEBRIEF = "debrief"
    THANK_YOU = "thank_you"
    CALL_1 = "call_1"
    CALL_2 = "call_2"
    CALL_3 = "call_3"


class TaskState(enum.StrEnum):
    PENDING = "pending"
    WAITING = "waiting"  # sent to the user, waiting for them
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Task:
    kind: TaskKind
    due: datetime  # aware
    state: TaskState = TaskState.PENDING
    late: bool = False  # due time had passed when it was planned


class DraftState(enum.StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    SENDING = "sending"
    SENT = "sent"
    UNKNOWN = "unknown"  # maybe sent: the user decides
    REJECTED = "rejected"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"  # its interview was cancelled, stopped or ended: never sent
    BOUNCED = "bounced"  # sent, and the receiving server reported it undeliverable


@dataclass(frozen=True)
class RenderedEmail:
    """A rendered message: plain text, optional HTML alternative, phrase warnings."""

    subject: str
    body: str
    html: str | None = None
    warnings: tuple[str, ...] = field(default=())


# --- rows the store hands back that no other type describes ---------------------


@dataclass(frozen=True)
class Draft:
    """A thank-you draft as stored: its text, its one recipient, where it stands."""

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
    request_sent: bool = False  # its approval request was emailed to the user
    rendered_at: datetime | None = None  # when its text was last made or rendered

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "interview_id": self.interview_id,
            "to": [{"name": self.to.name, "email": self.to.email}],
            "subject": self.subject,
            "body": self.body,
            "message_id": self.message_id,
            "state": self.state.value,
            "warnings": list(self.warnings),
            "late": self.late,
            "error": self.last_error,
        }


class RequestState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"  # its token is spent: a reply acted on it
    SUPERSEDED = "superseded"  # a newer request of the same interview replaced it


@dataclass(frozen=True)
class ApprovalRequest:
    """One approval mail: an interview's waiting drafts, numbered 1..n in `drafts`
    as (draft id, the draft's token when mailed: the words the user saw)."""

    id: int
    interview_id: int
    token: str
    drafts: tuple[tuple[int, str], ...]
    state: RequestState
    created_at: datetime


@dataclass(frozen=True)
class TaskRow:
    """A planned task as stored, with its reminder's state."""

    id: int
    interview_id: int
    kind: TaskKind
    due: datetime  # aware, UTC
    due_stamp: str  # `due` as stored: part of the ref its notice is recorded under
    state: TaskState
    late: bool
    done_at: datetime | None
    token: str | None  # authenticates the user's reply to its reminder
    attempts: int = 0
    retry_at: datetime | None = None
    reminded_at: datetime | None = None  # when its reminder went out


@dataclass(frozen=True)
class SendRecord:
    """One message the service emitted or is emitting (the `sends` log)."""

    message_id: str
    draft_id: int | None
    purpose: str
    ref: str | None
    state: str  # sending | sent | failed | unknown


@dataclass(frozen=True)
class PausedPlan:
    """A plan a message from the company paused, and whether the user was told."""

    interview_id: int
    paused_by: str
    paused_subject: str
    reason: str
    since: str  # when it was paused, as stored: part of the ref its notice is recorded under
    notified: bool


@dataclass(frozen=True)
class LoggedMessage:
    """A row of the message log: what was made of one incoming message."""

    id: int
    message_id: str | None
    outcome: str
    reason: str


@dataclass(frozen=True)
class SyncPosition:
    """Where the sync of an IMAP folder stands: everything up to `last_uid` is done."""

    uidvalidity: int
    last_uid: int
