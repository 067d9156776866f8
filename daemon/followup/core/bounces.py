"""Delivery failures: an RFC 3464 delivery status notification (multipart/report) or a
mailer-daemon message, read for the recipients that failed and the Message-ID of the
message that bounced. Pure; bounded (the first parts and bytes only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from itertools import islice

from .mailtext import clean_header, parse_bytes
from .model import valid_address

MAX_SCAN_BYTES = 64 * 1024
MAX_RECIPIENTS = 20
_DAEMON = re.compile(rb"^from:[^\n]{0,200}(?:mailer-daemon|postmaster|mail delivery)", re.I | re.M)
_REPORT = re.compile(rb"^content-type:[ \t]*multipart/report", re.I | re.M)
_SUBJECT = re.compile(
    r"undeliver|delivery (?:status notification|has failed|failure)|failure notice|"
    r"returned mail|mail delivery failed|nicht zustellbar|unzustellbar|non remis|"
    r"non distribu|no se puede entregar|no entregado|niet bezorgd|onbestelbaar|"
    r"não entregue|falha na entrega",
    re.IGNORECASE,
)
_MESSAGE_ID = re.compile(r"^[ \t>]*message-id:[ \t]*(<[^<>\s]{1,250}>)", re.IGNORECASE | re.M)
_MAILBOX = re.compile(r"<?([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,190})>?")
MAX_PARTS = 200


def _parts(msg: Message) -> list[Message]:
    return list(islice(msg.walk(), MAX_PARTS))


_STATUS = re.compile(r"\b([45]\.\d{1,3}\.\d{1,3})\b")


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[str, ...]  # the addresses that failed, lower-cased
    message_ids: tuple[str, ...]  # the bounced message's Message-ID, where it is quoted
    status: str  # "5.1.1", or "" when not given
    reason: str  # the server's words, cleaned and cut


def looks_like_bounce(header: bytes) -> bool:
    """Worth reading in full: a multipart/report, or mail from a mailer-daemon."""
    head = header[:MAX_SCAN_BYTES]
    return bool(_REPORT.search(head) or _DAEMON.search(head))


def _groups(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [g for g in payload if isinstance(g, Message)] if isinstance(payload, list) else []


def _from_report(msg: Message) -> tuple[list[str], str, str]:
    recipients: list[str] = []
    status = reason = ""
    for part in _parts(msg):
        if part.get_content_type() != "message/delivery-status":
            continue
        for group in _groups(part)[: MAX_RECIPIENTS + 1]:
            action = str(group.get("Action", "")).strip().lower()
            final = str(group.get("Final-Recipient", "") or group.get("Original-Recipient", ""))
            address = final.rpartition(";")[2].strip().strip("<>").lower()
            if action.startswith("failed") and valid_address(address):
                recipients.append(address)
                status = status or str(group.get("Status", "")).strip()[:20]
                reason = reason or clean_header(str(group.get("Diagnostic-Code", "")))[:200]
    return recipients, status, reason


def _text(msg: Message) -> str:
    """The report's readable text: its text parts, and the returned message's own
    Message-ID (a message/rfc822 part's headers)."""
    chunks: list[str] = []
    size = 0
    for part in _parts(msg)[1:]:
        if part.get("Message-ID") and part.get_content_type() != "message/delivery-status":
            chunks.append(f"Message-ID: {clean_header(str(part['Message-ID']))}")
        if part.get_content_maintype() in ("multipart", "message"):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            chunks.append(payload[: max(0, MAX_SCAN_BYTES - size)].decode("utf-8", "replace"))
            size += len(chunks[-1])
        if size >= MAX_SCAN_BYTES:
            break
    if not chunks:  # a plain mailer-daemon message
        payload = msg.get_payload(decode=True)
        if isinstance(payload, bytes):
            chunks.append(payload[:MAX_SCAN_BYTES].decode("utf-8", "replace"))
    return "\n".join(chunks)


def read_bounce(raw: bytes) -> Bounce | None:
    """The failure a delivery report describes, or None if the message is not one."""
    if not looks_like_bounce(raw[:MAX_SCAN_BYTES]):
        return None
    try:
        msg = parse_bytes(raw[: 4 * MAX_SCAN_BYTES])
    except Exception:  # noqa: BLE001 - a broken report is no report
        return None
    recipients, status, reason = _from_report(msg)
    text = _text(msg)
    subject = clean_header(str(msg.get("Subject", "")))
    if not recipients:
        if not _SUBJECT.search(subject):
            return None  # a mailer-daemon's other mail (a digest, a warning)
        lines = [ln for ln in text.splitlines() if "@" in ln][:200]
        for line in lines:
            if re.search(r"message-id|from:|^\s*>", line, re.IGNORECASE):
                continue
            for address in _MAILBOX.findall(line):
                address = address.lower().rstrip(".")
                if valid_address(address) and address not in recipients:
                    recipients.append(address)
        found = _STATUS.search(text)
        status = found.group(1) if found else ""
        reason = reason or clean_header(subject)[:200]
    ids = tuple(dict.fromkeys(m.group(1) for m in _MESSAGE_ID.finditer(text)))[:5]
    if not recipients and not ids:
        return None
    return Bounce(tuple(recipients[:MAX_RECIPIENTS]), ids, status, reason)
