"""Transports: how a finished message leaves (SMTP, a sendmail command, files).

Every failure is one of three kinds, because the sending state machine treats
them differently: retry later, never retry, or "may have been accepted".
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from typing import Protocol

from followup.core.model import FollowupError, valid_address


class TransientSendError(FollowupError):
    """Not accepted, try again later: connection refused or lost before DATA, 4xx."""


class PermanentSendError(FollowupError):
    """Refused for good (5xx): never retried; the message carries the server's reason."""


class AmbiguousSendError(FollowupError):
    """The connection broke while the server had the message: it may have been
    accepted. Never resent blindly: reconciled, or left for the user."""


class Transport(Protocol):
    kind: str

    def send(self, msg: EmailMessage, *, sender: str, recipients: Sequence[str]) -> None:
        """Hand `msg` over for exactly `recipients` (the approved set): the envelope is
        given, never read from the message's headers."""
        ...

    def was_delivered(self, message_id: str) -> bool | None:
        """After a crash: True/False if the transport itself can tell, else None."""
        ...

    def close(self) -> None: ...


def check_envelope(sender: str, recipients: Sequence[str]) -> list[str]:
    """The envelope a transport may use: plain addresses only, at least one recipient.
    A bad one is refused for good (it would not get better by retrying)."""
    if isinstance(recipients, str):
        raise PermanentSendError("recipients must be a list of addresses, not one string")
    bad = [a for a in (sender, *recipients) if not valid_address(a)]
    if bad or not recipients:
        raise PermanentSendError(
            f"refusing envelope: {bad[0]!r} is not one plain address"
            if bad
            else "refusing envelope: no recipients"
        )
    return list(recipients)
