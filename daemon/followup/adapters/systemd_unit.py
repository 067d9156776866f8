"""The systemd adapter: sd_notify, and the user unit `followup service install` writes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from followup.adapters.config import xdg_home
from followup.core.model import FollowupError


def notify(*lines: str) -> bool:
    """Send READY=1 / STATUS=… / WATCHDOG=1 to $NOTIFY_SOCKET; False if not under systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto("\n".join(lines).encode("utf-8"), address)
    except OSError:
        return False
    return True


def notifying() -> bool:
    """Does systemd listen for sd_notify (Type=notify)?"""
    return bool(os.environ.get("NOTIFY_SOCKET"))


def watchdog_seconds() -> float | None:
    """Half the watchdog interval systemd asks for, or None."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return int(usec) / 1_000_000 / 2
    except ValueError:
        return None


def unit_text(*, exec_start: str, config_path: Path | None, writable: list[Path]) -> str:
    """The unit, from systemd/followup.service with this install's paths filled in.
    `writable`: the only paths the hardened service may write (database, outbox)."""
    from followup.core import resources

    template = (resources.systemd_dir() / "followup.service").read_text(encoding="utf-8")
    config_arg = f" --config {config_path}" if config_path else ""
    return template.replace("@EXEC_START@", exec_start + config_arg).replace(
        "@WRITABLE@", " ".join(str(p) for p in writable)
    )


def executable() -> str:
    """The `followup` this process runs from (so the unit runs the same install)."""
    found = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if found and found.name == "followup" and found.exists():
        return str(found)
    which = shutil.which("followup")
    if which:
        return which
    return f"{sys.executable} -m followup"


def install(*, config_path: Path | None, writable: list[Path], enable: bool = True) -> Path:
    """Write the user unit, reload systemd, enable and start it."""
    for folder in writable:  # ReadWritePaths= needs them to exist at start
        folder.mkdir(parents=True, exist_ok=True)
    # An empty or relative $XDG_CONFIG_HOME is ignored (it once meant the current folder).
    unit_dir = xdg_home("XDG_CONFIG_HOME", ".config") / "systemd" / "user"
    unit_dir.mkdir(parents=True, exist_ok=True)
    path = unit_dir / "followup.service"
    exec_start = f"{executable()} run"
    path.write_text(
        unit_text(exec_start=exec_start, config_path=config_path, writable=writable),
        encoding="utf-8",
    )
    if enable:
        for args in (["daemon-reload"], ["enable", "--now", "followup.service"]):
            _systemctl(args)
    return path


def _systemctl(args: list[str]) -> None:
    if shutil.which("systemctl") is None:
        raise FollowupError(
            "systemctl not found: this system has no systemd; run "
            "`followup run` from your session's autostart instead"
        )
    result = subprocess.run(
        ["systemctl", "--user", *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise FollowupError(f"systemctl --user {' '.join(args)}: {reason}")
