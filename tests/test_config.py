"""Config: every key of docs/ARCHITECTURE.md §3.2 with defaults; every error is one line, exit 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from datetime import time
from pathlib import Path

import pytest
from runner import followup

from followup.adapters import config
from followup.core import resources
from followup.core.model import UsageError

MINIMAL = (
    '[me]\nemail = "sam@example.net"\n[source]\nhost = "imap.example.net"\n'
    '[transport]\nhost = "smtp.example.net"\n'
)


def load_text(tmp_path: Path, text: str) -> config.Settings:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def test_example_config_loads_and_shows_every_key():
    """The shipped example names every known key, each with a comment."""
    path = resources.example_config()
    settings = config.load(path)
    assert settings.me.email == "sam.seeker@example.net"
    text = path.read_text(encoding="utf-8")
    shown: dict[str, set[str]] = {}
    section = ""
    for line in text.splitlines():
        if m := re.match(r"\[(\w+)\]", line):
            section = m[1]
        elif m := re.match(r"#?\s*(\w+)\s*=.*#", line):
            shown.setdefault(section, set()).add(m[1])
    for name, keys in config._SECTIONS.items():
        assert keys <= shown.get(name, set()), f"[{name}] lacks {keys - shown.get(name, set())}"


def test_defaults_are_sensible(tmp_path):
    """A minimal config gets safe defaults: review mode, SSL, 14 days, 3-3-3 business days."""
    s = load_text(tmp_path, MINIMAL)
    assert s.approval.mode == "review" and s.approval.email_requests
    assert s.approval.deadline == time(18, 0)
    assert s.approval.trusted_authserv_id == ""  # not named: the reply's token is the proof
    assert (s.source.port, s.source.security, s.source.folder) == (993, "ssl", "INBOX")
    assert s.source.lookback_days == 14 and s.source.username == "sam@example.net"
    assert (s.transport.port, s.transport.sender) == (465, "sam@example.net")
    assert s.plan.call_gaps == (3, 3, 3) and s.plan.call_time == time(10, 0)
    assert s.storage_path.name == "followup.db"
    assert s.source.max_message_mb == 25 and s.source.max_message_bytes == 25 * 1024 * 1024


@pytest.mark.parametrize(
    "text, key, expected",
    [
        (MINIMAL + "[source2]\n", "[source2]", "unknown section"),
        (MINIMAL.replace("[source]\n", '[source]\nhots = "x"\n'), "[source] hots", "unknown key"),
        (
            MINIMAL.replace("[me]\n", '[me]\ntimezone = "Mars/Olympus"\n'),
            "[me] timezone",
            "IANA time zone",
        ),
        (MINIMAL + "[plan]\ncall_gaps = 3\n", "[plan] call_gaps", "expected a list"),
        (MINIMAL + '[approval]\ndeadline = "6pm"\n', "[approval] deadline", 'like "18:00"'),
        (
            MINIMAL.replace('host = "imap.example.net"', 'host = "imap.example.net"\nport = "993"'),
            "[source] port",
            "expected an integer",
        ),
        (
            MINIMAL.replace(
                'host = "imap.example.net"', 'host = "imap.example.net"\nsecurity = "none"'
            ),
            "[source] security",
            "loopback",
        ),
        (
            MINIMAL.replace(
                'host = "imap.example.net"', 'host = "imap.example.net"\npassword = "x"'
            ),
            "[source] password",
            "passwords never go in the config file",
        ),
        (
            MINIMAL.replace('[me]\nemail = "sam@example.net"', '[me]\nname = "Sam"'),
            "[me] email",
            "required",
        ),
        (MINIMAL + '[approval]\nmode = "yolo"\n', "[approval] mode", "one of"),
        (
            MINIMAL + '[approval]\ntrusted_authserv_id = "mx.google.com; dmarc=pass"\n',
            "[approval] trusted_authserv_id",
            "authserv-id",
        ),
        (
            MINIMAL.replace(
                'host = "imap.example.net"', 'host = "imap.example.net"\nmax_message_mb = 200'
            ),
            "[source] max_message_mb",
            "from 1 to 25",
        ),
        ("[me\nemail=", "", "not valid TOML"),
        (MINIMAL + '[storage]\npath = ""\n', "[storage] path", "absolute path"),
        (MINIMAL + '[storage]\npath = "followup.db"\n', "[storage] path", "absolute path"),
        (
            MINIMAL + '[storage]\npath = "$FOLLOWUP_UNSET_VAR/f.db"\n',
            "[storage] path",
            "absolute path",
        ),
        (MINIMAL + '[templates]\ndir = "  "\n', "[templates] dir", "absolute path"),
        (
            '[me]\nemail = "sam@example.net"\n[source]\nkind = "maildir"\npath = "Maildir"\n',
            "[source] path",
            "absolute path",
        ),
        (
            MINIMAL.replace('host = "smtp.example.net"', 'kind = "file"\npath = "./outbox"'),
            "[transport] path",
            "absolute path",
        ),
    ],
)
def test_each_config_error_names_file_and_key(tmp_path, text, key, expected):
    """A broken config of each kind is refused with the file, the key and what was expected."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        config.load(path)
    message = str(err.value)
    assert str(path) in message and key in message and expected in message
    assert "\n" not in message


def test_security_none_is_fine_on_loopback(tmp_path):
    """Plain IMAP is allowed to 127.0.0.1 (the test servers, a local bridge)."""
    s = load_text(
        tmp_path,
        MINIMAL.replace('host = "imap.example.net"', 'host = "127.0.0.1"\nsecurity = "none"'),
    )
    assert s.source.security == "none" and s.source.port == 143


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL.replace("[me]\n", '[me]\ntimezone = "Nowhere/City"\n'),
        MINIMAL + "[storage]\npath = 3\n",
        "not toml at all [",
    ],
)
def test_cli_config_error_exits_2_with_one_line(tmp_path, text):
    """The CLI prints one line naming the file, no traceback, and exits 2."""
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = followup("status", "--config", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]


def test_missing_config_says_how_to_make_one(tmp_path):
    """A missing file exits 2 and points to `followup init` and `followup demo`."""
    result = followup("status", "--config", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert "followup init" in result.stderr and "nope.toml" in result.stderr


def test_followup_config_env_is_the_default(tmp_path, monkeypatch):
    """$FOLLOWUP_CONFIG picks the file when --config is not given."""
    path = tmp_path / "env.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(path))
    assert config.default_config_path() == path
    assert config.load().me.email == "sam@example.net"


def test_init_writes_a_config_that_loads_with_detected_servers(tmp_path):
    """`followup init` fills in a Gmail user's servers and keeps every comment."""
    path = tmp_path / "new" / "config.toml"
    result = followup(
        "init", "--config", str(path), "--email", "sam.seeker@gmail.com", "--name", "Sam Seeker"
    )
    assert result.returncode == 0, result.stderr
    settings = config.load(path)
    assert settings.source.host == "imap.gmail.com"
    assert settings.transport.host == "smtp.gmail.com"
    assert settings.me.name == "Sam Seeker"
    assert settings.templates_dir == path.parent / "templates"
    assert (path.parent / "templates" / "examples" / "thank_you.txt").is_file()
    text = path.read_text(encoding="utf-8")
    assert text.count("#") >= tomllib.loads(text).__len__() * 3  # comments kept
    again = followup("init", "--config", str(path), "--email", "x@gmail.com")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_compose_max_interviewers(tmp_path):
    """[compose] max_interviewers: 12 by default, 1 to 100, anything else named."""
    assert load_text(tmp_path, MINIMAL).compose.max_interviewers == 12
    assert (
        load_text(tmp_path, MINIMAL + "[compose]\nmax_interviewers = 30\n").compose.max_interviewers
        == 30
    )
    for bad in ("0", "101", '"12"'):
        with pytest.raises(UsageError, match=r"\[compose\] max_interviewers"):
            load_text(tmp_path, MINIMAL + f"[compose]\nmax_interviewers = {bad}\n")


def test_compose_thank_coordinator(tmp_path):
    """[compose] thank_coordinator: off unless set true; a non-bool is named."""
    assert load_text(tmp_path, MINIMAL).compose.thank_coordinator is False
    on = load_text(tmp_path, MINIMAL + "[compose]\nthank_coordinator = true\n")
    assert on.compose.thank_coordinator is True
    with pytest.raises(UsageError, match=r"thank_coordinator"):
        load_text(tmp_path, MINIMAL + '[compose]\nthank_coordinator = "yes"\n')


def test_home_relative_config_paths_are_absolute(tmp_path, monkeypatch):
    """~ and $VARS expand to absolute paths: those are fine."""
    monkeypatch.setenv("FOLLOWUP_TEST_DIR", str(tmp_path / "x"))
    s = load_text(
        tmp_path,
        MINIMAL + '[storage]\npath = "~/f.db"\n[templates]\ndir = "$FOLLOWUP_TEST_DIR/templates"\n',
    )
    assert s.storage_path == Path.home() / "f.db"
    assert s.templates_dir == tmp_path / "x" / "templates"


@pytest.mark.parametrize("variable", ["FOLLOWUP_CONFIG", "FOLLOWUP_STATE_DIR"])
@pytest.mark.parametrize("value", ["", "relative/place"])
def test_empty_or_relative_path_variables_are_refused(tmp_path, variable, value):
    """Our own path variables, set but empty or relative, exit 2 naming the variable:
    the database must never land wherever the command happens to run."""
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL.replace('host = "smtp.example.net"', 'kind = "file"'), encoding="utf-8")
    env = {
        variable: value,
        **({"FOLLOWUP_CONFIG": str(path)} if variable == "FOLLOWUP_STATE_DIR" else {}),
    }
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "followup", "drafts"],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0] and "Traceback" not in result.stderr
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("value", ["", "relative/xdg"])
def test_empty_or_relative_xdg_dirs_are_ignored(monkeypatch, value):
    """The XDG spec: an empty or relative $XDG_*_HOME is invalid and ignored."""
    monkeypatch.delenv("FOLLOWUP_CONFIG")
    monkeypatch.delenv("FOLLOWUP_STATE_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", value)
    monkeypatch.setenv("XDG_STATE_HOME", value)
    assert config.default_config_path() == Path.home() / ".config" / "followup" / "config.toml"
    assert config.state_dir() == Path.home() / ".local" / "state" / "followup"
    monkeypatch.setenv("XDG_STATE_HOME", "/srv/state")
    assert config.state_dir() == Path("/srv/state/followup")


@pytest.mark.parametrize("value", ["", "relative/xdg"])
def test_service_install_never_writes_under_the_current_folder(tmp_path, value):
    """An empty or relative $XDG_CONFIG_HOME once put the unit in the current folder."""
    path = tmp_path / "c.toml"
    path.write_text(
        '[me]\nemail = "sam@example.net"\n[source]\nkind = "maildir"\n'
        f'path = "{tmp_path / "Maildir"}"\n[transport]\nkind = "file"\n',
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "followup",
            "service",
            "install",
            "--no-start",
            "--config",
            str(path),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CONFIG_HOME": value},
    )
    assert result.returncode == 0, result.stderr
    assert list(work.iterdir()) == []
    assert (Path.home() / ".config" / "systemd" / "user" / "followup.service").is_file()


def test_init_for_an_unknown_domain_fills_in_its_own_servers_never_gmails(tmp_path):
    path = tmp_path / "config.toml"
    result = followup("init", "--config", str(path), "--email", "sam@seeker.example")
    assert result.returncode == 0, result.stderr
    settings = config.load(path)
    assert (settings.source.host, settings.transport.host) == (
        "imap.seeker.example",
        "smtp.seeker.example",
    )
    hosts = [ln for ln in path.read_text(encoding="utf-8").splitlines() if "host =" in ln]
    assert hosts and not [h for h in hosts if "gmail" in h.lower()]
    assert "check them against your provider's settings" in result.stdout
    given = tmp_path / "given.toml"
    args = ("--imap-host", "mail.host.example", "--smtp-host", "out.host.example")
    assert (
        followup("init", "--config", str(given), "--email", "sam@x.example", *args).returncode == 0
    )
    assert config.load(given).source.host == "mail.host.example"
    assert config.load(given).transport.host == "out.host.example"
