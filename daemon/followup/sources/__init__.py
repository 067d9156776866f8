"""Mail sources: where messages come from (IMAP, or a local Maildir).

Both give the pipeline the same thing, each new message once, as bytes, without
changing the user's mailbox: `fetch_new(store, wanted)` yields `Incoming`
messages; the pipeline calls `mark_done(store, msg)` inside the transaction
that records what it made of one, so a crash never skips or repeats one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from followup.store import Store

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


class MailSource(Protocol):
    """What the pipeline and the daemon need of a mail source (IMAP or Maildir)."""

    folder: str

    def fetch_new(self, store: Store, wanted: Wanted) -> Iterator[Incoming]:
        """Each message not seen before, once; the mailbox itself is never changed."""
        ...

    def mark_done(self, store: Store, msg: Incoming) -> None:
        """Move the position past `msg` (inside the transaction that records it)."""
        ...

    def wait(self, seconds: float) -> bool:
        """Sleep until new mail may have arrived, or `seconds`; True if it may have."""
        ...

    def close(self) -> None: ...
