"""Builds the configured source and transport: the one place that knows them all."""

from __future__ import annotations

import os

from followup.adapters import oauth
from followup.adapters.config import Settings
from followup.adapters.net import CheckResult
from followup.core.letter import local_time
from followup.core.model import FollowupError


def check_all(settings: Settings, grant: oauth.GrantState | None = None) -> list[CheckResult]:
    results = []
    source = settings.source
    grant = grant or oauth.NoGrantState()
    try:  # both at once: one sign-in, one token for the two
        both: tuple | None = oauth.logins(settings, grant)
    except FollowupError:
        both = None  # each side below says what it lacks
    if source.kind == "imap":
        from followup.adapters.sources import imap

        try:
            login = both[0] if both else oauth.logins(settings, grant, with_transport=False)[0]
            assert login is not None
        except FollowupError as err:
            results.append(CheckResult(False, (str(err),)))
        else:
            result = imap.check(source, login)
            results.append(_signed_in(result, "IMAP", source, login, settings))
    else:
        path = source.path
        ok = path is not None and (path / "cur").is_dir() and (path / "new").is_dir()
        verdict = "ok" if ok else "not a Maildir (no cur/ and new/)"
        results.append(CheckResult(ok, (f"Maildir {path}: {verdict}",)))
    transport = settings.transport
    if transport.kind == "smtp":
        from followup.adapters.transports import smtp

        try:
            login = both[1] if both else oauth.logins(settings, grant, with_source=False)[1]
            assert login is not None
        except FollowupError as err:
            results.append(CheckResult(False, (str(err),)))
        else:
            result = smtp.check(transport, login)
            results.append(_signed_in(result, "SMTP", transport, login, settings))
    elif transport.kind == "file":
        path = transport.path
        ok = path is not None and (not path.exists() or os.access(path, os.W_OK))
        verdict = "writable" if ok else "not writable"
        results.append(CheckResult(ok, (f"file transport {path}: {verdict}",)))
    else:
        import shlex
        import shutil

        program = shlex.split(transport.command)[0] if transport.command else ""
        ok = bool(program and shutil.which(program))
        verdict = "found" if ok else "not found on PATH"
        results.append(CheckResult(ok, (f"sendmail command {program!r}: {verdict}",)))
    return results


def _signed_in(result: CheckResult, label: str, side, login, settings: Settings) -> CheckResult:
    """The check's lines, then how this side signs in: by password (from where), or by
    OAuth and when the access token it holds expires, in the user's zone."""
    if not result.ok:
        return result
    section = "source" if label == "IMAP" else "transport"
    if login.method == "password":
        method = f"password from [{section}] password_cmd" if side.password_cmd else "password"
    elif isinstance(login, oauth.CommandToken):
        method = f"OAuth2, access token from {login.key}"
    else:
        provider = settings.oauth.provider if settings.oauth else "custom"
        method = f"OAuth2 ({provider})"
        expires = login.expires_at()
        if expires is not None:
            local = local_time(expires, settings.me.timezone)
            method += f"; access token valid until {local:%Y-%m-%d %H:%M} {local.tzname()}"
    return CheckResult(True, (*result.lines, f"{label} {side.host}:{side.port}: sign-in {method}"))
