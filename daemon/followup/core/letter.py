"""The parts of a thank-you that depend on who it is to and when it goes: the
greeting, the timing words, the variant that keeps one panel's notes apart, and
the warnings a draft carries for them. Pure: the clock is passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import compose
from .mailtext import clean_header
from .model import Debrief, Interview, Person

GREETINGS = ("first_name", "title_surname")

# Courtesy titles a name may start with, and how each is written.
_HONORIFICS = {
    "dr": "Dr.",
    "doctor": "Dr.",
    "prof": "Prof.",
    "professor": "Prof.",
    "mr": "Mr.",
    "mrs": "Mrs.",
    "ms": "Ms.",
    "mx": "Mx.",
    "miss": "Miss",
    "herr": "Herr",
    "frau": "Frau",
    "dott": "Dott.",
    "mme": "Mme",
    "m": "M.",
}
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "msc", "esq", "cpa"})
_BRITISH = ("en_GB", "en_AU", "en_NZ", "en_IE", "en_ZA", "en_IN")
WEEK = 7


@dataclass(frozen=True)
class Voice:
    """How the user wants to sound: `[compose] greeting` and `[me] locale`."""

    greeting: str = "first_name"
    locale: str = "en_US"


def _word(token: str) -> str:
    return token.strip(".,").lower()


def honorific(text: str, locale: str = "en_US") -> str:
    """'Dr.' for 'Dr', 'dr.', 'Doctor' …; '' if `text` is not a courtesy title.
    British usage writes them without the full stop ("Dr Becker")."""
    title = _HONORIFICS.get(_word(text), "")
    return title.rstrip(".") if title and locale in _BRITISH else title


def surname(name: str) -> str:
    """'Raman' of 'Priya Raman', 'Becker' of 'Dr. Klaus Becker, PhD' or 'Becker, Klaus'."""
    name = clean_header(name)
    if "," in name:
        head, _, tail = name.partition(",")
        if _word(tail) not in _SUFFIXES and tail.strip():
            return head.split()[-1] if head.split() else ""
        name = head
    words = [w for w in name.split() if _word(w) not in _SUFFIXES and not honorific(w)]
    return words[-1] if len(words) >= 2 else ""


def greeting(person: Person, voice: Voice = Voice()) -> str:
    """'Dear Priya,' (first name, the default) or 'Dear Dr. Becker,' (title_surname,
    when a courtesy title is known from the person's title or name); 'Hello,' for
    a person known only by address (the draft warns until it has a name)."""
    name = clean_header(person.name)
    if not name:
        return "Hello,"
    if voice.greeting == "title_surname":
        words = name.replace(",", " ").split()
        title = honorific(person.title, voice.locale) or next(
            (honorific(w, voice.locale) for w in words if honorific(w)), ""
        )
        last = surname(name)
        if title and last:
            return f"Dear {title} {last},"
    first = compose.first_name(name)
    return f"Dear {first}," if first else "Hello,"


def local_time(moment: datetime, zone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def local_day(moment: datetime, zone: str) -> date:
    return local_time(moment, zone).date()


def when_words(start: datetime, now: datetime, zone: str) -> str:
    """When the interview was, said from `now` in the user's zone: 'today',
    'yesterday', 'on Tuesday', and a week or more later 'on Tuesday, December 1'."""
    day, today = local_day(start, zone), local_day(now, zone)
    gap = (today - day).days
    if gap <= 0:
        return "today"
    if gap == 1:
        return "yesterday"
    local = local_time(start, zone)
    if gap < WEEK:
        return f"on {local:%A}"
    return f"on {local:%A}, {local:%B} {local.day}"


def variant(interview: Interview, person: Person) -> int:
    """The person's place in the interview's list: each recipient of one interview
    gets different opening and closing lines, and a re-render the same ones."""
    key = person.email.lower()
    for n, p in enumerate(interview.interviewers):
        if p.email.lower() == key:
            return n
    return len(interview.interviewers)


def personal_line(
    interview: Interview, person: Person, debrief: Debrief | None, *, number: int
) -> compose.Line:
    """The sentence that makes this note this person's: their own notes first, then
    what went well and the topics; never another person's notes."""
    d = debrief or Debrief()
    notes = d.notes_for(person.email)
    others = [
        p.name for p in interview.interviewers if p.email.lower() != person.email.lower() and p.name
    ]
    return compose.thank_you_line(
        remember=notes.remember if notes else "",
        talked_about=notes.talked_about if notes else "",
        went_well=d.went_well,
        topics=d.topics,
        recipient=clean_header(person.name),
        others=others,
        variant=number,
    )


def known_words(interview: Interview, me: Person) -> tuple[str, ...]:
    """Words the spell check must accept in this interview's notes: its people's
    names and titles, the company, the role, the user's own name."""
    texts = [interview.company, interview.role, me.name]
    for p in interview.interviewers:
        texts += [p.name, p.title]
    return tuple(clean_header(t) for t in texts if t)


def proofread(
    interview: Interview,
    me: Person,
    subject: str,
    body: str,
    *,
    now: datetime,
    voice: Voice,
    zone: str,
) -> tuple[str, ...]:
    """The checks before approval, for this interview on the day of `now` in the
    user's `zone`."""
    from .proofread import check_draft

    return check_draft(
        subject,
        body,
        known_words=known_words(interview, me),
        locale=voice.locale,
        today=local_day(now, zone),
        interview_day=local_day(interview.start, zone),
    )


def name_warning(person: Person, interview_id: int) -> str:
    if clean_header(person.name):
        return ""
    return (
        f"no name for {person.email}: the note says 'Hello,'; add it with "
        f'`followup people {interview_id} --rename {person.email} "Name"` or in the debrief'
    )
