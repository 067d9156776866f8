"""Logging: one line per event, systemd priority prefixes under systemd, and
every known secret redacted before a line is written anywhere."""

from __future__ import annotations

import logging
import os
import sys

from followup.adapters.terminal import visible

_SECRETS: set[str] = set()
_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


def register_secret(value: str | None) -> None:
    """Any log line containing this value shows *** instead (passwords)."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return text


class _Redacting(logging.Formatter):
    def __init__(self, fmt: str, journal: bool):
        super().__init__(fmt, datefmt="%Y-%m-%d %H:%M:%S")
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        # One line, and what mail says (names, subjects in reasons) cannot drive the terminal.
        line = visible(redact(super().format(record)).replace("\n", " | "))
        if self.journal:
            return f"<{_PRIORITY.get(record.levelno, 6)}>{line}"
        return line


def under_systemd() -> bool:
    return bool(os.environ.get("JOURNAL_STREAM") or os.environ.get("INVOCATION_ID"))


def configure(level: int = logging.INFO) -> None:
    journal = under_systemd()
    fmt = "%(name)s: %(message)s" if journal else "%(asctime)s %(levelname)-7s %(message)s"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Redacting(fmt, journal))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # imapclient logs protocol lines at DEBUG; it redacts LOGIN, we redact the rest.
    logging.getLogger("imapclient").setLevel(max(level, logging.INFO))
