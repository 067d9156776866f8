"""Mail sources: where messages come from (IMAP, or a local Maildir).

Both give the pipeline the same thing, each new message once, as bytes, without
changing the user's mailbox: `fetch_new(seen, wanted)` yields `Incoming`
messages. Sources never touch the store: `seen` brings what the store remembers
of the folder, and each `Incoming` says what to record once it is done, which
the pipeline records inside the transaction that records what it made of the
message, so a crash never skips or repeats one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from followup.core.model import SyncPosition
from followup.core.prefilter import PEEK_BYTES

__all__ = ["PEEK_BYTES", "Incoming", "MailSource", "Peek", "Seen", "Wanted", "header_block"]

# The first words of a message's first text part -> should its body be fetched?
Peek = Callable[[str], bool]
# The header block of a message -> should its body be fetched? Or a Peek: the source
# reads at most PEEK_BYTES of the first text part and fetches the body if it says so.
Wanted = Callable[[bytes], bool | Peek]


@dataclass(frozen=True)
class Incoming:
    """One message not seen before. `raw` is None when the body was not fetched
    (not a candidate, or over the size cap: see `reason`)."""

    folder: str  # "imap:INBOX", "maildir:/home/sam/Mail"
    key: str  # unique within the folder: IMAP "uidvalidity:uid", a Maildir key
    header: bytes
    raw: bytes | None
    reason: str = ""
    position: SyncPosition | None = None  # IMAP: the folder's position once this is done
    transient: bool = False  # unreadable this time: neither processed nor marked done
    # Kept in `messages` once done even without a body (over the size cap; and every
    # Maildir message: with no UIDs, the message log is the only memory of a key).
    record: bool = False


def _nothing(start: SyncPosition) -> None:
    pass


def _count_nothing(count: int) -> None:
    pass


@dataclass(frozen=True)
class Seen:
    """What the store remembers of a folder, handed to its source by the pipeline."""

    position: SyncPosition | None = None  # IMAP: where the last sync stopped
    known_keys: Callable[[], frozenset[str]] = frozenset  # Maildir: every key looked at
    # IMAP: a sync starts over (new UIDVALIDITY, rescanned window) from this position:
    # committed before any message of it is yielded.
    rescan: Callable[[SyncPosition], None] = _nothing
    # How many messages this fetch will look at, once the source knows (for progress).
    backlog: Callable[[int], None] = _count_nothing


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

    def fetch_new(self, seen: Seen, wanted: Wanted) -> Iterator[Incoming]:
        """Each message not in `seen`, once; the mailbox itself is never changed."""
        ...

    def wait(self, seconds: float) -> bool:
        """Sleep until new mail may have arrived, or `seconds`; True if it may have."""
        ...

    def close(self) -> None: ...
