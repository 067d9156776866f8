"""Which messages earn a body fetch, from their header alone (and whether the server's
BODYSTRUCTURE shows a calendar part).

Pure: the store's knowledge comes in as a `Known`, loaded once per pass. Missing a real
candidate is worse than one more body, so the rule is generous where mail can be an
invitation (any ordinary mail whose header says interview, schedule, recruiter...) and
strict only where it is not: a reply earns its body for being a reply only in one of
our own threads, and list and bulk mail only when its subject says interview. Any other
reply ("Re: intro - Sam <> Maya") is worth a look at the top of its text, not its body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bounces import looks_like_bounce
from .detect import looks_like_candidate
from .detect_rules import STRONG_WORDS
from .mailtext import decode_header_value

MAX_HEADER_BYTES = 64 * 1024
MAX_REFERENCES = 200  # Message-IDs read from In-Reply-To/References (a long thread's tail)


@dataclass(frozen=True)
class Known:
    """What the store knows that makes mail worth reading. Lower-cased throughout."""

    message_ids: frozenset[str] = frozenset()  # "<id@host>": followup's own mails, interviews'
    people: frozenset[str] = frozenset()  # interviewers of active plans
    domains: frozenset[str] = frozenset()  # their companies' domains (never a freemail one)
    mine: frozenset[str] = frozenset()  # the user's own addresses (approval, debrief replies)


# Alerts and digests from job boards: bulk whatever their headers say.
JOB_BOARDS = (
    "linkedin.com",
    "indeed.com",
    "indeedemail.com",
    "glassdoor.com",
    "ziprecruiter.com",
    "monster.com",
    "monster.de",
    "dice.com",
    "careerbuilder.com",
    "simplyhired.com",
    "wellfound.com",
    "angel.co",
    "otta.com",
    "hired.com",
    "xing.com",
    "stepstone.de",
    "stepstone.fr",
    "stepstone.be",
    "stepstone.at",
    "stepstone.nl",
    "jobteaser.com",
    "welcometothejungle.com",
    "infojobs.net",
    "reed.co.uk",
    "totaljobs.com",
    "seek.com.au",
    "naukri.com",
    "talent.com",
    "jobs.ch",
    "jobrapido.com",
    "nationalevacaturebank.nl",
)

_FIELDS = frozenset(
    {"from", "subject", "in-reply-to", "references", "list-id", "list-unsubscribe", "precedence"}
)
_FOLD = re.compile(r"\r?\n[ \t]+")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_SENDER_ADDRESS = re.compile(r"[^\s<>\"'(),;:@\[\]]{1,64}@[^\s<>\"'(),;:@\[\]]{1,190}")
# Scheduling words a list mail's subject may use for an interview without the word itself
# (an ATS sending through a bulk mailer): invitation, new time, cancelled, five languages.
_SCHEDULING = re.compile(
    r"\b(?:invitation|einladung|uitnodiging|convite|invitaci[oó]n|"
    r"reschedul\w*|verschoben|reprogramad\w*|remarcad\w*|verplaatst|"
    r"cancel+ed|abgesagt|annulé|cancelad[ao]|geannuleerd)\b"
)


BODY, PEEK, NOTHING = "body", "peek", ""  # what a message needs to be read: `need`
PEEK_BYTES = 4096  # of a reply's first text part: where its own (new) words are


def need(header: bytes, known: Known, *, calendar: bool = False) -> str:
    """BODY: fetch the body of the message with this header block; PEEK: read the top
    of its first text part and fetch the body if `top_says_interview`; NOTHING.
    `calendar`: the server says it holds a text/calendar or .ics part. Never raises
    (an unreadable header: BODY, detection decides)."""
    if calendar:
        return BODY
    try:
        return _need(header, _fields(header), known)
    except Exception:  # noqa: BLE001 - a header we cannot read: let detection decide
        return BODY


def earns_body(header: bytes, known: Known, *, calendar: bool = False) -> bool:
    return need(header, known, calendar=calendar) == BODY


def top_says_interview(text: str) -> bool:
    """The first words of a reply in a thread we do not know: an invitation in prose
    ("would love to do a first interview ... How about Tuesday?")?"""
    return says_interview(text[: PEEK_BYTES * 2])


def _need(header: bytes, fields: dict[str, str], known: Known) -> str:
    replying = "in-reply-to" in fields or "references" in fields
    if replying and known.message_ids and _references(fields) & known.message_ids:
        return BODY  # a reply in one of our threads: an approval, a company's answer
    senders = _senders(fields.get("from", ""))
    if senders & (known.mine | known.people):
        return BODY  # the user (approval, debrief replies), an interviewer
    if known.domains and any(s.rpartition("@")[2] in known.domains for s in senders):
        return BODY  # someone else at the company of an active plan
    if looks_like_bounce(header):
        return BODY
    if _bulk(fields, senders):
        return BODY if says_interview(_decoded(fields.get("subject", ""))) else NOTHING
    if looks_like_candidate(header):
        return BODY
    return PEEK if replying else NOTHING


def says_interview(subject: str) -> bool:
    """Does a (decoded) subject speak of an interview or of moving or calling one off?"""
    text = subject.lower()
    return bool(STRONG_WORDS.search(text) or _SCHEDULING.search(text))


def _fields(header: bytes) -> dict[str, str]:
    """The first value of each field the rule reads, unfolded; raw 8-bit read as UTF-8."""
    text = _FOLD.sub(" ", header[:MAX_HEADER_BYTES].decode("utf-8", "replace"))
    out: dict[str, str] = {}
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        key = name.strip().lower()
        if colon and key in _FIELDS and key not in out:
            out[key] = value.strip()
    return out


def _references(fields: dict[str, str]) -> set[str]:
    ids = _MESSAGE_ID.findall(fields.get("in-reply-to", ""))
    ids += _MESSAGE_ID.findall(fields.get("references", ""))[-MAX_REFERENCES:]
    return {i.lower() for i in ids}


def _senders(value: str) -> set[str]:
    """Every address in From (a display name holding one too: generous, it only costs
    a body). RFC 2047 words are decoded first."""
    return {a.lower().rstrip(".") for a in _SENDER_ADDRESS.findall(_decoded(value)[:2000])}


def _bulk(fields: dict[str, str], senders: set[str]) -> bool:
    if "list-id" in fields or "list-unsubscribe" in fields:
        return True
    if fields.get("precedence", "").strip().lower() in ("bulk", "list", "junk"):
        return True
    return any(_on_job_board(s.rpartition("@")[2]) for s in senders)


def _on_job_board(domain: str) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in JOB_BOARDS)


def _decoded(value: str) -> str:
    return decode_header_value(value) if "=?" in value else value
