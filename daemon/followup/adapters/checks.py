"""Builds the configured source and transport: the one place that knows them all."""

from __future__ import annotations

import os

from followup.adapters import credentials
from followup.adapters.config import Settings
from followup.adapters.net import CheckResult
from followup.core.model import FollowupError


def check_all(settings: Settings) -> list[CheckResult]:
    results = []
    source = settings.source
    if source.kind == "imap":
        from followup.adapters.sources import imap

        try:
            password = credentials.require("imap", source.username)
        except FollowupError as err:
            results.append(CheckResult(False, (str(err),)))
        else:
            results.append(imap.check(source, password))
    else:
        path = source.path
        ok = path is not None and (path / "cur").is_dir() and (path / "new").is_dir()
        verdict = "ok" if ok else "not a Maildir (no cur/ and new/)"
        results.append(CheckResult(ok, (f"Maildir {path}: {verdict}",)))
    transport = settings.transport
    if transport.kind == "smtp":
        from followup.adapters.transports import smtp

        try:
            password = credentials.require("smtp", transport.username)
        except FollowupError as err:
            results.append(CheckResult(False, (str(err),)))
        else:
            results.append(smtp.check(transport, password))
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
