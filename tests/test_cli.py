"""The command line as a user meets it: help for every command, the README, exits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from runner import followup

from followup import __version__
from followup.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group = main, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names += all_commands(command, f"{prefix}{name} ")
    return names


@pytest.mark.parametrize("command", all_commands())
def test_every_command_has_help_and_is_in_the_readme(command):
    """Each command explains itself with --help and is documented in the README."""
    result = followup(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) >= 4
    assert f"followup {command}" in README, f"README does not mention `followup {command}`"


def test_version():
    result = followup("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_every_data_command_takes_json():
    """status, drafts and parse print data: each has --json."""
    for command in ("status", "drafts", "parse"):
        assert "--json" in followup(command, "--help").stdout


def test_unknown_option_is_a_usage_error():
    result = followup("drafts", "--frobnicate")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_parse_json_follows_the_contract(tmp_path):
    """`parse --json` prints exactly the keys of docs/ARCHITECTURE.md §3.3, times with offsets."""
    sample = Path(__file__).parent / "fixtures" / "messages" / "01_google_invite.eml"
    result = followup("parse", str(sample), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {
        "is_interview",
        "confidence",
        "method",
        "uid",
        "sequence",
        "title",
        "company",
        "role",
        "start",
        "end",
        "timezone",
        "location",
        "video_link",
        "organizer",
        "interviewers",
        "coordinators",
    }
    assert data["is_interview"] is True and data["method"] == "REQUEST"
    assert re.fullmatch(r"2026-12-01T14:00:00-06:00", data["start"])
    assert {"name", "email", "phone", "title"} == set(data["interviewers"][0])


def test_parse_says_which_config_it_reads(tmp_path):
    """A config that cannot be loaded is one line, exit 2 (never silently ignored: the
    user's own address would come back as an interviewer); no config at all is said."""
    sample = Path(__file__).parent / "fixtures" / "messages" / "01_google_invite.eml"
    broken = tmp_path / "broken.toml"
    broken.write_text("[me\nemail=", encoding="utf-8")
    result = followup("parse", str(sample), "--config", str(broken))
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "broken.toml" in line and "Traceback" not in line
    missing = followup("parse", str(sample), "--config", str(tmp_path / "none.toml"))
    assert missing.returncode == 0
    assert "no config file" in missing.stderr and "no own addresses" in missing.stderr


def test_parse_of_a_missing_file_is_a_usage_error(tmp_path):
    result = followup("parse", str(tmp_path / "none.eml"))
    assert result.returncode == 2 and "none.eml" in result.stderr
    assert "Traceback" not in result.stderr


def test_add_then_status_json_shows_the_plan(tmp_path):
    """An interview added by hand appears in `status --json` with its six tasks."""
    config = tmp_path / "c.toml"
    config.write_text(
        '[me]\nemail = "sam@example.net"\ntimezone = "America/New_York"\n'
        '[source]\nkind = "maildir"\npath = "/nonexistent"\n'
        '[transport]\nkind = "file"\n'
        f'[storage]\npath = "{tmp_path / "f.db"}"\n'
    )
    added = followup(
        "add",
        "--config",
        str(config),
        "--company",
        "Acme",
        "--role",
        "SRE",
        "--at",
        "2026-12-02 09:30",
        "--with",
        "Jane Doe <Jane@Acme.com>",
    )
    assert added.returncode == 0, added.stderr
    done = followup("done", "--config", str(config), "1", "call_1")
    assert done.returncode == 0, done.stderr
    data = json.loads(followup("status", "--config", str(config), "--json").stdout)
    assert data[0]["company"] == "Acme" and data[0]["start"] == "2026-12-02T09:30:00-05:00"
    assert data[0]["interviewers"] == [
        {"name": "Jane Doe", "email": "jane@acme.com", "phone": None, "title": ""}
    ]
    kinds = {t["kind"]: t["state"] for t in data[0]["tasks"]}
    assert set(kinds) == {"prep", "debrief", "thank_you", "call_1", "call_2", "call_3"}
    assert kinds["call_1"] == "done"
    bad = followup("add", "--config", str(config), "--company", "X", "--at", "tomorrow")
    assert bad.returncode == 2 and "--at" in bad.stderr


def test_status_prints_mail_data_that_looks_like_markup(tmp_path):
    """Names and titles come from mail: "[/bold]" in one must print, not crash."""
    config = tmp_path / "c.toml"
    config.write_text(
        '[me]\nemail = "sam@example.net"\n[source]\nkind = "maildir"\n'
        'path = "/nonexistent"\n[transport]\nkind = "file"\n'
        f'[storage]\npath = "{tmp_path / "f.db"}"\n'
    )
    added = followup(
        "add",
        "--config",
        str(config),
        "--company",
        "Evil [/bold] Corp",
        "--at",
        "2026-12-02 09:30",
        "--with",
        '"Jane [red]Doe" <jane@acme.com>',
    )
    assert added.returncode == 0, added.stderr
    for args in (("status",), ("status", "1")):
        shown = followup(*args, "--config", str(config), env={"COLUMNS": "200"})
        assert shown.returncode == 0, shown.stderr
        assert "[/bold]" in shown.stdout and "Jane [red]Doe" in shown.stdout


HOSTILE_COMPANY = "\x1b]0;pwned\x07Acme"
HOSTILE_NAME = "Jane \u202eeoD\u202c \u2066x\u2069"
HOSTILE_ROLE = "\x1b[5mSRE\x1b[0m\x9b"


def hostile_invite(start) -> bytes:
    """An invite whose SUMMARY, company and attendee name carry terminal escapes (UTF-8)."""
    from mailgen import invite

    raw = invite(uid="hostile-1", start=start, people=[("Jane Roe", "jane@acme.example")])
    return raw.replace(
        b"SUMMARY:Interview: Backend Engineer at Acme",
        b"SUMMARY:Interview: \x1b[5mSRE\x1b[0m at \x1b]0;pwned\x07Acme",
    ).replace(b"CN=Jane Roe", "CN=Jane \u202eeoR".encode())


def test_mail_data_reaches_the_terminal_escaped_never_raw(tmp_path):
    """Control sequences and bidi overrides from mail are shown as visible escapes by
    every command (text and --json), never sent to the terminal raw."""
    from datetime import UTC, datetime, timedelta

    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    config = tmp_path / "c.toml"
    config.write_text(
        '[me]\nemail = "sam@example.net"\ntimezone = "UTC"\n'
        f'[source]\nkind = "maildir"\npath = "{maildir}"\n'
        f'[transport]\nkind = "file"\npath = "{tmp_path / "outbox"}"\n'
        f'[storage]\npath = "{tmp_path / "f.db"}"\n'
    )
    past = datetime.now(UTC) - timedelta(hours=3)  # ended: drafts are made on the next run
    added = followup(
        "add",
        "--config",
        str(config),
        "--company",
        HOSTILE_COMPANY,
        "--role",
        HOSTILE_ROLE,
        "--at",
        f"{past:%Y-%m-%d %H:%M}",
        "--tz",
        "UTC",
        "--with",
        f'"{HOSTILE_NAME}" <jane@acme.example>',
    )
    assert added.returncode == 0, added.stderr
    ran = followup("run", "--once", "--config", str(config))
    assert ran.returncode == 0, ran.stderr
    invite_file = tmp_path / "hostile.eml"
    invite_file.write_bytes(hostile_invite(past))
    runs = {
        args: followup(*args, "--config", str(config), env={"COLUMNS": "200"}, input="q\n")
        for args in (
            ("status",),
            ("status", "1"),
            ("status", "--json"),
            ("status", "1", "--json"),
            ("drafts",),
            ("drafts", "--json"),
            ("review",),
            ("parse", str(invite_file)),
            ("parse", str(invite_file), "--json"),
            ("add", "--company", "x", "--at", "2026-12-02 09:30", "--with", HOSTILE_NAME),
        )
    }
    for args, result in runs.items():
        shown = result.stdout + result.stderr
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown, args
        assert not set(shown) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), args
    # What is stored was cleaned at intake (headers.header_text: controls became spaces);
    # what `parse` shows straight from the mail is escaped visibly, not silently dropped.
    from followup.core.headers import header_text, person_name

    assert "]0;pwned Acme" in runs[("status", "1")].stdout
    assert "Jane eoD x" in runs[("drafts",)].stdout and "Jane eoD x" in runs[("review",)].stdout
    assert "\\x1b[5m" in runs[("parse", str(invite_file))].stdout
    # --json stays JSON and means exactly what was stored.
    (data,) = json.loads(runs[("status", "--json")].stdout)
    assert data["company"] == header_text(HOSTILE_COMPANY)
    assert data["role"] == header_text(HOSTILE_ROLE)
    assert data["interviewers"][0]["name"] == person_name(HOSTILE_NAME)
    assert json.loads(runs[("drafts", "--json")].stdout)[0]["to"][0]["name"] == person_name(
        HOSTILE_NAME
    )


def test_status_shows_times_in_your_zone_with_the_interviews_own_beside(tmp_path):
    """Every time `status` shows is in me.timezone with its abbreviation; an interview
    given in another zone shows that zone's time in parentheses; last sync is yours too."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    config = tmp_path / "c.toml"
    config.write_text(
        '[me]\nemail = "sam@example.net"\ntimezone = "America/Chicago"\n'
        f'[source]\nkind = "maildir"\npath = "{maildir}"\n'
        f'[transport]\nkind = "file"\npath = "{tmp_path / "out"}"\n'
        f'[storage]\npath = "{tmp_path / "f.db"}"\n'
    )
    added = followup("add", "--config", str(config), "--company", "Acme", "--at",
                     "2026-12-08 14:00", "--tz", "Europe/Berlin")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert followup("run", "--once", "--config", str(config)).returncode == 0
    table = followup("status", "--config", str(config), env={"COLUMNS": "200"}).stdout
    assert "Tue Dec 08 07:00 CST (14:00 CET there)" in table
    assert re.search(r"last sync: \d{4}-\d\d-\d\d \d\d:\d\d C[SD]T", table), table
    one = followup("status", "1", "--config", str(config)).stdout
    assert "07:00 CST (14:00 CET there)" in one and "UTC" not in one
