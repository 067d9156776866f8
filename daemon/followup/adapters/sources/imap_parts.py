"""What of a message to fetch, from its IMAP BODYSTRUCTURE (RFC 3501 §7.4.2), and the
message rebuilt from what was fetched.

Detection, reply and bounce parsing read text, HTML and calendar parts only: of a
candidate we fetch those sections (BODY.PEEK[n] with its MIME header BODY.PEEK[n.MIME])
and rebuild the message with the original header and boundaries, every other part (a
photo, a PDF) left out. The result is a message the existing parser reads as before.
Anything odd in the structure (no boundary, an unknown shape) makes `plan` say None:
the caller fetches the whole message, as it always did.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from dataclasses import dataclass

from followup.core.mailtext import MAX_DEPTH, decode_payload

MAX_SECTIONS = 60  # FETCH items for one message; parts past them are left out
# Leaves whose bytes the readers need: detection (text, HTML, calendars) and bounces
# (delivery-status, the bounced message's headers).
_READ_TYPES = {
    (b"text", b"plain"),
    (b"text", b"html"),
    (b"text", b"calendar"),
    (b"text", b"x-vcalendar"),
    (b"application", b"ics"),
    (b"text", b"rfc822-headers"),
    (b"message", b"delivery-status"),
    (b"message", b"global-delivery-status"),
    (b"message", b"disposition-notification"),
}


class _Whole(Exception):
    """The structure is not one we rebuild: fetch the whole message."""


@dataclass(frozen=True)
class Plan:
    """FETCH items for one message, and how to put their answers together."""

    items: tuple[str, ...]  # "BODY.PEEK[1.MIME]", "BODY.PEEK[1]", ...
    tokens: tuple[bytes | str, ...]  # literal bytes, or a section whose answer goes here
    size: int  # bytes of the parts fetched, by BODYSTRUCTURE (for batching)

    def rebuild(self, header: bytes, answer: dict) -> bytes | None:
        """The message from its header and the FETCH answer; None if a section is missing
        (the message vanished meanwhile)."""
        out = [header]
        for token in self.tokens:
            if isinstance(token, bytes):
                out.append(token)
                continue
            data = answer.get(f"BODY[{token}]".encode())
            if data is None:
                return None
            out.append(bytes(data))
        return b"".join(out)


def plan(structure) -> Plan | None:
    """The sections of a message worth fetching; None: fetch it whole."""
    if not isinstance(structure, tuple | list) or not structure:
        return None
    try:
        tokens: list[bytes | str] = []
        sizes = [0]
        complete = _body(structure, "", tokens, sizes, 0)
    except (_Whole, IndexError, TypeError, ValueError, AttributeError):
        return None
    if complete:  # nothing left out: the body as one section, byte for byte
        return Plan(("BODY.PEEK[TEXT]",), ("TEXT",), sizes[0])
    sections = [t for t in tokens if isinstance(t, str)]
    return Plan(tuple(f"BODY.PEEK[{s}]" for s in sections), tuple(tokens), sizes[0])


def _body(node, prefix: str, out: list, sizes: list[int], depth: int) -> bool:
    """The body of a message (top level, or inside a message/rfc822 part) into `out`;
    True if nothing of it was left out."""
    if depth > MAX_DEPTH:
        raise _Whole
    if not _is_multipart(node):
        if _readable(node):
            out.append(f"{prefix}TEXT")
            sizes[0] += _size(node)
            return True
        return False
    parts, _, params = _multipart(node)
    boundary = _param(params, b"boundary")
    if not boundary:
        raise _Whole
    complete = True
    for number, child in enumerate(parts, 1):
        piece: list[bytes | str] = []
        section = f"{prefix}{number}"
        if _count(out) >= MAX_SECTIONS or not _part(child, section, piece, sizes, depth):
            complete = False
            continue
        out.extend([b"--" + boundary + b"\r\n", *piece, b"\r\n"])
    out.append(b"--" + boundary + b"--\r\n")
    return complete


def _part(node, section: str, out: list, sizes: list[int], depth: int) -> bool:
    """One part of a multipart into `out` (its MIME header, then its content); False if
    it is one we leave out, or holds parts we leave out."""
    if _is_multipart(node):
        out.append(f"{section}.MIME")
        return _body(node, f"{section}.", out, sizes, depth + 1)
    kind = (_lower(node[0]), _lower(node[1]))
    if kind == (b"message", b"rfc822") and len(node) > 8 and isinstance(node[8], tuple | list):
        out.extend([f"{section}.MIME", f"{section}.HEADER"])
        return _body(node[8], f"{section}.", out, sizes, depth + 1)
    if not _readable(node):
        return False
    out.extend([f"{section}.MIME", section])
    sizes[0] += _size(node)
    return True


def _count(tokens: list) -> int:
    return sum(isinstance(t, str) for t in tokens)


def _is_multipart(node) -> bool:
    return bool(node) and isinstance(node[0], tuple | list)


def _multipart(node) -> tuple[list, bytes | None, object]:
    """(parts, subtype, params) of a multipart node. imapclient gives the top level's
    parts as a list; inside a message/rfc822 part they come flat, before the subtype."""
    if isinstance(node[0], list):
        parts, rest = list(node[0]), list(node[1:])
    else:
        count = 0
        while count < len(node) and isinstance(node[count], tuple):
            count += 1
        parts, rest = list(node[:count]), list(node[count:])
    subtype = rest[0] if rest and isinstance(rest[0], bytes) else None
    params = rest[1] if len(rest) > 1 else None
    return parts, subtype, params


def _readable(leaf) -> bool:
    kind = (_lower(leaf[0]), _lower(leaf[1]))
    return kind in _READ_TYPES or _names_ics(leaf)


def _names_ics(leaf) -> bool:
    """An .ics/.vcs by its name= or filename= (Apple Mail: application/octet-stream)."""
    names = [_param(leaf[2], b"name")]
    for extra in leaf[7:]:
        if isinstance(extra, tuple) and len(extra) == 2 and isinstance(extra[0], bytes):
            names.append(_param(extra[1], b"filename"))  # the disposition
    return any(n and n.lower().endswith((b".ics", b".vcs")) for n in names)


def _param(params, name: bytes) -> bytes | None:
    if not isinstance(params, tuple | list):
        return None
    for key, value in zip(params[0::2], params[1::2], strict=False):
        if isinstance(key, bytes) and key.lower() == name and isinstance(value, bytes):
            return value
    return None


def _lower(value) -> bytes:
    return value.lower() if isinstance(value, bytes) else b""


def _size(leaf) -> int:
    size = leaf[6] if len(leaf) > 6 else 0
    return int(size) if isinstance(size, int) else 0


# --- the top of a reply's text ---------------------------------------------------------


@dataclass(frozen=True)
class Top:
    """Where a message's first words are, and how to read them."""

    section: str  # "TEXT" for a single-part message, else "1", "1.2", ...
    encoding: bytes
    charset: str | None
    html: bool

    def item(self, length: int) -> str:
        return f"BODY.PEEK[{self.section}]<0.{length}>"

    def text(self, answer: dict) -> str:
        data = answer.get(f"BODY[{self.section}]<0>".encode())
        if not isinstance(data, bytes):
            return ""
        text = decode_payload(_decoded(data, self.encoding), self.charset)
        return _TAG.sub(" ", text) if self.html else text


_TAG = re.compile(r"<[^>]{0,2000}>")


def first_text(structure) -> Top | None:
    """The first text/plain part of a message (else the first text/html one); None if
    it has neither (or an unreadable structure)."""
    try:
        found = _first(structure, "", "plain", 0) or _first(structure, "", "html", 0)
    except (IndexError, TypeError, ValueError, AttributeError):
        return None
    return found


def _first(node, prefix: str, subtype: str, depth: int) -> Top | None:
    if depth > MAX_DEPTH or not isinstance(node, tuple | list) or not node:
        return None
    if not _is_multipart(node):
        if (_lower(node[0]), _lower(node[1])) != (b"text", subtype.encode()):
            return None
        section = f"{prefix}TEXT" if not prefix or prefix.endswith(".") else prefix
        charset = _param(node[2], b"charset")
        return Top(
            section,
            _lower(node[5]),
            charset.decode("ascii", "replace") if charset else None,
            subtype == "html",
        )
    parts, _, _ = _multipart(node)
    for number, child in enumerate(parts, 1):
        if _is_multipart(child):
            found = _first(child, f"{prefix}{number}.", subtype, depth + 1)
        else:
            found = _first(child, f"{prefix}{number}", subtype, depth + 1)
        if found is not None:
            return found
    return None


def _decoded(data: bytes, encoding: bytes) -> bytes:
    """A (possibly cut) piece of a part's content, its transfer encoding undone."""
    if encoding == b"base64":
        compact = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
        compact = compact[: len(compact) - len(compact) % 4]
        try:
            return base64.b64decode(compact)
        except (binascii.Error, ValueError):
            return b""
    if encoding == b"quoted-printable":
        return quopri.decodestring(data)
    return data
