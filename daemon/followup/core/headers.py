"""Header values we write, made from decoded, validated text (pure).

Incoming names, companies and roles may hold RFC 2047 encoded-words. The email
package decodes those when a header is set, so an encoded CR/LF or a second
address would come alive at that moment. Here every value is decoded first (as
often as it keeps changing), stripped of control characters, and any encoded-word
left is broken so nothing downstream can decode it again. Addresses come only
from one validated addr-spec; quoting is left to email.headerregistry.
"""

from __future__ import annotations

from email import errors as email_errors
from email import message_from_bytes, policy
from email.header import Header, decode_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.policy import EmailPolicy

from followup.core.mailtext import clean_header
from followup.core.model import FollowupError, valid_address

DECODE_ROUNDS = 3  # a payload encoded more often than this is broken, never decoded
MAX_CHARS = 1000  # bounds the stdlib decoder's work; no name or subject is longer


FOLD_AT = 78  # RFC 5322's recommended line length
_LONGEST_WORD = 900  # an ASCII word longer than this could break the 998 limit: encoded


def fold_subject(name: str, text: str, linesep: str) -> str:
    """`name: text` folded the way readers show it back: ASCII text is cut only before
    one of its own spaces (unfolding gives the same text); other text becomes
    RFC 2047 encoded-words of at most 75 characters, whose folds readers drop.
    (Python 3.11's folder can open with an empty line or leave a space before an
    encoded-word, which readers show as a double space.)"""
    words = text.split(" ")
    if text.isascii() and max(map(len, words), default=0) <= _LONGEST_WORD:
        lines = [f"{name}:"]
        for word in words:
            if len(lines[-1]) + 1 + len(word) > FOLD_AT and lines[-1] != f"{name}:":
                lines.append("")
            lines[-1] += " " + word
        return linesep.join(lines) + linesep
    encoded = Header(text, "utf-8", maxlinelen=FOLD_AT, header_name=name).encode(linesep=linesep)
    return f"{name}: {encoded}{linesep}"


class MailPolicy(EmailPolicy):
    """The email package's modern policy with the Subject folded by fold_subject."""

    def fold(self, name, value):  # type: ignore[no-untyped-def]  # the stdlib's signature
        if name.lower() == "subject":
            return fold_subject(name, str(value), self.linesep)
        return super().fold(name, value)

    def fold_binary(self, name, value):  # type: ignore[no-untyped-def]
        if name.lower() == "subject":
            return fold_subject(name, str(value), self.linesep).encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = MailPolicy()  # the messages followup builds ("\n" line ends)
WIRE_POLICY = MAIL_POLICY.clone(linesep="\r\n")  # their bytes on the wire (SMTP)


class UnsafeHeader(FollowupError):
    """A value cannot be written into a header safely; the message says why."""


def _decode_once(text: str) -> str:
    if "=?" not in text:
        return text
    try:
        parts = decode_header(text)
    except (email_errors.HeaderParseError, ValueError):
        return text  # undecodable: left as text, and broken below
    out = []
    for part, charset in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        try:
            out.append(part.decode(charset or "raw-unicode-escape", "replace"))
        except LookupError:  # an unknown charset: read it as UTF-8 rather than fail
            out.append(part.decode("utf-8", "replace"))
    return "".join(out)


def header_text(value: object) -> str:
    """One safe header line from hostile text: decoded, cleaned, never decodable again."""
    if value is None:
        return ""
    text = clean_header(str(value)[:MAX_CHARS])
    for _ in range(DECODE_ROUNDS):
        decoded = clean_header(_decode_once(text))
        if decoded == text:
            break
        text = decoded
    # Whatever still looks like an encoded-word (undecodable, or encoded more than
    # DECODE_ROUNDS times) is broken up so the stdlib can never decode it later.
    return text.replace("=?", "= ?")[:MAX_CHARS]


def person_name(value: object) -> str:
    """A display name: header_text, and empty if it holds an address (an encoded
    "Bob <evil@attacker.com>," would only mislead whoever reads it)."""
    name = header_text(value)
    return "" if "@" in name else name


def address(name: object, email: str) -> Address:
    """A recipient or sender: exactly one plain addr-spec, the name quoted by the email
    package (never joined by hand)."""
    if not isinstance(email, str) or not valid_address(email):
        raise UnsafeHeader(f"{header_text(email)!r} is not one plain email address")
    try:
        return Address(display_name=person_name(name), addr_spec=email)
    except (ValueError, IndexError, email_errors.HeaderParseError) as err:
        raise UnsafeHeader(f"{email!r}: {err}") from None


# Headers build_message may set; anything else read back is an injection.
ALLOWED_HEADERS = frozenset(
    {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "x-followup",
        "auto-submitted",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)
RECIPIENT_HEADERS = ("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc")


def _same_text(a: str, b: str) -> bool:
    # Python 3.11 folds long non-ASCII headers into encoded-words and may drop or add
    # a space at a fold; anything an injection adds is more than whitespace.
    return "".join(a.split()) == "".join(b.split())


def _addresses(parsed: Message, name: str) -> list[str]:
    found: list[str] = []
    for header in parsed.get_all(name, []):
        found.extend(a.addr_spec.lower() for a in getattr(header, "addresses", ()))
        if not getattr(header, "addresses", ()):
            found.append(f"<unreadable {name}: {header_text(str(header))[:60]}>")
    return found


def check_read_back(msg: EmailMessage, *, sender: str, recipients: list[str], subject: str) -> None:
    """Parse the message back from its bytes, as a receiver would, and compare it with
    what we meant: the approved recipients exactly, no header we did not set, our
    subject. Raises UnsafeHeader with the first difference."""
    raw = msg.as_bytes(policy=WIRE_POLICY)
    parsed = message_from_bytes(raw, policy=policy.default)
    names = [k.lower() for k in parsed]
    extra = sorted(set(names) - ALLOWED_HEADERS)
    if extra:
        raise UnsafeHeader(f"the message would carry a header we did not write: {extra[0]}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UnsafeHeader(f"the message would carry {repeated[0]} twice")
    got = sorted(a for n in RECIPIENT_HEADERS for a in _addresses(parsed, n))
    if got != sorted(r.lower() for r in recipients):
        raise UnsafeHeader(f"recipients read back as {got}, not the approved {sorted(recipients)}")
    if _addresses(parsed, "from") != [sender.lower()]:
        raise UnsafeHeader(f"From read back as {_addresses(parsed, 'from')}, not {sender}")
    if not _same_text(str(parsed.get("Subject", "")), subject):
        raise UnsafeHeader("the subject read back differs from the one written")
