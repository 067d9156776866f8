"""Transports: how a finished message leaves (SMTP, a sendmail command, files).

Every failure is one of three kinds, because the sending state machine treats
them differently: retry later, never retry, or "may have been accepted".
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from followup.model import FollowupError


class TransientSendError(FollowupError):
    """Not accepted, try again later: connection refused or lost before DATA, 4xx."""


class PermanentSendError(FollowupError):
    """Refused for good (5xx): never retried; the message carries the server's reason."""


class AmbiguousSendError(FollowupError):
    """The connection broke while the server had the message: it may have been
    accepted. Never resent blindly: reconciled, or left for the user."""


class Transport(Protocol):
    kind: str

    def send(self, msg: EmailMessage) -> None: ...

    def was_delivered(self, message_id: str) -> bool | None:
        """After a crash: True/False if the transport itself can tell, else None."""
        ...

    def close(self) -> None: ...
