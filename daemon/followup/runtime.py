"""Wires the configured adapters together: one Runtime per process.

`run --once`, the daemon and `followup demo` all build a Runtime here and hand
it to the same `pipeline.run_pass()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from followup import credentials, providers, render
from followup.config import Settings
from followup.model import Person
from followup.outbox import Outbox
from followup.plan import PlanSettings
from followup.store import Store, utcnow


@dataclass
class Runtime:
    settings: Settings
    store: Store
    source: Any  # ImapSource | MaildirSource
    transport: Any  # a transports.Transport
    outbox: Outbox
    env: Any  # the Jinja2 sandbox
    clock: Callable[[], datetime]

    @property
    def me(self) -> Person:
        m = self.settings.me
        return Person(m.name, m.email, m.phone)

    @property
    def plan_settings(self) -> PlanSettings:
        m, p = self.settings.me, self.settings.plan
        return PlanSettings(
            timezone=m.timezone, country=m.country, subdivision=m.subdivision,
            call_gaps=p.call_gaps, call_time=p.call_time, prep_reminder=p.prep_reminder,
            prep_time=p.prep_time, debrief_delay_minutes=p.debrief_delay_minutes,
            approval_deadline=self.settings.approval.deadline)

    def close(self) -> None:
        for part in (self.source, self.transport):
            if part is not None:
                part.close()
        self.store.close()


def make_source(settings: Settings, clock: Callable[[], datetime]):
    if settings.source.kind == "maildir":
        from followup.sources.maildir import MaildirSource

        assert settings.source.path is not None
        return MaildirSource(settings.source.path,
                             max_message_mb=settings.source.max_message_mb)
    from followup.sources.imap import ImapSource

    password = credentials.require("imap", settings.source.username)
    return ImapSource(settings.source, password, clock=clock)


def make_transport(settings: Settings):
    t = settings.transport
    if t.kind == "file":
        from followup.transports.file import FileTransport

        assert t.path is not None
        return FileTransport(t.path)
    if t.kind == "sendmail":
        from followup.transports.sendmail import SendmailTransport

        return SendmailTransport(t.command, t.timeout)
    from followup.transports.smtp import SmtpTransport

    return SmtpTransport(t, credentials.require("smtp", t.username))


def open_runtime(settings: Settings, *, clock: Callable[[], datetime] = utcnow,
                 with_mail: bool = True) -> Runtime:
    """with_mail=False: the store and templates only (for commands that need no server)."""
    store = Store(settings.storage_path)
    source = make_source(settings, clock) if with_mail else None
    transport = make_transport(settings) if with_mail else None
    outbox = Outbox(store, transport, **_sent_copies(settings, source))
    env = render.make_environment(settings.templates_dir)
    return Runtime(settings, store, source, transport, outbox, env, clock)


def _sent_copies(settings: Settings, source) -> dict[str, Any]:
    """Where the provider files no Sent copy of SMTP mail itself, we APPEND one
    (never both: that would be two copies)."""
    t = settings.transport
    if t.kind != "smtp" or settings.source.kind != "imap" or source is None:
        return {}
    provider = providers.for_smtp_host(t.host)
    keeps_copy = provider is not None and provider.keeps_sent_copy
    save = t.save_sent == "always" or (t.save_sent == "auto" and not keeps_copy)
    return {"save_copy": source.append_sent if save else None,
            "find_sent": source.find_sent,
            "provider_keeps_copy": keeps_copy and t.save_sent != "always"}
