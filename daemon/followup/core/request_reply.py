"""What the user's reply to an approval request asks for: the request holds an
interview's drafts numbered 1..n, and the reply says, in the words people type,
which to send, which to drop, and the new text of any draft they rewrote.

    approve                      every draft, as it is ("approve all", "send", "yes")
    approve 1 3                  those two ("send 1 and 3", "approve 1, 3")
    reject 2                     drop that one ("no 2", "don't send 2")
    Draft 2                      a heading line; the lines under it are draft 2's
    Dear Tobias, …               whole new text, sent as written (only it changes)

Pure. Anything that cannot be read for sure is a `problem`, and nothing is done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .debrief import plain_words, tidy

MAX_LINES = 400
MAX_NUMBER = 100
MAX_LINE = 300  # a heading line is short; a longer one is text
_APPROVE = frozenset({"approve", "approved", "send", "yes", "ok", "okay", "go"})
_REJECT = frozenset({"reject", "rejected", "no", "drop", "discard", "cancel", "dont"})
_FILLER = frozenset({"all", "and", "please", "it", "them", "both", "draft", "drafts", "ahead"})
_HEADING = re.compile(
    r"^[ \t]{0,20}(?:draft|note)[ \t]{0,5}(?:#|no\.?|nr\.?)?[ \t]{0,5}(\d{1,3})\b", re.IGNORECASE
)
ALL = 0  # "every draft", in a command's set: resolved once the whole reply is read
MAX_SIGNOFF_CHARS = 40
MAX_SIGNOFF_LINES = 3


@dataclass(frozen=True)
class RequestAnswer:
    approve: tuple[int, ...] = ()
    reject: tuple[int, ...] = ()
    edits: tuple[tuple[int, str], ...] = ()  # (number, the whole new text)
    problem: str = ""  # why nothing can be done; "" when the answer is clear

    @property
    def understood(self) -> str:
        """What was read, in words, for the answer to the user."""
        parts = []
        if self.approve:
            parts.append("send " + _numbers(self.approve))
        if self.edits:
            parts.append("send your new text of " + _numbers(tuple(n for n, _ in self.edits)))
        if self.reject:
            parts.append("drop " + _numbers(self.reject))
        return "; ".join(parts)


def _numbers(numbers: tuple[int, ...]) -> str:
    listed = [str(n) for n in numbers]
    if len(listed) == 1:
        return f"draft {listed[0]}"
    return "drafts " + ", ".join(listed[:-1]) + " and " + listed[-1]


def _command(line: str, count: int) -> tuple[set[int], set[int]] | str | None:
    """(to approve, to reject) from one command line; a problem; None if the line
    is not a command at all."""
    text = " ".join(plain_words(line))
    text = re.sub(r"\b(?:dont|do not|please dont|please do not) send\b", "reject", text)
    words = text.split()
    if not words or (words[0] not in _APPROVE and words[0] not in _REJECT):
        return None
    approve: set[int] = set()
    reject: set[int] = set()
    mode: set[int] | None = None
    named: set[int] = set()
    for word in words:
        if word in _APPROVE:
            mode = approve
        elif word in _REJECT:
            mode = reject
        elif word.isdigit():
            number = int(word)
            if not 1 <= number <= count:
                return f"there is no draft {number} in that request (it holds {count})"
            assert mode is not None
            mode.add(number)
            named.add(number)
        elif word in _FILLER:
            continue
        else:
            return None  # a sentence that starts like a command: not a command line
    if not named:  # "approve" / "reject all": every draft not named otherwise (ALL)
        (approve if mode is approve else reject).add(ALL)
    return approve, reject


def read_request_answer(text: str, count: int, *, echo: str = "") -> RequestAnswer:
    """The reply's new text (above the quote) against a request of `count` drafts.
    `echo`: what of our own request a rewritten text still holds (then it is not
    the user's text alone, and nothing is done)."""
    lines = text.replace("\r\n", "\n").split("\n")[:MAX_LINES]
    approve: set[int] = set()
    reject: set[int] = set()
    edits: dict[int, list[str]] = {}
    current: int | None = None
    loose: list[str] = []  # lines that are neither a command nor under a heading
    for line in lines:
        heading = _HEADING.match(line[:MAX_LINE]) if len(line) <= MAX_LINE else None
        if heading:
            number = int(heading.group(1))
            if not 1 <= number <= count:
                return RequestAnswer(
                    problem=f"there is no draft {number} in that request (it holds {count})"
                )
            current = number
            edits.setdefault(number, [])
            continue
        if current is not None:
            edits[current].append(line.rstrip())
            continue
        if not line.strip():
            continue
        command = _command(line, count)
        if isinstance(command, str):
            return RequestAnswer(problem=command)
        if command is None:
            loose.append(line.strip())
            continue
        approve |= command[0]
        reject |= command[1]
    texts = {n: tidy("\n".join(body)) for n, body in edits.items()}
    empty = sorted(n for n, body in texts.items() if not body)
    if empty:
        return RequestAnswer(problem=f"the heading of draft {empty[0]} has no new text under it")
    if texts and echo:
        return RequestAnswer(
            problem=f"the new text still holds {echo} of our request, so it is not yours alone"
        )
    if not (approve or reject or texts):
        if loose:
            return RequestAnswer(
                problem=f"'{loose[0][:60]}' is not an answer to the request "
                '(reply "approve", "approve 1 3", "reject 2", or a "Draft N" line '
                "with its new text)"
            )
        return RequestAnswer(problem="the reply has no new text above the quote")
    if len(loose) > MAX_SIGNOFF_LINES or any(len(ln) > MAX_SIGNOFF_CHARS for ln in loose):
        return RequestAnswer(
            problem=f"besides the commands, the reply has more text ('{loose[0][:60]}'): "
            'to change a draft, write its "Draft N" line above its new text'
        )
    if ALL in approve and ALL in reject:
        return RequestAnswer(problem="the reply says both to send every draft and to drop them")
    both = sorted((approve | set(texts)) & reject - {ALL})
    if both:
        return RequestAnswer(problem=f"draft {both[0]} is both to send and to drop")
    everyone = set(range(1, count + 1))
    if ALL in approve:  # "approve" beside "reject 2": the others
        approve = everyone - reject
    if ALL in reject:
        reject = everyone - approve - set(texts)
    approve.discard(ALL)
    reject.discard(ALL)
    return RequestAnswer(
        approve=tuple(sorted(approve - set(texts))),
        reject=tuple(sorted(reject)),
        edits=tuple((n, texts[n] + "\n") for n in sorted(texts)),
    )
