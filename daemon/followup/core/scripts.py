"""The three follow-up call scripts: who to call, what to say, the voicemail to
leave, and notes for the user's eyes only.

Pure: no I/O, no clock. The sentences made from the user's debrief answers come
from the composer (compose.py); the frames around them are here: the greeting,
an opener per call that refers back to the last contact, and the closing line.
Only the spoken part is timed (150 words a minute).
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import compose
from .debrief import DEBRIEF_QUESTIONS
from .mailtext import clean_header
from .model import Debrief, DebriefPerson, Interview, Person

__all__ = [
    "CALLS",
    "CALL_GOALS",
    "CLOSING_LINE",
    "MAX_CALL_SECONDS",
    "MAX_VOICEMAIL_SECONDS",
    "CallScript",
    "call_person",
    "call_script",
    "estimate_speaking_seconds",
    "open_questions",
]

CLOSING_LINE = "I really want to work with you. Is now a good time to set up a second interview?"
MAX_CALL_SECONDS = 180  # the coach: keep each call under 3 minutes
MAX_VOICEMAIL_SECONDS = 20
WORDS_PER_MINUTE = 150
CALLS = (1, 2, 3)

CALL_GOALS = {
    1: "fix something you said in the interview that you wish you had not said",
    2: "give the answer you wish you had given in the interview",
    3: "show how you have made up for the requirement you did not meet",
}

# The debrief answers each call is written from (call 1 also knows wish_not_said,
# but only to keep it out of what is said).
_CALL_FIELDS = {
    1: ("meant",),
    2: ("wish_said",),
    3: ("unmet_requirement", "made_up_for"),
}
_QUESTION = dict(DEBRIEF_QUESTIONS)

# When the composer has nothing usable. Call 1 cannot be made up: what the user
# meant is theirs to say, so it is the one bracketed prompt a script may carry.
_FIX_LEAD = "There is one point from our conversation I would like to put more clearly."
_FIX_PROMPT = (
    "[One or two sentences: what you meant, with a concrete example of how you would do the job.]"
)
_BETTER_GENERIC = (
    "Since we spoke I have thought more about your questions, and I am even more sure "
    "that this role fits what I do best."
)
_REQUIREMENT_GENERIC = (
    "I have thought about where I would need to grow in this role, and I am ready to "
    "put in the time to get there quickly."
)

_MAX_QUOTE = 200  # characters of a debrief answer quoted back in the notes
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


@dataclass(frozen=True)
class CallScript:
    """One call: `spoken` is what to say, `voicemail` what to leave, `notes` for the
    user only; `seconds` is the speaking time of `spoken`."""

    call: int
    to: Person
    spoken: str
    voicemail: str
    notes: str
    seconds: int

    def to_json(self) -> dict[str, Any]:
        return {
            "to": self.to.to_json(),
            "spoken": self.spoken,
            "voicemail": self.voicemail,
            "notes": self.notes,
            "seconds": self.seconds,
        }


def estimate_speaking_seconds(text: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Seconds it takes to say `text` aloud at `words_per_minute` (rounded up)."""
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    return math.ceil(len(_WORD.findall(text)) * 60 / words_per_minute)


# --------------------------------------------------------------------------- who


def _merged(notes: DebriefPerson, interviewers: tuple[Person, ...]) -> Person:
    """The debrief's spelling and notes over what the invitation said."""
    key = notes.email.lower()
    known = next((p for p in interviewers if p.email.lower() == key), None)
    if known is None:
        return notes.person()
    return Person(
        notes.name or known.name,
        known.email,
        notes.phone or known.phone,
        notes.title or known.title,
    )


def call_person(interview: Interview, debrief: Debrief | None) -> Person | None:
    """Who the calls go to: the one the debrief marks, else the first interviewer
    whose phone is known, else the first; None when nobody is known."""
    notes = debrief.people if debrief else ()
    chosen = next((p for p in notes if p.call), None)
    if chosen is not None:
        return _merged(chosen, interview.interviewers)
    by_email = {p.email.lower(): p for p in notes}
    people = [
        _merged(by_email[p.email.lower()], (p,)) if p.email.lower() in by_email else p
        for p in interview.interviewers
    ] or [p.person() for p in notes]
    return next((p for p in people if p.phone), people[0] if people else None)


# --------------------------------------------------------------------------- frames


def _role(interview: Interview) -> str:
    # The company is who they are: on the phone the role alone says what it was about.
    role = clean_header(interview.role)
    return f"the {role} role" if role else "the role"


def _day(interview: Interview) -> str:
    start = interview.start
    with contextlib.suppress(ZoneInfoNotFoundError, ValueError):  # then as given
        start = start.astimezone(ZoneInfo(interview.timezone))
    return f"{start:%A}, {start:%B} {start.day}"


def _greeting(to: Person, me: Person) -> str:
    first = compose.first_name(clean_header(to.name))
    mine = clean_header(me.name)
    if first and mine:
        return f"Hi {first}, this is {mine}."
    if first:
        return f"Hi {first}."
    return f"Hello, this is {mine}." if mine else "Hello."


def _opener(call: int, interview: Interview) -> str:
    """Refers back to the last contact, then asks for two minutes."""
    role = _role(interview)
    if call == 1:
        return f"We met on {_day(interview)}, about {role}. Is this a good moment for two minutes?"
    if call == 2:
        return f"I called a few days ago after our interview about {role}. Do you have two minutes?"
    return (
        f"We spoke a few days ago about {role}, and there is one more thing I wanted you "
        "to know. Is this a good moment for two minutes?"
    )


def _composed(call: int, d: Debrief, recipient: str) -> compose.Line:
    if call == 1:
        return compose.fix_line(meant=d.meant, wish_not_said=d.wish_not_said, recipient=recipient)
    if call == 2:
        return compose.better_answer_line(wish_said=d.wish_said, recipient=recipient)
    return compose.requirement_line(
        unmet_requirement=d.unmet_requirement, made_up_for=d.made_up_for, recipient=recipient
    )


def _point(call: int, text: str) -> str:
    """The call's point: the composer's sentence in its frame, or the generic one."""
    # Brackets mean "fill this in" to the user: none may come from an answer.
    text = text.replace("[", "(").replace("]", ")")
    if call == 1:  # the composer's sentence carries its own lead-in ("Let me put …")
        return text or f"{_FIX_LEAD} {_FIX_PROMPT}"
    if call == 2:
        return text or _BETTER_GENERIC
    return text or _REQUIREMENT_GENERIC


def _spoken(call: int, to: Person, me: Person, interview: Interview, point: str) -> str:
    opening = f"{_greeting(to, me)} {_opener(call, interview)}"
    return "\n\n".join((opening, point, CLOSING_LINE))


# --------------------------------------------------------------------------- voicemail

_VOICEMAIL_POINT = {
    1: "I am calling about our interview for {role}: there is one point I would like "
    "to put more clearly.",
    2: "I am calling again about {role}: I have one more example I would like to share with you.",
    3: "I am calling about {role}: there is one more thing I would like you to know.",
}


def _voicemail(call: int, to: Person, me: Person, interview: Interview) -> str:
    """Name, one line, a callback number and thanks: at most 20 seconds, shortened
    step by step when a long role or name would make it longer."""
    phone = clean_header(me.phone or "")
    back = f"You can reach me at {phone}." if phone else "I will try you again in a day or two."
    short_me = Person(compose.first_name(clean_header(me.name)), me.email)
    tries = (
        (me, _role(interview), back),
        (me, "the role", back),
        (short_me, "the role", back),
        (short_me, "the role", "Please call me back."),
    )
    text = ""
    for who, role, callback in tries:
        point = _VOICEMAIL_POINT[call].format(role=role)
        text = f"{_greeting(to, who)} {point} {callback} Thank you, and have a good day."
        if estimate_speaking_seconds(text) <= MAX_VOICEMAIL_SECONDS:
            break
    return text


# --------------------------------------------------------------------------- notes


def open_questions(call: int, debrief: Debrief | None) -> tuple[str, ...]:
    """The debrief questions still unanswered that this call is written from."""
    d = debrief or Debrief()
    return tuple(_QUESTION[f] for f in _CALL_FIELDS[call] if not getattr(d, f).strip())


def _quoted(text: str) -> str:
    text = " ".join(text[: _MAX_QUOTE * 2].split()).strip("\"'\u201c\u201d ")
    return text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 3].rstrip() + "..."


def _notes(
    call: int,
    d: Debrief | None,
    interview: Interview,
    *,
    nobody: bool,
    warnings: tuple[str, ...],
    too_long: bool,
) -> str:
    lines = [f"Goal: {CALL_GOALS[call]}."]
    if nobody:
        lines.append(
            "No one to call is known yet: add them (`followup add`) or name them in "
            f"the debrief (`followup debrief {interview.id}`)."
        )
    regretted = _quoted(d.wish_not_said) if d else ""
    if call == 1 and regretted:
        lines.append(f'You said: "{regretted}" - don\'t repeat it; say what you meant.')
    unanswered = open_questions(call, d)
    if unanswered:
        asked = " and ".join(f'"{q}"' for q in unanswered)
        lines.append(
            f"Your debrief has no answer yet to {asked}: answer it "
            f"(`followup debrief {interview.id}`) and this call is written from it."
        )
    lines.extend(f"About your answer: {w}" for w in warnings)
    if call == 2 and d and d.wish_said.strip() and not unanswered:
        lines.append(
            "After the line about what you had not told them, give the answer itself in "
            "two or three sentences, with one concrete result (a number, a date, a name)."
        )
    if call == 3 and d and d.made_up_for.strip():
        lines.append(
            "If they ask, say how it prepares you for the job: one task you can now do "
            "that you could not before."
        )
    if too_long:
        lines.append(
            "Your answer would make the call 3 minutes or longer, so the script uses a "
            "general line: shorten it in the debrief, or say it in your own words."
        )
    lines.append("If they offer a second interview, agree on a time there and then.")
    lines.append("Ask the closing question once, then let it go.")
    return "\n".join(f"- {line}" for line in lines)


# --------------------------------------------------------------------------- the script


def call_script(
    call: int, debrief: Debrief | None, interview: Interview, *, me: Person
) -> CallScript:
    """Follow-up call 1, 2 or 3 to `call_person`; the spoken part always ends with
    CLOSING_LINE and stays under 3 minutes."""
    if call not in CALL_GOALS:
        raise ValueError(f"call must be 1, 2 or 3, not {call!r}")
    d = debrief or Debrief()
    found = call_person(interview, debrief)
    to = found or Person("", "")
    line = _composed(call, d, clean_header(to.name))
    spoken = _spoken(call, to, me, interview, _point(call, line.text))
    too_long = estimate_speaking_seconds(spoken) >= MAX_CALL_SECONDS
    if too_long:  # an answer that cannot be fitted: the generic line, and say so
        spoken = _spoken(call, to, me, interview, _point(call, ""))
    notes = _notes(
        call,
        debrief,
        interview,
        nobody=found is None,
        # an empty line for want of an answer is said above; other warnings are news
        warnings=line.warnings if line.text or not open_questions(call, debrief) else (),
        too_long=too_long,
    )
    return CallScript(
        call=call,
        to=to,
        spoken=spoken,
        voicemail=_voicemail(call, to, me, interview),
        notes=notes,
        seconds=estimate_speaking_seconds(spoken),
    )
