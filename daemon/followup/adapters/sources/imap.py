"""IMAP adapter (imapclient): connect, UID-based incremental sync, IDLE.

The user's mailbox is read-only to us: folders are SELECTed read-only and
bodies fetched with BODY.PEEK, so no flag ever changes.
"""

from __future__ import annotations

import contextlib
import logging
import re
import ssl
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from followup.adapters import net
from followup.adapters.config import Source
from followup.adapters.net import CheckResult
from followup.adapters.sources import PEEK_BYTES, Incoming, Seen, Wanted, imap_parts
from followup.core import oauth
from followup.core.detect import UNREAD_FIELDS
from followup.core.model import FollowupError, SyncPosition

if TYPE_CHECKING:
    from followup.adapters.oauth import Login

log = logging.getLogger(__name__)


def connect(source: Source, login: Login | str):  # -> imapclient.IMAPClient
    """Connected and logged in, or FollowupError with one line naming host and cause.
    Connect, TLS, greeting and login together take at most `timeout` seconds."""
    where = f"{source.host}:{source.port}"
    if isinstance(login, str):
        from followup.adapters.oauth import PasswordLogin

        login = PasswordLogin(login)
    with net.Deadline(source.timeout) as deadline:
        try:
            return _open(source, login, deadline)
        except FollowupError:
            if deadline.expired:
                raise FollowupError(f"IMAP {where}: {_too_slow(source)}") from None
            raise
        except Exception as err:  # noqa: BLE001 - imaplib's errors on a cut socket vary
            if deadline.expired:
                raise FollowupError(f"IMAP {where}: {_too_slow(source)}") from None
            raise FollowupError(
                f"IMAP {where}: connection lost ({net.describe_network(err)})"
            ) from None


def _too_slow(source: Source) -> str:
    return (
        f"no greeting and login within {source.timeout} s "
        "(server stalled or trickling; see [source] timeout)"
    )


def _open(source: Source, login: Login, deadline: net.Deadline):
    from imapclient.exceptions import IMAPClientError, LoginError

    where = f"{source.host}:{source.port}"
    context = net.client_context()
    try:
        client = _client_class(deadline)(
            source.host,
            port=source.port,
            ssl=source.security == "ssl",
            ssl_context=context,
            timeout=source.timeout,
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
        if login.method == "oauth2":
            _oauth_login(client, source, login)
        else:
            try:
                client.login(source.username, login.secret())
            except LoginError as err:
                raise _refused(source, str(err), "password") from None
    except FollowupError:
        _close_quietly(client)
        raise
    except (OSError, IMAPClientError) as err:
        _close_quietly(client)
        raise FollowupError(
            f"IMAP {where}: connection lost ({net.describe_network(err)})"
        ) from None
    return client


def _oauth_login(client, source: Source, login: Login) -> None:
    """AUTHENTICATE OAUTHBEARER where the server offers it, else XOAUTH2. A token
    refused is refreshed once and tried once more; then the login fails."""
    from imapclient.exceptions import LoginError

    where = f"{source.host}:{source.port}"
    offered = oauth.imap_mechanisms(client.capabilities())
    mechanism = oauth.choose_mechanism(offered)
    if mechanism is None:
        raise FollowupError(
            f"IMAP {where}: the server offers no OAuth login (AUTH={' '.join(offered) or 'none'}); "
            'use auth = "password"'
        )
    for attempt in (1, 2):
        token = login.secret()
        try:
            if mechanism == oauth.OAUTHBEARER:
                client.oauthbearer_login(source.username, token)
            else:
                client.oauth2_login(source.username, token)
            client.followup_login = mechanism  # for `followup check`
            return
        except LoginError as err:
            if attempt == 1 and login.refused(token):
                log.info("IMAP %s: access token refused; refreshing it once", where)
                continue
            raise _refused(source, str(err), "oauth2") from None


def _refused(source: Source, answer: str, method: str) -> FollowupError:
    hint = oauth.auth_failure_hint(source.host, answer, method)
    return FollowupError(
        f"IMAP {source.host}:{source.port}: login failed for {source.username!r} ({hint})"
    )


def _client_class(deadline: net.Deadline):
    """IMAPClient whose socket `deadline` watches from before the TLS handshake and
    the greeting (imapclient opens the connection inside its constructor)."""
    import socket

    import imapclient
    from imapclient import imap4, tls

    class Plain(imap4.IMAP4WithTimeout):
        def _create_socket(self, timeout=None):
            sock = super()._create_socket(timeout)
            deadline.watch(sock)
            return sock

    class Tls(tls.IMAP4_TLS):
        def _create_socket(self, timeout=None):
            sock = socket.create_connection(
                (self.host, self.port), timeout=timeout or self._timeout
            )
            deadline.watch(sock)
            return tls.wrap_socket(sock, self.ssl_context, self.host)

    class Client(imapclient.IMAPClient):
        def _create_IMAP4(self):  # noqa: N802 - imapclient's name
            connect = self._timeout.connect
            if self.ssl:
                return Tls(self.host, self.port, self.ssl_context, connect)
            return Plain(self.host, self.port, connect)

    return Client


def _close_quietly(client) -> None:
    # A dead socket may fail in many ways; we are done with it.
    with contextlib.suppress(Exception):
        client.shutdown()


def check(source: Source, login: Login | str) -> CheckResult:
    """reachable, TLS, login, folder — each reported; stops at the first failure."""
    where = f"{source.host}:{source.port}"
    try:
        client = connect(source, login)
    except FollowupError as err:
        return CheckResult(False, (str(err),))
    tls = f"({source.security})" if source.security != "none" else "off (loopback)"
    lines = [
        f"IMAP {where}: reachable",
        f"IMAP {where}: TLS {tls}",
        f"IMAP {where}: login ok as {source.username} "
        f"({getattr(client, 'followup_login', 'password')})",
    ]
    try:
        if not client.folder_exists(source.folder):
            lines.append(f"IMAP {where}: folder {source.folder!r} does not exist")
            return CheckResult(False, tuple(lines))
        status = client.folder_status(source.folder, ["MESSAGES"])
        lines.append(
            f"IMAP {where}: folder {source.folder!r} exists ({status[b'MESSAGES']} messages)"
        )
        idle = b"IDLE" in client.capabilities()
        lines.append(f"IMAP {where}: IDLE {'supported' if idle else 'missing: polling'}")
    finally:
        _close_quietly(client)
    return CheckResult(True, tuple(lines))


# --- the watcher -------------------------------------------------------------

FETCH_CHUNK = 500  # UIDs per header FETCH: bounded memory on a first sync of 50,000
BODY_BATCH_BYTES = 16 * 1024 * 1024  # candidate bodies per FETCH, by RFC822.SIZE
IDLE_RENEW_SECONDS = 9 * 60  # servers and NAT boxes drop quiet connections early
SEARCH_AT_LEAST_EVERY = 5 * 60  # seconds: a quiet cycle still searches this often


class ImapSource:
    """One connection per account: sync by UID, IDLE between passes.

    The last-seen UID only grows (RFC 3501: `UID FETCH n:*` returns the highest
    UID even when it is below n), and a UIDVALIDITY change resyncs the lookback
    window; de-duplication by Message-ID keeps that from recording twice.
    """

    def __init__(self, source: Source, login: Login | str, *, clock):
        self.cfg = source
        self.login = login
        self.clock = clock  # () -> aware datetime; only for the lookback window
        self.folder = f"imap:{source.folder}"
        self.client = None
        self._selected_on = None  # the connection our folder is selected on
        self._selected_info: dict = {}
        # Something may have arrived that no SEARCH has looked for yet (the server
        # announced it, or we could not hear: a new connection, a wait without IDLE).
        self._unsearched = True
        self._searched_monotonic = 0.0
        self.commands = 0  # IMAP commands issued (bench/)

    # connection -------------------------------------------------------------

    def _connected(self):
        if self.client is None:
            self.client = connect(self.cfg, self.login)
            self.commands += 2
        return self.client

    def drop(self) -> None:
        """Forget a connection that failed; the next call reconnects."""
        if self.client is not None:
            _close_quietly(self.client)
        self.client = None
        self._selected_on = None
        self._unsearched = True

    def _searched(self) -> None:
        self._unsearched = False
        self._searched_monotonic = time.monotonic()

    def _search_due(self) -> bool:
        """Search anyway: something may be unannounced, or the last search is old (a
        bound on any announcement missed; servers send them, proxies may drop them)."""
        stale = time.monotonic() - self._searched_monotonic > SEARCH_AT_LEAST_EVERY
        return self._unsearched or stale

    def _select(self, client):
        """EXAMINE the folder once per connection. Re-selecting costs time in
        proportion to the mailbox (31 ms at 50,000 messages on Dovecot); a kept
        selection makes a quiet cycle one cheap UID SEARCH. A server cannot change
        UIDVALIDITY under a selected mailbox without closing the connection.
        Returns (the SELECT response, whether it is fresh)."""
        if self._selected_on is client:
            return self._selected_info, False
        self._selected_info = client.select_folder(self.cfg.folder, readonly=True)
        self._selected_on = client
        self.commands += 1
        return self._selected_info, True

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):  # closing a connection that may be dead
                self.client.logout()
        self.drop()

    def _guard(self, action, *, retry: bool = True):
        """Run one IMAP exchange. A connection that went stale while we slept (server
        restart, NAT timeout) is replaced once; a second failure is reported."""
        from imapclient.exceptions import IMAPClientError

        reused = self.client is not None
        try:
            return action(self._connected())
        except (OSError, IMAPClientError) as err:
            self.drop()
            if reused and retry:
                log.info(
                    "IMAP %s: connection went stale (%s); reconnecting",
                    self.cfg.host,
                    net.describe_network(err),
                )

                def again(c):  # a new connection has nothing selected yet
                    self._select(c)
                    return action(c)

                return self._guard(again)
            raise FollowupError(
                f"IMAP {self.cfg.host}:{self.cfg.port}: "
                f"connection lost ({net.describe_network(err)})"
            ) from None

    # sync -------------------------------------------------------------------

    def fetch_new(self, seen: Seen, wanted: Wanted) -> Iterator[Incoming]:

        info, fresh = self._guard(self._select)
        if not fresh:
            # NOOP makes the server announce (EXISTS, EXPUNGE) what changed since our
            # last command; with nothing announced since the last SEARCH, a quiet cycle
            # ends here: one round trip, at any mailbox size (re-EXAMINE is not cheap).
            _, responses = self._guard(lambda c: c.noop())
            self.commands += 1
            announced = _announced(self.client, responses) if self.client else True
            info, fresh = self._guard(self._select)  # reconnected meanwhile? fresh again
            if not (fresh or announced or self._search_due()):
                return
        uidvalidity = int(info[b"UIDVALIDITY"])
        uidnext = info.get(b"UIDNEXT") if fresh else None
        row = seen.position
        if row is None or row.uidvalidity != uidvalidity or _past(row, uidnext):
            if row is not None and row.uidvalidity != uidvalidity:
                log.warning(
                    "IMAP %s: UIDVALIDITY changed (%s -> %s): rescanning the last %d days",
                    self.cfg.folder,
                    row.uidvalidity,
                    uidvalidity,
                    self.cfg.lookback_days,
                )
            elif row is not None:
                # A mailbox restored under the same UIDVALIDITY: waiting for UIDs the
                # server has not given yet would read nothing till then.
                log.warning(
                    "IMAP %s: stored position %s is past the server's UIDNEXT %s: "
                    "rescanning the last %d days",
                    self.cfg.folder,
                    row.last_uid,
                    uidnext,
                    self.cfg.lookback_days,
                )
            since = self._window_start()
            self._searched()
            uids = self._guard(lambda c: c.search(["SINCE", since]))
            self.commands += 1
            # Start just below the window, so a first sync cut short resumes inside
            # it rather than reading the whole mailbox from UID 1.
            start = min(uids) - 1 if uids else max(0, int(info.get(b"UIDNEXT", 1)) - 1)
            seen.rescan(SyncPosition(uidvalidity, start))
        else:
            last = int(row.last_uid)
            self._searched()  # the EXAMINE's UIDNEXT, or the SEARCH below
            if uidnext is not None and int(uidnext) <= last + 1:
                return  # nothing new: the EXAMINE we needed anyway said so
            uids = [
                u for u in self._guard(lambda c: c.search(["UID", f"{last + 1}:*"])) if u > last
            ]
            self.commands += 1
        self.uidvalidity = uidvalidity
        seen.backlog(len(uids))
        for start in range(0, len(uids), FETCH_CHUNK):
            yield from self._fetch_chunk(
                sorted(uids)[start : start + FETCH_CHUNK], uidvalidity, wanted
            )

    def _window_start(self):
        """The first day of the lookback window, counted from the earlier of our clock
        and the newest message's INTERNALDATE (the server's clock): a clock running
        ahead must not put the window after all the mail. A clock running behind only
        makes the window longer, which misses nothing."""
        from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

        def newest(c):
            try:
                last = c.search(["UID", "*"])  # the message with the highest UID
            except IMAPClientAbortError:
                raise
            except IMAPClientError:  # an empty mailbox: `*` names no message
                return {}
            return c.fetch(last[-1:], ["INTERNALDATE"]) if last else {}

        anchor = self.clock().date()
        found = self._guard(newest)
        self.commands += 2
        for data in found.values():
            when = data.get(b"INTERNALDATE")
            if when is not None and when.date() < anchor:
                log.warning(
                    "IMAP %s: our clock (%s) is ahead of the newest message (%s): "
                    "the lookback window counts from the message",
                    self.cfg.folder,
                    anchor,
                    when.date(),
                )
                anchor = when.date()
        return anchor - timedelta(days=self.cfg.lookback_days)

    def _fetch_chunk(self, uids, uidvalidity, wanted):
        """Headers of the chunk in one FETCH; the top of the text of replies the header
        leaves open (one more FETCH); candidates' text and calendar parts in byte-bounded
        FETCHes, fetched only when the pipeline reaches them, each dropped once yielded."""
        heads = self._guard(lambda c: _fetch_heads(c, uids))
        self.commands += 1
        verdicts = {}
        for uid in uids:
            data = heads.get(uid, {})
            verdicts[uid] = _calendar_in(data) or wanted(data.get(b"BODY[HEADER]", b""))
            if verdicts[uid] is not False:  # its parts are looked at: parse its structure
                _parse_structure(data)
        self._peek(heads, verdicts)
        notes, sizes, plans, pending = {}, {}, {}, []
        cap = self.cfg.max_message_bytes
        for uid in uids:
            data = heads.get(uid, {})
            sizes[uid] = int(data.get(b"RFC822.SIZE", 0))
            if verdicts[uid] is not True:
                notes[uid] = "not a candidate"
            elif sizes[uid] > cap:
                notes[uid] = _too_large(sizes[uid], self.cfg.max_message_mb)
            else:
                plans[uid] = imap_parts.plan(data.get(b"BODYSTRUCTURE"))
                pending.append(uid)
        candidates = set(pending)
        bodies: dict = {}
        for uid in uids:
            header = heads.pop(uid, {}).get(b"BODY[HEADER]", b"")
            raw, note = None, notes.get(uid, "")
            if uid in candidates:
                if uid not in bodies:
                    bodies = self._fetch_bodies(_next_batch(pending, sizes, plans), plans)
                raw = _rebuilt(header, plans[uid], bodies.pop(uid, {}))
                if raw is None:
                    note = "vanished"
                elif len(raw) > cap:  # the server's RFC822.SIZE was missing or wrong
                    raw, note = None, _too_large(len(raw), self.cfg.max_message_mb)
            if note.startswith("too large"):
                log.warning("%s %s:%s: skipped: %s", self.folder, uidvalidity, uid, note)
            msg = Incoming(
                self.folder,
                f"{uidvalidity}:{uid}",
                header,
                raw,
                note,
                SyncPosition(uidvalidity, uid),
                record=note.startswith("too large"),
            )
            raw = None  # the body lives only in `msg`: freed once the pipeline drops it
            yield msg
            del msg

    def _peek(self, heads: dict, verdicts: dict) -> None:
        """Settle the verdicts that are a Peek: read the first PEEK_BYTES of each such
        message's first text part (one FETCH per distinct section) and ask the Peek."""
        tops = {}
        for uid, verdict in verdicts.items():
            if callable(verdict):
                top = imap_parts.first_text(heads.get(uid, {}).get(b"BODYSTRUCTURE"))
                if top is None:
                    verdicts[uid] = False  # no text to look at: nothing to read either
                else:
                    tops[uid] = top
        for item, group in _grouped(tops, lambda top: top.item(PEEK_BYTES)).items():
            answers = self._guard(lambda c, g=group, i=item: c.fetch(g, [i]))
            self.commands += 1
            for uid in group:
                verdicts[uid] = bool(verdicts[uid](tops[uid].text(answers.get(uid, {}))))

    def _fetch_bodies(self, batch: list[int], plans: dict) -> dict:
        """The planned sections of each message of the batch (one FETCH per distinct set
        of sections), or the whole message where there is no plan."""
        items = {uid: plans[uid].items if plans[uid] else ("BODY.PEEK[]",) for uid in batch}
        bodies: dict = {}
        for wanted, group in _grouped(items, lambda i: i).items():
            if not wanted:  # nothing readable in it: its header is all there is
                bodies.update({uid: {} for uid in group})
                continue
            got = self._guard(lambda c, g=group, w=wanted: c.fetch(g, list(w)))
            self.commands += 1
            bodies.update(got)
        return bodies

    # waiting ----------------------------------------------------------------

    def wait(self, seconds: float) -> bool:
        """Sleep until new mail (IDLE) or `seconds`; True if something may have arrived."""
        seconds = max(0.0, min(seconds, IDLE_RENEW_SECONDS))
        client = self._connected()
        if b"IDLE" not in self._guard(lambda c: c.capabilities()):
            time.sleep(min(seconds, self.cfg.poll_interval))
            self._unsearched = True  # polling: no announcement to go by
            return True
        self._guard(self._select)

        def idle(c):
            c.idle()
            responses = []
            try:
                responses = c.idle_check(timeout=seconds)
            finally:
                # A dead peer would make idle_done() wait forever: the socket
                # timeout set at connect turns that into an error we handle.
                _, after = c.idle_done()  # what arrived between the check and DONE
            return [*responses, *after]

        responses = self._guard(idle)
        self.commands += 2  # IDLE, DONE
        news = _announced(client, responses)
        self._unsearched = self._unsearched or news
        del client
        return news

    # our own messages -------------------------------------------------------

    def _sent_folder(self, client) -> str | None:
        import imapclient.imapclient

        return client.find_special_folder(imapclient.imapclient.SENT)

    def append_sent(self, raw: bytes) -> None:
        """File a copy of a message we sent in the \\Sent folder (never two copies)."""
        import imapclient.imapclient

        def append(c):
            folder = self._sent_folder(c)
            if folder is None:
                raise FollowupError("IMAP: no \\Sent folder to keep a copy in")
            c.append(folder, raw, flags=[imapclient.imapclient.SEEN])

        # Never retried on a fresh connection: the server may have stored it already,
        # and a second copy in Sent is what save_sent promises never to make.
        self._guard(append, retry=False)

    def find_sent(self, message_id: str) -> bool | None:
        """Is a message with this Message-ID in the Sent folder? None: cannot tell."""

        def find(c):
            folder = self._sent_folder(c)
            if folder is None:
                return None
            self._selected_on = None  # we leave the watched folder: select it again later
            c.select_folder(folder, readonly=True)
            found = c.search(["HEADER", "Message-ID", message_id])
            return bool(found)

        return self._guard(find)


_CHANGES = (b"EXISTS", b"RECENT", b"EXPUNGE")


def _announced(client, responses) -> bool:
    """Did the server announce a change of the mailbox: in these parsed responses, or in
    the untagged ones imaplib kept from earlier commands (an EXISTS that came with a
    FETCH reply)? Those kept ones are taken, so each announcement counts once."""
    kept = getattr(getattr(client, "_imap", None), "untagged_responses", None)
    held = isinstance(kept, dict) and any(
        [kept.pop(name, None) for name in ("EXISTS", "RECENT", "EXPUNGE")]
    )
    return held or any(len(r) > 1 and r[1] in _CHANGES for r in responses)


def _past(position: SyncPosition, uidnext) -> bool:
    """Is the stored position beyond what the server has given out (UIDNEXT - 1)?"""
    return uidnext is not None and int(position.last_uid) >= int(uidnext)


def _next_batch(pending: list[int], sizes: dict[int, int], plans: dict) -> list[int]:
    """Take the next candidates off `pending`, at most BODY_BATCH_BYTES of them by the
    size of what is fetched of each (always at least one)."""
    batch: list[int] = []
    total = 0

    def size(uid: int) -> int:
        return plans[uid].size if plans.get(uid) else sizes[uid]

    while pending and (not batch or total + size(pending[0]) <= BODY_BATCH_BYTES):
        total += size(pending[0])
        batch.append(pending.pop(0))
    return batch


def _grouped(by_uid: dict, key) -> dict:
    """UIDs grouped by key(value): one FETCH asks the same items of every UID in it."""
    groups: dict = {}
    for uid, value in by_uid.items():
        groups.setdefault(key(value), []).append(uid)
    return groups


def _rebuilt(header: bytes, plan: imap_parts.Plan | None, answer: dict) -> bytes | None:
    """The message as fetched: whole, or rebuilt from the planned sections."""
    if plan is None:
        return answer.get(b"BODY[]")
    return plan.rebuild(header, answer) if header else None


def _too_large(size: int, cap_mb: int) -> str:
    return f"too large ({size} bytes; [source] max_message_mb = {cap_mb})"


# --- the header FETCH, its BODYSTRUCTUREs parsed only where they are needed ------------
#
# imapclient parses every BODYSTRUCTURE into nested tuples: most of a first sync's IMAP
# time, for structures of which only "is there a calendar in it?" is asked. So the FETCH
# goes through imaplib, and a response of the usual shape (Dovecot's, among others) is
# cut by one bounded regex; the structure stays bytes until a candidate needs its parts.
# Any other shape (a literal inside a structure, another item order) is parsed by
# imapclient as before.

# Trace fields (hops, signatures, seals, spam verdicts) are most of a real header's bytes
# and nothing of followup reads them (`detect.UNREAD_FIELDS`; the sender checks read
# Authentication-Results, which comes): the server leaves them out (HEADER.FIELDS.NOT,
# IMAP4rev1), so a first sync downloads what it reads.
_HEAD_SECTION = f"HEADER.FIELDS.NOT ({' '.join(f.upper() for f in UNREAD_FIELDS)})"
_HEAD_ITEMS = f"(UID RFC822.SIZE BODYSTRUCTURE BODY.PEEK[{_HEAD_SECTION}])"
_HEAD_RESPONSE = re.compile(
    rb"(\d+) \(UID (\d+) RFC822\.SIZE (\d+) BODYSTRUCTURE (\(.*\)) "
    rb"BODY\[HEADER\.FIELDS\.NOT \([-A-Za-z0-9 ]*\)\] \{\d+\}",
    re.S,
)
_RAW = b"BODYSTRUCTURE-RAW"  # the unparsed structure, in the message's FETCH data


def _fetch_heads(client, uids: list[int]) -> dict:
    """{uid: {b"BODY[HEADER]", b"RFC822.SIZE", b"BODYSTRUCTURE" or _RAW}} of `uids`;
    b"BODY[HEADER]" holds the header without its UNREAD_FIELDS."""
    from imapclient.exceptions import IMAPClientError
    from imapclient.response_parser import parse_fetch_response

    typ, data = client._imap.uid("FETCH", ",".join(map(str, uids)), _HEAD_ITEMS)
    if typ != "OK":
        raise IMAPClientError(f"FETCH failed: {data!r:.200}")
    found = _cut_heads(data)
    if found is None:
        found = parse_fetch_response(data, normalise_times=True, uid_is_key=True)
        for item in found.values():
            item[b"BODY[HEADER]"] = _header_of(item)
    return found


def _header_of(item: dict) -> bytes:
    """The header section of an imapclient FETCH item, whatever key the server echoed."""
    for key, value in item.items():
        if isinstance(key, bytes) and key.upper().startswith(b"BODY[HEADER") and value:
            return bytes(value)
    return b""


def _cut_heads(data: list) -> dict | None:
    """The usual shape only: per message a (prefix, header literal) pair and b")"."""
    found: dict = {}
    if len(data) % 2:
        return None
    for first, last in zip(data[::2], data[1::2], strict=True):
        if not (isinstance(first, tuple) and len(first) == 2 and last == b")"):
            return None
        prefix, header = first
        match = _HEAD_RESPONSE.fullmatch(prefix) if isinstance(prefix, bytes) else None
        if match is None or not isinstance(header, bytes):
            return None
        found[int(match[2])] = {
            b"SEQ": int(match[1]),
            b"RFC822.SIZE": int(match[3]),
            _RAW: match[4],
            b"BODY[HEADER]": header,
        }
    return found


def _parse_structure(data: dict) -> None:
    """The raw structure of one message parsed as imapclient would (in place)."""
    from imapclient.response_parser import parse_fetch_response

    raw = data.pop(_RAW, None)
    if raw is None:
        return
    parsed = parse_fetch_response([b"1 (UID 1 BODYSTRUCTURE " + raw + b")"])
    data[b"BODYSTRUCTURE"] = parsed[1].get(b"BODYSTRUCTURE")


def _calendar_in(data: dict) -> bool:
    raw = data.get(_RAW)
    if raw is not None:
        text = raw.lower()
        return b'"calendar"' in text or b'"ics"' in text or b'.ics"' in text
    return _has_calendar(data.get(b"BODYSTRUCTURE"))


def _has_calendar(structure) -> bool:
    """Does a BODYSTRUCTURE hold a calendar part or an .ics attachment?"""
    # The subtype is a quoted atom in the structure: 'calendar' or 'ics'.
    text = repr(structure).lower()
    return "'calendar'" in text or "'ics'" in text or ".ics'" in text
