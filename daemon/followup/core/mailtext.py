"""Mail text, read once for everyone: the MIME walk, payload and header decoding,
HTML to text, and header cleaning. Detection, reply parsing, rendering and the
header checks all use these; none of them walks a message or parses HTML itself.

Pure: bytes and strings in, data out. Every loop is bounded (depth, parts, tag
length) and every scan is linear, because every byte here comes from a stranger.
"""

from __future__ import annotations

import email.errors
import email.feedparser
import email.policy
import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header, decode_header, make_header
from email.message import EmailMessage, Message
from email.policy import Policy
from email.utils import collapse_rfc2231_value, getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

from . import whole_parser

MAX_PART_BYTES = 2 * 1024 * 1024  # a larger part is counted, never read
MAX_DEPTH = 12  # nested message/rfc822 and multipart levels
MAX_PARTS = 200  # text and calendar parts collected from one message
MAX_HTML_CHARS = 200_000  # detection reads this much of an HTML part
MAX_TAG_CHARS = 2000
MAX_RECIPIENTS = 200

_BLANKS_RE = re.compile(r"[ \t]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_THREE_NEWLINES_RE = re.compile(r"\n{3,}")


def normalise_space(s: str) -> str:
    """Runs of whitespace as one space, none at the ends. (str.split() splits where \\s
    matches, every str.isspace() character, at a third of re.sub's cost.)"""
    return " ".join((s or "").split())


# ----------------------------------------------------------------------- headers


def clean_header(value: str) -> str:
    """One safe header line: control and format characters (CR, LF, NUL, bidi
    overrides, …) become spaces, runs of whitespace collapse to one space."""
    if not value:
        return ""
    out = []
    for ch in str(value):
        cat = unicodedata.category(ch)
        out.append(" " if cat.startswith("C") or cat in ("Zl", "Zp") else ch)
    return " ".join("".join(out).split())


_SURROGATE_ESCAPE_RE = re.compile("[\udc80-\udcff]")


def raw_header_text(text: str) -> str:
    """A header written in raw 8-bit bytes (RFC 6532 UTF-8, or a legacy charset) reaches
    us as surrogate escapes: read those bytes as UTF-8, else as cp1252."""
    if not _SURROGATE_ESCAPE_RE.search(text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _bytes_text(data: bytes, charset: str | None) -> str:
    if charset and charset.lower() not in ("unknown-8bit", "us-ascii", "ascii"):
        try:
            return data.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_chunks(value: Header) -> str:
    try:
        chunks = decode_header(value)
    except Exception:  # noqa: BLE001 - a broken header reads as its plain text
        return str(value)
    return "".join(
        _bytes_text(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in chunks
    )


def decode_header_value(value: object) -> str:
    """RFC 2047 decoded, whitespace-normalised header (raw UTF-8 bytes read as
    UTF-8); never raises."""
    if value is None:
        return ""
    if isinstance(value, Header):  # compat32's form of a header holding raw 8-bit bytes
        return normalise_space(_header_chunks(value))
    text = raw_header_text(str(value))
    if "=?" not in text:  # no encoded word: decode_header would hand the text back whole
        return normalise_space(text)
    try:
        return normalise_space(str(make_header(decode_header(text))))
    except Exception:
        return normalise_space(text)


# One address as the email package reads a plain one: words or a "quoted name", then
# <local@domain>, or local@domain alone, and the comma after it. Anything else
# (comments, groups, routes, escapes, odd spaces) is left to getaddresses, whose
# reading of those differs between Python releases.
_ATOM = r"[^\s()<>@,:;.\"\[\]\\]{1,200}"
_ADDR_SPEC = rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*"
_PHRASE_WORD = r"[^\s()<>@,:;\"\[\]\\]{1,200}"
_PLAIN_ADDRESS_RE = re.compile(
    rf" ?(?:(?:(?P<name>{_PHRASE_WORD}(?: {_PHRASE_WORD}){{0,20}})"
    r'|"(?P<quoted>[^"\\()\r\n]{0,200})")? ?'
    rf"<(?P<route>{_ADDR_SPEC})>|(?P<bare>{_ADDR_SPEC})) ?(?:,|\Z)"
)
MAX_PLAIN_HEADER = 20_000  # a longer To/Cc goes to getaddresses


def _plain_address(m: re.Match[str]) -> tuple[str, str]:
    route = m.group("route")
    if not route:
        return ("", m.group("bare"))
    quoted = m.group("quoted")
    return (quoted if quoted is not None else m.group("name") or "", route)


def addresses(values: list[str]) -> list[tuple[str, str]]:
    """getaddresses(values), read without it where every address is a plain one."""
    joined = ", ".join(values)
    if not joined:
        return []
    if len(joined) > MAX_PLAIN_HEADER:
        return getaddresses(values)
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(joined):
        m = _PLAIN_ADDRESS_RE.match(joined, pos)
        if m is None or (m.end() == len(joined) and joined.endswith(",")):
            return getaddresses(values)  # not plain, or a comma with nothing after it
        out.append(_plain_address(m))
        pos = m.end()
    return out


def first_address(value: str) -> tuple[str, str]:
    """parseaddr(value), read without it where the value is one plain address."""
    if not value:
        return ("", "")
    m = _PLAIN_ADDRESS_RE.fullmatch(value) if len(value) <= MAX_PLAIN_HEADER else None
    if m is None or value.endswith(","):
        return parseaddr(value)
    return _plain_address(m)


# ---------------------------------------------------------------------- payloads


def parse_bytes(raw: bytes, policy: Policy = email.policy.compat32) -> Message:
    """email.message_from_bytes without its 8x peak: that one copies the whole message
    into a StringIO (4 bytes a character); fed in pieces, a 20 MB message peaks at ~2.5x."""
    parser = email.feedparser.BytesFeedParser(policy=policy)
    view = memoryview(raw)
    for start in range(0, len(raw), 1 << 16):
        parser.feed(bytes(view[start : start + (1 << 16)]))
    return parser.close()


def parse_whole(raw: bytes) -> Message:
    """parse_bytes(raw), read in one go where the message is small enough to hold its
    lines at once (the same Message tree, a few times faster)."""
    return _parse_typed(raw)[0]


def _parse_typed(raw: bytes) -> tuple[Message, Callable[[Message], str]]:
    """The parse, and each part's get_content_type() (as the parse read it)."""
    return whole_parser.parse(raw) or (parse_bytes(raw), Message.get_content_type)


def decode_payload(data: bytes, charset: str | None) -> str:
    """Bytes of a part as text; an unknown or missing charset falls back, never raises."""
    if charset and charset.lower() in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        charset = "cp1252"  # what mail clients (and WHATWG) actually use for these labels
    for cs in (charset, "utf-8"):
        if not cs:
            continue
        try:
            return data.decode(cs, errors="replace")
        except (LookupError, TypeError, ValueError):
            continue  # unknown charset name: fall through
    return data.decode("latin-1", errors="replace")


def part_text(part: Message) -> str:
    """A text part as the email package's content manager reads it, else its bytes
    decoded by its charset (UTF-8 if that is unknown)."""
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            if isinstance(content, str):
                return content
        except Exception:  # noqa: BLE001 - a broken part: read its bytes below
            pass
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("utf-8", errors="replace")
    return ""


# ---------------------------------------------------------------------- the walk


def leaf_parts(msg: Message, *, max_depth: int = MAX_DEPTH) -> Iterator[Message]:
    """The message's leaf parts in document order, nested messages only to max_depth.
    A message/rfc822 part whose payload is no message holds nothing to read."""
    for leaf, _ in _typed_leaves(msg, Message.get_content_type, max_depth=max_depth):
        yield leaf


def _typed_leaves(
    msg: Message,
    content_type: Callable[[Message], str],
    depth: int = 0,
    *,
    max_depth: int = MAX_DEPTH,
) -> Iterator[tuple[Message, str]]:
    """leaf_parts(msg), each with its content type."""
    if depth > max_depth:
        return
    if msg.is_multipart():
        payload = msg.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, Message):
                yield from _typed_leaves(sub, content_type, depth + 1, max_depth=max_depth)
        return
    ctype = content_type(msg)
    if ctype != "message/rfc822":
        yield msg, ctype


def is_calendar_part(part: Message) -> bool:
    return _is_calendar(part, part.get_content_type())


def _may_be_named(part: Message) -> bool:
    """Whether get_filename() can find a name: it reads Content-Disposition's filename,
    else Content-Type's name parameter (which no value without "name" holds)."""
    if "content-disposition" in part:
        return True
    ctype = part.get("content-type")
    return ctype is not None and "name" in str(ctype).lower()


def _is_calendar(part: Message, ctype: str) -> bool:
    named = ctype != "text/calendar" and _may_be_named(part)
    name = (part.get_filename() or "") if named else ""
    return ctype in ("text/calendar", "application/ics", "text/x-vcalendar") or (
        isinstance(name, str) and name.lower().endswith((".ics", ".vcs"))
    )


@dataclass
class Parts:
    """What one message holds, read once (for detection)."""

    subject: str = ""
    sender: tuple[str, str] = ("", "")
    message_id: str = ""
    date: datetime | None = None
    texts: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    calendars: list[tuple[bytes, str | None]] = field(default_factory=list)  # (ics, method)
    skipped_big: int = 0
    recipients: list[tuple[str, str]] = field(default_factory=list)  # (name, address) To/Cc
    bulk: bool = False  # sent to a list (List-Unsubscribe, List-Id, Precedence: bulk/list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.texts)


_READ_FIELDS = frozenset(
    {"subject", "from", "message-id", "to", "cc", "precedence", "list-unsubscribe", "list-id"}
    | {"date"}
)


def _read_fields(msg: Message) -> dict[str, list[object]]:
    """The fields read_message reads, each as msg.get_all gives it, in one pass over the
    header (msg.get scans all of it, lower-casing every name, once per call)."""
    fields: dict[str, list[object]] = {}
    fetch = msg.policy.header_fetch_parse
    for name, value in msg.raw_items():
        key = name.lower()
        if key in _READ_FIELDS:
            fields.setdefault(key, []).append(fetch(name, value))
    return fields


def read_message(raw: bytes) -> Parts:
    msg, content_type = _parse_typed(raw)
    fields = _read_fields(msg)

    def first(key: str) -> object:
        found = fields.get(key)
        return found[0] if found else None

    parts = Parts()
    parts.subject = decode_header_value(first("subject"))
    sender = decode_header_value(first("from"))
    name, addr = first_address(sender)
    parts.sender = (normalise_space(name), addr.lower())
    parts.message_id = normalise_space(str(first("message-id") or ""))
    to_cc = [decode_header_value(v) for v in fields.get("to", []) + fields.get("cc", [])]
    parts.recipients = [
        (normalise_space(n), a.lower()) for n, a in addresses(to_cc)[:MAX_RECIPIENTS]
    ]
    precedence = str(first("precedence") or "").strip().lower()
    parts.bulk = bool(first("list-unsubscribe") or first("list-id")) or precedence in (
        "bulk",
        "list",
    )
    try:
        parts.date = parsedate_to_datetime(str(first("date")))
    except Exception:
        parts.date = None
    for leaf, ctype in _typed_leaves(msg, content_type):
        if len(parts.texts) + len(parts.calendars) > MAX_PARTS:
            break
        _collect(leaf, ctype, parts)
    return parts


# A Content-Type of plain parameters: type/subtype, then name=token or name="token"
# (no escapes, no RFC 2231 "*", no "<>"). Its values are what get_param returns.
_TOKEN = r"[A-Za-z0-9_.:+/-]"
_PLAIN_PARAM = rf';\s*([A-Za-z0-9_-]{{1,64}})\s*=\s*(?:"({_TOKEN}{{0,200}})"|({_TOKEN}{{1,200}}))'
_PLAIN_PARAM_RE = re.compile(_PLAIN_PARAM)
_PLAIN_CONTENT_TYPE_RE = re.compile(
    rf'\s*[^\s;"=\\/]{{1,100}}/[^\s;"=\\]{{1,100}}(?:\s*{_PLAIN_PARAM}){{0,20}}\s*'
)


def _plain_params(part: Message) -> dict[str, str] | None:
    """The Content-Type's parameters (names lower-case, the first of a name kept), where
    it holds only plain ones; None otherwise (get_param reads it then)."""
    value = part.get("content-type")
    if not isinstance(value, str) or not _PLAIN_CONTENT_TYPE_RE.fullmatch(value):
        return None
    params: dict[str, str] = {}
    for name, quoted, bare in _PLAIN_PARAM_RE.findall(value):
        params.setdefault(name.lower(), quoted or bare)
    return params


def _content_charset(part: Message) -> str | None:
    """part.get_content_charset()."""
    params = _plain_params(part)
    if params is None:
        return part.get_content_charset()
    charset = params.get("charset")
    return charset.lower() if charset is not None else None


def _method_param(part: Message) -> str | None:
    """The Content-Type's method= (an RFC 2231 encoded one decoded)."""
    params = _plain_params(part)
    if params is not None:
        return params.get("method")
    value = part.get_param("method")
    return collapse_rfc2231_value(value) if isinstance(value, tuple) else value


def _collect(part: Message, ctype: str, out: Parts) -> None:
    """One leaf into `out`: a calendar, a text, or (too big) a count."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return
    if len(raw) > MAX_PART_BYTES:
        out.skipped_big += 1
        return
    if _is_calendar(part, ctype):
        out.calendars.append((raw, _method_param(part)))
    elif ctype == "text/plain":
        out.texts.append(decode_payload(raw, _content_charset(part)))
    elif ctype == "text/html":
        text, hrefs = html_to_text(decode_payload(raw, _content_charset(part)))
        out.hrefs.extend(hrefs)
        out.texts.append(text)


def body_text(msg: Message) -> str:
    """The first plain-text part that is no attachment, else the first HTML one as
    text (blockquotes quoted "> ", as a reply's quoted original is)."""
    plain: str | None = None
    markup: str | None = None
    for part in leaf_parts(msg):
        if part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None:
            plain = part_text(part)
        elif ctype == "text/html" and markup is None:
            markup = part_text(part)
        if plain is not None:
            break
    if plain is not None:
        return plain
    if markup is not None:
        return html_to_reply_text(markup)
    return ""


# -------------------------------------------------------------------------- HTML


@dataclass(frozen=True)
class HtmlStyle:
    """How one reader wants HTML turned into text."""

    block: frozenset[str]  # tags that start and end a line
    skip: frozenset[str]  # tags whose text is never shown
    cell_space: bool = False  # a <td> starts with a space
    quote: bool = False  # text inside <blockquote> becomes "> " lines


FOR_DETECTION = HtmlStyle(
    block=frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "td", "th"}),
    skip=frozenset({"script", "style", "head", "title"}),
    cell_space=True,
)
FOR_REPLIES = HtmlStyle(
    block=frozenset(
        {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "hr", "table", "blockquote"}
    ),
    skip=frozenset({"style", "script", "head"}),
    quote=True,
)


class _HTMLText(HTMLParser):
    """Visible text (block tags break lines) and every href, in one HtmlStyle."""

    def __init__(self, style: HtmlStyle) -> None:
        super().__init__(convert_charrefs=True)
        self.style = style
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self.skip = 0
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.style.skip:
            self.skip += 1
        elif tag in self.style.block:
            self.parts.append("\n")
        if tag == "a":
            self.hrefs.extend(value for key, value in attrs if key == "href" and value)
        if tag == "td" and self.style.cell_space:
            self.parts.append(" ")
        if tag == "blockquote" and self.style.quote:
            self.quote_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.style.skip:
            self.skip = max(0, self.skip - 1)
        elif tag in self.style.block:
            self.parts.append("\n")
        if tag == "blockquote" and self.style.quote:
            self.quote_depth = max(0, self.quote_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.quote_depth:
            data = "\n".join("> " + ln if ln.strip() else ln for ln in data.split("\n"))
        self.parts.append(data)


def _parse_html(markup: str, style: HtmlStyle) -> _HTMLText | None:
    """The parser after reading `markup`, None if html.parser gave up on it. Unclosed
    "<" are escaped first: fed raw, html.parser is quadratic on them."""
    parser = _HTMLText(style)
    try:
        parser.feed(escape_unclosed_lt(markup))
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient, but never let markup stop us
        return None
    return parser


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Visible text of an HTML document and the links it holds (detection's reading:
    spaces collapsed, at most MAX_HTML_CHARS read)."""
    markup = markup[:MAX_HTML_CHARS]
    parser = _parse_html(markup, FOR_DETECTION)
    if parser is None:
        return html.unescape(strip_tags(markup)), []
    text = "".join(parser.parts).replace("\xa0", " ")
    text = _BLANKS_RE.sub(" ", text)
    text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip(), parser.hrefs


def html_to_reply_text(markup: str) -> str:
    """An HTML reply as text, lines kept and <blockquote> quoted as "> " lines."""
    parser = _parse_html(markup, FOR_REPLIES)
    if parser is None:
        return html.unescape(strip_tags(markup))
    out = "".join(parser.parts)
    out = "\n".join(ln.rstrip() for ln in out.split("\n"))
    return _THREE_NEWLINES_RE.sub("\n\n", out).strip("\n")


def strip_tags(markup: str) -> str:
    """Each `<…>` of at most MAX_TAG_CHARS becomes a space: `re.sub(r"<[^>]{0,2000}>", " ")`
    by str.find. That regex tries 2,000 characters at every "<", so a run of "<"
    without ">" cost 4,000 steps a character."""
    out: list[str] = []
    pos = 0
    while (lt := markup.find("<", pos)) != -1:
        gt = markup.find(">", lt + 1)
        if gt == -1:
            break  # no ">" after this "<", so none after a later one either
        # Every "<" before `gt` closes at `gt`: the first one near enough is the tag.
        lt = markup.find("<", max(lt, gt - 1 - MAX_TAG_CHARS), gt)
        if lt == -1:
            out.append(markup[pos : gt + 1])
        else:
            out.append(markup[pos:lt])
            out.append(" ")
        pos = gt + 1
    out.append(markup[pos:])
    return "".join(out)


def escape_unclosed_lt(markup: str) -> str:
    """Every "<" not closed by a ">" before the next "<" becomes "&lt;".

    html.parser reads each such "<" as the start of a tag, scans the rest of the
    document for its end and starts again one "<" later: O(n^2) (200,000 characters
    of "<b <i " took minutes). A "<" that cannot end before the next one is text.
    Comments are kept whole (Outlook writes `<!--<![endif]-->`); an unclosed one is
    text, as html.parser would make it, but after one scan instead of one per "<".
    """
    out: list[str] = []
    pos = 0
    gt = -1
    while (lt := markup.find("<", pos)) != -1:
        if markup.startswith("<!--", lt):
            close = markup.find("-->", lt + 4)
            if close != -1:
                out.append(markup[pos : close + 3])
                pos = close + 3
                continue
        if gt < lt:
            gt = markup.find(">", lt + 1)
            if gt == -1:
                break
        after = markup.find("<", lt + 1, gt)
        if after == -1:
            out.append(markup[pos : gt + 1])
            pos = gt + 1
        else:
            out.append(markup[pos:lt])
            out.append("&lt;")
            pos = lt + 1
    if pos < len(markup):
        out.append(markup[pos:].replace("<", "&lt;"))
    return "".join(out)
