"""`followup check` against real servers: what works, and one clear line for what does not."""

from __future__ import annotations

import socket

import pytest
from conftest import write_config
from runner import followup

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_check(config, **env):
    return followup("check", "--config", str(config), env=env, timeout=60)


def test_check_reports_each_step_for_both_servers(imap_account, smtp, tmp_path):
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    result = run_check(
        config, FOLLOWUP_IMAP_PASSWORD=imap_account.password, FOLLOWUP_SMTP_PASSWORD=smtp.password
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in (
        "IMAP 127.0.0.1",
        "reachable",
        f"login ok as {imap_account.username}",
        "folder 'INBOX' exists",
        "IDLE supported",
        f"SMTP 127.0.0.1:{smtp.port}",
    ):
        assert expected in out


def test_check_over_tls_and_starttls(imap_account, smtps, tmp_path, tls_cert):
    """Implicit TLS for IMAP and SMTP, verified against the test CA."""
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtps)
    text = config.read_text().replace(
        f'port = {imap_account.port}\nsecurity = "none"',
        f'port = {imap_account.ssl_port}\nsecurity = "ssl"',
    )
    text = text.replace(
        f'port = {smtps.port}\nsecurity = "none"', f'port = {smtps.port}\nsecurity = "ssl"'
    )
    config.write_text(text)
    result = run_check(
        config,
        FOLLOWUP_IMAP_PASSWORD=imap_account.password,
        FOLLOWUP_SMTP_PASSWORD=smtps.password,
        SSL_CERT_FILE=tls_cert.cafile,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TLS (ssl)" in result.stdout and "TLS ssl" in result.stdout
    starttls = config.read_text().replace(
        f'port = {imap_account.ssl_port}\nsecurity = "ssl"',
        f'port = {imap_account.port}\nsecurity = "starttls"',
    )
    config.write_text(starttls)
    result = run_check(
        config,
        FOLLOWUP_IMAP_PASSWORD=imap_account.password,
        FOLLOWUP_SMTP_PASSWORD=smtps.password,
        SSL_CERT_FILE=tls_cert.cafile,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TLS (starttls)" in result.stdout


def test_wrong_password_is_one_clear_line(imap_account, smtp, tmp_path):
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    result = run_check(
        config, FOLLOWUP_IMAP_PASSWORD="wrong-password", FOLLOWUP_SMTP_PASSWORD=smtp.password
    )
    assert result.returncode == 1
    failing = [line for line in result.stdout.splitlines() if "IMAP" in line]
    assert failing == [
        f"IMAP 127.0.0.1:{imap_account.port}: login failed for "
        f"'{imap_account.username}' (wrong password? Gmail needs an app password)"
    ]
    assert "wrong-password" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_host_is_one_clear_line(imap_account, smtp, tmp_path):
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    dead = free_port()
    config.write_text(config.read_text().replace(f"port = {smtp.port}", f"port = {dead}"))
    result = run_check(
        config, FOLLOWUP_IMAP_PASSWORD=imap_account.password, FOLLOWUP_SMTP_PASSWORD=smtp.password
    )
    assert result.returncode == 1
    assert f"SMTP 127.0.0.1:{dead}: unreachable (connection refused)" in result.stdout


def test_refused_tls_is_one_clear_line(imap_account, smtp, tmp_path, tls_cert):
    """TLS spoken to a plain-text port fails with a TLS reason, not a traceback."""
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    config.write_text(
        config.read_text().replace(
            f'port = {imap_account.port}\nsecurity = "none"',
            f'port = {imap_account.port}\nsecurity = "ssl"',
        )
    )
    result = run_check(
        config,
        FOLLOWUP_IMAP_PASSWORD=imap_account.password,
        FOLLOWUP_SMTP_PASSWORD=smtp.password,
        SSL_CERT_FILE=tls_cert.cafile,
    )
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if x.startswith("IMAP"))
    assert "TLS" in line and "Traceback" not in result.stderr


def test_untrusted_certificate_is_refused(imap_account, smtp, tmp_path):
    """Without the test CA the self-signed certificate is not trusted: never silently accepted."""
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    config.write_text(
        config.read_text().replace(
            f'port = {imap_account.port}\nsecurity = "none"',
            f'port = {imap_account.ssl_port}\nsecurity = "ssl"',
        )
    )
    result = run_check(
        config, FOLLOWUP_IMAP_PASSWORD=imap_account.password, FOLLOWUP_SMTP_PASSWORD=smtp.password
    )
    assert result.returncode == 1
    assert "TLS certificate not trusted" in result.stdout


def test_passwords_from_systemd_credentials(imap_account, smtp, tmp_path):
    """A headless host: the passwords come from $CREDENTIALS_DIRECTORY (LoadCredential=)."""
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    creds = tmp_path / "credentials"
    creds.mkdir(mode=0o700)
    (creds / "imap-password").write_text(imap_account.password)
    (creds / "smtp-password").write_text(smtp.password + "\n")
    result = run_check(config, CREDENTIALS_DIRECTORY=str(creds))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"login ok as {imap_account.username}" in result.stdout


def test_passwords_from_the_keyring(imap_account, smtp, tmp_path):
    """`followup login` once, then every command finds the passwords in the keyring."""
    config = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    login = followup(
        "login", "--config", str(config), input=f"{imap_account.password}\n{smtp.password}\n"
    )
    assert login.returncode == 0, login.stderr
    result = run_check(config)
    assert result.returncode == 0, result.stdout + result.stderr
