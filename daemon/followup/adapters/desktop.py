"""Desktop notifications: a courtesy next to the reminder email, never required."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess

log = logging.getLogger(__name__)


def notify(summary: str, body: str = "") -> bool:
    """Show a notification when a desktop session is there; False otherwise."""
    program = shutil.which("notify-send")
    if program is None or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    try:
        result = subprocess.run(
            [program, "--app-name=followup", summary, body[:300]],
            capture_output=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        log.debug("no desktop notification: %s", err)
        return False
    return result.returncode == 0
