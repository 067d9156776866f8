"""Parse the user's replies to our requests: approve / reject / edit a draft,
mark a call done, answer the debrief questions.  Pure: bytes in, data out.

A reply may act only if `authorize` says so: it must come from one of the
user's own addresses, carry the request's token, and not fail DKIM/DMARC.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import enum
import hmac
import html
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from typing import Any

from .model import Debrief, Interview

__all__ = [
    "TOKEN_RE",
    "format_token",
    "Action",
    "Reply",
    "parse_reply",
    "authorize",
    "DEBRIEF_QUESTIONS",
    "debrief_form",
    "parse_debrief_form",
    "debrief_from_mapping",
    "clean_header",
]

# "[fu-" + 22 or more base64url characters (16 random bytes = 128 bits) + "]"
TOKEN_RE = re.compile(r"\[fu-([A-Za-z0-9_-]{22,})\]")


def format_token(token: str) -> str:
    """The token as it appears in the subject and body of our requests."""
    return f"[fu-{token}]"


def clean_header(value: str) -> str:
    """One safe header line: control and format characters (CR, LF, NUL, bidi
    overrides, …) become spaces, runs of whitespace collapse to one space."""
    if not value:
        return ""
    out = []
    for ch in str(value):
        cat = unicodedata.category(ch)
        if cat.startswith("C") or cat in ("Zl", "Zp"):
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


# --------------------------------------------------------------------------- debrief


DEBRIEF_QUESTIONS: list[tuple[str, str]] = [
    ("topics", "Topics covered"),
    ("went_well", "What went well?"),
    ("wish_not_said", "What did I say that I wish I had not said?"),
    ("wish_said", "What did I not say that I wish I had said?"),
    ("unmet_requirement", "Which requirement did I not meet?"),
    ("made_up_for", "What have I done since to make up for it?"),
]

assert [f for f, _ in DEBRIEF_QUESTIONS] == list(Debrief.FIELDS)


def _words(text: str) -> list[str]:
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.findall(r"[a-z0-9]+", text)


_HEADING_WORDS = [(f, _words(h)) for f, h in DEBRIEF_QUESTIONS]


def _match_heading(line: str) -> tuple[str, str] | None:
    """(field, answer on the same line) if the line is one of the headings."""
    words = _words(line)
    if not words:
        return None
    for fname, hw in _HEADING_WORDS:
        if words == hw:
            return fname, ""
    # "Heading: answer" or "Heading? answer" on one line
    m = re.match(r"^([^:?]*[:?])(.*)$", line)
    if m:
        head, rest = m.group(1), m.group(2)
        hwords = _words(head)
        for fname, hw in _HEADING_WORDS:
            if hwords == hw:
                return fname, rest.strip()
    return None


def debrief_form(interview: Interview, debrief: Debrief | None, *, comments: bool = True) -> str:
    """The debrief as text: one heading per question, answers below each.
    Used in $EDITOR by `followup debrief ID` and inside debrief_request.txt."""
    lines: list[str] = []
    if comments:
        what = " at ".join(x for x in (clean_header(interview.role), clean_header(interview.company)) if x)
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


def _answers_from_lines(lines: list[str]) -> dict[str, str] | None:
    """Answers under headings; None if no heading was found at all."""
    answers: dict[str, list[str]] = {}
    current: str | None = None
    found = False
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        heading = _match_heading(line)
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
    return {k: _tidy("\n".join(v)) for k, v in answers.items()}


def _tidy(text: str) -> str:
    """Strip, and collapse runs of blank lines to one."""
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text.strip())
    return text


def parse_debrief_form(text: str) -> Debrief:
    """The answers under each heading of a debrief form ('#' lines ignored)."""
    answers = _answers_from_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
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


# --------------------------------------------------------------------------- replies


class Action(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"
    EDIT = "edit"
    DONE = "done"
    DEBRIEF = "debrief"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reply:
    sender: str  # lowercased address, "" if there was not exactly one
    sender_name: str
    message_id: str | None
    in_reply_to: str | None
    subject: str
    token: str | None
    action: Action
    edited_text: str | None = None
    debrief: Debrief | None = None
    auth_failed: bool = False
    reason: str = ""


_COMMANDS: dict[str, Action] = {}
for _phrase in ("approve", "approved", "send", "send it", "yes", "yes please", "ok", "okay",
                "go ahead"):
    _COMMANDS[_phrase] = Action.APPROVE
for _phrase in ("reject", "rejected", "no", "dont send", "do not send", "cancel", "discard"):
    _COMMANDS[_phrase] = Action.REJECT
for _phrase in ("done", "called", "call done", "i called", "call made"):
    _COMMANDS[_phrase] = Action.DONE

# Attribution lines that introduce a quote.
_ATTRIBUTION_RE = re.compile(
    r"^\s*(On|Am|Le|El|Il|Op)\s.{4,}?\s(wrote|schrieb|a écrit|escribió|ha scritto|schreef)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ORIGINAL_RE = re.compile(
    r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Forwarded message)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_LINE_RE = re.compile(r"^\s*\*?(From|De|Von)\s*:\*?\s", re.IGNORECASE)
_SENT_LINE_RE = re.compile(r"^\s*\*?(Sent|Date|Gesendet|Envoyé|Datum)\s*:\*?\s", re.IGNORECASE)
_MOBILE_SIG_RE = re.compile(
    r"^\s*(Sent from (my |Mail |Outlook|Yahoo|Proton)|Get Outlook for|Sent via )", re.IGNORECASE
)
_AUTH_FAIL_RE = re.compile(r"\b(dkim|dmarc)\s*=\s*fail\b", re.IGNORECASE)


def _quote_start(lines: list[str]) -> int:
    """Index of the first line of the quoted original (len(lines) if none)."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        # Gmail / Apple Mail attribution, possibly wrapped over up to 3 lines
        if re.match(r"^\s*(On|Am|Le|El|Il|Op)\s", line, re.IGNORECASE):
            joined = line
            for j in range(i, min(i + 3, len(lines))):
                if j > i:
                    joined += " " + lines[j]
                if _ATTRIBUTION_RE.match(joined):
                    return i
        if _ORIGINAL_RE.match(line):
            return i
        # Outlook: "From: …" followed within a few lines by "Sent: …" / "Date: …"
        if _HEADER_LINE_RE.match(line):
            window = lines[i + 1 : i + 4]
            if any(_SENT_LINE_RE.match(w) for w in window):
                start = i
                if i > 0 and re.fullmatch(r"\s*_{8,}\s*", lines[i - 1]):
                    start = i - 1
                return start
    return len(lines)


def _strip_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if line.rstrip() == "--" or line == "-- ":
            lines = lines[:i]
            break
    # trailing mobile "Sent from my iPhone" lines
    while lines and (not lines[-1].strip() or _MOBILE_SIG_RE.match(lines[-1])):
        lines = lines[:-1]
    return lines


def _split_reply(text: str) -> tuple[list[str], list[str]]:
    """(new lines above the quote, everything from the quote on)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _quote_start(lines)
    new = [ln for ln in lines[:cut] if not ln.lstrip().startswith(">")]
    return _strip_signature(new), lines[cut:]


def _inline_debrief(text: str) -> dict[str, str] | None:
    """Answers typed between quoted headings ("> What went well?" / answer)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = _strip_signature(lines)
    kept: list[str] = []
    for line in lines:
        if line.lstrip().startswith(">"):
            unquoted = re.sub(r"^(\s*>)+\s?", "", line)
            if _match_heading(unquoted):
                kept.append(unquoted)
            else:
                kept.append("#")  # quoted non-heading text: ignored
            continue
        if _ATTRIBUTION_RE.match(line):
            continue
        kept.append(line)
    answers = _answers_from_lines(kept)
    if answers and any(answers.values()):
        return answers
    return None


class _HTMLText(HTMLParser):
    """Crude HTML to text: block elements break lines; blockquotes are quoted."""

    _BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "hr", "table", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.quote_depth = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1
        if tag == "blockquote":
            self.quote_depth += 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip = max(0, self.skip - 1)
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.quote_depth:
            data = "\n".join("> " + ln if ln.strip() else ln for ln in data.split("\n"))
        self.parts.append(data)

    def text(self) -> str:
        out = "".join(self.parts)
        out = "\n".join(ln.rstrip() for ln in out.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", out).strip("\n")


def _html_to_text(markup: str) -> str:
    parser = _HTMLText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed HTML: fall back to stripping tags
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return parser.text()


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except Exception:  # noqa: BLE001
        pass
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("utf-8", errors="replace")
    return ""


def _body_text(msg: Message) -> str:
    plain: str | None = None
    markup: str | None = None
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None:
            plain = _part_text(part)
        elif ctype == "text/html" and markup is None:
            markup = _part_text(part)
    if plain is not None:
        return plain
    if markup is not None:
        return _html_to_text(markup)
    return ""


def _header(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - malformed header
        return None
    return None if value is None else str(value)


def _headers(msg: Message, name: str) -> list[str]:
    try:
        return [str(v) for v in (msg.get_all(name) or [])]
    except Exception:  # noqa: BLE001
        return []


def _is_automatic(msg: Message) -> str | None:
    auto = (_header(msg, "Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"automatic message (Auto-Submitted: {auto})"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Not"):
        if _header(msg, name):
            return f"automatic message ({name})"
    precedence = (_header(msg, "Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "auto_reply", "list"):
        return f"automatic message (Precedence: {precedence})"
    return None


def _classify(new_lines: list[str]) -> tuple[Action, str | None, str]:
    """(action, edited text, reason) from the new text above the quote."""
    nonblank = [ln for ln in new_lines if ln.strip()]
    if not nonblank:
        return Action.UNKNOWN, None, "no new text above the quote"
    first = " ".join(_words(nonblank[0]))
    rest = nonblank[1:]
    if first in _COMMANDS:
        action = _COMMANDS[first]
        # a short sign-off ("Thanks, Sam") after the command word is fine;
        # anything longer is ambiguous: approve as is, or an edit?
        if len(rest) <= 3 and all(len(ln.strip()) <= 40 for ln in rest):
            return action, None, f"command '{nonblank[0].strip()}'"
        return (
            Action.UNKNOWN,
            None,
            f"reply starts with '{nonblank[0].strip()}' but has more text; "
            "reply with the single word, or with the whole edited text",
        )
    text = _tidy("\n".join(ln.rstrip() for ln in new_lines))
    if len(nonblank) == 1 and len(_words(text)) <= 6:
        return (
            Action.UNKNOWN,
            None,
            f"short reply '{text}' is not a command (approve, send, yes, reject, done)",
        )
    return Action.EDIT, text + "\n", "new text above the quoted draft"


def parse_reply(raw: bytes) -> Reply:
    """What a reply asks for. Never raises: a bad message is Action.UNKNOWN with a reason."""
    try:
        return _parse_reply(raw)
    except Exception as exc:  # noqa: BLE001 - bad input never stops the service
        return Reply(
            sender="", sender_name="", message_id=None, in_reply_to=None, subject="",
            token=None, action=Action.UNKNOWN, reason=f"unreadable message: {type(exc).__name__}",
        )


def _parse_reply(raw: bytes) -> Reply:
    msg = email.message_from_bytes(raw, policy=email.policy.default)

    sender, sender_name, sender_problem = "", "", None
    from_values = _headers(msg, "From")
    addresses = email.utils.getaddresses(from_values) if from_values else []
    addresses = [(n, a) for n, a in addresses if a]
    if len(from_values) != 1 or len(addresses) != 1 or "@" not in addresses[0][1]:
        sender_problem = "the From header does not hold exactly one address"
    else:
        sender_name = clean_header(addresses[0][0])
        sender = clean_header(addresses[0][1]).lower()

    subject = clean_header(_header(msg, "Subject") or "")
    message_id = clean_header(_header(msg, "Message-ID") or "") or None
    in_reply_to = clean_header(_header(msg, "In-Reply-To") or "") or None
    auth_failed = any(_AUTH_FAIL_RE.search(v) for v in _headers(msg, "Authentication-Results"))

    body = _body_text(msg)
    token = None
    m = TOKEN_RE.search(subject) or TOKEN_RE.search(body)
    if m:
        token = m.group(1)

    def reply(action: Action, reason: str, edited: str | None = None,
              debrief: Debrief | None = None) -> Reply:
        return Reply(
            sender=sender, sender_name=sender_name, message_id=message_id,
            in_reply_to=in_reply_to, subject=subject, token=token, action=action,
            edited_text=edited, debrief=debrief, auth_failed=auth_failed, reason=reason,
        )

    if sender_problem:
        return reply(Action.UNKNOWN, sender_problem)
    automatic = _is_automatic(msg)
    if automatic:
        return reply(Action.UNKNOWN, automatic)

    new_lines, _quoted = _split_reply(body)
    answers = _answers_from_lines(new_lines)
    if answers is not None:
        if any(answers.values()):
            return reply(Action.DEBRIEF, "answers under the debrief headings",
                         debrief=Debrief(**answers))
        return reply(Action.UNKNOWN, "debrief headings without answers")
    inline = _inline_debrief(body)
    if inline:
        return reply(Action.DEBRIEF, "answers typed under the quoted debrief headings",
                     debrief=Debrief(**inline))
    action, edited, reason = _classify(new_lines)
    return reply(action, reason, edited)


def authorize(reply: Reply, *, my_addresses: Collection[str], expected_token: str) -> str | None:
    """None if the reply may act; else the reason it is refused."""
    mine = {a.strip().lower() for a in my_addresses if a and a.strip()}
    if reply.auth_failed:
        return "authentication failed: DKIM or DMARC fail in Authentication-Results"
    if not reply.sender or reply.sender not in mine:
        return f"sender {reply.sender or '(none)'} is not one of your addresses"
    if not reply.token:
        return "no [fu-…] token in the reply"
    if not expected_token or not hmac.compare_digest(
        reply.token.encode("utf-8"), expected_token.encode("utf-8")
    ):
        return "token does not match this request"
    return None


# --------------------------------------------------------------------------- company news

_NEWS = [
    ("an offer", re.compile(r"\boffer\s+(?:letter|of\s+employment)\b|\bpleased\s+to\s+offer\b|"
                            r"\bextend\s+(?:you\s+)?an\s+offer\b|\bjob\s+offer\b", re.I)),
    ("a rejection", re.compile(r"\bnot\s+(?:be\s+)?(?:moving|move)\s+forward\b|\bdecided\s+to\s+"
                               r"(?:pursue|proceed\s+with)\s+other\b|\bunfortunately\b.{0,80}"
                               r"\b(?:candidate|position|role|application)\b|\bposition\s+has\s+been"
                               r"\s+filled\b|\bregret\s+to\s+inform\b", re.I | re.S)),
    ("next steps", re.compile(r"\bnext\s+(?:steps?|round)\b|\bsecond\s+(?:interview|round)\b|"
                              r"\bfinal\s+(?:interview|round)\b|\bmove\s+(?:you\s+)?forward\b", re.I)),
]


def company_news(raw: bytes) -> str | None:
    """What a message from the company says about the process: "an offer",
    "a rejection", "next steps", or None. Quoted text is ignored (our own
    thank-you quoted back must not count). Never raises."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        new_lines, _ = _split_reply(_body_text(msg))
        text = (_header(msg, "Subject") or "") + "\n" + "\n".join(new_lines)
    except Exception:  # noqa: BLE001 - unreadable mail says nothing
        return None
    for label, pattern in _NEWS:
        if pattern.search(text):
            return label
    return None
