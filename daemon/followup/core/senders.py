"""Who sent a reply, beyond doubt: the one From address read strictly, and what the
Authentication-Results headers of the user's own server say of its domain. Pure.
"""

from __future__ import annotations

import email.errors
import email.headerregistry
import email.utils
from dataclasses import dataclass
from email.message import Message

from .mailtext import clean_header
from .model import valid_address


@dataclass(frozen=True)
class AuthResult:
    """One method's result in an Authentication-Results header (RFC 8601):
    method "dmarc", result "pass", properties like ("header.from", "example.net")."""

    method: str
    result: str
    properties: tuple[tuple[str, str], ...] = ()

    def prop(self, name: str) -> str:
        return next((v for k, v in self.properties if k == name), "")


@dataclass(frozen=True)
class AuthHeader:
    """One Authentication-Results header: who wrote it, and what it says."""

    authserv_id: str  # lowercased
    results: tuple[AuthResult, ...]


# --------------------------------------------------------------------------- the sender

_MAX_FROM = 998  # RFC 5322 line limit


def _raw_values(msg: Message, name: str) -> list[str]:
    """A header's values as they were in the message (encoded-words not decoded),
    unfolded."""
    try:
        return [" ".join(str(v).split()) for k, v in msg.raw_items() if k.lower() == name]
    except Exception:  # noqa: BLE001 - a message the parser could not read
        return []


def strict_sender(msg: Message) -> tuple[str, str, str]:
    """(address lowercased, display name, "") if the From header names exactly one
    address beyond doubt; else ("", "", the problem). The stdlib's parsers each
    read some forged forms as the user's address (`me@x <eve@evil>`,
    `<me@x>@evil`, encoded-words): the two readings must agree, and nothing
    that looks like an address may sit outside the one address."""
    value, problem = _one_from_value(msg)
    if problem:
        return "", "", problem
    strict_name, address, problem = _strict_address(msg)
    if problem:
        return "", "", problem
    lenient = email.utils.getaddresses([value])
    if len(lenient) != 1 or lenient[0][1].lower() != address.lower():
        return "", "", "the From header reads as different addresses to different parsers"
    if any(ch in name for name in (strict_name, lenient[0][0]) for ch in "@<>"):
        return "", "", "the From display name holds an address"
    if not valid_address(address):
        return "", "", "the From address is not one plain address"
    return address.lower(), clean_header(strict_name), ""


def _one_from_value(msg: Message) -> tuple[str, str]:
    """(the one raw From value, "") or ("", the problem): one header, not too long, and
    an encoded-word only as a display name before <address>."""
    values = _raw_values(msg, "from")
    if len(values) != 1:
        return "", f"the message has {len(values)} From headers, not one"
    value = values[0]
    if len(value) > _MAX_FROM:
        return "", "the From header is too long"
    if "=?" in value:
        _name, bracket, address_part = value.rpartition("<")
        if not bracket or "=?" in address_part:
            return "", "the From address is an encoded-word"
    return value, ""


def _strict_address(msg: Message) -> tuple[str, str, str]:
    """(display name, addr-spec, "") as the strict header registry reads From, or
    ("", "", the problem) unless it holds exactly one address without defects."""
    try:
        header = msg["From"]
        # The registry builds the header's class from both; compat32 gives a plain str.
        if not (
            isinstance(header, email.headerregistry.AddressHeader)
            and isinstance(header, email.headerregistry.BaseHeader)
        ):
            return "", "", "the From header cannot be read"
        groups, addresses = header.groups, header.addresses
        defects = [
            d for d in header.defects if not isinstance(d, email.errors.UndecodableBytesDefect)
        ]
    except Exception:  # noqa: BLE001 - the strict parser gave up on it
        return "", "", "the From header cannot be read"
    if len(groups) != 1 or groups[0].display_name is not None or len(addresses) != 1:
        return "", "", "the From header does not hold exactly one address"
    if defects:
        return "", "", f"the From header is malformed ({type(defects[0]).__name__})"
    return addresses[0].display_name, addresses[0].addr_spec, ""


# --------------------------------------------------------------------------- Authentication-Results

_MAX_AUTH_HEADERS = 20
_MAX_AUTH_LEN = 4000


def _strip_comments(text: str) -> str:
    """The text without (nested) comments; quoted strings kept. One pass."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for ch in text:
        if escaped:
            escaped = False
            if not depth:
                out.append(ch)
            continue
        if ch == "\\":
            escaped = True
            if not depth:
                out.append(ch)
        elif quoted:
            quoted = ch != '"'
            out.append(ch)
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            quoted = ch == '"'
            out.append(ch)
    return "".join(out)


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_auth_results(value: str) -> AuthHeader | None:
    """One Authentication-Results header value (RFC 8601), None if it has no authserv-id."""
    text = _strip_comments(value[:_MAX_AUTH_LEN])
    parts = _split_outside_quotes(text, ";")
    head = parts[0].split()
    if not head:
        return None
    results: list[AuthResult] = []
    for part in parts[1:]:
        # "dkim = pass" is allowed (CFWS around '='): rejoin without the spaces
        tokens = "=".join(p.strip() for p in part.split("=")).split()
        if not tokens or "=" not in tokens[0]:
            continue  # "none", or junk
        method, _, result = tokens[0].partition("=")
        props = []
        for token in tokens[1:]:
            key, eq, val = token.partition("=")
            if eq:
                props.append((key.lower(), val.strip('"').lower()))
        results.append(AuthResult(method.partition("/")[0].lower(), result.lower(), tuple(props)))
    return AuthHeader(head[0].strip('"').lower(), tuple(results))


def auth_headers(msg: Message) -> tuple[AuthHeader, ...]:
    values = _raw_values(msg, "authentication-results")[:_MAX_AUTH_HEADERS]
    return tuple(h for h in map(parse_auth_results, values) if h is not None)


def failed_authentication(headers: tuple[AuthHeader, ...]) -> str | None:
    """Why Authentication-Results say a message is not from who it claims, or None.

    Any header counts (for mail from a company, not the user's own): a forger can add a
    "dmarc=pass" of his own, but not remove the receiving server's "dmarc=fail". The
    rule: dmarc=fail; or, without a dmarc=pass, spf=fail or a DKIM signature that
    failed with none passing. No results at all leave the message as it was."""
    seen: dict[str, set[str]] = {"dmarc": set(), "dkim": set(), "spf": set()}
    for header in headers:
        for result in header.results:
            if result.method in seen:
                seen[result.method].add(result.result)
    if "fail" in seen["dmarc"]:
        return "dmarc=fail"
    if "pass" in seen["dmarc"]:
        return None
    if "fail" in seen["spf"]:
        return "spf=fail without dmarc=pass"
    if "fail" in seen["dkim"] and "pass" not in seen["dkim"]:
        return "dkim=fail without dmarc=pass"
    return None


def _aligned(domain: str, signer: str) -> bool:
    """The same domain, or one a subdomain of the other (relaxed alignment without
    a public-suffix list: the shorter one must still have a dot)."""
    if not domain or not signer:
        return False
    if domain == signer:
        return True
    short, long_ = sorted((domain, signer), key=len)
    return "." in short and long_.endswith("." + short)


def _auth_refusal(header: AuthHeader, domain: str) -> str | None:
    """None if this trusted header proves the mail comes from `domain`."""
    shown = ", ".join(f"{r.method}={r.result}" for r in header.results) or "no result"
    for r in header.results:  # any doubt refuses, even beside a pass
        if r.method == "dmarc" and r.result != "pass":
            return f"DMARC {r.result} ({shown})"
        if r.method == "dkim" and r.result == "fail":
            return f"DKIM fail ({shown})"
    for r in header.results:
        if r.method == "dmarc" and r.prop("header.from") == domain:
            return None
    for r in header.results:
        signer = r.prop("header.d") or r.prop("header.i").rpartition("@")[2]
        if r.method == "dkim" and r.result == "pass" and _aligned(domain, signer):
            return None
    return f"no DMARC pass and no aligned DKIM pass for {domain} ({shown})"


def check_authentication(
    auth: tuple[AuthHeader, ...], *, sender: str, trusted_authserv_id: str
) -> str | None:
    """None if the user's own receiving server vouches for the sender's domain.
    Headers from any other server are ignored: anyone can write one."""
    trusted = trusted_authserv_id.strip().lower()
    mine = [h for h in auth if h.authserv_id == trusted]
    if not mine:
        return f"no Authentication-Results from {trusted} (trusted_authserv_id)"
    domain = sender.rpartition("@")[2]
    for header in mine:  # one forged "pass" above the real verdict must not win
        refusal = _auth_refusal(header, domain)
        if refusal:
            return f"authentication failed: {refusal}"
    return None
