"""email.feedparser's parse of a message given whole: the same Message tree (headers,
payloads, preambles, epilogues, defects; policy compat32), a few times faster. Pure.

Why: the feed parser is built to be fed in pieces; it runs generators and a call per
line, and tests every line against every open boundary. Read whole, the lines are split
once and a line is tested only when its first character could start a boundary. The
steps, and their order, are the email package's: tests/test_detect_people.py compares
both parsers' trees on random nested, faulty MIME. Larger or deeper messages are left
to the email package (`mailtext.parse_bytes`).
"""

from __future__ import annotations

import email.errors
import email.policy
import io
import re
from collections.abc import Callable
from email.message import Message

MAX_WHOLE_PARSE_BYTES = 1024 * 1024  # a larger message is fed in pieces (parse_bytes)
MAX_WHOLE_PARSE_DEPTH = 64  # deeper nesting is left to the email package (and its limits)
_COMPAT32 = email.policy.compat32
# email.feedparser's own patterns (headerRE, NLCRE, NLCRE_bol, NLCRE_eol, boundaryendRE)
_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_NEWLINE_AT_START = re.compile(r"(\r\n|\r|\n)")
_NEWLINE_AT_END = re.compile(r"(\r\n|\r|\n)\Z")
_BOUNDARY_END = re.compile(r"(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$")


class _TooDeep(Exception):
    pass


class _WholeInput:
    """email.feedparser's BufferedSubFile over a whole message: its lines (split as
    StringIO(newline="") splits them), the false-EOF tests of the parts open around the
    current line, and the lines pushed back. Each test comes with the characters a line
    it can match starts with, so most lines are passed over without calling it."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.pos = 0
        self.back: list[str] = []
        self.eofs: list[tuple[Callable[[str], object], str]] = []

    def at_eof(self, line: str) -> bool:
        first = line[:1]
        return any(first in starts and test(line) for test, starts in self.eofs)

    def readline(self) -> str:
        if self.back:
            line = self.back[-1]
            if self.at_eof(line):
                return ""
            return self.back.pop()
        if self.pos >= len(self.lines):
            return ""
        line = self.lines[self.pos]
        if self.eofs and self.at_eof(line):
            return ""
        self.pos += 1
        return line

    def header_lines(self) -> tuple[list[str], str]:
        """The lines read while each may be a header's, and the first that may not
        ("" at an EOF): readline's steps, with the at_eof test only where a line starts
        with a character a boundary or a blank line can start with."""
        headers: list[str] = []
        match = _HEADER_LINE.match
        while self.back:
            line = self.readline()
            if not line or not match(line):
                return headers, line
            headers.append(line)
        lines, eofs = self.lines, self.eofs
        starts = "".join(s for _, s in eofs)
        i, end = self.pos, len(lines)
        while i < end:
            line = lines[i]
            if eofs and line[:1] in starts and self.at_eof(line):
                break
            i += 1
            if not match(line):
                self.pos = i
                return headers, line
            headers.append(line)
        self.pos = i
        return headers, ""

    def unreadline(self, line: str) -> None:
        self.back.append(line)

    def rest(self) -> list[str]:
        """Every line up to the (false) EOF."""
        out: list[str] = []
        while self.back:
            line = self.readline()
            if not line:
                return out
            out.append(line)
        start, lines = self.pos, self.lines
        end = len(lines)
        if self.eofs:
            starts = "".join(s for _, s in self.eofs)
            for i in range(start, end):
                if lines[i][:1] in starts and self.at_eof(lines[i]):
                    end = i
                    break
        out.extend(lines[start:end])
        self.pos = end
        return out


class _WholeParser:
    """email.feedparser.FeedParser (policy compat32) for a message given whole: the same
    steps in the same order, building the same Message tree (headers, payloads,
    preambles, epilogues, defects), without its generators and its call per line."""

    def __init__(self, text: str) -> None:
        self.input = _WholeInput(text)
        self.stack: list[Message] = []
        self.cur: Message | None = None
        self.last: Message | None = None
        # Each message's content type, read once its header is: it never changes after.
        self.ctypes: dict[int, str] = {}

    def parse(self) -> Message:
        self._parsegen()
        root = self._pop_message()
        if self._ctype(root).startswith("multipart/") and not root.is_multipart():
            _COMPAT32.handle_defect(root, email.errors.MultipartInvariantViolationDefect())
        return root

    def _ctype(self, msg: Message) -> str:
        ctype = self.ctypes.get(id(msg))
        if ctype is None:
            ctype = self.ctypes[id(msg)] = msg.get_content_type()
        return ctype

    def content_type(self, msg: Message) -> str:
        """msg.get_content_type() of a part of the parsed tree (read once)."""
        return self._ctype(msg)

    def _new_message(self) -> Message:
        if len(self.stack) > MAX_WHOLE_PARSE_DEPTH:
            raise _TooDeep
        msg = Message(policy=_COMPAT32)
        if self.cur is not None and self._ctype(self.cur) == "multipart/digest":
            msg.set_default_type("message/rfc822")
        if self.stack:
            self.stack[-1].attach(msg)
        self.stack.append(msg)
        self.cur = self.last = msg
        return msg

    def _pop_message(self) -> Message:
        msg = self.stack.pop()
        self.cur = self.stack[-1] if self.stack else None
        return msg

    def _parsegen(self) -> None:
        cur = self._new_message()
        inp = self.input
        headers, line = inp.header_lines()
        if line and not _NEWLINE.match(line):
            _COMPAT32.handle_defect(cur, email.errors.MissingHeaderBodySeparatorDefect())
            inp.unreadline(line)
        self._parse_headers(cur, headers)
        ctype = self._ctype(cur)
        if ctype == "message/delivery-status":
            self._delivery_status()
        elif ctype.startswith("message/"):
            self._parsegen()
            self._pop_message()
        elif ctype.startswith("multipart/"):
            self._multipart(cur)
        else:
            cur.set_payload("".join(inp.rest()))

    def _delivery_status(self) -> None:
        inp = self.input
        while True:
            inp.eofs.append((_NEWLINE.match, "\r\n"))
            self._parsegen()
            self._pop_message()
            inp.eofs.pop()
            inp.readline()
            line = inp.readline()
            if line == "":
                break
            inp.unreadline(line)

    def _multipart(self, cur: Message) -> None:
        inp = self.input
        boundary = cur.get_boundary()
        if boundary is None:
            _COMPAT32.handle_defect(cur, email.errors.NoBoundaryInMultipartDefect())
            cur.set_payload("".join(inp.rest()))
            return
        if str(cur.get("content-transfer-encoding", "8bit")).lower() not in (
            "7bit",
            "8bit",
            "binary",
        ):
            _COMPAT32.handle_defect(
                cur, email.errors.InvalidMultipartContentTransferEncodingDefect()
            )
        separator = "--" + boundary

        def boundary_match(line: str) -> re.Match[str] | None:
            if not line.startswith(separator):
                return None
            return _BOUNDARY_END.match(line, len(separator))

        capturing_preamble = True
        preamble: list[str] = []
        linesep: str | None = None
        close_boundary_seen = False
        while line := inp.readline():
            mo = boundary_match(line)
            if not mo:
                assert capturing_preamble  # a part ends only at a boundary or an EOF
                preamble.append(line)
                continue
            if mo.group("end"):
                close_boundary_seen = True
                linesep = mo.group("linesep")
                break
            if capturing_preamble:
                if preamble:
                    lastline = preamble[-1]
                    eolmo = _NEWLINE_AT_END.search(lastline)
                    if eolmo:
                        preamble[-1] = lastline[: -len(eolmo.group(0))]
                    cur.preamble = "".join(preamble)
                capturing_preamble = False
                inp.unreadline(line)
                continue
            while True:  # boundaries in a row hold no part between them
                line = inp.readline()
                if not boundary_match(line):
                    inp.unreadline(line)
                    break
            inp.eofs.append((boundary_match, "-"))
            self._parsegen()
            self._strip_last_newline()
            inp.eofs.pop()
            self._pop_message()
            self.last = self.cur
        if capturing_preamble:
            _COMPAT32.handle_defect(cur, email.errors.StartBoundaryNotFoundDefect())
            cur.set_payload("".join(preamble))
            inp.rest()
            cur.epilogue = ""
            return
        if not close_boundary_seen:
            _COMPAT32.handle_defect(cur, email.errors.CloseBoundaryNotFoundDefect())
            return
        epilogue = ([""] if linesep else []) + inp.rest()
        if epilogue:
            bolmo = _NEWLINE_AT_START.match(epilogue[0])
            if bolmo:
                epilogue[0] = epilogue[0][len(bolmo.group(0)) :]
        cur.epilogue = "".join(epilogue)

    def _strip_last_newline(self) -> None:
        """The newline before a boundary is the boundary's (RFC 2046), not the part's."""
        last = self.last
        assert last is not None
        if self._ctype(last).startswith("multipart/"):
            epilogue = last.epilogue
            if epilogue == "":
                last.epilogue = None
            elif epilogue is not None:
                mo = _NEWLINE_AT_END.search(epilogue)
                if mo:
                    last.epilogue = epilogue[: -len(mo.group(0))]
        else:
            payload = vars(last).get("_payload")
            if isinstance(payload, str):
                mo = _NEWLINE_AT_END.search(payload)
                if mo:
                    last.set_payload(payload[: -len(mo.group(0))])

    def _parse_headers(self, cur: Message, lines: list[str]) -> None:
        ctype = self._read_headers(cur, lines)
        if ctype is not None:
            self.ctypes[id(cur)] = ctype

    def _read_headers(self, cur: Message, lines: list[str]) -> str | None:
        """The header's lines into `cur` (compat32's header_source_parse, inline), and
        its get_content_type() where the first Content-Type is plain text (None: the
        Message reads it)."""
        lastheader = ""
        lastvalue: list[str] = []
        first_ctype: str | None = None
        seen_ctype = False
        for lineno, line in enumerate(lines):
            if line[0] in " \t":
                if not lastheader:
                    defect = email.errors.FirstHeaderLineIsContinuationDefect(line)
                    _COMPAT32.handle_defect(cur, defect)
                    continue
                lastvalue.append(line)
                continue
            if lastheader:
                value = _source_value(lastheader, lastvalue)
                cur.set_raw(lastheader, value)
                if not seen_ctype and lastheader.lower() == "content-type":
                    seen_ctype, first_ctype = True, value
                lastheader, lastvalue = "", []
            if line.startswith("From "):
                if lineno == 0:
                    mo = _NEWLINE_AT_END.search(line)
                    if mo:
                        line = line[: -len(mo.group(0))]
                    cur.set_unixfrom(line)
                    continue
                if lineno == len(lines) - 1:
                    self.input.unreadline(line)
                    return _content_type(cur, seen_ctype, first_ctype)
                cur.defects.append(email.errors.MisplacedEnvelopeHeaderDefect(line))
                continue
            i = line.find(":")
            if i == 0:
                cur.defects.append(email.errors.InvalidHeaderDefect("Missing header name."))
                continue
            lastheader = line[:i]
            lastvalue = [line]
        if lastheader:
            value = _source_value(lastheader, lastvalue)
            cur.set_raw(lastheader, value)
            if not seen_ctype and lastheader.lower() == "content-type":
                seen_ctype, first_ctype = True, value
        return _content_type(cur, seen_ctype, first_ctype)


def _source_value(name: str, lines: list[str]) -> str:
    """compat32's header_source_parse(lines)[1], the name being lines[0] up to its ':'."""
    value = lines[0][len(name) + 1 :].lstrip(" \t")
    if len(lines) > 1:
        value += "".join(lines[1:])
    return value.rstrip("\r\n")


def _content_type(msg: Message, seen: bool, value: str | None) -> str | None:
    """msg.get_content_type() for a first Content-Type `value` (seen: there is one),
    None where the value is not plain ASCII (compat32 reads non-ASCII as a Header)."""
    if not seen:
        return msg.get_default_type()
    if value is None or not value.isascii():
        return None
    ctype = value.partition(";")[0].strip().lower()
    return ctype if ctype.count("/") == 1 else "text/plain"


def parse(raw: bytes) -> tuple[Message, Callable[[Message], str]] | None:
    """The parse and each part's get_content_type() (as the parse read it); None when
    the message is too large or too deep to be read whole here."""
    if len(raw) > MAX_WHOLE_PARSE_BYTES:
        return None
    parser = _WholeParser(raw.decode("ascii", "surrogateescape"))
    try:
        return parser.parse(), parser.content_type
    except (_TooDeep, RecursionError):
        return None  # as deep as the email package reads it, no deeper
