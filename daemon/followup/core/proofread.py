"""Checks on a thank-you draft before the user approves it.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import re

__all__ = ["FLAGGED_PHRASES", "phrase_warnings"]


# Pushy or needy phrases and their kin (the coach: never ask whether they have
# decided; keep pressing out of every message).
FLAGGED_PHRASES: tuple[str, ...] = (
    "have you made a decision",
    "made a decision yet",
    "has a decision been made",
    "have you decided",
    "decided yet",
    "any update",
    "any updates",
    "any news",
    "any word",
    "just checking in",
    "just following up",
    "just wanted to follow up",
    "touching base",
    "touch base",
    "circling back",
    "circle back",
    "still considering me",
    "still being considered",
    "still in the running",
    "when will I hear",
    "when can I expect to hear",
    "status of my application",
    "did I get the job",
    "sorry to bother",
    "sorry to bug",
    "I really need this job",
    "I need this job",
    "desperate",
    "begging",
)


def _tokens(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = line.lower().replace("'", "").replace("\u2019", "")
        out.extend((w, lineno) for w in re.findall(r"[a-z0-9]+", line))
    return out


_PHRASE_WORDS = [(p, re.findall(r"[a-z0-9]+", p.lower().replace("'", ""))) for p in FLAGGED_PHRASES]


def phrase_warnings(text: str) -> tuple[str, ...]:
    """One warning per pushy/needy phrase found (case, whitespace, line breaks and
    punctuation do not matter); each names the phrase and the line it starts on."""
    tokens = _tokens(text)
    words = [w for w, _ in tokens]
    lines = text.replace("\r\n", "\n").split("\n")
    matches: list[tuple[int, int, str]] = []
    for phrase, pw in _PHRASE_WORDS:
        n = len(pw)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == pw:
                matches.append((i, i + n, phrase))
    # overlapping matches ("have you made a decision yet") are reported once,
    # under the longest phrase that starts first
    matches.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for start, end, phrase in matches:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        lineno = tokens[start][1]
        snippet = " ".join(lines[lineno - 1].split())
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        found.append(f'line {lineno}: "{phrase}" sounds pushy or needy: {snippet}')
    return tuple(found)
