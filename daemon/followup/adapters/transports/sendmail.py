"""The `sendmail` transport: pipe each message to msmtp, sendmail or the like."""

from __future__ import annotations

import logging
import shlex
import subprocess
from collections.abc import Sequence
from email.message import EmailMessage

from followup.adapters.transports import (
    AmbiguousSendError,
    PermanentSendError,
    TransientSendError,
    check_envelope,
)

log = logging.getLogger(__name__)

EX_TEMPFAIL = 75  # sysexits.h: the mailer asks us to try again later
# Options that make the mailer read recipients from the headers: never used, the
# envelope is always given on the command line.
_READ_RECIPIENTS = ("-t", "--read-recipients")


def without_read_recipients(argv: list[str]) -> tuple[list[str], bool]:
    """argv without -t (also inside a cluster such as -ti); True if one was dropped."""
    kept, dropped = [], False
    for arg in argv:
        if arg in _READ_RECIPIENTS:
            dropped = True
            continue
        if len(arg) > 2 and arg[0] == "-" and arg[1] != "-" and set(arg[1:]) <= {"t", "i"}:
            dropped = dropped or "t" in arg
            arg = "-" + arg[1:].replace("t", "")
            if arg == "-":
                continue
        kept.append(arg)
    return kept, dropped


class SendmailTransport:
    kind = "sendmail"

    def __init__(self, command: str, timeout: int):
        self.argv, dropped = without_read_recipients(shlex.split(command))
        if dropped:
            log.warning(
                "[transport] command %r: -t ignored; followup passes the approved "
                "recipients itself",
                command,
            )
        self.timeout = timeout

    def send(self, msg: EmailMessage, *, sender: str, recipients: Sequence[str]) -> None:
        """Pipe the message to the mailer with the envelope on its command line
        (`-f sender -- recipients`), so no header can add a recipient."""
        recipients = check_envelope(sender, recipients)
        argv = [*self.argv, "-f", sender, "--", *recipients]
        try:
            result = subprocess.run(
                argv, input=msg.as_bytes(), capture_output=True, timeout=self.timeout, check=False
            )
        except FileNotFoundError:
            raise PermanentSendError(f"sendmail: {self.argv[0]!r} not found") from None
        except OSError as err:  # not started: nothing was sent, try again later
            raise TransientSendError(
                f"sendmail: cannot run {self.argv[0]!r}: {err.strerror}"
            ) from None
        except subprocess.TimeoutExpired:
            raise AmbiguousSendError(
                f"sendmail: {self.argv[0]!r} timed out after "
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
