"""Network helpers shared by the IMAP and SMTP adapters.

One TLS policy (verify certificates, always: `SSL_CERT_FILE`, honoured by
OpenSSL, lets a self-hosted server or the test suite's CA be trusted) and one
way to say what went wrong in a line.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from dataclasses import dataclass


def client_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def describe_tls(err: BaseException) -> str:
    if isinstance(err, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({err.verify_message})"
    if isinstance(err, ssl.SSLError):
        return f"TLS refused ({err.reason or err})"
    return str(err)


def describe_network(err: BaseException) -> str:
    if isinstance(err, socket.timeout):
        return "timed out"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, socket.gaierror):
        return "unknown host"
    return getattr(err, "strerror", None) or str(err) or err.__class__.__name__


@dataclass(frozen=True)
class CheckResult:
    """What `followup check` reports for one server."""

    ok: bool
    lines: tuple[str, ...]


class Deadline:
    """A total time limit on a connection's opening (connect, TLS, greeting, login).

    Per-read socket timeouts never fire on a server that trickles one byte every
    few seconds; this does. Each socket handed to `watch` is shut down when the
    time is up, which wakes any read blocked on it with an error (shutdown acts on
    the connection, so a TLS wrap made later is covered too)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for dup in self._sockets:
                dup.close()
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor: a TLS wrap detaches the original socket object.
        dup = sock.dup()
        with self._lock:
            self._sockets.append(dup)
            if self.expired:
                _shutdown(dup)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for dup in self._sockets:
                _shutdown(dup)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer: nothing left to wake
        sock.shutdown(socket.SHUT_RDWR)
