"""The `file` transport: each message becomes an .eml file (the dry run, the demo)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

from followup.adapters import private
from followup.adapters.transports import PermanentSendError, TransientSendError, check_envelope


class FileTransport:
    kind = "file"

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, message_id: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9@._-]", "", message_id) + ".eml")

    def send(self, msg: EmailMessage, *, sender: str, recipients: Sequence[str]) -> None:
        check_envelope(sender, recipients)  # the dry run refuses what a real send would
        message_id = msg["Message-ID"]
        if not message_id:
            raise PermanentSendError("file transport: message has no Message-ID")
        target = self._path(message_id)
        partial = target.with_suffix(".part")
        try:
            private.make_dir(self.folder)  # every message in full: the user's eyes only
            fd = private.open_file(partial, os.O_WRONLY | os.O_TRUNC)
            with os.fdopen(fd, "wb") as handle:
                handle.write(msg.as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)  # whole file or none: reconciliation relies on it
        except OSError as err:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise TransientSendError(f"{target}: cannot write: {err.strerror}") from None

    def was_delivered(self, message_id: str) -> bool | None:
        return self._path(message_id).exists()

    def close(self) -> None:
        pass
