"""Wires the configured adapters together: one Runtime per process.

`run --once`, the daemon and `followup demo` all build a Runtime here and hand
it to the same `pipeline.run_pass()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from followup.adapters import providers
from followup.adapters.config import Settings
from followup.adapters.store import Store, utcnow
from followup.app.outbox import Outbox
from followup.core import render
from followup.core.letter import Voice
from followup.core.model import FollowupError, Person
from followup.core.plan import PlanSettings

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from followup.adapters.sources import MailSource
    from followup.adapters.transports import Transport


@dataclass
class Runtime:
    settings: Settings
    store: Store
    source: MailSource | None  # None in a store-only runtime (with_mail=False)
    transport: Transport | None
    outbox: Outbox
    env: SandboxedEnvironment
    clock: Callable[[], datetime]

    @property
    def mail(self) -> MailSource:
        """The mail source; a store-only runtime has none (a bug in the caller)."""
        if self.source is None:
            raise FollowupError("this command opened no mail source")
        return self.source

    @property
    def me(self) -> Person:
        m = self.settings.me
        return Person(m.name, m.email, m.phone)

    @property
    def plan_settings(self) -> PlanSettings:
        m, p = self.settings.me, self.settings.plan
        return PlanSettings(
            timezone=m.timezone,
            country=m.country,
            subdivision=m.subdivision,
            call_gaps=p.call_gaps,
            call_time=p.call_time,
            prep_reminder=p.prep_reminder,
            prep_time=p.prep_time,
            debrief_delay_minutes=p.debrief_delay_minutes,
            approval_deadline=self.settings.approval.deadline,
        )

    def close(self) -> None:
        for part in (self.source, self.transport):
            if part is not None:
                part.close()
        self.store.close()


def make_source(settings: Settings, clock: Callable[[], datetime], login=None) -> MailSource:
    if settings.source.kind == "maildir":
        from followup.adapters.sources.maildir import MaildirSource

        assert settings.source.path is not None
        return MaildirSource(settings.source.path, max_message_mb=settings.source.max_message_mb)
    from followup.adapters.sources.imap import ImapSource

    if login is None:
        from followup.adapters import oauth

        login = oauth.logins(settings, oauth.NoGrantState(), with_transport=False)[0]
    return ImapSource(settings.source, login, clock=clock)


def make_transport(settings: Settings, login=None) -> Transport:
    t = settings.transport
    if t.kind == "file":
        from followup.adapters.transports.file import FileTransport

        assert t.path is not None
        return FileTransport(t.path)
    if t.kind == "sendmail":
        from followup.adapters.transports.sendmail import SendmailTransport

        return SendmailTransport(t.command, t.timeout)
    from followup.adapters.transports.smtp import SmtpTransport

    if login is None:
        from followup.adapters import oauth

        login = oauth.logins(settings, oauth.NoGrantState(), with_source=False)[1]
    return SmtpTransport(t, login)


def open_runtime(
    settings: Settings, *, clock: Callable[[], datetime] = utcnow, with_mail: bool = True
) -> Runtime:
    """with_mail=False: the store and templates only (for commands that need no server)."""
    store = Store(settings.storage_path)
    source = transport = None
    if with_mail:
        # Imported where mail is opened: sign-in brings http.server, webbrowser, ssl and
        # subprocess (17 modules), which a store-only command (status, drafts) never uses.
        from followup.adapters import oauth
        from followup.app.signin import StoreGrant

        # one sign-in for both sides: one token, one refresh, one dead-grant flag
        source_login, transport_login = oauth.logins(settings, StoreGrant(store), clock=clock)
        source = make_source(settings, clock, source_login)
        transport = make_transport(settings, transport_login)
    outbox = Outbox(store, transport, **_sent_copies(settings, source))
    return Runtime(
        settings, store, source, transport, outbox, template_environment(settings), clock
    )


def template_environment(settings: Settings):
    """The templates as the user configured them: their folder, zone and voice."""
    return render.make_environment(
        settings.templates_dir,
        user_zone=settings.me.timezone,
        voice=Voice(greeting=settings.compose.greeting, locale=settings.me.locale),
    )


def _sent_copies(settings: Settings, source: MailSource | None) -> dict[str, Any]:
    """Where the provider files no Sent copy of SMTP mail itself, we APPEND one
    (never both: that would be two copies)."""
    t = settings.transport
    from followup.adapters.sources.imap import ImapSource

    if t.kind != "smtp" or not isinstance(source, ImapSource):
        return {}
    provider = providers.for_smtp_host(t.host)
    keeps_copy = provider is not None and provider.keeps_sent_copy
    save = t.save_sent == "always" or (t.save_sent == "auto" and not keeps_copy)
    return {
        "save_copy": source.append_sent if save else None,
        "find_sent": source.find_sent,
        "provider_keeps_copy": keeps_copy and t.save_sent != "always",
    }
