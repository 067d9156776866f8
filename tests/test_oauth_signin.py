"""OAuth2 sign-in end to end, on real parts: the loopback authorization server
(tests/oauth_authority.py), Dovecot's own oauth2 passdb and the bearer SMTP sink.

login --oauth (the test plays the browser) -> check -> a sync and an approved send;
an access token the server stops taking is refreshed once; a revoked grant is told
once and retried never; the device flow; token_cmd and password_cmd; no keyring."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from conftest import ME, write_config
from mailgen import invite
from runner import followup

from followup.adapters import config
from followup.app import drafts, pipeline, status
from followup.app.runtime import open_runtime
from followup.core import oauth as core_oauth

pytestmark = pytest.mark.integration


def oauth_config(
    tmp_path,
    authority,
    *,
    imap=None,
    smtp=None,
    source_auth="oauth2",
    transport_auth="oauth2",
    extra="",
):
    path = write_config(tmp_path / "cfg" / "config.toml", imap=imap, smtp=smtp)
    text = path.read_text(encoding="utf-8")
    if imap is not None:
        text = text.replace(
            '[source]\nkind = "imap"\n', f'[source]\nkind = "imap"\nauth = "{source_auth}"\n'
        )
    if smtp is not None:
        text = text.replace(
            '[transport]\nkind = "smtp"\n',
            f'[transport]\nkind = "smtp"\nauth = "{transport_auth}"\n',
        )
    text += (
        f'\n[oauth]\nprovider = "custom"\nclient_id = "{authority.client_id}"\n'
        f'authorize_url = "{authority.authorize_url}"\ntoken_url = "{authority.token_url}"\n'
        f'device_url = "{authority.device_url}"\nscopes = ["mail"]\n' + extra
    )
    path.write_text(text, encoding="utf-8")
    return path


def start(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "followup", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )


def login_in_browser(cfg, authority, env=None) -> tuple[str, str]:
    """`followup login --oauth --no-browser`: read the address it prints, play the
    browser on it; (stdout, stderr) of the finished command."""
    proc = start("login", "--oauth", "--no-browser", "--config", str(cfg), env=env)
    assert proc.stdout is not None
    printed = []
    for line in proc.stdout:
        printed.append(line)
        if line.startswith(authority.authorize_url):
            _forged_callback_is_ignored(line.strip())
            authority.browse(line.strip())
            break
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(printed) + out + err
    return "".join(printed) + out, err


def _forged_callback_is_ignored(url: str) -> None:
    """A page that knows the port but not the state cannot end (or hijack) the sign-in."""
    import urllib.error
    import urllib.parse
    import urllib.request

    redirect = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["redirect_uri"][0]
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(f"{redirect}?code=stolen&state=guessed", timeout=10)
    assert answer.value.code == 400


def past_invite(uid="oauth-1"):
    return invite(
        uid=uid,
        start=datetime.now(UTC) - timedelta(hours=3),
        people=[("Bill Lumbergh", "bill@initrode.example")],
        company="Initrode",
    )


def every_token(authority) -> list[str]:
    with authority._store.lock:
        return [*authority._store.access, *authority._store.refresh]


def test_login_check_sync_and_send_over_oauthbearer(tmp_path, authority, oauth_account, oauth_smtp):
    cfg = oauth_config(tmp_path, authority, imap=oauth_account, smtp=oauth_smtp)
    out, _ = login_in_browser(cfg, authority)
    assert f"Signed in as {authority.username}" in out and "keyring" in out
    asked = authority.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256" and asked["state"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", asked["redirect_uri"])
    assert authority.token_requests == 1  # the code, exchanged with its verifier

    check = followup("check", "--config", str(cfg))
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"login ok as {authority.username} (OAUTHBEARER)" in check.stdout
    assert re.search(
        r"IMAP .*: sign-in OAuth2 \(custom\); access token valid until "
        r"\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T",
        check.stdout,
    ), check.stdout
    assert re.search(r"SMTP .*: sign-in OAuth2 \(custom\); access token valid until", check.stdout)
    assert authority.refresh_requests == 1  # one token for IMAP and SMTP

    oauth_account.append("INBOX", past_invite())
    first = followup("run", "--once", "-v", "--config", str(cfg))
    assert first.returncode == 0, first.stderr
    assert "1 new" in first.stdout
    assert followup("approve", "--all", "--config", str(cfg)).returncode == 0
    second = followup("run", "--once", "-v", "--config", str(cfg))
    assert second.returncode == 0, second.stderr
    thanks = [m for m in oauth_smtp.messages if "bill@initrode.example" in m.rcpt_tos]
    assert len(thanks) == 1 and thanks[0].auth_user == authority.username
    assert {a[0] for a in oauth_smtp.bearer_attempts} == {"OAUTHBEARER"}

    # no token in a log line, the database, --json or check's output
    status_json = followup("status", "--json", "--config", str(cfg))
    shown = first.stderr + second.stderr + check.stdout + check.stderr + status_json.stdout
    db = b"".join(p.read_bytes() for p in (tmp_path / "cfg").glob("followup.db*"))
    tokens = every_token(authority)
    assert tokens
    for token in tokens:
        assert token not in shown and token[:40] not in shown
        assert token.encode() not in db


def test_xoauth2_where_the_server_prefers_it(
    tmp_path, authority, oauth_account, oauth_smtp, monkeypatch
):
    """Outlook offers XOAUTH2 only: both servers here offer both, so the choice is
    turned round; the servers, the tokens and the exchange are real."""
    monkeypatch.setattr(
        core_oauth, "choose_mechanism", lambda offered: "XOAUTH2" if "XOAUTH2" in offered else None
    )
    cfg = oauth_config(tmp_path, authority, imap=oauth_account, smtp=oauth_smtp)
    login_in_browser(cfg, authority)
    settings = config.load(cfg)
    oauth_account.append("INBOX", past_invite("x-1"))
    rt = open_runtime(settings)
    try:
        assert pipeline.run_pass(rt).ok
        for draft in drafts.list_drafts(rt.store):
            with rt.store.transaction():
                drafts.approve(rt.store, draft.id, sender=ME, now=datetime.now(UTC))
        report = pipeline.run_pass(rt)
        assert report.ok and report.sends.get("sent") == 1, report
        assert rt.source.client.followup_login == "XOAUTH2"
    finally:
        rt.close()
    assert {a[0] for a in oauth_smtp.bearer_attempts} == {"XOAUTH2"}


def _runtime_signed_in(tmp_path, authority, imap, smtp, **kw):
    cfg = oauth_config(tmp_path, authority, imap=imap, smtp=smtp, **kw)
    login_in_browser(cfg, authority)
    return open_runtime(config.load(cfg))


def _reconnect(rt) -> None:
    """The server dropped us overnight: the next pass logs in afresh."""
    rt.source.drop()
    rt.transport.close()


def _approve_all(rt) -> None:
    for draft in drafts.list_drafts(rt.store):
        with rt.store.transaction():
            drafts.approve(rt.store, draft.id, sender=ME, now=datetime.now(UTC))


def test_a_refused_access_token_is_refreshed_once_and_nothing_is_lost(
    tmp_path, authority, oauth_account, oauth_smtp
):
    rt = _runtime_signed_in(tmp_path, authority, oauth_account, oauth_smtp)
    try:
        assert pipeline.run_pass(rt).ok
        refreshed = authority.refresh_requests
        oauth_account.append("INBOX", past_invite("exp-1"))
        authority.expire_access_tokens()  # the server stops taking the one we hold
        _reconnect(rt)
        report = pipeline.run_pass(rt)
        assert report.ok and report.outcomes.get("new") == 1, report
        assert authority.refresh_requests == refreshed + 1  # IMAP refreshed; SMTP used it
        _approve_all(rt)
        authority.expire_access_tokens()
        _reconnect(rt)
        report = pipeline.run_pass(rt)
        assert report.sends.get("sent") == 1, report
        assert authority.refresh_requests == refreshed + 2
    finally:
        rt.close()
    thanks = [m for m in oauth_smtp.messages if "bill@initrode.example" in m.rcpt_tos]
    assert len(thanks) == 1


def test_a_revoked_grant_is_told_once_and_never_retried(
    tmp_path, authority, oauth_account, smtp, caplog, monkeypatch
):
    """IMAP signs in with OAuth, SMTP with a password: the notice can go by mail."""
    monkeypatch.setenv("FOLLOWUP_SMTP_PASSWORD", smtp.password)
    rt = _runtime_signed_in(tmp_path, authority, oauth_account, smtp, transport_auth="password")
    try:
        assert pipeline.run_pass(rt).ok
        authority.revoke_grant()
        _reconnect(rt)
        first = pipeline.run_pass(rt)
        assert not first.ok and "followup login --oauth" in first.errors[-1]
        polls = authority.refresh_requests
        for _ in range(3):
            _reconnect(rt)
            again = pipeline.run_pass(rt)
            assert not again.ok
        assert authority.refresh_requests == polls  # no login tried, no refresh
        lines = status.health_lines(rt.store, now=datetime.now(UTC))
        assert (
            "OAuth: the provider ended the sign-in (invalid_grant): "
            "sign in again: `followup login --oauth`"
        ) in lines
    finally:
        rt.close()
    notices = [m for m in smtp.messages if m.message["Subject"] == "followup: sign in again"]
    assert len(notices) == 1 and notices[0].rcpt_tos == [ME]
    said = notices[0].message.get_content()
    assert (
        "ended followup's sign-in (invalid_grant)" in said and "  followup login --oauth\n" in said
    )
    told = [r for r in caplog.records if "the sign-in ended" in r.getMessage()]
    assert len(told) == 1

    # signing in again makes it work, in the same database
    cfg = tmp_path / "cfg" / "config.toml"
    login_in_browser(cfg, authority)
    shown = followup("status", "--config", str(cfg))
    assert "the provider ended the sign-in" not in shown.stdout  # (the last error stays)
    run = followup(
        "run", "--once", "--config", str(cfg), env={"FOLLOWUP_SMTP_PASSWORD": smtp.password}
    )
    assert run.returncode == 0, run.stderr


def test_device_flow(tmp_path, authority, oauth_account):
    cfg = oauth_config(tmp_path, authority, imap=oauth_account)
    proc = start("login", "--oauth", "--device", "--config", str(cfg))
    assert proc.stdout is not None
    for line in proc.stdout:
        if found := re.search(r"open (\S+) and enter the code (\S+)", line):
            assert found[1].startswith(authority.base_url)
            authority.approve_device(found[2])
            break
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    assert "Signed in as" in out
    assert authority.device_polls >= 1
    check = followup("check", "--config", str(cfg))
    assert check.returncode == 0 and "(OAUTHBEARER)" in check.stdout, check.stdout


def test_device_flow_denied_is_one_line(tmp_path, authority, oauth_account):
    cfg = oauth_config(tmp_path, authority, imap=oauth_account)
    proc = start("login", "--device", "--config", str(cfg))
    assert proc.stdout is not None
    for line in proc.stdout:
        if found := re.search(r"enter the code (\S+)", line):
            authority.deny_device(found[1])
            break
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "access_denied" in err and "Traceback" not in err


def test_token_cmd(tmp_path, authority, oauth_account, oauth_smtp):
    token = authority.issue_tokens()["access_token"]
    holder = tmp_path / "token"
    holder.write_text(token + "\n")
    cfg = oauth_config(
        tmp_path,
        authority,
        imap=oauth_account,
        smtp=oauth_smtp,
    )
    text = cfg.read_text().replace("[oauth]\n", f'[oauth]\ntoken_cmd = "cat {holder}"\n')
    cfg.write_text(text)
    check = followup("check", "--config", str(cfg))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "sign-in OAuth2, access token from [oauth] token_cmd" in check.stdout
    assert token not in check.stdout + check.stderr
    assert authority.token_requests == 0  # the command is the one who signs in


def test_password_cmd(tmp_path, imap_account, smtp):
    cfg = write_config(tmp_path / "c.toml", imap=imap_account, smtp=smtp)
    script = tmp_path / "pw.sh"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{imap_account.password}'\n")
    script.chmod(0o700)
    text = cfg.read_text().replace(
        '[source]\nkind = "imap"\n', f'[source]\nkind = "imap"\npassword_cmd = "{script}"\n'
    )
    cfg.write_text(text)
    check = followup(
        "check",
        "--config",
        str(cfg),
        env={"FOLLOWUP_SMTP_PASSWORD": smtp.password, "FOLLOWUP_IMAP_PASSWORD": "wrong"},
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "sign-in password from [source] password_cmd" in check.stdout

    script.write_text(f"#!/bin/sh\necho '{imap_account.password}'\necho oops >&2\nexit 3\n")
    failing = followup("check", "--config", str(cfg), env={"FOLLOWUP_SMTP_PASSWORD": smtp.password})
    assert failing.returncode == 1
    lines = [line for line in failing.stdout.splitlines() if "password_cmd" in line]
    assert lines == [
        "[source] password_cmd: the command failed (exit status 3); run it yourself to see why"
    ]
    assert imap_account.password not in failing.stdout + failing.stderr


def test_login_without_a_keyring_explains_the_alternatives(tmp_path):
    cfg = write_config(tmp_path / "c.toml")
    text = cfg.read_text().replace(
        '[transport]\nkind = "file"',
        '[source]\nkind = "imap"\nhost = "imap.example.net"\n[transport]\nkind = "file"',
    )
    cfg.write_text(text)
    result = followup(
        "login",
        "--config",
        str(cfg),
        input="pw\n",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for words in ("FOLLOWUP_IMAP_PASSWORD", "LoadCredential", "password_cmd", "keyrings.alt"):
        assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_oauth_login_without_a_keyring_keeps_a_private_file(tmp_path, authority, oauth_account):
    cfg = oauth_config(tmp_path, authority, imap=oauth_account)
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    out, _ = login_in_browser(cfg, authority, env=env)
    kept = tmp_path / "cfg" / "oauth-refresh-token"
    assert f"the refresh token is in {kept}" in out and out.count("No keyring here") == 1
    assert kept.stat().st_mode & 0o777 == 0o600
    check = followup("check", "--config", str(cfg), env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    # systemd's credential wins over the file
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "oauth-refresh-token").write_text("not-a-token\n")
    refused = followup(
        "check", "--config", str(cfg), env={**env, "CREDENTIALS_DIRECTORY": str(creds)}
    )
    assert refused.returncode == 1 and "followup login --oauth" in refused.stdout


def test_a_rotated_refresh_token_replaces_the_kept_one(tmp_path, authority, oauth_account):
    """Microsoft hands out a new refresh token with each refresh and spends the old."""
    authority.rotate_refresh_tokens = True
    cfg = oauth_config(tmp_path, authority, imap=oauth_account)
    login_in_browser(cfg, authority)
    for _ in range(3):  # each process refreshes once, with the token the last one kept
        check = followup("check", "--config", str(cfg))
        assert check.returncode == 0, check.stdout + check.stderr
    assert authority.refresh_requests == 3


def test_a_client_secret_comes_from_the_environment(tmp_path, authority, oauth_account):
    """Google's Desktop clients have a secret: from FOLLOWUP_OAUTH_CLIENT_SECRET (or
    systemd's oauth-client-secret), never the file, never shown."""
    authority.client_secret = "desktop-client-secret-123"
    cfg = oauth_config(tmp_path, authority, imap=oauth_account)
    proc = start("login", "--oauth", "--no-browser", "--config", str(cfg))
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(authority.authorize_url):
            authority.browse(line.strip())
            break
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "invalid_client" in err  # without it: refused
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "oauth-client-secret").write_text("desktop-client-secret-123\n")
    out, err = login_in_browser(cfg, authority, env={"CREDENTIALS_DIRECTORY": str(creds)})
    check = followup(
        "check", "--config", str(cfg), env={"FOLLOWUP_OAUTH_CLIENT_SECRET": authority.client_secret}
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert authority.client_secret not in out + err + check.stdout + check.stderr
