"""Mail sources: where messages come from (IMAP, or a local Maildir).

Both give the pipeline the same thing, each new message once, as bytes, without
changing the user's mailbox: `fetch_new(store, wanted)` yields `Incoming`
messages; the pipeline calls `mark_done(store, msg)` inside the transaction
that records what it made of one, so a crash never skips or repeats one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# The header block of a message -> should its body be fetched?
Wanted = Callable[[bytes], bool]


@dataclass(frozen=True)
class Incoming:
    """One message not seen before. `raw` is None when the body was not fetched
    (not a candidate, or over the size cap: see `reason`)."""

    folder: str  # "imap:INBOX", "maildir:/home/sam/Mail"
    key: str  # unique within the folder: IMAP "uidvalidity:uid", a Maildir key
    header: bytes
    raw: bytes | None
    reason: str = ""
    uid: int = 0  # IMAP only
    transient: bool = False  # unreadable this time: neither processed nor marked done
    record: bool = False  # no body read (over the size cap), yet kept in `messages`


def header_block(data: bytes) -> bytes:
    """The header of a message: everything before the first empty line."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = data.find(separator)
        if end != -1:
            return data[: end + len(separator)]
    return data
