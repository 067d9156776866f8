"""Network helpers shared by the IMAP and SMTP adapters.

One TLS policy (verify certificates, always: `SSL_CERT_FILE`, honoured by
OpenSSL, lets a self-hosted server or the test suite's CA be trusted) and one
way to say what went wrong in a line.
"""

from __future__ import annotations

import socket
import ssl
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
