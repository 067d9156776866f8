"""The pure parts of OAuth2 sign-in: SASL strings, expiry arithmetic, device-flow
polling and what a refused login tells the user."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from followup.core import oauth

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_xoauth2_and_oauthbearer_strings():
    assert oauth.xoauth2("sam@example.net", "tok") == (
        "user=sam@example.net\x01auth=Bearer tok\x01\x01"
    )
    assert oauth.oauthbearer("a,b=c@example.net", "tok", "imap.example.net", 993) == (
        "n,a=a=2Cb=3Dc@example.net,\x01host=imap.example.net\x01port=993\x01auth=Bearer tok\x01\x01"
    )
    # Google's documented example of the base64 that goes on the wire
    token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
    wire = base64.b64encode(oauth.xoauth2("someuser@example.com", token).encode())
    assert wire == (
        b"dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhk"
        b"SFJoZG1semRHRXVZMjl0Q2cBAQ=="
    )


def test_mechanism_choice_prefers_the_standard():
    assert oauth.choose_mechanism(["PLAIN", "XOAUTH2", "OAUTHBEARER"]) == "OAUTHBEARER"
    assert oauth.choose_mechanism(["login", "xoauth2"]) == "XOAUTH2"
    assert oauth.choose_mechanism(["PLAIN", "LOGIN"]) is None
    caps = (b"IMAP4rev1", b"AUTH=PLAIN", b"AUTH=XOAUTH2", b"IDLE")
    assert oauth.imap_mechanisms(caps) == ["PLAIN", "XOAUTH2"]
    assert oauth.error_challenge_answer("XOAUTH2") == ""
    assert oauth.error_challenge_answer("OAUTHBEARER") == "\x01"


@pytest.mark.parametrize(
    "expires_in, lifetime",
    [
        (3599, timedelta(seconds=3599)),
        ("3600", timedelta(hours=1)),
        (None, oauth.DEFAULT_LIFETIME),
        ("soon", oauth.DEFAULT_LIFETIME),
        (-5, oauth.DEFAULT_LIFETIME),
        (float("nan"), oauth.DEFAULT_LIFETIME),
        (10**12, oauth.MAX_LIFETIME),
    ],
)
def test_expiry_from_the_servers_expires_in(expires_in, lifetime):
    assert oauth.expiry(NOW, expires_in) == NOW + lifetime


def test_a_token_is_refreshed_five_minutes_ahead():
    token = oauth.AccessToken("secret-value", NOW + timedelta(minutes=30))
    assert token.fresh(NOW)
    assert token.fresh(NOW + timedelta(minutes=24, seconds=59))
    assert not token.fresh(NOW + timedelta(minutes=25))
    assert "secret-value" not in repr(token)


def test_device_flow_polling():
    assert oauth.poll_interval(None) == 5 and oauth.poll_interval("2") == 2
    assert oauth.poll_interval(0) == oauth.MIN_INTERVAL and oauth.poll_interval(9999) == 60
    assert oauth.after_poll(5, "authorization_pending") == 5
    assert oauth.after_poll(5, "slow_down") == 10
    assert oauth.after_poll(58, "slow_down") == 60
    for final in ("expired_token", "access_denied", "invalid_grant", "whatever"):
        assert oauth.after_poll(5, final) is None


def test_only_a_dead_grant_is_dead():
    assert oauth.grant_is_dead("invalid_grant")
    assert not oauth.grant_is_dead("temporarily_unavailable")
    assert not oauth.grant_is_dead("server_error")


# host, the server's answer, what we tried, words the hint must have
HINTS = [
    (
        "smtp.office365.com",
        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
        "password",
        ('auth = "oauth2"', 'provider = "microsoft"', "followup login --oauth"),
    ),
    (
        "smtp.office365.com",
        "550 5.7.30 Basic authentication is not supported for Client Submission.",
        "password",
        ('provider = "microsoft"',),
    ),
    ("outlook.office365.com", "LOGIN failed.", "password", ("no passwords", "oauth2")),
    (
        "smtp.gmail.com",
        "534 5.7.9 Application-specific password required. Learn more at ...",
        "password",
        ("app password", "OAuth"),
    ),
    (
        "smtp.gmail.com",
        "535 5.7.8 Username and Password not accepted.",
        "password",
        ("app password", "not your account's"),
    ),
    (
        "imap.gmail.com",
        "[AUTHENTICATIONFAILED] Invalid credentials (Failure)",
        "password",
        ("app password",),
    ),
    (
        "imap.example.net",
        "[AUTHENTICATIONFAILED] Invalid credentials",
        "password",
        ("wrong password?",),
    ),
    (
        "imap.example.net",
        "[AUTHENTICATIONFAILED] Authentication failed.",
        "oauth2",
        ("token was refused", "followup login --oauth"),
    ),
    ("127.0.0.1", "[UNAVAILABLE] Temporary authentication failure.", "oauth2", ("temporary",)),
    ("smtp.example.net", "454 4.7.0 Temporary authentication failure", "password", ("temporary",)),
    # a Microsoft code through a relay still means Microsoft's basic-auth switch
    ("relay.example.net", "535 5.7.139 Authentication unsuccessful", "password", ("Microsoft",)),
]


@pytest.mark.parametrize("host, answer, method, words", HINTS)
def test_auth_failure_hint(host, answer, method, words):
    hint = oauth.auth_failure_hint(host, answer, method)
    for word in words:
        assert word in hint, hint
    assert "\n" not in hint


def test_gmail_words_from_another_server_mean_nothing():
    hint = oauth.auth_failure_hint("imap.example.net", "Invalid credentials", "password")
    assert hint == "wrong password? Gmail needs an app password"


def test_the_redirect_is_localhost_for_microsoft_and_the_ip_literal_elsewhere():
    """Microsoft's "http://localhost" registration matches any port; 127.0.0.1 it
    refuses unless set in the manifest. RFC 8252 prefers the literal."""
    assert oauth.redirect_uri("microsoft", 53124) == "http://localhost:53124/"
    assert oauth.redirect_uri("google", 53124) == "http://127.0.0.1:53124/"
    assert oauth.redirect_uri("custom", 8080) == "http://127.0.0.1:8080/"
