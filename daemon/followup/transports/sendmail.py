"""The `sendmail` transport: pipe each message to msmtp, sendmail or the like."""

from __future__ import annotations

import shlex
import subprocess
from email.message import EmailMessage

from followup.transports import (
    AmbiguousSendError,
    PermanentSendError,
    TransientSendError,
)

EX_TEMPFAIL = 75  # sysexits.h: the mailer asks us to try again later


class SendmailTransport:
    kind = "sendmail"

    def __init__(self, command: str, timeout: int):
        self.argv = shlex.split(command)
        self.timeout = timeout

    def send(self, msg: EmailMessage) -> None:
        try:
            result = subprocess.run(self.argv, input=msg.as_bytes(), capture_output=True,
                                    timeout=self.timeout, check=False)
        except FileNotFoundError:
            raise PermanentSendError(f"sendmail: {self.argv[0]!r} not found") from None
        except OSError as err:  # not started: nothing was sent, try again later
            raise TransientSendError(f"sendmail: cannot run {self.argv[0]!r}: "
                                     f"{err.strerror}") from None
        except subprocess.TimeoutExpired:
            raise AmbiguousSendError(f"sendmail: {self.argv[0]!r} timed out after "
                                     f"{self.timeout} s; it may have queued the message"
                                     ) from None
        if result.returncode == 0:
            return
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        text = f"sendmail: {self.argv[0]} exited {result.returncode}: {reason[0]}"
        if result.returncode == EX_TEMPFAIL:
            raise TransientSendError(text)
        raise PermanentSendError(text)

    def was_delivered(self, message_id: str) -> bool | None:
        return None  # a local mailer keeps no record we can ask

    def close(self) -> None:
        pass
