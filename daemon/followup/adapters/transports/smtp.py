"""SMTP transport: yagmail for the connection, messages built by us.

yagmail's own message building is not used (see the drafts issue: it attaches
any content string that names a file, collides Message-IDs, and rewrites
newlines); only its login and the live smtplib connection are.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from followup.adapters import net
from followup.adapters.config import Transport
from followup.adapters.net import CheckResult
from followup.adapters.transports import (
    AmbiguousSendError,
    PermanentSendError,
    TransientSendError,
    check_envelope,
)
from followup.core import headers, oauth
from followup.core.model import FollowupError

if TYPE_CHECKING:
    from followup.adapters.oauth import Login


class SmtpTransport:
    kind = "smtp"

    def __init__(self, transport: Transport, login: Login | str):
        if isinstance(login, str):
            from followup.adapters.oauth import PasswordLogin

            login = PasswordLogin(login)
        self.cfg = transport
        self.login = login
        self.mechanism = ""  # the SASL mechanism of the last login
        self._yag: Any = None  # a yagmail.SMTP once connected (yagmail is untyped)

    @property
    def where(self) -> str:
        return f"{self.cfg.host}:{self.cfg.port}"

    def connect(self) -> None:
        """Connect, greeting, EHLO, STARTTLS and AUTH, together within `timeout` seconds."""
        with net.Deadline(self.cfg.timeout) as deadline:
            try:
                self._yag = self._login(deadline)
            except (FollowupError, OSError, smtplib.SMTPException):
                if deadline.expired:
                    raise TransientSendError(
                        f"SMTP {self.where}: no greeting and login within {self.cfg.timeout} s "
                        "(server stalled or trickling; see [transport] timeout)"
                    ) from None
                raise

    def _login(self, deadline: net.Deadline):
        import yagmail

        context = net.client_context()
        kwargs: dict = {"timeout": self.cfg.timeout}
        if self.cfg.security == "ssl":
            kwargs["context"] = context
        watched = _watched_connection(deadline, ssl_=self.cfg.security == "ssl")

        class Yag(yagmail.SMTP):
            @property
            def connection(self):
                return watched

        oauth2 = self.login.method == "oauth2"
        yag = Yag(
            user=self.cfg.username,
            # yagmail would look in the keyring and then prompt (a hang without a
            # terminal): with OAuth we skip its login and authenticate ourselves
            password=None if oauth2 else self.login.secret(),
            smtp_skip_login=oauth2,
            host=self.cfg.host,
            port=self.cfg.port,
            smtp_ssl=self.cfg.security == "ssl",
            smtp_starttls={"context": context} if self.cfg.security == "starttls" else False,
            soft_email_validation=False,
            **kwargs,
        )
        try:
            yag.login()
            if oauth2:
                self._oauth_login(yag.smtp)
            else:
                self.mechanism = "password"
        except smtplib.SMTPAuthenticationError as err:
            answer = f"{err.smtp_code} {_text(err.smtp_error)}"
            hint = oauth.auth_failure_hint(self.cfg.host, answer, self.login.method)
            raise FollowupError(
                f"SMTP {self.where}: login failed for {self.cfg.username!r} ({hint})"
            ) from None
        except smtplib.SMTPNotSupportedError as err:
            raise FollowupError(f"SMTP {self.where}: {err}") from None
        except ssl.SSLError as err:
            raise FollowupError(f"SMTP {self.where}: {net.describe_tls(err)}") from None
        except (OSError, smtplib.SMTPException) as err:
            why = net.describe_network(err)
            raise TransientSendError(f"SMTP {self.where}: unreachable ({why})") from None
        return yag

    def _oauth_login(self, smtp: smtplib.SMTP) -> None:
        """AUTH OAUTHBEARER or XOAUTH2, by what EHLO offers. smtplib's auth() sends no
        EHLO itself (without one a server answers 503, which auth() does not raise on):
        it is sent here first. A refused token is refreshed once and tried once more."""
        smtp.ehlo()
        offered = smtp.esmtp_features.get("auth", "").split()
        mechanism = oauth.choose_mechanism(offered)
        if mechanism is None:
            raise FollowupError(
                f"SMTP {self.where}: the server offers no OAuth login "
                f'(AUTH {" ".join(offered) or "none"}); use auth = "password"'
            )
        for attempt in (1, 2):
            token = self.login.secret()
            first = oauth.initial_response(
                mechanism, self.cfg.username, token, self.cfg.host, self.cfg.port
            )

            # smtplib calls it first with no challenge (the initial response), then
            # with each 334 challenge: after an error challenge the exchange must end
            def answer(challenge: bytes | None = None, first: str = first) -> str:
                return first if challenge is None else oauth.error_challenge_answer(mechanism)

            try:
                smtp.auth(mechanism, answer)
            except smtplib.SMTPAuthenticationError:
                if attempt == 1 and self.login.refused(token):
                    continue
                raise
            self.mechanism = mechanism
            return

    def send(self, msg: EmailMessage, *, sender: str, recipients: Sequence[str]) -> None:
        """Hand one message to the server, step by step, so every failure is classified:
        before DATA nothing was accepted (retry is safe); a connection lost inside
        DATA may have been accepted (ambiguous: never resent blindly). RCPT TO is
        exactly `recipients`, never what the headers say."""
        recipients = check_envelope(sender, recipients)
        if self._yag is None:
            try:
                self.connect()
            except TransientSendError:
                raise
            except FollowupError as err:  # login refused: nothing was sent, retry later
                raise TransientSendError(str(err)) from None
        smtp = self._yag.smtp
        try:
            smtp.ehlo_or_helo_if_needed()
            code, text = smtp.mail(sender)
            if code != 250:
                self._refused(code, text)
            for rcpt in recipients:
                code, text = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    self._refused(code, text)
        except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError) as err:
            self._drop()
            raise TransientSendError(
                f"SMTP {self.where}: connection lost before DATA ({net.describe_network(err)})"
            ) from None
        try:
            # data() raises only when DATA itself is refused; the verdict on the
            # message comes back as a reply code that must be checked here.
            code, text = smtp.data(msg.as_bytes(policy=headers.WIRE_POLICY))
        except smtplib.SMTPDataError as err:
            self._refused(err.smtp_code, err.smtp_error)
        except (OSError, smtplib.SMTPServerDisconnected) as err:
            self._drop()
            raise AmbiguousSendError(
                f"SMTP {self.where}: connection lost during DATA ({net.describe_network(err)})"
            ) from None
        if code != 250:
            self._refused(code, text)

    def _refused(self, code: int, text: bytes | str) -> None:
        self._drop()  # a half-done transaction: start the next one afresh
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        reason = f"SMTP {self.where}: {code} {text}"
        if 400 <= code < 500:
            raise TransientSendError(reason)
        raise PermanentSendError(reason)

    def was_delivered(self, message_id: str) -> bool | None:
        return None  # SMTP keeps no record we can ask; the Sent folder may

    def _drop(self) -> None:
        if self._yag is not None:
            with contextlib.suppress(Exception):  # the connection is already broken
                self._yag.smtp.close()
            self._yag.is_closed = True
        self._yag = None

    def close(self) -> None:
        if self._yag is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._yag.close()
        self._yag = None


def _watched_connection(deadline: net.Deadline, *, ssl_: bool):
    """smtplib's class whose socket `deadline` watches from before the TLS handshake
    and the greeting (smtplib connects inside its constructor)."""
    base = smtplib.SMTP_SSL if ssl_ else smtplib.SMTP

    class Watched(base):  # type: ignore[valid-type,misc]  # the base is chosen at run time
        def _get_socket(self, host, port, timeout):
            sock = smtplib.SMTP._get_socket(self, host, port, timeout)
            deadline.watch(sock)
            if ssl_:
                return self.context.wrap_socket(sock, server_hostname=self._host)
            return sock

    return Watched


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def check(transport: Transport, login: Login | str) -> CheckResult:
    smtp = SmtpTransport(transport, login)
    try:
        smtp.connect()
    except FollowupError as err:
        return CheckResult(False, (str(err),))
    smtp.close()
    security = transport.security if transport.security != "none" else "off (loopback)"
    return CheckResult(
        True,
        (
            f"SMTP {smtp.where}: reachable",
            f"SMTP {smtp.where}: TLS {security}",
            f"SMTP {smtp.where}: login ok as {transport.username} ({smtp.mechanism})",
        ),
    )
