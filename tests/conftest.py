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
