"""The debrief form: one heading per question, the user's answers below each, as
text (in $EDITOR, inside the debrief request mail) and back. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from email.utils import parseaddr
from typing import Any

from .headers import header_text
from .mailtext import clean_header
from .model import MAX_INTERVIEWERS, Debrief, DebriefPerson, Interview, valid_address

DEBRIEF_QUESTIONS: list[tuple[str, str]] = [
    ("topics", "Topics covered"),
    ("went_well", "What went well?"),
    ("wish_not_said", "What did I say that I wish I had not said?"),
    ("meant", "What did I mean instead?"),
    ("wish_said", "What did I not say that I wish I had said?"),
    ("unmet_requirement", "Which requirement did I not meet?"),
    ("made_up_for", "What have I done since to make up for it?"),
]

assert [f for f, _ in DEBRIEF_QUESTIONS] == list(Debrief.FIELDS)


def plain_words(text: str) -> list[str]:
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.findall(r"[a-z0-9]+", text)


_HEADING_WORDS = [(f, plain_words(h)) for f, h in DEBRIEF_QUESTIONS]


def match_heading(line: str) -> tuple[str, str] | None:
    """(field, answer on the same line) if the line is one of the headings."""
    words = plain_words(line)
    if not words:
        return None
    for fname, hw in _HEADING_WORDS:
        if words == hw:
            return fname, ""
    # "Heading: answer" or "Heading? answer" on one line
    m = re.match(r"^([^:?]*[:?])(.*)$", line)
    if m:
        head, rest = m.group(1), m.group(2)
        hwords = plain_words(head)
        for fname, hw in _HEADING_WORDS:
            if hwords == hw:
                return fname, rest.strip()
    return None


# The labels people type on a phone instead of the questions ("Went well: …").
_LABELS: dict[str, tuple[str, ...]] = {
    "topics": ("topics", "topic", "covered", "talked about", "we talked about", "discussed"),
    "went_well": ("went well", "what went well", "good", "well", "highlights", "positives"),
    "wish_not_said": (
        "wish not said", "wish i hadnt said", "shouldnt have said", "regret", "regrets",
        "not said", "bad",
    ),
    "meant": ("meant", "i meant", "what i meant", "meant instead", "instead"),
    "wish_said": (
        "wish said", "wish id said", "should have said", "shouldve said", "forgot",
        "forgot to say", "missed", "didnt say",
    ),
    "unmet_requirement": (
        "requirement", "unmet requirement", "requirement not met", "gap", "gaps",
        "didnt meet", "missing",
    ),
    "made_up_for": ("since", "done since", "made up for", "made up", "since then", "follow up"),
}  # fmt: skip
_LABEL_FIELD = {tuple(plain_words(label)): f for f, labels in _LABELS.items() for label in labels}
_NUMBERED = re.compile(r"^[ \t]*([1-7])[ \t]*[.):–-](?:[ \t]+(.*))?$")  # "1. …", not "3-4 days"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
MAX_LOOSE_LINES = 200
MAX_LABEL_CHARS = 40


def _loose_start(line: str) -> tuple[str, str] | None:
    """(field, rest) for "Went well: …", "2) …" or a question heading; else None."""
    heading = match_heading(line)
    if heading:
        return heading
    numbered = _NUMBERED.match(line)
    if numbered:
        return Debrief.FIELDS[int(numbered.group(1)) - 1], (numbered.group(2) or "").strip()
    label, colon, rest = line.partition(":")
    if colon and len(label) <= MAX_LABEL_CHARS:
        field = _LABEL_FIELD.get(tuple(plain_words(label)))
        if field:
            return field, rest.strip()
    return None


def loose_answers(text: str) -> Debrief | None:
    """Debrief answers as people type them on a phone: short labels ("Went well: …"),
    numbered answers ("1. …" for the first question), or, with neither, two to six
    paragraphs taken as the answers in the order asked. None when nothing fits."""
    lines = text.replace("\r\n", "\n").split("\n")[:MAX_LOOSE_LINES]
    answers: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        start = _loose_start(line)
        if start:
            current = start[0]
            answers.setdefault(current, []).append(start[1])
        elif current is not None:
            answers[current].append(line.strip())
    if answers:
        found = {f: tidy("\n".join(v)) for f, v in answers.items()}
        found = {f: v for f, v in found.items() if v}
        return Debrief.from_answers(found) if found else None
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split("\n".join(lines)) if p.strip()]
    if 2 <= len(paragraphs) <= len(Debrief.FIELDS):
        return Debrief.from_answers(dict(zip(Debrief.FIELDS, paragraphs, strict=False)))
    return None


# --- the people part of the form ------------------------------------------------------
#
# People
# Person: Priya Raman <priya.raman@acme.io>
# Title: Engineering Manager
# Talked about: the on-call rotation
# Remember: she asked how I would cut build times
# Call: yes

PEOPLE_HEADING = "People"
_PERSON_KEYS = {
    ("title",): "title",
    ("talked", "about"): "talked_about",
    ("remember",): "remember",
    ("call",): "call",
    ("phone",): "phone",
}
_YES = frozenset({"yes", "y", "true", "x", "1", "call", "this one"})
MAX_NOTE_CHARS = 1000


def clean_note(text: str) -> str:
    """A note about a person as typed: each line's hidden characters made plain,
    the lines (a bullet list) kept, at most MAX_NOTE_CHARS."""
    lines = (header_text(line) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)[:MAX_NOTE_CHARS]


class PeopleError(ValueError):
    """A person line of the debrief that cannot be read (the message names the line)."""


def _person_line(line: str) -> str | None:
    """The text after "Person:" (any case), or None."""
    label, colon, rest = line.partition(":")
    if colon and plain_words(label) == ["person"]:
        return rest.strip()
    return None


def _person_key(line: str) -> tuple[str, str] | None:
    label, colon, rest = line.partition(":")
    if not colon or len(label) > MAX_LABEL_CHARS:
        return None
    key = _PERSON_KEYS.get(tuple(plain_words(label)))
    return (key, rest.strip()) if key else None


def person_field_line(line: str) -> bool:
    """A line of the people part: "Person: …", "Title: …", "Remember: …" …"""
    stripped = line.strip()
    return _person_line(stripped) is not None or _person_key(stripped) is not None


def read_person(text: str, where: str) -> tuple[str, str, bool]:
    """'Name <email>' (or a bare address; 'remove' after it strikes the person out)
    as (name, email, removed). Raises PeopleError naming `where`."""
    words = text.split()
    removed = bool(words) and words[-1].lower() in ("remove", "(remove)", "removed")
    if removed:
        text = text[: text.lower().rfind(words[-1].lower())].strip()
    name, address = parseaddr(text)
    address = address.strip().lower()
    if not valid_address(address):
        raise PeopleError(f"{where}: {header_text(text)[:80]!r} is not 'Name <email>'")
    name = header_text(name)
    if "@" in name:  # "priya@acme.io <priya@acme.io>": the name is not known
        name = ""
    return name, address, removed


def split_people(lines: list[str]) -> tuple[list[str], list[DebriefPerson], list[str]]:
    """The people blocks out of a debrief's lines: (the other lines, the people in
    the order given, the addresses marked 'remove'). A question heading ends the
    people part. Raises PeopleError on a Person line that is not 'Name <email>'."""
    rest: list[str] = []
    people: list[DebriefPerson] = []
    removed: list[str] = []
    current: dict[str, Any] | None = None
    note: str | None = None  # the note a continuation line adds to

    def close() -> None:
        if current is not None and not current.pop("_removed"):
            people.append(DebriefPerson(**current))

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            rest.append(line)
            continue
        person = _person_line(stripped)
        if person == "":  # the form's empty slot for someone new
            close()
            current, note = None, None
            continue
        if person is not None:
            close()
            name, email, strike = read_person(person, f"line {number}")
            if strike:
                removed.append(email)
            current = {"name": name, "email": email, "_removed": strike}
            note = None
            continue
        if current is not None and not match_heading(stripped):
            keyed = _person_key(stripped)
            if keyed:
                key, value = keyed
                if key == "call":
                    current["call"] = value.lower() in _YES
                elif key == "phone":
                    current["phone"] = header_text(value)[:40] or None
                else:
                    current[key] = clean_note(value)
                note = key if key in ("talked_about", "remember") else None
            elif stripped and note:
                current[note] = clean_note(f"{current.get(note, '')}\n{stripped}")
            continue
        close()
        current, note = None, None
        if plain_words(stripped) == ["people"]:
            continue
        rest.append(line)
    close()
    if len(people) > MAX_INTERVIEWERS:
        raise PeopleError(f"{len(people)} people: at most {MAX_INTERVIEWERS}")
    return rest, people, removed


def merge_people(
    current: tuple[DebriefPerson, ...],
    given: tuple[DebriefPerson, ...],
    removed: tuple[str, ...] = (),
    *,
    complete: bool,
) -> tuple[DebriefPerson, ...]:
    """The interviewer list after a debrief. `complete` (the editor form, a TOML
    file): the people given are the list. Otherwise (an emailed reply, which may
    quote only some blocks): the given ones update or join the current list and
    only those marked 'remove' leave it. A given person whose address is new but
    whose name matches someone's is that person with a corrected address. Phones
    already known are kept; at most one person is the one to call."""
    by_email = {p.email.lower(): p for p in current}
    by_name = {p.name.lower(): p for p in current if p.name}
    result: list[DebriefPerson] = [] if complete else list(current)
    for person in (replace(p, email=p.email.strip().lower()) for p in given):
        old = by_email.get(person.email.lower()) or by_name.get(person.name.lower())
        if old is not None:
            person = replace(person, phone=person.phone or old.phone)
            if not complete:
                result = [person if p == old else p for p in result]
                continue
        if complete or all(p.email.lower() != person.email.lower() for p in result):
            result.append(person)
    struck = {e.lower() for e in removed}
    result = [p for p in result if p.email.lower() not in struck]
    unique = list({p.email.lower(): p for p in reversed(result)}.values())[::-1]
    callers = [p for p in unique if p.call]
    if len(callers) > 1:  # the last one marked wins: it is the newest word
        keep = callers[-1]
        unique = [replace(p, call=p is keep) for p in unique]
    return tuple(unique)


def people_form(people: tuple[DebriefPerson, ...], *, comments: bool) -> list[str]:
    lines = [PEOPLE_HEADING]
    if comments:
        lines += [
            "# One block per person you met: check the spelling of each name and address.",
            "# Delete a block to remove that person (their waiting draft is withdrawn);",
            "# copy a block to add someone. 'Call: yes' on the one the calls go to.",
        ]
    for p in people:
        who = f"{clean_header(p.name)} <{p.email}>" if p.name else f"<{p.email}>"
        lines.append(f"Person: {who}")
        if not p.name:
            lines.append("# Write their name before the address: the draft waits for it.")
        lines.append(f"Title: {clean_header(p.title)}")
        for label, note in (("Talked about", p.talked_about), ("Remember", p.remember)):
            first, *more = clean_note(note).split("\n") if note else [""]
            lines.append(f"{label}: {first}")
            lines.extend(more)  # a bullet list stays one line a bullet
        lines.append(f"Call: {'yes' if p.call else ''}")
        lines.append("")
    if not people:
        lines += ["Person: ", ""]
    return lines


def form_people(interview: Interview, debrief: Debrief | None) -> tuple[DebriefPerson, ...]:
    """The interviewers with the debrief's notes about each (as stored)."""
    notes = {p.email.lower(): p for p in (debrief.people if debrief else ())}
    return tuple(
        notes.get(p.email.lower()) or DebriefPerson(p.name, p.email, title=p.title, phone=p.phone)
        for p in interview.interviewers
    )


def debrief_form(interview: Interview, debrief: Debrief | None, *, comments: bool = True) -> str:
    """The debrief as text: the people, then one heading per question, answers below
    each. Used in $EDITOR by `followup debrief ID` and inside debrief_request.txt."""
    lines: list[str] = []
    if comments:
        parts = (clean_header(interview.role), clean_header(interview.company))
        what = " at ".join(x for x in parts if x)
        lines.append(f"# Debrief: {what or 'interview'} ({interview.start:%Y-%m-%d})")
        lines.append("# Write your answers under each heading; leave a heading empty if nothing")
        lines.append("# comes to mind. Lines starting with '#' are ignored.")
        lines.append("")
    lines += people_form(form_people(interview, debrief), comments=comments)
    for fname, heading in DEBRIEF_QUESTIONS:
        lines.append(heading)
        answer = getattr(debrief, fname, "") if debrief else ""
        if answer:
            lines.append(answer.strip())
        lines.append("")
    return "\n".join(lines)


def answers_from_lines(lines: list[str]) -> dict[str, str] | None:
    """Answers under headings; None if no heading was found at all."""
    answers: dict[str, list[str]] = {}
    current: str | None = None
    found = False
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        heading = match_heading(line)
        if heading:
            found = True
            current, rest = heading
            answers.setdefault(current, [])
            if rest:
                answers[current].append(rest)
            continue
        if current is not None:
            answers[current].append(line.rstrip())
    if not found:
        return None
    return {k: tidy("\n".join(v)) for k, v in answers.items()}


def tidy(text: str) -> str:
    """Strip, and collapse runs of blank lines to one."""
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text.strip())
    return text


def parse_debrief_form(text: str) -> Debrief:
    """The answers under each heading of a debrief form ('#' lines ignored), and
    its people blocks (empty when the form has none). Raises PeopleError."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rest, people, removed = split_people(lines)
    answers = answers_from_lines(rest)
    return Debrief.from_answers(answers or {}, tuple(people), tuple(removed))


_PEOPLE_TOML_KEYS = ("name", "email", "title", "talked_about", "remember", "call", "phone")


def _text(value: object, where: str) -> str:
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        value = "\n".join(value)
    if not isinstance(value, str):
        raise ValueError(f"{where} must be text, not {type(value).__name__}")
    return value.strip()


def _person_from_mapping(entry: object, number: int) -> DebriefPerson:
    where = f"[[people]] {number}"
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where} must be a table (name = …, email = …)")
    for key in entry:
        if key not in _PEOPLE_TOML_KEYS:
            raise ValueError(
                f"{where}: unknown key '{key}' (expected one of: {', '.join(_PEOPLE_TOML_KEYS)})"
            )
    email = _text(entry.get("email", ""), f"{where} email").lower()
    if not valid_address(email):
        raise ValueError(f"{where}: email {email!r} is not one plain email address")
    call = entry.get("call", False)
    if not isinstance(call, bool):
        raise ValueError(f"{where}: call must be true or false")
    phone = header_text(_text(entry.get("phone", ""), f"{where} phone"))[:40]
    return DebriefPerson(
        name=header_text(_text(entry.get("name", ""), f"{where} name")),
        email=email,
        title=header_text(_text(entry.get("title", ""), f"{where} title")),
        talked_about=clean_note(_text(entry.get("talked_about", ""), f"{where} talked_about")),
        remember=clean_note(_text(entry.get("remember", ""), f"{where} remember")),
        call=call,
        phone=phone or None,
    )


def debrief_from_mapping(data: Mapping[str, Any]) -> Debrief:
    """A Debrief from a TOML table: keys = Debrief field names, and `[[people]]`
    (which, when present, is the interviewer list from now on)."""
    values: dict[str, str] = {}
    people: list[DebriefPerson] = []
    for key, value in data.items():
        if key == "people":
            if not isinstance(value, list):
                raise ValueError("people must be an array of tables: [[people]]")
            if len(value) > MAX_INTERVIEWERS:
                raise ValueError(f"{len(value)} people: at most {MAX_INTERVIEWERS}")
            people = [_person_from_mapping(entry, n) for n, entry in enumerate(value, 1)]
            continue
        if key not in Debrief.FIELDS:
            raise ValueError(
                f"unknown debrief key '{key}' (expected one of: "
                f"{', '.join(Debrief.FIELDS)}, people)"
            )
        values[key] = _text(value, f"debrief key '{key}'")
    return Debrief.from_answers(values, tuple(people))
