"""Shared pytest fixtures."""

# ============================================================================
# BEGIN mail-server fixtures (real Dovecot + aiosmtpd; helpers in tests/servers.py)
# ----------------------------------------------------------------------------
# dovecot       session   Dovecot 2.3 on 127.0.0.1 (.port plain+STARTTLS, .ssl_port IMAPS)
# imap_account  function  a fresh, isolated Account on that server
# tls_cert      session   self-signed cert (CN/SAN localhost, 127.0.0.1) shared by all
# smtp_sink     session   SmtpSink (plain, STARTTLS offered, AUTH PLAIN/LOGIN)
# smtp          function  smtp_sink, cleared and with faults reset for each test
# smtps_sink    session   SmtpSink with implicit TLS (SMTPS)
# smtps         function  smtps_sink, cleared and with faults reset for each test
# OAuth2 (tests/oauth_authority.py; one authority per session, reset per test):
# session_authority  session   the Authority the oauth2 Dovecot introspects against
# authority          function  session_authority reset: fresh user, no tokens, counters 0
# oauth_dovecot      session   Dovecot with XOAUTH2/OAUTHBEARER (oauth2 passdb) + passwords
# oauth_account      function  an account on oauth_dovecot named authority.username
# oauth_smtp_sink    session   SmtpSink with AUTH XOAUTH2/OAUTHBEARER against the authority
# oauth_smtp         function  oauth_smtp_sink reset, username = authority.username
# ============================================================================
import itertools
import secrets
from collections.abc import Iterator

import pytest
from oauth_authority import Authority
from servers import Account, Dovecot, DovecotError, SmtpSink, TlsCert


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> TlsCert:
    return TlsCert.generate(tmp_path_factory.mktemp("tls"))


def _served_dovecot(**options) -> Iterator[Dovecot]:
    """A started Dovecot for a session fixture, cleaned up after it."""
    try:
        server = Dovecot(**options)
    except DovecotError as exc:  # not installed / wrong version: fail, never skip
        pytest.fail(str(exc), pytrace=False)
    try:
        server.start()
    except BaseException:
        server.cleanup()
        raise
    try:
        yield server
    finally:
        server.cleanup()  # stop (SIGTERM the process group, reap) + rm -r base_dir


@pytest.fixture(scope="session")
def dovecot(tls_cert: TlsCert) -> Iterator[Dovecot]:
    yield from _served_dovecot(cert=tls_cert)


@pytest.fixture
def imap_account(dovecot: Dovecot) -> Account:
    if not dovecot.running:  # an earlier test stopped/killed it and failed
        dovecot.start()
    return dovecot.add_user()


@pytest.fixture(scope="session")
def smtp_sink(tls_cert: TlsCert) -> Iterator[SmtpSink]:
    with SmtpSink(cert=tls_cert) as sink:
        yield sink


@pytest.fixture
def smtp(smtp_sink: SmtpSink) -> Iterator[SmtpSink]:
    smtp_sink.reset()
    yield smtp_sink
    smtp_sink.reset()


@pytest.fixture(scope="session")
def smtps_sink(tls_cert: TlsCert) -> Iterator[SmtpSink]:
    with SmtpSink(cert=tls_cert, tls="implicit") as sink:
        yield sink


@pytest.fixture
def smtps(smtps_sink: SmtpSink) -> Iterator[SmtpSink]:
    smtps_sink.reset()
    yield smtps_sink
    smtps_sink.reset()


@pytest.fixture(scope="session")
def session_authority() -> Iterator[Authority]:
    """The session's one OAuth2 authorization server.  Use ``authority`` in tests: it
    resets this one.  One per session because ``oauth_dovecot``'s introspection URL must
    stay put; a test that stops it gets it restarted, same port, by the next ``authority``."""
    with Authority() as server:
        yield server


_oauth_users = itertools.count(1)


@pytest.fixture
def authority(session_authority: Authority) -> Authority:
    """The OAuth2 authority for this test, reset: nothing left from other tests (codes,
    tokens, devices), counters 0, constructor settings back, and ``username`` a fresh
    ``oauth<N>-<hex>@example.test``: the user who consents in ``browse()`` and
    ``approve_device()``.  ``authority.issue_tokens()["access_token"]`` is a token for that
    user without any flow; with ``oauth_account`` it logs in to ``oauth_dovecot``, with
    ``oauth_smtp`` it authenticates SMTP.  Its URLs: ``authorize_url``, ``token_url``,
    ``device_url``, ``introspect_url``, ``revoke_url``; client id ``followup-test`` (public,
    PKCE S256).  Set ``client_secret``/``access_lifetime``/... freely: the next test gets
    the defaults back."""
    if not session_authority.running:
        session_authority.start()
    user = f"oauth{next(_oauth_users)}-{secrets.token_hex(3)}@example.test"
    session_authority.reset(username=user)
    return session_authority


@pytest.fixture(scope="session")
def oauth_dovecot(tls_cert: TlsCert, session_authority: Authority) -> Iterator[Dovecot]:
    """A second Dovecot (``dovecot`` keeps the password-only config) that also offers
    AUTH=XOAUTH2 and AUTH=OAUTHBEARER: Dovecot's own oauth2 passdb POSTs every token to
    ``session_authority.introspect_url`` (no cache).  Use ``oauth_account`` for a user."""
    yield from _served_dovecot(
        cert=tls_cert, oauth2_introspection_url=session_authority.introspect_url
    )


@pytest.fixture
def oauth_account(oauth_dovecot: Dovecot, authority: Authority) -> Account:
    """A fresh account on ``oauth_dovecot`` whose login name is ``authority.username``:
    ``client.oauth2_login(acct.username, token)`` / ``oauthbearer_login`` work with that
    authority's access tokens (and stop working once expired or revoked).  The account
    also has a password, which its helpers (``append``, ``messages``, ...) use."""
    if not oauth_dovecot.running:  # an earlier test stopped/killed it and failed
        oauth_dovecot.start()
    return oauth_dovecot.add_user(authority.username)


@pytest.fixture(scope="session")
def oauth_smtp_sink(tls_cert: TlsCert, session_authority: Authority) -> Iterator[SmtpSink]:
    """SmtpSink offering AUTH XOAUTH2/OAUTHBEARER against ``session_authority`` (plus
    PLAIN/LOGIN).  Use ``oauth_smtp`` in tests."""
    with SmtpSink(cert=tls_cert, authority=session_authority) as sink:
        yield sink


@pytest.fixture
def oauth_smtp(oauth_smtp_sink: SmtpSink, authority: Authority) -> Iterator[SmtpSink]:
    """The bearer SMTP sink, cleared, faults reset, ``username`` = ``authority.username``
    (so ``write_config(smtp=oauth_smtp)`` names the OAuth user).  A token of the
    authority's passes AUTH only for the user it was issued to; a refused one gets the
    334 JSON challenge, then 535 5.7.8.  ``bearer_attempts``: (mechanism, login, ok)."""
    oauth_smtp_sink.reset()
    oauth_smtp_sink.username = authority.username
    yield oauth_smtp_sink
    oauth_smtp_sink.reset()


# END mail-server fixtures
# ============================================================================


# BEGIN isolation and app fixtures
# Every test runs with its own home: no real config, database or keyring is
# ever touched, and passwords come from a real (file) keyring backend.
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for sub in ("config", "data", "state", "cache"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(home / "config" / "followup" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_STATE_DIR", str(home / "state" / "followup"))
    # keyrings.alt's plaintext file backend under XDG_DATA_HOME: a real keyring,
    # for this process and for every `followup` subprocess a test starts.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    for name in (
        "FOLLOWUP_IMAP_PASSWORD",
        "FOLLOWUP_SMTP_PASSWORD",
        "CREDENTIALS_DIRECTORY",
        "NOTIFY_SOCKET",
        "WATCHDOG_USEC",
        "WATCHDOG_PID",
        "JOURNAL_STREAM",
        "INVOCATION_ID",
        "SSL_CERT_FILE",
        "EDITOR",
        "VISUAL",
    ):
        monkeypatch.delenv(name, raising=False)
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    keyring.set_keyring(PlaintextKeyring())
    return home


ME = "sam.seeker@example.net"


def write_config(
    path: Path,
    *,
    imap=None,
    smtp=None,
    maildir: Path | None = None,
    outbox: Path | None = None,
    extra: str = "",
) -> Path:
    """A config for the test servers. imap: an Account; smtp: an SmtpSink."""
    parts = [
        f"""
        [me]
        name = "Sam Seeker"
        email = "{ME}"
        aliases = ["sam@seeker.example"]
        timezone = "America/Chicago"
        country = "US"
        phone = "+1 312 555 0100"
        """
    ]
    if imap is not None:
        parts.append(f"""
        [source]
        kind = "imap"
        host = "127.0.0.1"
        port = {imap.port}
        security = "none"
        username = "{imap.username}"
        timeout = 10
        """)
    elif maildir is not None:
        parts.append(f"""
        [source]
        kind = "maildir"
        path = "{maildir}"
        """)
    if smtp is not None:
        parts.append(f"""
        [transport]
        kind = "smtp"
        host = "127.0.0.1"
        port = {smtp.port}
        security = "none"
        username = "{smtp.username}"
        from = "{ME}"
        timeout = 10
        """)
    else:
        parts.append(f"""
        [transport]
        kind = "file"
        path = "{outbox or path.parent / "outbox"}"
        """)
    parts.append(f"""
        [storage]
        path = "{path.parent / "followup.db"}"
        """)
    if "[approval]" not in extra:  # the request goes when the interview ends (tests of the
        # wait for the debrief set their own)
        parts.append("""
        [approval]
        wait_for_debrief = 0
        """)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(textwrap.dedent(p) for p in parts) + textwrap.dedent(extra), encoding="utf-8"
    )
    return path


@pytest.fixture
def mail_env(imap_account, smtp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A config wired to a fresh Dovecot account and the SMTP sink, passwords in the env."""
    config = write_config(tmp_path / "cfg" / "config.toml", imap=imap_account, smtp=smtp)
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(config))
    monkeypatch.setenv("FOLLOWUP_IMAP_PASSWORD", imap_account.password)
    monkeypatch.setenv("FOLLOWUP_SMTP_PASSWORD", smtp.password)
    return config


@pytest.fixture
def offline_runtime(tmp_path: Path):
    """A runtime on an empty Maildir with the file transport: the store, the templates
    and the use cases, no server."""
    from followup.adapters import config
    from followup.app.runtime import open_runtime

    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    path = write_config(tmp_path / "c.toml", maildir=box, outbox=tmp_path / "outbox")
    runtime = open_runtime(config.load(path), with_mail=False)
    yield runtime
    runtime.close()


@pytest.fixture
def maildir_config(tmp_path: Path) -> Path:
    """A config on an empty Maildir, the file transport and an empty templates folder:
    the CLI with no server."""
    path = tmp_path / "config.toml"
    path.write_text(
        textwrap.dedent(f"""
        [me]
        name = "Sam Seeker"
        email = "sam.seeker@example.net"
        timezone = "America/Chicago"
        [source]
        kind = "maildir"
        path = "{tmp_path / "Maildir"}"
        [transport]
        kind = "file"
        path = "{tmp_path / "outbox"}"
        [storage]
        path = "{tmp_path / "followup.db"}"
        [templates]
        dir = "{tmp_path / "templates"}"
        """)
    )
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "Maildir" / sub).mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    return path


# END isolation and app fixtures
