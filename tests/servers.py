"""Real mail servers for the integration tests: Dovecot (IMAP) and aiosmtpd (SMTP).

Nothing here is a mock: ``Dovecot`` runs the system's ``dovecot`` binary (2.3.x) with a
private configuration in its own temp dir, on free loopback ports; ``SmtpSink`` runs an
aiosmtpd server in a thread on a free loopback port.  Plain classes, no pytest imports;
the pytest fixtures live in ``tests/conftest.py``.

Works as root (Dovecot then uses the ``dovecot``/``dovenull`` users for its internal and
login processes and ``nobody``/``nogroup`` for the mailboxes) and as a normal user
(everything runs as that user).  Linux only.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import collections
import contextlib
import dataclasses
import email
import email.message
import email.policy
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from imapclient import IMAPClient

__all__ = [
    "Account",
    "BearerLogin",
    "Dovecot",
    "DovecotError",
    "DovecotNotInstalled",
    "ReceivedMessage",
    "SmtpSink",
    "TlsCert",
    "free_port",
]

LOOPBACK = "127.0.0.1"
NOT_INSTALLED = "dovecot-imapd is not installed: run .ci/run or apt-get install dovecot-imapd"
_SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/local/sbin"])


class DovecotError(RuntimeError):
    """Dovecot could not be started / stopped / driven."""


class DovecotNotInstalled(DovecotError):
    pass


def free_port(host: str = LOOPBACK) -> int:
    """A port that was free a moment ago (Dovecot cannot listen on port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _which(name: str) -> str:
    path = shutil.which(name, path=_SBIN_PATH)
    if path is None:
        raise DovecotNotInstalled(NOT_INSTALLED)
    return path


# --------------------------------------------------------------------------- TLS


@dataclass(frozen=True)
class TlsCert:
    """A self-signed cert for CN=localhost, SAN DNS:localhost + IP:127.0.0.1.

    ``certfile`` doubles as the CA file clients must trust (``cafile``).
    """

    certfile: Path
    keyfile: Path

    @property
    def cafile(self) -> Path:
        return self.certfile

    @classmethod
    def generate(cls, directory: str | os.PathLike[str]) -> TlsCert:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        cert, key = directory / "cert.pem", directory / "key.pem"
        openssl = shutil.which("openssl", path=_SBIN_PATH)
        if openssl is None:
            raise RuntimeError("openssl is not installed (needed for the test TLS cert)")
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        os.chmod(cert, 0o644)
        os.chmod(key, 0o600)
        return cls(cert, key)

    def client_context(self) -> ssl.SSLContext:
        """Client-side context that trusts (only) this cert, hostname checked."""
        return ssl.create_default_context(cafile=str(self.certfile))

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.certfile), str(self.keyfile))
        return ctx


# --------------------------------------------------------------------------- process helpers


def _group_alive(pgid: int) -> list[int]:
    """Non-zombie processes in process group ``pgid`` (Linux /proc)."""
    alive = []
    try:
        entries = os.listdir("/proc")
    except OSError:  # pragma: no cover - no /proc
        try:
            os.killpg(pgid, 0)
            return [pgid]
        except ProcessLookupError:
            return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ... ; comm may contain spaces/parens
        rest = stat[stat.rfind(b")") + 2 :].split()
        if len(rest) >= 3 and int(rest[2]) == pgid and rest[0] != b"Z":
            alive.append(int(entry))
    return alive


def _wait_group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if not _group_alive(pgid):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


_RUNNING: set[Dovecot] = set()


@atexit.register
def _kill_leftovers() -> None:  # pragma: no cover - safety net
    for server in list(_RUNNING):
        with contextlib.suppress(Exception):
            server.kill()


# --------------------------------------------------------------------------- Dovecot

_CONFIG = """\
# Generated by tests/servers.py -- a private Dovecot instance for the test suite.
instance_name = {instance_name}
base_dir = {run_dir}
state_dir = {state_dir}
log_path = {log_path}
protocols = imap
listen = 127.0.0.1
login_greeting = {greeting}
login_trusted_networks = 127.0.0.0/8
verbose_proctitle = yes
auth_verbose = yes

default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
first_valid_gid = 1

ssl = yes
ssl_cert = <{certfile}
ssl_key = <{keyfile}

disable_plaintext_auth = no
auth_mechanisms = {auth_mechanisms}
auth_failure_delay = 0
auth_cache_size = 0
{oauth2_passdb}# One passwd-file per user: a new user is a new file, seen at once (a single shared
# file is re-read at most once per second, so a user added right after a login
# would be "unknown" for up to a second).
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users_dir}/%u{password_mechanisms}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users_dir}/%u
}}

mail_location = maildir:~/Maildir
mail_max_userip_connections = 200
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
  mailbox Junk {{
    special_use = \\Junk
    auto = subscribe
  }}
  mailbox Archive {{
    special_use = \\Archive
    auto = subscribe
  }}
}}

service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # no anvil-auth-penalty socket => no per-IP auth penalty (2-15 s delays after
  # failed logins, which would make wrong-password tests slow)
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service pop3-login {{
  chroot =
}}
service submission-login {{
  chroot =
}}
"""


# Dovecot's own oauth2 passdb (2.3): every XOAUTH2/OAUTHBEARER token is checked by a POST
# to the authority's introspection URL (RFC 7662), never cached (force_introspection).
_OAUTH2_PASSDB = """\
# Bearer tokens (XOAUTH2, OAUTHBEARER) go to the oauth2 passdb only; passwords to the
# passwd-file only (without `mechanisms` a token would also be tried as a password).
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {args}
}}
"""

_OAUTH2_CONF = """\
# Generated by tests/servers.py: the oauth2 passdb of the test Dovecot.
introspection_mode = post
introspection_url = {url}
# the default attribute is "email"; the introspection answers "username", which must
# equal the login name
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
"""


class Dovecot:
    """A private Dovecot 2.3 IMAP server on 127.0.0.1.

    ``port``: plain IMAP (STARTTLS offered, plaintext LOGIN allowed);
    ``ssl_port``: IMAPS.  ``cafile``: the self-signed cert to trust.
    ``oauth2_introspection_url``: also offer AUTH=XOAUTH2 and AUTH=OAUTHBEARER, checked
    by Dovecot's oauth2 passdb against that RFC 7662 URL (e.g. ``Authority.introspect_url``);
    the login name must be the token's ``username``.  Passwords keep working (PLAIN/LOGIN).
    """

    host = LOOPBACK
    START_TIMEOUT = 15.0

    def __init__(
        self,
        cert: TlsCert | None = None,
        *,
        parent_dir: str | os.PathLike[str] | None = None,
        port: int | None = None,
        ssl_port: int | None = None,
        oauth2_introspection_url: str | None = None,
    ) -> None:
        self.oauth2_introspection_url = oauth2_introspection_url
        self._dovecot = _which("dovecot")
        self._doveadm = _which("doveadm")
        self.version = self._check_version()
        if parent_dir is None:
            # As root the mail uid (nobody) and the dovecot users must be able to
            # traverse every parent: pytest's tmp base is 0700, so use /tmp.
            parent_dir = "/tmp" if os.geteuid() == 0 else tempfile.gettempdir()
        self.base_dir = Path(tempfile.mkdtemp(prefix="followup-dovecot-", dir=parent_dir))
        os.chmod(self.base_dir, 0o755)
        if os.geteuid() == 0:
            self._check_traversable(self.base_dir)
        self.cert = cert if cert is not None else TlsCert.generate(self.base_dir / "tls")
        self.config_path = self.base_dir / "dovecot.conf"
        self.oauth2_config_path = self.base_dir / "dovecot-oauth2.conf.ext"
        self.users_dir = self.base_dir / "users"
        self.log_path = self.base_dir / "dovecot.log"
        self.stderr_path = self.base_dir / "dovecot.stderr"
        self.run_dir = self.base_dir / "run"
        self.state_dir = self.base_dir / "state"
        self.home_root = self.base_dir / "home"
        for d in (self.state_dir, self.home_root, self.users_dir):
            d.mkdir(mode=0o755)
            os.chmod(d, 0o755)
        self.instance_name = self.base_dir.name  # process titles: followup-dovecot-XXXX/imap
        self.greeting = f"followup-test-dovecot-{secrets.token_hex(6)} ready."
        self._fixed_ports = port is not None or ssl_port is not None
        self.port: int = port or 0
        self.ssl_port: int = ssl_port or 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._users: dict[str, Account] = {}
        self._counter = 0
        self.startup_seconds: float | None = None

        if os.geteuid() == 0:
            self.internal_user, self.internal_group = "dovecot", "dovecot"
            self.login_user = "dovenull"
            self.mail_uid = pwd.getpwnam("nobody").pw_uid
            try:
                self.mail_gid = grp.getgrnam("nogroup").gr_gid
            except KeyError:
                self.mail_gid = grp.getgrnam("nobody").gr_gid
            for user in ("dovecot", "dovenull"):
                try:
                    pwd.getpwnam(user)
                except KeyError as exc:
                    raise DovecotError(f"system user {user!r} missing: {NOT_INSTALLED}") from exc
        else:
            me = pwd.getpwuid(os.getuid())
            self.internal_user = self.login_user = me.pw_name
            self.internal_group = grp.getgrgid(os.getgid()).gr_name
            self.mail_uid, self.mail_gid = os.getuid(), os.getgid()

    # ---------------------------------------------------------------- properties

    @property
    def cafile(self) -> Path:
        return self.cert.cafile

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def ssl_context(self) -> ssl.SSLContext:
        """Client SSL context trusting ``cafile`` (hostname 127.0.0.1 is in the SAN)."""
        return self.cert.client_context()

    # ---------------------------------------------------------------- setup checks

    def _check_version(self) -> str:
        out = subprocess.run([self._dovecot, "--version"], capture_output=True, text=True)
        version = out.stdout.strip().split()[0] if out.stdout.strip() else ""
        m = re.match(r"(\d+)\.(\d+)", version)
        if not m or (int(m.group(1)), int(m.group(2))) != (2, 3):
            raise DovecotError(
                f"tests need Dovecot 2.3.x (config syntax), found {version or out.stderr!r}: "
                "install the Debian 12 package dovecot-imapd (2.3.19)"
            )
        return version

    @staticmethod
    def _check_traversable(path: Path) -> None:
        for parent in [path, *path.parents]:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                raise DovecotError(
                    f"{parent} is not world-traversable (mode {oct(mode & 0o777)}); "
                    "Dovecot's unprivileged processes need +x on every parent of its dir"
                )

    # ---------------------------------------------------------------- config

    def _write_config(self) -> None:
        oauth2 = self.oauth2_introspection_url is not None
        if oauth2:
            self._write_oauth2_config()
        text = _CONFIG.format(
            auth_mechanisms="plain login xoauth2 oauthbearer" if oauth2 else "plain login",
            oauth2_passdb=_OAUTH2_PASSDB.format(args=self.oauth2_config_path) if oauth2 else "",
            password_mechanisms="\n  mechanisms = plain login" if oauth2 else "",
            instance_name=self.instance_name,
            run_dir=self.run_dir,
            state_dir=self.state_dir,
            log_path=self.log_path,
            greeting=self.greeting,
            internal_user=self.internal_user,
            internal_group=self.internal_group,
            login_user=self.login_user,
            certfile=self.cert.certfile,
            keyfile=self.cert.keyfile,
            users_dir=self.users_dir,
            port=self.port,
            ssl_port=self.ssl_port,
        )
        self.config_path.write_text(text)
        os.chmod(self.config_path, 0o644)

    def _write_oauth2_config(self) -> None:
        url = self.oauth2_introspection_url or ""
        if any(c in url for c in "\r\n\0"):
            raise ValueError(f"invalid introspection URL {url!r}")
        self.oauth2_config_path.write_text(_OAUTH2_CONF.format(url=url))
        os.chmod(self.oauth2_config_path, 0o644)

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> Dovecot:
        if self.running:
            raise DovecotError("Dovecot already running")
        t0 = time.monotonic()
        attempts = 1 if self._fixed_ports else 5
        for attempt in range(attempts):
            if not self._fixed_ports:
                self.port, self.ssl_port = free_port(), free_port()
                while self.ssl_port == self.port:
                    self.ssl_port = free_port()
            self._write_config()
            try:
                self._spawn_and_wait()
                break
            except DovecotError as exc:
                if "in use" in str(exc) and attempt + 1 < attempts:
                    continue  # lost a port race: pick new ports
                raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _spawn_and_wait(self) -> None:
        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        argv = [self._dovecot, "-F", "-c", str(self.config_path)]
        setpriv = shutil.which("setpriv", path=_SBIN_PATH)
        if setpriv and threading.current_thread() is threading.main_thread():
            # If the test process dies without running atexit (SIGKILL, CI timeout),
            # the kernel sends SIGTERM to the master (its children follow).  Only from
            # the main thread: the death signal fires when the *forking thread* exits.
            argv = [setpriv, "--pdeathsig", "TERM", *argv]
        with open(self.stderr_path, "ab") as err:
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                start_new_session=True,  # own process group: kill() takes the children too
                close_fds=True,
            )
        _RUNNING.add(self)
        deadline = time.monotonic() + self.START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                rc = self._proc.returncode
                self._forget()
                raise DovecotError(
                    f"dovecot exited with {rc} during start-up:\n" + self._diagnostics(log_offset)
                )
            try:
                greeting = self._read_greeting()
            except OSError as exc:
                last_error = exc
                time.sleep(0.02)
                continue
            if self.greeting not in greeting:
                self.kill()
                raise DovecotError(
                    f"port {self.port} answered with a foreign greeting {greeting!r} "
                    "(another server grabbed the port): address in use"
                )
            return
        self.kill()
        raise DovecotError(
            f"dovecot did not greet on {self.host}:{self.port} within "
            f"{self.START_TIMEOUT}s ({last_error}):\n" + self._diagnostics(log_offset)
        )

    def _read_greeting(self) -> str:
        with socket.create_connection((self.host, self.port), timeout=2) as s:
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    raise ConnectionError("closed before greeting")
                data += chunk
            with contextlib.suppress(OSError):
                s.sendall(b"x LOGOUT\r\n")
            return data.decode("utf-8", "replace")

    def _diagnostics(self, log_offset: int = 0) -> str:
        parts = []
        for path, offset in ((self.stderr_path, 0), (self.log_path, log_offset)):
            try:
                with open(path, "rb") as f:
                    f.seek(offset)
                    tail = f.read()[-4000:].decode("utf-8", "replace")
            except OSError:
                continue
            if tail.strip():
                parts.append(f"--- {path}\n{tail}")
        return "\n".join(parts) or "(no output)"

    def _forget(self) -> None:
        self._proc = None
        _RUNNING.discard(self)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to the whole process group (master + children), wait, reap.

        Signalling only the master also works but takes ~1.1 s (it waits for its
        children); every Dovecot process handles SIGTERM cleanly, so this is ~10 ms.
        """
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        if not _wait_group_gone(proc.pid, timeout):
            self.kill()
            return
        self._forget()

    def kill(self) -> None:
        """SIGKILL the whole process group and reap the master (a zombie master would
        keep master.pid "alive" and block the next start)."""
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if not _wait_group_gone(proc.pid, 10):
            raise DovecotError(f"dovecot processes {_group_alive(proc.pid)} survived SIGKILL")
        self._forget()

    def restart(self) -> Dovecot:
        """Stop and start again on the same ports and data (mail, UIDVALIDITY kept)."""
        self.stop()
        fixed, self._fixed_ports = self._fixed_ports, True
        try:
            return self.start()
        finally:
            self._fixed_ports = fixed

    def cleanup(self) -> None:
        """Stop and delete the temp dir."""
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        return f"<Dovecot {self.host}:{self.port}/{self.ssl_port} pid={self.pid} {self.base_dir}>"

    # ---------------------------------------------------------------- accounts

    def add_user(self, name: str | None = None, password: str | None = None) -> Account:
        """Add a user with a fresh, empty mailbox; usable immediately (one passwd-file
        per user under ``users_dir``, so Dovecot needs no reload)."""
        with self._lock:
            self._counter += 1
            name = name or f"user{self._counter}-{secrets.token_hex(3)}"
            password = password if password is not None else secrets.token_urlsafe(12)
            for value, what in ((name, "name"), (password, "password")):
                if any(c in value for c in ":\n\r\0") or not value:
                    raise ValueError(f"invalid user {what} {value!r}")
            if "/" in name or name.startswith(".") or "%" in name:
                raise ValueError(f"invalid user name {name!r}")
            if name in self._users:
                raise ValueError(f"user {name!r} already exists")
            home = self.home_root / name
            home.mkdir(mode=0o700)
            os.chown(home, self.mail_uid, self.mail_gid)
            line = f"{name}:{{PLAIN}}{password}:{self.mail_uid}:{self.mail_gid}::{home}::\n"
            tmp = self.users_dir / f".{name}.tmp"
            tmp.write_text(line)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.users_dir / name)  # atomic: never half a file
            account = Account(self, name, password, home)
            self._users[name] = account
            return account

    def doveadm(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``doveadm -c <our config> ARGS`` (the server must be running)."""
        out = subprocess.run(
            [self._doveadm, "-c", str(self.config_path), *args],
            capture_output=True,
            text=True,
        )
        if check and out.returncode != 0:
            raise DovecotError(
                f"doveadm {' '.join(args)} failed ({out.returncode}): "
                f"{out.stderr.strip() or out.stdout.strip()}"
            )
        return out

    def connect(self, *, tls: str = "none", timeout: float = 10) -> IMAPClient:
        """An IMAPClient (not logged in).  tls: "none" | "starttls" | "implicit"."""
        if tls == "implicit":
            return IMAPClient(
                self.host,
                port=self.ssl_port,
                ssl=True,
                ssl_context=self.ssl_context(),
                timeout=timeout,
            )
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
        if tls == "starttls":
            client.starttls(self.ssl_context())
        elif tls != "none":
            raise ValueError(tls)
        return client


_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")


@dataclass
class Account:
    """One IMAP user on a ``Dovecot`` server.  Helpers log in over plain IMAP (loopback)."""

    server: Dovecot
    username: str
    password: str
    home: Path

    @property
    def maildir(self) -> Path:
        return self.home / "Maildir"

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def ssl_port(self) -> int:
        return self.server.ssl_port

    def login(self, *, tls: str = "none") -> IMAPClient:
        """A logged-in IMAPClient; use as a context manager (logs out on exit)."""
        client = self.server.connect(tls=tls)
        try:
            client.login(self.username, self.password)
        except Exception:
            client.shutdown()
            raise
        return client

    def append(
        self,
        folder: str,
        raw: bytes,
        flags: Iterable[str | bytes] = (),
        when: datetime | None = None,
    ) -> int:
        """APPEND ``raw`` to ``folder`` and return its UID (from UIDPLUS APPENDUID)."""
        with self.login() as c:
            resp = c.append(folder, raw, flags=tuple(flags), msg_time=when)
        m = _APPENDUID.search(resp)
        if not m:
            raise DovecotError(f"no APPENDUID in {resp!r}")
        return int(m.group(2))

    def create_folder(self, folder: str) -> None:
        with self.login() as c:
            c.create_folder(folder)

    def folders(self) -> list[str]:
        with self.login() as c:
            return [name for _flags, _sep, name in c.list_folders()]

    def uids(self, folder: str = "INBOX") -> list[int]:
        with self.login() as c:
            c.select_folder(folder, readonly=True)
            return sorted(c.search("ALL"))

    def fetch_flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """{uid: flags} -- flags as imapclient returns them, e.g. (b'\\\\Seen',)."""
        with self.login() as c:
            c.select_folder(folder, readonly=True)
            uids = c.search("ALL")
            if not uids:
                return {}
            return {uid: tuple(d[b"FLAGS"]) for uid, d in c.fetch(uids, ["FLAGS"]).items()}

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """Raw messages in UID order (BODY.PEEK[]: does not set \\Seen)."""
        return list(self.messages_by_uid(folder).values())

    def messages_by_uid(self, folder: str = "INBOX") -> dict[int, bytes]:
        with self.login() as c:
            c.select_folder(folder, readonly=True)
            uids = c.search("ALL")
            if not uids:
                return {}
            data = c.fetch(uids, ["BODY.PEEK[]"])
            return {uid: data[uid][b"BODY[]"] for uid in sorted(data)}

    def uidvalidity(self, folder: str = "INBOX") -> int:
        with self.login() as c:
            return int(c.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])

    def change_uidvalidity(self, folder: str = "INBOX", new: int | None = None) -> int:
        """Force a new UIDVALIDITY on ``folder`` (works for INBOX too), server running.

        Uses ``doveadm mailbox update --uid-validity``: messages and their UIDs stay,
        only UIDVALIDITY changes -- what a client sees after a server-side mailbox
        rebuild.  Returns the new value (default: old + 1).
        """
        old = self.uidvalidity(folder)
        new = new if new is not None else old + 1
        if new == old or not 0 < new < 2**32:
            raise ValueError(f"bad new UIDVALIDITY {new} (old {old})")
        self.server.doveadm(
            "mailbox", "update", "-u", self.username, "--uid-validity", str(new), folder
        )
        got = self.uidvalidity(folder)
        if got != new:
            raise DovecotError(f"UIDVALIDITY of {folder} is {got}, wanted {new}")
        return new

    # alias matching the original brief
    set_uidvalidity_change = change_uidvalidity


# --------------------------------------------------------------------------- SMTP sink


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # exactly the DATA payload (CRLF line ends, dot-unstuffed)
    auth_user: str | None = None  # login used with AUTH, None if not authenticated
    tls: bool = False  # STARTTLS or implicit TLS session
    received_at: float = field(default_factory=time.time)

    @property
    def message(self) -> email.message.EmailMessage:
        """Parsed with policy.default after CRLF -> LF (the email package's native
        line end), so ``get_content()`` gives "\n"-terminated text."""
        data = self.data.replace(b"\r\n", b"\n")
        return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class _Fault:
    stage: str  # "GREETING" | "MAIL" | "RCPT" | "DATA"
    kind: str  # "reply" | "drop" | "accept_then_drop" | "accept_then_hold" | "hold" | "trickle"
    reply: str = ""
    hold: float = 0.0


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.sink.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        fault = self.sink._take_fault("MAIL")
        if fault is not None:
            return await self._apply(fault, server)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        fault = self.sink._take_fault("RCPT")
        if fault is not None:
            return await self._apply(fault, server)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        auth_user = None
        if session.authenticated and session.auth_data is not None:
            login = getattr(session.auth_data, "login", None)
            if isinstance(login, bytes):
                auth_user = login.decode("utf-8", "replace")
        msg = ReceivedMessage(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            data=bytes(envelope.original_content or b""),
            auth_user=auth_user,
            tls=session.ssl is not None or self.sink.tls == "implicit",
        )
        fault = self.sink._take_fault("DATA")
        if fault is None:
            self.sink._record(msg)
            return "250 2.0.0 OK: queued"
        if fault.kind == "accept_then_hold":
            # Delivered, but the 250 comes late: a test kills the client meanwhile.
            self.sink._record(msg)
            await asyncio.sleep(fault.hold)
            return "250 2.0.0 OK: queued (late)"
        if fault.kind == "accept_then_drop":
            self.sink._record(msg)
        elif fault.kind == "drop":
            self.sink._record_dropped(msg)
        else:
            self.sink._record_rejected(msg)
        return await self._apply(fault, server)

    @staticmethod
    async def _apply(fault: _Fault, server) -> str:
        if fault.kind == "reply":
            return fault.reply
        if fault.kind == "hold":
            await asyncio.sleep(fault.hold)
            return "451 4.3.0 held by the test"
        # Close the connection without replying; connection_lost() then cancels the
        # session coroutine, so the sleep normally never completes.
        if server.transport is not None:
            server.transport.close()
        await asyncio.sleep(10)
        return "421 4.4.2 connection dropped"


# --------------------------------------------------------------------------- SMTP bearer auth

# A Microsoft-sized token is ~2,000 characters, its XOAUTH2 line ~2,800: aiosmtpd's
# 512-byte command limit (and its 1,001-byte reader limit) would refuse it.
BEARER_COMMAND_LIMIT = 16 * 1024
# What Gmail answers a bad XOAUTH2 token with (the 334 challenge, then 535 5.7.8).
XOAUTH2_ERROR = {"status": "401", "schemes": "bearer", "scope": "https://mail.google.com/"}
BEARER_REFUSED = "535 5.7.8 Username and Password not accepted"


class TokenChecker(Protocol):
    """What the sink needs of an authority (tests/oauth_authority.py's ``Authority``)."""

    base_url: str

    def valid(self, token: str) -> str | None: ...


@dataclass(frozen=True)
class BearerLogin:
    """``session.auth_data`` after a bearer login (never the token itself)."""

    login: bytes
    mechanism: str


def _kv_pairs(fields: list[bytes]) -> dict[bytes, bytes]:
    pairs = {}
    for item in fields:
        key, sep, value = item.partition(b"=")
        if sep:
            pairs[key.lower()] = value
    return pairs


def _bearer(pairs: dict[bytes, bytes]) -> str | None:
    scheme, _, token = pairs.get(b"auth", b"").partition(b" ")
    if scheme.lower() != b"bearer" or not token:
        return None
    return token.strip().decode("ascii", "replace")


def parse_xoauth2(blob: bytes) -> tuple[str, str] | None:
    """``user=U^Aauth=Bearer T^A^A`` -> (user, token), None if malformed."""
    if not blob.endswith(b"\x01\x01"):
        return None
    pairs = _kv_pairs(blob[:-2].split(b"\x01"))
    token = _bearer(pairs)
    if b"user" not in pairs or token is None:
        return None
    return pairs[b"user"].decode("utf-8", "replace"), token


def parse_oauthbearer(blob: bytes) -> tuple[str | None, str] | None:
    """RFC 7628: ``n,a=U,^Aauth=Bearer T^A^A`` -> (authzid or None, token)."""
    if not blob.endswith(b"\x01\x01"):
        return None
    gs2, sep, rest = blob[:-2].partition(b"\x01")
    parts = gs2.split(b",")
    if not sep or len(parts) != 3 or parts[0] not in (b"n", b"y") or parts[2]:
        return None
    user = None
    if parts[1]:
        if not parts[1].startswith(b"a="):
            return None
        user = parts[1][2:].replace(b"=2C", b",").replace(b"=3D", b"=").decode("utf-8", "replace")
    token = _bearer(_kv_pairs(rest.split(b"\x01")))
    return None if token is None else (user, token)


class _BearerHandler(_Handler):
    """``_Handler`` plus AUTH XOAUTH2 / OAUTHBEARER checked against ``sink.authority``
    (aiosmtpd finds ``auth_<MECHANISM>`` methods on the handler)."""

    async def auth_XOAUTH2(self, server, args):  # noqa: N802
        return await self._bearer_auth(server, args, "XOAUTH2")

    async def auth_OAUTHBEARER(self, server, args):  # noqa: N802
        return await self._bearer_auth(server, args, "OAUTHBEARER")

    async def _bearer_auth(self, server, args, mechanism: str):
        from aiosmtpd.smtp import MISSING, AuthResult

        if len(args) == 1:  # no initial response: ask for it
            blob = await server.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False, handled=True)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except ValueError:
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        parsed = parse_xoauth2(blob) if mechanism == "XOAUTH2" else parse_oauthbearer(blob)
        if parsed is None:
            await server.push(f"501 5.5.2 Malformed {mechanism} initial response")
            return AuthResult(success=False, handled=True)
        claimed, token = parsed
        owner = self.sink.authority.valid(token)  # type: ignore[union-attr]
        login = claimed if claimed is not None else owner
        ok = owner is not None and login == owner
        self.sink._record_auth(mechanism, login or "", ok)
        if ok:
            return AuthResult(
                success=True, handled=False, auth_data=BearerLogin(login.encode(), mechanism)
            )
        # Gmail/Microsoft: a 334 error challenge; the client answers "" (XOAUTH2) or
        # "\x01" (OAUTHBEARER, RFC 7628 3.2.3), then 535.
        if mechanism == "XOAUTH2":
            error = XOAUTH2_ERROR
        else:
            well_known = self.sink.authority.base_url + "/.well-known/openid-configuration"  # type: ignore[union-attr]
            error = {"status": "invalid_token", "scope": "mail", "openid-configuration": well_known}
        reply = await server.challenge_auth(json.dumps(error))
        if reply is MISSING:  # "*" or bad base64: challenge_auth has answered already
            return AuthResult(success=False, handled=True)
        return AuthResult(success=False, handled=False, message=BEARER_REFUSED)


class SmtpSink:
    """aiosmtpd server on 127.0.0.1 recording every message.

    tls: "none" (plain; STARTTLS offered if a cert is given), "starttls" (STARTTLS
    offered, required before MAIL if ``require_starttls``), "implicit" (SMTPS).
    AUTH PLAIN/LOGIN is offered without TLS and accepts only ``username``/``password``;
    with ``require_auth`` (default) MAIL FROM is refused (530) until authenticated.
    ``authority`` (an ``Authority``): AUTH XOAUTH2 and OAUTHBEARER are offered too, the
    token must be active there and belong to the user named in the SASL message; a
    refused token gets the 334 JSON error challenge, then ``535 5.7.8``.  Command lines up
    to ``BEARER_COMMAND_LIMIT`` bytes are accepted then (DATA lines keep the 1,000 limit).
    """

    host = LOOPBACK

    def __init__(
        self,
        *,
        username: str = "sender@example.test",
        password: str = "smtp-secret",
        cert: TlsCert | None = None,
        tls: str = "none",
        require_auth: bool = True,
        require_starttls: bool = False,
        authority: TokenChecker | None = None,
    ) -> None:
        if tls not in ("none", "starttls", "implicit"):
            raise ValueError(tls)
        if tls != "none" and cert is None:
            raise ValueError(f"tls={tls!r} needs a cert")
        self.username, self.password = username, password
        self.cert = cert
        self.tls = tls
        self.require_auth = require_auth
        self.require_starttls = require_starttls
        self.authority = authority
        self.port = 0
        self._controller = None
        self._cond = threading.Condition()
        self._messages: list[ReceivedMessage] = []
        self.dropped: list[ReceivedMessage] = []  # drop_next_data(): never delivered
        self.rejected: list[ReceivedMessage] = []  # fail_next(stage="DATA") payloads
        self.auth_attempts: list[tuple[str, bool]] = []  # (login, success)
        self.bearer_attempts: list[tuple[str, str, bool]] = []  # (mechanism, login, success)
        self._faults: deque[_Fault] = deque()
        self.startup_seconds: float | None = None

    @property
    def cafile(self) -> Path | None:
        return self.cert.cafile if self.cert else None

    def ssl_context(self) -> ssl.SSLContext:
        if self.cert is None:
            raise ValueError("sink has no cert")
        return self.cert.client_context()

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP, AuthResult, Session

        sink = self

        class _Session(Session):
            # aiosmtpd 1.4 itself sets the deprecated Session.login_data on every
            # successful AUTH, which emits a DeprecationWarning: silence it.
            @property
            def login_data(self):
                return self._login_data

            @login_data.setter
            def login_data(self, value):
                self._login_data = value

        class _SMTP(SMTP):
            def __init__(self, *args, **kwargs):
                bearer = sink.authority is not None
                if bearer:  # the reader's limit, read once by SMTP.__init__
                    self.line_length_limit = BEARER_COMMAND_LIMIT
                super().__init__(*args, **kwargs)
                if bearer:  # long AUTH lines; DATA lines keep RFC 5321's limit
                    self.line_length_limit = SMTP.line_length_limit
                    self.command_size_limit = BEARER_COMMAND_LIMIT
                    # per instance: SMTP's class-level dict is shared by every server
                    self.command_size_limits = collections.defaultdict(lambda: BEARER_COMMAND_LIMIT)

            def _create_session(self):
                return _Session(self.loop)

            async def _handle_client(self):
                fault = sink._take_fault("GREETING")
                if fault is None:
                    return await super()._handle_client()
                # trickle_greeting_next(): a greeting that never ends, one byte at a time,
                # until the client gives up or `fault.reply` seconds have passed
                end = time.monotonic() + float(fault.reply)
                greeting = b"220-" + b"s" * 100_000
                for i in range(len(greeting)):
                    if self.transport is None or self.transport.is_closing():
                        return None
                    if time.monotonic() > end:
                        break
                    self.transport.write(greeting[i : i + 1])
                    await asyncio.sleep(fault.hold)
                self.transport.close()
                return None

        class _Controller(Controller):
            def factory(self):
                return _SMTP(self.handler, **self.SMTP_kwargs)

            def _trigger_server(self):  # learn the port the kernel gave us (port=0)
                self.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        def authenticator(server, session, envelope, mechanism, auth_data):
            login = getattr(auth_data, "login", b"") or b""
            password = getattr(auth_data, "password", b"") or b""
            ok = login == sink.username.encode() and password == sink.password.encode()
            with sink._cond:
                sink.auth_attempts.append((login.decode("utf-8", "replace"), ok))
            # handled=False is essential: AuthResult defaults to handled=True ("reply
            # already sent"), and a failed AUTH would then get no reply at all.
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        kwargs: dict[str, object] = dict(
            hostname=self.host,
            port=0,
            server_hostname="sink.localhost",  # avoids socket.getfqdn() per connection
            authenticator=authenticator,
            auth_required=False,  # enforced in handle_MAIL (and no insecure-auth warning)
            auth_require_tls=False,
            ready_timeout=10,
        )
        if self.tls == "implicit":
            kwargs["ssl_context"] = self.cert.server_context()  # type: ignore[union-attr]
        elif self.cert is not None:
            kwargs["tls_context"] = self.cert.server_context()
            kwargs["require_starttls"] = self.require_starttls
        t0 = time.monotonic()
        handler = _Handler(self) if self.authority is None else _BearerHandler(self)
        self._controller = _Controller(handler, **kwargs)
        self._controller.start()
        self.port = self._controller.port
        self.startup_seconds = time.monotonic() - t0
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<SmtpSink {self.host}:{self.port} tls={self.tls}>"

    # ---------------------------------------------------------------- recording

    @property
    def messages(self) -> list[ReceivedMessage]:
        """Snapshot of delivered messages (includes accept_then_drop_next ones)."""
        with self._cond:
            return list(self._messages)

    def _record(self, msg: ReceivedMessage) -> None:
        with self._cond:
            self._messages.append(msg)
            self._cond.notify_all()

    def _record_dropped(self, msg: ReceivedMessage) -> None:
        with self._cond:
            self.dropped.append(msg)
            self._cond.notify_all()

    def _record_auth(self, mechanism: str, login: str, ok: bool) -> None:
        with self._cond:
            self.auth_attempts.append((login, ok))
            self.bearer_attempts.append((mechanism, login, ok))

    def _record_rejected(self, msg: ReceivedMessage) -> None:
        with self._cond:
            self.rejected.append(msg)
            self._cond.notify_all()

    def wait_for(self, n: int = 1, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until at least ``n`` messages were delivered; return them all."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._messages) >= n, timeout):
                raise TimeoutError(
                    f"SMTP sink got {len(self._messages)} message(s), wanted {n} within {timeout}s"
                )
            return list(self._messages)

    def clear(self) -> None:
        with self._cond:
            self._messages.clear()
            self.dropped.clear()
            self.rejected.clear()
            self.auth_attempts.clear()
            self.bearer_attempts.clear()

    def reset(self) -> None:
        """clear() + forget pending faults (the per-test fixture calls this)."""
        with self._cond:
            self._faults.clear()
        self.clear()

    # ---------------------------------------------------------------- faults

    def _take_fault(self, stage: str) -> _Fault | None:
        with self._cond:
            for fault in self._faults:
                if fault.stage == stage:
                    self._faults.remove(fault)
                    return fault
        return None

    def _push(self, fault: _Fault, times: int) -> None:
        with self._cond:
            self._faults.extend(dataclasses.replace(fault) for _ in range(times))

    def fail_next(self, code: int, text: str = "", times: int = 1, stage: str = "DATA") -> None:
        """Answer the next ``times`` MAIL/RCPT/DATA commands with ``code text``
        (e.g. 421, 451, 550, 554).  After DATA the payload goes to ``rejected``."""
        stage = stage.upper()
        if stage not in ("MAIL", "RCPT", "DATA"):
            raise ValueError(stage)
        if not 400 <= code <= 599:
            raise ValueError(f"not a failure code: {code}")
        self._push(_Fault(stage, "reply", f"{code} {text or 'injected failure'}"), times)

    def drop_next_data(self, times: int = 1) -> None:
        """Receive the next message's DATA, then close the connection without any reply
        and without delivering it (goes to ``dropped``)."""
        self._push(_Fault("DATA", "drop"), times)

    def hold_next(self, seconds: float = 30.0, stage: str = "MAIL") -> None:
        """Hold the reply to the next MAIL or RCPT for ``seconds`` (then refuse it, 451):
        the window in which a test SIGKILLs the sender before DATA (nothing delivered)."""
        stage = stage.upper()
        if stage not in ("MAIL", "RCPT"):
            raise ValueError(stage)
        self._push(_Fault(stage, "hold", hold=seconds), 1)

    def accept_then_hold_next(self, seconds: float = 30.0) -> None:
        """Deliver the next message, then wait ``seconds`` before the 250 reply:
        the window in which a test SIGKILLs the sender ("accepted, not committed")."""
        self._push(_Fault("DATA", "accept_then_hold", hold=seconds), 1)

    def accept_then_drop_next(self, times: int = 1) -> None:
        """Deliver the next message (it appears in ``messages``), then close the
        connection before the 250 reply: "sent but not acknowledged"."""
        self._push(_Fault("DATA", "accept_then_drop"), times)

    def trickle_greeting_next(self, every: float = 0.5, seconds: float = 30.0) -> None:
        """The next connection gets its 220 greeting one byte every ``every`` seconds,
        never finished: each read succeeds, only a total deadline gives up. After
        ``seconds`` the sink closes the connection."""
        self._push(_Fault("GREETING", "trickle", reply=str(seconds), hold=every), 1)

    @property
    def pending_faults(self) -> int:
        with self._cond:
            return len(self._faults)
