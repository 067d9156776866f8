"""A local Maildir (mbsync, offlineimap, `followup demo`): read-only.

Only reads files; never renames them into cur/ or sets flags, so the user's
mail client sees exactly what it saw before.
"""

from __future__ import annotations

import logging
import mailbox
import os
import time
from collections.abc import Iterator
from pathlib import Path

from followup.adapters.sources import PEEK_BYTES, Incoming, Seen, Wanted, header_block
from followup.core import mailtext
from followup.core.model import FollowupError

log = logging.getLogger(__name__)
HEADER_BYTES = 256 * 1024  # of a message over the size cap: enough for its header


class MaildirSource:
    def __init__(self, path: Path, *, max_message_mb: int = 25):
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise FollowupError(f"{path}: not a Maildir (it needs cur/ and new/ folders)")
        self.path = path
        self.folder = f"maildir:{path}"
        self.box = mailbox.Maildir(path, factory=None, create=False)
        self.max_message_mb = max_message_mb

    def fetch_new(self, seen: Seen, wanted: Wanted) -> Iterator[Incoming]:
        # Maildir has no UIDs: the message log is the only memory of a key.
        known = seen.known_keys()
        cap = self.max_message_mb * 1024 * 1024
        keys = sorted(set(self.box.keys()) - known)
        seen.backlog(len(keys))
        for key in keys:
            try:
                with self.box.get_file(key) as handle:
                    handle.seek(0, os.SEEK_END)
                    size = handle.tell()
                    handle.seek(0)
                    # Over the cap: only the header is read (for the record), never the body.
                    data = handle.read(HEADER_BYTES if size > cap else size)
            except OSError as err:  # the mail client moved it meanwhile: next pass
                yield Incoming(
                    self.folder, key, b"", None, f"unreadable: {err.strerror}", transient=True
                )
                continue
            header = header_block(data)
            if size > cap:
                reason = (
                    f"too large ({size} bytes; [source] max_message_mb = {self.max_message_mb})"
                )
                log.warning("%s %s: skipped: %s", self.folder, key, reason)
                yield Incoming(self.folder, key, header, None, reason, record=True)
            elif b"text/calendar" in data.lower() or _settled(wanted(header), data):
                yield Incoming(self.folder, key, header, data, record=True)
            else:
                yield Incoming(self.folder, key, header, None, "not a candidate", record=True)
            del data, header  # nothing of this message outlives its Incoming

    def wait(self, seconds: float) -> bool:
        """No push for local files: sleep, then look again."""
        time.sleep(max(0.0, seconds))
        return True

    def close(self) -> None:
        pass


def _settled(verdict, data: bytes) -> bool:
    """A Peek is asked about the top of the first text part (the file is read anyway)."""
    if not callable(verdict):
        return bool(verdict)
    try:
        text = mailtext.body_text(mailtext.parse_bytes(data[: HEADER_BYTES * 4]))
    except Exception:  # noqa: BLE001 - an unreadable body: let detection decide
        return True
    return bool(verdict(text[:PEEK_BYTES]))
