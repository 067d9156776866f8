"""IMAP adapter (imapclient): connect, UID-based incremental sync, IDLE.

The user's mailbox is read-only to us: folders are SELECTed read-only and
bodies fetched with BODY.PEEK, so no flag ever changes.
"""

from __future__ import annotations

import logging
import ssl

from followup import net
from followup.net import CheckResult
from followup.config import Source
from followup.model import FollowupError

log = logging.getLogger(__name__)


def connect(source: Source, password: str):  # -> imapclient.IMAPClient
    """Connected and logged in, or FollowupError with one line naming host and cause."""
    import imapclient
    from imapclient.exceptions import IMAPClientError, LoginError

    where = f"{source.host}:{source.port}"
    context = net.client_context()
    try:
        client = imapclient.IMAPClient(
            source.host, port=source.port, ssl=source.security == "ssl",
            ssl_context=context, timeout=source.timeout,
        )
    except ssl.SSLError as err:
        raise FollowupError(f"IMAP {where}: {net.describe_tls(err)}") from None
    except OSError as err:
        raise FollowupError(f"IMAP {where}: unreachable ({net.describe_network(err)})") from None
    try:
        if source.security == "starttls":
            try:
                client.starttls(context)
            except ssl.SSLError as err:
                raise FollowupError(f"IMAP {where}: {net.describe_tls(err)}") from None
            except IMAPClientError as err:
                raise FollowupError(f"IMAP {where}: STARTTLS refused ({err})") from None
        try:
            client.login(source.username, password)
        except LoginError:
            raise FollowupError(f"IMAP {where}: login failed for {source.username!r} "
                                "(wrong password? Gmail needs an app password)") from None
    except FollowupError:
        _close_quietly(client)
        raise
    except (OSError, IMAPClientError) as err:
        _close_quietly(client)
        raise FollowupError(f"IMAP {where}: connection lost ({net.describe_network(err)})") from None
    return client



def _close_quietly(client) -> None:
    try:
        client.shutdown()
    except Exception:  # noqa: BLE001 - a dead socket may fail in many ways; we are done with it
        pass


def check(source: Source, password: str) -> CheckResult:
    """reachable, TLS, login, folder — each reported; stops at the first failure."""
    where = f"{source.host}:{source.port}"
    try:
        client = connect(source, password)
    except FollowupError as err:
        return CheckResult(False, (str(err),))
    lines = [f"IMAP {where}: reachable",
             f"IMAP {where}: TLS {'(' + source.security + ')' if source.security != 'none' else 'off (loopback)'}",
             f"IMAP {where}: login ok as {source.username}"]
    try:
        if not client.folder_exists(source.folder):
            lines.append(f"IMAP {where}: folder {source.folder!r} does not exist")
            return CheckResult(False, tuple(lines))
        status = client.folder_status(source.folder, ["MESSAGES"])
        lines.append(f"IMAP {where}: folder {source.folder!r} exists "
                     f"({status[b'MESSAGES']} messages)")
        idle = b"IDLE" in client.capabilities()
        lines.append(f"IMAP {where}: IDLE {'supported' if idle else 'missing: polling'}")
    finally:
        _close_quietly(client)
    return CheckResult(True, tuple(lines))
