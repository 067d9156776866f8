"""Parse the user's replies to our requests: approve / reject / edit a draft,
mark a call done, answer the debrief questions.  Pure: bytes in, data out.

A reply may act only if `authorize` says so: its one From address, read
strictly, is one of the user's own; it carries the request's token; and, where
the user names their receiving server (`[approval] trusted_authserv_id`), that
server's Authentication-Results vouch for the sender's domain.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import enum
import hmac
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import Message

from .debrief import (
    DEBRIEF_QUESTIONS,
    PeopleError,
    answers_from_lines,
    debrief_form,
    debrief_from_mapping,
    match_heading,
    parse_debrief_form,
    person_field_line,
    plain_words,
    split_people,
    tidy,
)
from .mailtext import body_text, clean_header
from .model import Debrief
from .senders import (
    AuthHeader,
    AuthResult,
    auth_headers,
    check_authentication,
    parse_auth_results,
    strict_sender,
)

__all__ = [
    "TOKEN_RE",
    "format_token",
    "Action",
    "Reply",
    "parse_reply",
    "authorize",
    "AuthHeader",
    "AuthResult",
    "check_authentication",
    "parse_auth_results",
    "strict_sender",
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
    sender: str  # the one strictly verified From address, lowercased; "" if none
    sender_name: str
    message_id: str | None
    in_reply_to: str | None
    subject: str
    token: str | None
    action: Action
    edited_text: str | None = None
    debrief: Debrief | None = None
    reason: str = ""
    sender_problem: str = ""  # why the From header cannot be trusted ("" if it can)
    auth: tuple[AuthHeader, ...] = ()  # every Authentication-Results header, top first
    quoted_tokens: tuple[str, ...] = ()  # tokens on our request's quoted "Reference:" line
    echo: str = ""  # what of our own request the new text still holds ("" if nothing)
    new_text: str = ""  # the lines above the quote, as written (for loose debrief answers)


_COMMANDS: dict[str, Action] = {}
for _phrase in (
    "approve",
    "approved",
    "send",
    "send it",
    "yes",
    "yes please",
    "ok",
    "okay",
    "go ahead",
):
    _COMMANDS[_phrase] = Action.APPROVE
for _phrase in ("reject", "rejected", "no", "dont send", "do not send", "cancel", "discard"):
    _COMMANDS[_phrase] = Action.REJECT
for _phrase in ("done", "called", "call done", "i called", "call made"):
    _COMMANDS[_phrase] = Action.DONE

# Quoted text. Each pattern below is matched at the start of one line cut to
# _LINE characters (or of a few such lines joined), and no two of its
# quantifiers can match the same characters, so each runs in linear time on
# hostile input.
_LINE = 400
_SP = "[ \t\u00a0\u202f]"  # French typography puts a (narrow) no-break space before ':'

# Gmail / Apple Mail attribution, possibly wrapped over 2-3 lines: "On … wrote:",
# "Am … schrieb …:", "Le … a écrit :", "El … escribió:", "Op … schreef …:",
# "Em … escreveu:", "Il … ha scritto:".
_ATTRIBUTION_OPEN_RE = re.compile(r"^[ \t]*(?:on|am|le|el|il|op|em)[ \t]", re.IGNORECASE)
_ATTRIBUTION_END_RE = re.compile(
    rf"(?:\bwrote|\ba {_SP}*[ée]crit|\bescribi[óo]|\bescreveu|\bha scritto){_SP}*:{_SP}*$",
    re.IGNORECASE,
)
_ATTRIBUTION_VERB_RE = re.compile(r"\b(?:schrieb|schreef)\b", re.IGNORECASE)  # name follows

_ORIGINAL_RE = re.compile(
    r"^[ \t]*-{2,}[ \t]*(?:original message|ursprüngliche nachricht|message d'origine|"
    r"mensaje original|oorspronkelijk bericht|mensagem original|messaggio originale|"
    r"forwarded message|message transféré|weitergeleitete nachricht|mensaje reenviado|"
    r"doorgestuurd bericht|mensagem encaminhada|messaggio inoltrato)[ \t]*-{2,}[ \t]*$",
    re.IGNORECASE,
)
_FORWARD_RE = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:forwarded message|message transféré|weitergeleitete nachricht|"
    r"mensaje reenviado|doorgestuurd bericht|mensagem encaminhada|messaggio inoltrato)"
    r"|begin forwarded message|anfang der weitergeleiteten nachricht|"
    r"début du message réexpédié|inicio del mensaje reenviado)",
    re.IGNORECASE,
)
_FORWARD_SUBJECT_RE = re.compile(r"(?:^|[\s:\]])(?:fwd?|tr|wg|rv|enc|doorst)[ \t]*:", re.IGNORECASE)


def _field_re(names: str) -> re.Pattern[str]:
    """An Outlook header-block line "Name: …", "*Name:* …" or "**Name**: …"."""
    return re.compile(
        rf"^[ \t]*(?:\*{{1,2}}[ \t]*)?(?:{names}){_SP}*(?::\*{{0,2}}|\*{{1,2}}{_SP}*:)"
        rf"(?:{_SP}|$)",
        re.IGNORECASE,
    )


# English, French, German, Spanish, Dutch, Portuguese, Italian Outlook blocks.
_HEADER_LINE_RE = _field_re("from|de|von|van|da")
_SENT_LINE_RE = _field_re(
    "sent|date|gesendet|datum|envoyé|enviado(?: el)?|enviada(?: em)?|fecha|verzonden|data|inviato"
)
_TO_LINE_RE = _field_re("to|à|a|an|para|aan")
_SUBJECT_LINE_RE = _field_re("subject|objet|betreff|asunto|onderwerp|assunto|oggetto")
_RULE_RE = re.compile(r"^[ \t]*_{8,}[ \t]*$")
_MOBILE_SIG_RE = re.compile(
    r"^\s*(Sent from (my |Mail |Outlook|Yahoo|Proton)|Get Outlook for|Sent via )", re.IGNORECASE
)


def _is_attribution(text: str) -> bool:
    """'On … wrote:' and its kin (text: one line, or 2-3 wrapped lines joined)."""
    text = text[: 3 * _LINE].rstrip()
    if not _ATTRIBUTION_OPEN_RE.match(text) or not text.endswith(":"):
        return False
    if not any(ch.isdigit() or ch == "@" for ch in text):  # a date or an address
        return False
    return bool(_ATTRIBUTION_END_RE.search(text) or _ATTRIBUTION_VERB_RE.search(text))


def _outlook_block(lines: list[str], i: int) -> bool:
    """lines[i] is "From: …" and the next few lines are the rest of a header block."""
    if not _HEADER_LINE_RE.match(lines[i][:_LINE]):
        return False
    window = [ln[:_LINE] for ln in lines[i + 1 : i + 6]]
    if any(_SENT_LINE_RE.match(w) for w in window):
        return True
    return any(_TO_LINE_RE.match(w) for w in window) and any(
        _SUBJECT_LINE_RE.match(w) for w in window
    )


def _quote_start(lines: list[str]) -> int:
    """Index of the first line of the quoted original (len(lines) if none)."""
    for i, line in enumerate(lines):
        head = line[:_LINE]
        if head.lstrip().startswith(">"):
            continue
        if _ATTRIBUTION_OPEN_RE.match(head):
            joined = head
            for j in range(i, min(i + 3, len(lines))):
                if j > i:
                    joined += " " + lines[j][:_LINE].strip()
                if _is_attribution(joined):
                    return i
        if _ORIGINAL_RE.match(head) or _FORWARD_RE.match(head):
            return i
        if _outlook_block(lines, i):
            return i - 1 if i > 0 and _RULE_RE.match(lines[i - 1][:_LINE]) else i
    return len(lines)


def without_quote_headers(text: str) -> str:
    """`text` with the header lines of quoted and forwarded mail blanked: "On … wrote:",
    "Am … schrieb …:" and the From/Sent/Date lines of a forwarded header block. Their
    dates say when a message was written, never when the interview is (detection reads
    its dates from the rest, the confirmation itself)."""
    lines = text.split("\n", _MAX_LINES)
    bare = [ln[:_LINE].lstrip("> \t") for ln in lines[:_MAX_LINES]]
    blank: set[int] = set()
    for i, head in enumerate(bare):
        if _ATTRIBUTION_OPEN_RE.match(head):
            joined = head
            for j in range(i, min(i + 3, len(bare))):
                if j > i:
                    joined += " " + bare[j].strip()
                if _is_attribution(joined):
                    blank.update(range(i, j + 1))
                    break
        elif _outlook_block(bare, i):
            blank.add(i)
            blank.update(
                k for k in range(i + 1, min(i + 6, len(bare))) if _SENT_LINE_RE.match(bare[k])
            )
    if not blank:
        return text
    return "\n".join("" if i in blank else line for i, line in enumerate(lines))


def _strip_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if line.rstrip() == "--" or line == "-- ":
            lines = lines[:i]
            break
    # trailing mobile "Sent from my iPhone" lines; cut once (slicing per line is O(n^2))
    end = len(lines)
    while end and (not lines[end - 1].strip() or _MOBILE_SIG_RE.match(lines[end - 1])):
        end -= 1
    return lines[:end]


_MAX_LINES = 5000  # a reply is read this far; a thank-you and its quoted request are far shorter


def _reply_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n", _MAX_LINES)[:_MAX_LINES]


def _split_reply(text: str) -> tuple[list[str], list[str]]:
    """(new lines above the quote, everything from the quote on)."""
    lines = _reply_lines(text)
    cut = _quote_start(lines)
    new = [ln for ln in lines[:cut] if not ln.lstrip().startswith(">")]
    quoted = [ln for ln in lines[:cut] if ln.lstrip().startswith(">")] + lines[cut:]
    return _strip_signature(new), quoted


def _inline_debrief(text: str) -> Debrief | None:
    """Answers typed between quoted headings ("> What went well?" / answer), and
    notes typed under a quoted person ("> Person: Priya …" / "Remember: …")."""
    lines = _reply_lines(text)
    lines = _strip_signature(lines)
    kept: list[str] = []
    for line in lines:
        if line.lstrip().startswith(">"):
            unquoted = re.sub(r"^(\s*>)+\s?", "", line)
            if match_heading(unquoted) or person_field_line(unquoted):
                kept.append(unquoted)
            else:
                kept.append("#")  # quoted non-heading text: ignored
            continue
        if _is_attribution(line):
            continue
        kept.append(line)
    try:
        rest, people, removed = split_people(kept)
    except PeopleError:
        return None
    answers = answers_from_lines(rest)
    if answers and any(answers.values()) or _people_changed(kept):
        return Debrief.from_answers(answers or {}, tuple(people), tuple(removed))
    return None


def _people_changed(lines: list[str]) -> bool:
    """Something typed (not quoted) in the people part: a note, a person, a remove."""
    return any(person_field_line(ln) and not ln.startswith("#") for ln in lines)


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


# Out-of-office subjects in the languages detection knows (English, German, French,
# Spanish, Dutch, Portuguese), read at the start of the subject only.
_OUT_OF_OFFICE = (
    "automatic reply", "auto reply", "autoreply", "out of office", "out of the office",
    "abwesenheitsnotiz", "automatische antwort", "réponse automatique", "absence du bureau",
    "respuesta automática", "fuera de la oficina", "automatisch antwoord", "afwezig",
    "resposta automática", "ausente do escritório",
)  # fmt: skip


def out_of_office(head: Message) -> str | None:
    """Why a message (its parsed header) is an out-of-office or other auto-reply, or
    None. Such a message is never a reply: it pauses no plan and answers nothing. A
    message a system merely generated (`Auto-Submitted: auto-generated`, `Precedence:
    bulk`: an ATS rejection) is not one: what it says still counts."""
    auto = (_header(head, "Auto-Submitted") or "").strip().lower()
    if auto.startswith("auto-replied"):
        return f"automatic reply (Auto-Submitted: {auto})"
    for name in ("X-Autoreply", "X-Autorespond"):
        if _header(head, name) is not None:
            return f"automatic reply ({name})"
    if (_header(head, "Precedence") or "").strip().lower() == "auto_reply":
        return "automatic reply (Precedence: auto_reply)"
    subject = " ".join((_header(head, "Subject") or "").split()).lower()
    bare = subject.removeprefix("re:").removeprefix("aw:").strip()
    for words in _OUT_OF_OFFICE:
        if bare.startswith(words):
            return f"automatic reply (subject: {words})"
    return None


def is_generated(head: Message) -> bool:
    """Sent by a system rather than a person (Auto-Submitted, Precedence bulk/list/junk):
    such a message is no answer to a thank-you, though news in it still counts."""
    return _is_automatic(head) is not None


# Distinctive lines of templates/approval_request.txt: new text that holds them is
# our own request taken for the user's words (a quote the parser did not see).
_REQUEST_LINES = (
    ("the approval instructions", "nothing is sent until you approve it"),
    ("the approval instructions", "how to answer - reply to this email"),
    ("the approval instructions", "only replies from your own address are accepted"),
    ("the approval instructions", "you can also do this on your computer with"),
    ("the draft markers", "----- draft begins -----"),
    ("the draft markers", "----- draft ends -----"),
)


def _echo(text: str) -> str:
    """What of our approval request an edited text still holds ("" if nothing)."""
    low = text.lower()
    found = [what for what, line in _REQUEST_LINES if line in low]
    if TOKEN_RE.search(text) or "[fu-" in low:
        found.append("the reference [fu-…]")
    return " and ".join(dict.fromkeys(found))


def _classify(new_lines: list[str]) -> tuple[Action, str | None, str, str]:
    """(action, edited text, reason, echo) from the new text above the quote."""
    nonblank = [ln for ln in new_lines if ln.strip()]
    if not nonblank:
        return Action.UNKNOWN, None, "no new text above the quote", ""
    first = " ".join(plain_words(nonblank[0]))
    rest = nonblank[1:]
    if first in _COMMANDS:
        action = _COMMANDS[first]
        # a short sign-off ("Thanks, Sam") after the command word is fine;
        # anything longer is ambiguous: approve as is, or an edit?
        if len(rest) <= 3 and all(len(ln.strip()) <= 40 for ln in rest):
            return action, None, f"command '{nonblank[0].strip()}'", ""
        return (
            Action.UNKNOWN,
            None,
            f"reply starts with '{nonblank[0].strip()}' but has more text; "
            "reply with the single word, or with the whole edited text",
            "",
        )
    text = tidy("\n".join(ln.rstrip() for ln in new_lines))
    if len(nonblank) == 1 and len(plain_words(text)) <= 6:
        return (
            Action.UNKNOWN,
            None,
            f"short reply '{text}' is not a command (approve, send, yes, reject, done)",
            "",
        )
    echo = _echo(text)
    if echo:
        return (
            Action.UNKNOWN,
            None,
            f"the edited text still holds {echo} of our request, so it is not your text alone",
            echo,
        )
    return Action.EDIT, text + "\n", "new text above the quoted draft", ""


# --------------------------------------------------------------------------- parse

_REFERENCE_RE = re.compile(r"Reference: \[fu-([A-Za-z0-9_-]{22,64})\]")


def _quoted_tokens(quoted: list[str], subject: str) -> tuple[str, ...]:
    """Tokens on our request's "Reference: [fu-…]" line, quoted once and unchanged,
    in a reply to the request itself (not to a forwarded copy of it)."""
    if _FORWARD_SUBJECT_RE.search(subject[:_LINE]):
        return ()
    tokens = []
    for line in quoted:
        text = line[:_LINE].strip()
        if _FORWARD_RE.match(text.lstrip("> ")):
            return ()  # what follows was forwarded: anyone might have it
        if text.startswith(">"):
            text = text[1:].strip()
        m = _REFERENCE_RE.fullmatch(text)
        if m:
            tokens.append(m.group(1))
    return tuple(tokens)


def parse_reply(raw: bytes) -> Reply:
    """What a reply asks for. Never raises: a bad message is Action.UNKNOWN with a reason."""
    try:
        return _parse_reply(raw)
    except Exception as exc:  # noqa: BLE001 - bad input never stops the service
        return Reply(
            sender="",
            sender_name="",
            message_id=None,
            in_reply_to=None,
            subject="",
            token=None,
            action=Action.UNKNOWN,
            reason=f"unreadable message: {type(exc).__name__}",
            sender_problem="unreadable message",
        )


def _parse_reply(raw: bytes) -> Reply:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    sender, sender_name, sender_problem = strict_sender(msg)
    subject = clean_header(_header(msg, "Subject") or "")
    message_id = clean_header(_header(msg, "Message-ID") or "") or None
    in_reply_to = clean_header(_header(msg, "In-Reply-To") or "") or None

    body = body_text(msg)
    token = None
    m = TOKEN_RE.search(subject) or TOKEN_RE.search(body)
    if m:
        token = m.group(1)
    new_lines, quoted = _split_reply(body)

    def reply(
        action: Action,
        reason: str,
        edited: str | None = None,
        debrief: Debrief | None = None,
        echo: str = "",
    ) -> Reply:
        return Reply(
            sender=sender,
            sender_name=sender_name,
            message_id=message_id,
            in_reply_to=in_reply_to,
            subject=subject,
            token=token,
            action=action,
            edited_text=edited,
            debrief=debrief,
            reason=reason,
            sender_problem=sender_problem,
            auth=auth_headers(msg),
            quoted_tokens=_quoted_tokens(quoted, subject),
            echo=echo,
            new_text="\n".join(new_lines).strip(),
        )

    if sender_problem:
        return reply(Action.UNKNOWN, sender_problem)
    automatic = _is_automatic(msg)
    if automatic:
        return reply(Action.UNKNOWN, automatic)

    try:
        rest, people, removed = split_people(new_lines)
    except PeopleError as err:
        return reply(Action.UNKNOWN, f"a Person line I could not read ({err})")
    answers = answers_from_lines(rest)
    if answers is not None or people or removed:
        if any((answers or {}).values()) or people or removed:
            debrief = Debrief.from_answers(answers or {}, tuple(people), tuple(removed))
            return reply(Action.DEBRIEF, "answers under the debrief headings", debrief=debrief)
        return reply(Action.UNKNOWN, "debrief headings without answers")
    inline = _inline_debrief(body)
    if inline:
        return reply(
            Action.DEBRIEF, "answers typed under the quoted debrief headings", debrief=inline
        )
    action, edited, reason, echo = _classify(new_lines)
    return reply(action, reason, edited, echo=echo)


def _same_token(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def authorize(
    reply: Reply,
    *,
    my_addresses: Collection[str],
    expected_token: str,
    trusted_authserv_id: str = "",
) -> str | None:
    """None if the reply may act; else the reason it is refused.

    Always: one strictly verified From address that is one of mine, and the
    request's token. With `trusted_authserv_id` (the user's receiving server):
    that server's Authentication-Results must show DMARC pass (or aligned DKIM
    pass) for the sender's domain. Without it the token is the proof, and an
    edit (text we would send) must also quote the request's "Reference:" line
    unchanged."""
    mine = {a.strip().lower() for a in my_addresses if a and a.strip()}
    if reply.sender_problem or not reply.sender:
        return f"sender refused: {reply.sender_problem or 'no From address'}"
    if reply.sender not in mine:
        return f"sender {reply.sender} is not one of your addresses"
    if not reply.token:
        return "no [fu-…] token in the reply"
    if not _same_token(reply.token, expected_token):
        return "token does not match this request"
    if trusted_authserv_id.strip():
        return check_authentication(
            reply.auth, sender=reply.sender, trusted_authserv_id=trusted_authserv_id
        )
    if reply.action is Action.EDIT:
        matches = [_same_token(t, expected_token) for t in reply.quoted_tokens]
        if not any(matches):
            return (
                "an edit by email must quote the request's 'Reference: [fu-…]' line "
                "unchanged (reply to the request itself, not to a forwarded copy)"
            )
    return None


# --------------------------------------------------------------------------- company news

_NEWS = [
    (
        "an offer",
        re.compile(
            r"\boffer\s+(?:letter|of\s+employment)\b|\bpleased\s+to\s+offer\b|"
            r"\bextend\s+(?:you\s+)?an\s+offer\b|\bjob\s+offer\b",
            re.I,
        ),
    ),
    (
        "a rejection",
        re.compile(
            r"\bnot\s+(?:be\s+)?(?:moving|move)\s+forward\b|\bdecided\s+to\s+"
            r"(?:pursue|proceed\s+with)\s+other\b|\bunfortunately\b.{0,80}"
            r"\b(?:candidate|position|role|application)\b|\bposition\s+has\s+been"
            r"\s+filled\b|\bregret\s+to\s+inform\b",
            re.I | re.S,
        ),
    ),
    (
        "next steps",
        re.compile(
            r"\bnext\s+(?:steps?|round)\b|\bsecond\s+(?:interview|round)\b|"
            r"\bfinal\s+(?:interview|round)\b|\bmove\s+(?:you\s+)?forward\b",
            re.I,
        ),
    ),
]


def company_news(raw: bytes) -> str | None:
    """What a message from the company says about the process: "an offer",
    "a rejection", "next steps", or None. Quoted text is ignored (our own
    thank-you quoted back must not count). Never raises."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        new_lines, _ = _split_reply(body_text(msg))
        text = (_header(msg, "Subject") or "") + "\n" + "\n".join(new_lines)
    except Exception:  # noqa: BLE001 - unreadable mail says nothing
        return None
    for label, pattern in _NEWS:
        if pattern.search(text):
            return label
    return None


# "back on Monday, December 7", "zurück am 7.12.", "de retour le 7 décembre" …
_RETURN_RE = re.compile(
    r"\b(?:back|return(?:ing)?|in the office|available again|zur[üu]ck|"
    r"wieder (?:im b[üu]ro|da|erreichbar)|"
    r"de retour|retour|de vuelta|regreso|vuelvo|terug|weer aanwezig|de volta|retorno|volto|"
    r"until|till|bis|jusqu['’]au|hasta(?: el)?|tot en met|tot|at[ée])\b",
    re.IGNORECASE,
)
RETURN_WINDOW_CHARS = 120
MAX_AWAY_DAYS = 60


def return_date(text: str, *, sent: date) -> date | None:
    """The day an out-of-office says its writer is back, if it says one (within 60
    days of `sent`; dates read as the detection reads them, five languages)."""
    from .detect_dates import Locale, find_dates  # lazily: replies parse without detection

    text = text[:4000]
    for m in _RETURN_RE.finditer(text):
        window = text[m.end() : m.end() + RETURN_WINDOW_CHARS]
        dotted = bool(re.search(r"\d\.\d", window))  # 07.12.2026 is European: day first
        digit = re.search(r"\d", window)
        tries = (window, window[digit.start() :]) if digit else (window,)
        for attempt in tries:  # "zum 07.12." : a word a month name might be hides the date
            for day in find_dates(attempt, sent, Locale(day_first=dotted), limit=1):
                if sent < day <= sent + timedelta(days=MAX_AWAY_DAYS):
                    return day
    return None
