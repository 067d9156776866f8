"""The debrief form: one heading per question, the user's answers below each, as
text (in $EDITOR, inside the debrief request mail) and back. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .mailtext import clean_header
from .model import Debrief, Interview

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


def debrief_form(interview: Interview, debrief: Debrief | None, *, comments: bool = True) -> str:
    """The debrief as text: one heading per question, answers below each.
    Used in $EDITOR by `followup debrief ID` and inside debrief_request.txt."""
    lines: list[str] = []
    if comments:
        parts = (clean_header(interview.role), clean_header(interview.company))
        what = " at ".join(x for x in parts if x)
        lines.append(f"# Debrief: {what or 'interview'} ({interview.start:%Y-%m-%d})")
        lines.append("# Write your answers under each heading; leave a heading empty if nothing")
        lines.append("# comes to mind. Lines starting with '#' are ignored.")
        if interview.interviewers:
            lines.append("# Check the spelling of each interviewer's name and email:")
            for p in interview.interviewers:
                lines.append(f"#   {clean_header(p.name)} <{clean_header(p.email)}>")
        lines.append("")
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
    """The answers under each heading of a debrief form ('#' lines ignored)."""
    answers = answers_from_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return Debrief.from_answers(answers or {})


def debrief_from_mapping(data: Mapping[str, Any]) -> Debrief:
    """A Debrief from a TOML table (keys = Debrief field names)."""
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in Debrief.FIELDS:
            raise ValueError(
                f"unknown debrief key '{key}' (expected one of: {', '.join(Debrief.FIELDS)})"
            )
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            value = "\n".join(value)
        if not isinstance(value, str):
            raise ValueError(f"debrief key '{key}' must be text, not {type(value).__name__}")
        values[key] = value.strip()
    return Debrief.from_answers(values)
