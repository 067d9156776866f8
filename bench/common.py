"""Shared helpers for the benchmarks (not a test module: pytest only collects tests/).

- puts the repo's tests/ (servers.py, mailgen.py) and daemon/ on sys.path;
- isolates HOME / XDG / state dirs in a temp dir, so no real config, database
  or keyring is touched, here or in a `followup` subprocess;
- writes a followup config for a Dovecot account (plain IMAP on loopback,
  `file` transport);
- reads kernel TCP counters (TCP_INFO) for a socket: bytes received from the
  server and bytes sent to it, as the kernel counted them (TCP payload, no
  headers), independent of any Python-level bookkeeping.
"""

from __future__ import annotations

import os
import socket
import statistics
import struct
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for sub in ("tests", "daemon"):
    p = str(REPO / sub)
    if p not in sys.path:
        sys.path.insert(0, p)

ME = "sam.seeker@example.net"
VENV_BIN = Path(sys.executable).parent
FOLLOWUP = str(VENV_BIN / "followup")


def isolate(root: Path) -> dict[str, str]:
    """Point HOME/XDG/state at `root` for this process (and return the env for children)."""
    home = root / "home"
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "FOLLOWUP_STATE_DIR": str(home / "state" / "followup"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    for v in env.values():
        if v.startswith(str(home)):
            Path(v).mkdir(parents=True, exist_ok=True)
    for name in (
        "FOLLOWUP_CONFIG",
        "CREDENTIALS_DIRECTORY",
        "NOTIFY_SOCKET",
        "WATCHDOG_USEC",
        "WATCHDOG_PID",
        "JOURNAL_STREAM",
        "INVOCATION_ID",
    ):
        os.environ.pop(name, None)
    os.environ.update(env)
    return dict(os.environ)


def write_config(path: Path, account, *, lookback_days: int = 14) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        textwrap.dedent(f"""\
        [me]
        name = "Sam Seeker"
        email = "{ME}"
        aliases = ["sam@seeker.example"]
        timezone = "America/Chicago"
        country = "US"

        [source]
        kind = "imap"
        host = "127.0.0.1"
        port = {account.port}
        security = "none"
        username = "{account.username}"
        lookback_days = {lookback_days}
        timeout = 60

        [transport]
        kind = "file"
        path = "{path.parent / "outbox"}"

        [storage]
        path = "{path.parent / "followup.db"}"
        """),
        encoding="utf-8",
    )
    return path


# --- kernel TCP counters --------------------------------------------------------

# struct tcp_info (linux/tcp.h): 8 bytes of u8 fields, 24 u32 (96 bytes), then
# u64 pacing_rate @104, max_pacing_rate @112, bytes_acked @120, bytes_received @128
# (Linux >= 4.1 / 4.2).  bytes_acked = what we sent and the peer acknowledged.
_TCP_INFO_LEN = 232


def tcp_bytes(sock: socket.socket) -> tuple[int, int]:
    """(bytes received from the peer, bytes sent and acked) on this TCP socket."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_LEN)
    if len(info) < 136:
        raise RuntimeError("kernel tcp_info too short for bytes_received (Linux >= 4.2 needed)")
    acked, received = struct.unpack_from("=QQ", info, 120)
    # bytes_acked counts the SYN as 1 byte; harmless for deltas, subtract for totals.
    return received, max(0, acked - 1)


# --- figures -----------------------------------------------------------------------


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, q):
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append(
            "  ".join(
                str(c).rjust(w) if i else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(out)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"
