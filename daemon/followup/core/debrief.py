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
    return Debrief(**(answers or {}))


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
    return Debrief(**values)
