"""[source]/[transport] auth, password_cmd, token_cmd and the [oauth] section: what
loads, and one line naming the key for what does not."""

from __future__ import annotations

import pytest
from runner import followup

from followup.adapters import config
from followup.core.model import UsageError

BASE = '[me]\nemail = "sam@outlook.com"\n'
IMAP = '[source]\nhost = "outlook.office365.com"\n'
SMTP = '[transport]\nhost = "smtp.office365.com"\nsecurity = "starttls"\n'


def load(tmp_path, text):
    path = tmp_path / "config.toml"
    if "[transport]" not in text:
        text += '[transport]\nkind = "file"\n'
    path.write_text(BASE + text, encoding="utf-8")
    return config.load(path)


def refused(tmp_path, text) -> str:
    with pytest.raises(UsageError) as err:
        load(tmp_path, text)
    assert "\n" not in str(err.value)
    return str(err.value)


def test_password_is_the_default_and_commands_are_let_through(tmp_path):
    s = load(tmp_path, IMAP + SMTP)
    assert (s.source.auth, s.transport.auth, s.oauth) == ("password", "password", None)
    s = load(
        tmp_path,
        IMAP + 'password_cmd = "pass show mail/imap"\n' + SMTP + 'password_cmd = "gpg -d pw.gpg"\n',
    )
    assert s.source.password_cmd == "pass show mail/imap"
    assert s.transport.password_cmd == "gpg -d pw.gpg"


def test_microsoft_gets_its_endpoints_and_scopes(tmp_path):
    s = load(
        tmp_path,
        IMAP + 'auth = "oauth2"\n' + SMTP + 'auth = "oauth2"\n'
        '[oauth]\nprovider = "microsoft"\nclient_id = "9e5f94bc-e8a4-4e73-b8be-63364c29d753"\n',
    )
    assert s.source.auth == s.transport.auth == "oauth2"
    assert s.oauth is not None and s.oauth.tenant == "common"
    assert s.oauth.token_url == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    assert s.oauth.scopes == (
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    )
    s = load(
        tmp_path,
        IMAP + 'auth = "oauth2"\n[oauth]\nprovider = "microsoft"\ntenant = "consumers"\n'
        'client_id = "x"\n',
    )
    assert "/consumers/oauth2/v2.0/authorize" in s.oauth.authorize_url


def test_google_and_custom(tmp_path):
    s = load(tmp_path, IMAP + 'auth = "oauth2"\n[oauth]\nprovider = "google"\nclient_id = "x"\n')
    assert s.oauth.scopes == ("https://mail.google.com/",)
    assert s.oauth.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth"
    s = load(
        tmp_path,
        IMAP + 'auth = "oauth2"\n[oauth]\nclient_id = "x"\n'
        'authorize_url = "http://127.0.0.1:9/authorize"\ntoken_url = "https://id.example/t"\n'
        'scopes = ["mail"]\n',
    )
    assert (s.oauth.provider, s.oauth.scopes, s.oauth.device_url) == ("custom", ("mail",), "")


def test_token_cmd_needs_no_sign_in(tmp_path):
    s = load(tmp_path, IMAP + 'auth = "oauth2"\ntoken_cmd = "pizauth show mail"\n')
    assert s.source.token_cmd == "pizauth show mail" and s.oauth is None
    s = load(tmp_path, IMAP + 'auth = "oauth2"\n[oauth]\ntoken_cmd = "oama access me"\n')
    assert s.oauth.token_cmd == "oama access me"


@pytest.mark.parametrize(
    "text, names",
    [
        (IMAP + 'auth = "kerberos"\n', "[source] auth"),
        (IMAP + 'auth = "oauth2"\n', "[source] auth"),
        (IMAP + 'auth = "oauth2"\npassword_cmd = "pass x"\n', "[source] password_cmd"),
        (IMAP + 'token_cmd = "pizauth show x"\n', "[source] token_cmd"),
        (IMAP + 'password_cmd = ""\n', "[source] password_cmd"),
        (IMAP + 'password = "hunter2"\n', "[source] password"),
        (IMAP + '[oauth]\nclient_secret = "abc"\n', "[oauth] client_secret"),
        (IMAP + '[oauth]\nrefresh_token = "abc"\n', "[oauth] refresh_token"),
        (IMAP + '[oauth]\nprovider = "yahoo"\n', "[oauth] provider"),
        (IMAP + '[oauth]\nprovider = "google"\ntoken_url = "https://x.example/t"\n', "token_url"),
        (IMAP + '[oauth]\ntoken_url = "http://id.example/t"\n', "[oauth] token_url"),
        (IMAP + '[oauth]\nclient_id = "x"\ntoken_url = "https://id.example/t"\n', "authorize_url"),
        (IMAP + '[oauth]\ntenant = "a/b"\n', "[oauth] tenant"),
        (IMAP + '[oauth]\nscopes = "mail"\n', "[oauth] scopes"),
        (IMAP + '[oauth]\nscopes = ["a b"]\n', "[oauth] scopes"),
        (
            IMAP + 'auth = "oauth2"\n[transport]\nhost = "smtp.x"\nusername = "other@x.example"\n'
            'auth = "oauth2"\n[oauth]\nprovider = "google"\nclient_id = "x"\n',
            "[transport] username",
        ),
    ],
)
def test_bad_values_name_the_key(tmp_path, text, names):
    assert names in refused(tmp_path, text)


def test_secret_advice_says_where_a_client_secret_goes(tmp_path):
    text = refused(tmp_path, IMAP + '[oauth]\nclient_secret = "abc"\n')
    assert "FOLLOWUP_OAUTH_CLIENT_SECRET" in text and "oauth-client-secret" in text
    assert "abc" not in text


def test_cli_exit_2_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(BASE + IMAP + 'auth = "oauth2"\n' + SMTP, encoding="utf-8")
    result = followup("check", "--config", str(path))
    assert result.returncode == 2
    assert "[source] auth" in result.stderr and "Traceback" not in result.stderr


def test_init_for_outlook_signs_in_with_microsoft_and_says_so(tmp_path):
    path = tmp_path / "config.toml"
    made = followup("init", "--config", str(path), "--email", "sam.seeker@outlook.com")
    assert made.returncode == 0, made.stderr
    s = config.load(path)
    assert (s.source.auth, s.transport.auth) == ("oauth2", "oauth2")
    assert s.oauth.provider == "microsoft" and s.source.host == "outlook.office365.com"
    assert "Microsoft takes no passwords from mail apps" in made.stdout
    assert "[oauth] client_id" in made.stdout and "followup login --oauth" in made.stdout
    # Until a client id is set every other command works, and signing in names the key.
    assert followup("status", "--config", str(path)).returncode == 0
    login = followup("login", "--config", str(path), "--oauth", "--no-browser")
    assert login.returncode == 2 and "[oauth] client_id" in login.stderr


def test_init_for_gmail_offers_an_app_password_or_oauth_with_its_client_id(tmp_path):
    plain = tmp_path / "plain.toml"
    made = followup("init", "--config", str(plain), "--email", "sam.seeker@gmail.com")
    assert made.returncode == 0 and config.load(plain).source.auth == "password"
    assert "app password" in made.stdout and "--oauth" in made.stdout
    path = tmp_path / "oauth.toml"
    args = ("--email", "sam.seeker@gmail.com", "--oauth", "--client-id", "123-abc.example")
    made = followup("init", "--config", str(path), *args)
    assert made.returncode == 0, made.stderr
    s = config.load(path)
    assert s.transport.auth == "oauth2" and s.oauth.provider == "google"
    assert s.oauth.client_id == "123-abc.example" and "[oauth] client_id" not in made.stdout


def test_init_for_a_hosted_domain_takes_the_provider_and_refuses_oauth_it_cannot_do(tmp_path):
    path = tmp_path / "m365.toml"
    args = ("--email", "sam@seeker.example", "--provider", "microsoft")
    assert followup("init", "--config", str(path), *args).returncode == 0
    s = config.load(path)
    assert s.source.host == "outlook.office365.com" and s.oauth.provider == "microsoft"
    refused = followup(
        "init", "--config", str(tmp_path / "x.toml"), "--email", "sam@yahoo.com", "--oauth"
    )
    assert refused.returncode == 2 and "Google and Microsoft only" in refused.stderr
