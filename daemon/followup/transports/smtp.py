"""SMTP transport: yagmail for the connection, messages built by us.

yagmail's own message building is not used (see the drafts issue: it attaches
any content string that names a file, collides Message-IDs, and rewrites
newlines); only its login and the live smtplib connection are.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from followup import net
from followup.net import CheckResult
from followup.config import Transport
from followup.model import FollowupError


class TransientSendError(FollowupError):
    """Try again later: connection lost, 4xx."""


class PermanentSendError(FollowupError):
    """Never retry: 5xx; the message carries the server's reason."""


class SmtpTransport:
    def __init__(self, transport: Transport, password: str):
        self.cfg = transport
        self.password = password
        self._yag = None

    @property
    def where(self) -> str:
        return f"{self.cfg.host}:{self.cfg.port}"

    def connect(self) -> None:
        import yagmail

        context = net.client_context()
        kwargs: dict = {"timeout": self.cfg.timeout}
        if self.cfg.security == "ssl":
            kwargs["context"] = context
        yag = yagmail.SMTP(
            user=self.cfg.username, password=self.password, host=self.cfg.host,
            port=self.cfg.port, smtp_ssl=self.cfg.security == "ssl",
            smtp_starttls={"context": context} if self.cfg.security == "starttls" else False,
            soft_email_validation=False, **kwargs,
        )
        try:
            yag.login()
        except smtplib.SMTPAuthenticationError:
            raise FollowupError(f"SMTP {self.where}: login failed for {self.cfg.username!r} "
                                "(wrong password? Gmail needs an app password)") from None
        except smtplib.SMTPNotSupportedError as err:
            raise FollowupError(f"SMTP {self.where}: {err}") from None
        except ssl.SSLError as err:
            raise TransientSendError(f"SMTP {self.where}: {net.describe_tls(err)}") from None
        except (OSError, smtplib.SMTPException) as err:
            raise TransientSendError(f"SMTP {self.where}: unreachable ({net.describe_network(err)})") from None
        self._yag = yag

    def send(self, msg: EmailMessage) -> None:
        """Hand one message to the server; classify every failure."""
        if self._yag is None:
            self.connect()
        try:
            refused = self._yag.smtp.send_message(msg)
        except smtplib.SMTPResponseException as err:
            self._drop()
            text = err.smtp_error.decode("utf-8", "replace") if isinstance(
                err.smtp_error, bytes) else str(err.smtp_error)
            reason = f"SMTP {self.where}: {err.smtp_code} {text}"
            if 400 <= err.smtp_code < 500:
                raise TransientSendError(reason) from None
            raise PermanentSendError(reason) from None
        except smtplib.SMTPRecipientsRefused as err:
            self._drop()
            code, text = next(iter(err.recipients.values()))
            reason = f"SMTP {self.where}: {code} {text.decode('utf-8', 'replace')}"
            if 400 <= code < 500:
                raise TransientSendError(reason) from None
            raise PermanentSendError(reason) from None
        except (OSError, smtplib.SMTPException) as err:
            self._drop()
            raise TransientSendError(f"SMTP {self.where}: connection lost ({net.describe_network(err)})"
                                     ) from None
        if refused:
            addresses = ", ".join(refused)
            raise PermanentSendError(f"SMTP {self.where}: recipients refused: {addresses}")

    def _drop(self) -> None:
        if self._yag is not None:
            try:
                self._yag.smtp.close()
            except Exception:  # noqa: BLE001 - the connection is already broken
                pass
            self._yag.is_closed = True
        self._yag = None

    def close(self) -> None:
        if self._yag is not None:
            try:
                self._yag.close()
            except (OSError, smtplib.SMTPException):
                pass
        self._yag = None



def check(transport: Transport, password: str) -> CheckResult:
    smtp = SmtpTransport(transport, password)
    try:
        smtp.connect()
    except FollowupError as err:
        return CheckResult(False, (str(err),))
    smtp.close()
    security = transport.security if transport.security != "none" else "off (loopback)"
    return CheckResult(True, (f"SMTP {smtp.where}: reachable",
                              f"SMTP {smtp.where}: TLS {security}",
                              f"SMTP {smtp.where}: login ok as {transport.username}"))
