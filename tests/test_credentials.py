"""Passwords: systemd credentials, then environment, then keyring; never echoed."""

from __future__ import annotations

import subprocess
import sys

import keyring
import pytest
from runner import followup

from followup.adapters import credentials
from followup.core.model import FollowupError


def test_lookup_order_credentials_dir_then_env_then_keyring(tmp_path, monkeypatch):
    """systemd credentials win over the environment, which wins over the keyring."""
    keyring.set_password("followup", "sam@example.net", "from-keyring")
    assert credentials.lookup("imap", "sam@example.net") == "from-keyring"
    monkeypatch.setenv("FOLLOWUP_IMAP_PASSWORD", "from-env")
    assert credentials.lookup("imap", "sam@example.net") == "from-env"
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "imap-password").write_text("from-systemd\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    assert credentials.lookup("imap", "sam@example.net") == "from-systemd"
    assert credentials.lookup("smtp", "sam@example.net") == "from-keyring"  # no smtp file


def test_missing_password_names_all_three_places():
    """No password anywhere: one line telling the user which of the three to set."""
    with pytest.raises(FollowupError) as err:
        credentials.require("smtp", "nobody@example.net")
    text = str(err.value)
    assert "followup login" in text and "FOLLOWUP_SMTP_PASSWORD" in text
    assert "smtp-password" in text and "\n" not in text


def test_login_stores_in_the_keyring_without_echo(tmp_path):
    """`followup login` reads the password (not echoed) and stores it in the real keyring."""
    config = tmp_path / "c.toml"
    config.write_text(
        '[me]\nemail = "sam@example.net"\n[source]\nhost = "imap.example.net"\n'
        '[transport]\nhost = "smtp.example.net"\n'
    )
    result = followup("login", "--config", str(config), input="s3cret-app-pass\n")
    assert result.returncode == 0, result.stderr
    assert "s3cret-app-pass" not in result.stdout + result.stderr
    # A fresh process with the same (file) keyring finds it.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from followup.adapters import credentials; "
            "print(credentials.lookup('imap', 'sam@example.net') == 's3cret-app-pass')",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "True"
