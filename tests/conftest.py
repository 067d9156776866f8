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
# ============================================================================
from collections.abc import Iterator

import pytest
from servers import Account, Dovecot, DovecotError, SmtpSink, TlsCert


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> TlsCert:
    return TlsCert.generate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def dovecot(tls_cert: TlsCert) -> Iterator[Dovecot]:
    try:
        server = Dovecot(cert=tls_cert)
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


# END isolation and app fixtures
