"""The OAuth2 test infrastructure itself, with raw clients (no followup code): the
authority (tests/oauth_authority.py), Dovecot's oauth2 passdb and the SMTP sink's
XOAUTH2/OAUTHBEARER authenticator (tests/servers.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import smtplib
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from imapclient.exceptions import LoginError
from oauth_authority import Authority, AuthorityError
from servers import BEARER_COMMAND_LIMIT, Account, Dovecot, SmtpSink

pytestmark = pytest.mark.integration

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


# --------------------------------------------------------------------------- helpers


def post(url: str, **fields: str) -> tuple[int, dict]:
    """A form POST as any OAuth client sends it: (status, JSON answer)."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Listener:
    """The client's loopback redirect listener (RFC 8252): records each GET it gets."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "9")
                self.end_headers()
                self.wfile.write(b"signed in")

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.redirect_uri = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def authorize(authority: Authority, listener: Listener, challenge: str, **extra: str) -> str:
    query = {
        "response_type": "code",
        "client_id": authority.client_id,
        "redirect_uri": listener.redirect_uri,
        "state": "state-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "scope": "mail offline_access",
        **extra,
    }
    return authority.authorize_url + "?" + urllib.parse.urlencode(query)


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def redeem(authority: Authority, listener: Listener, code: str, verifier: str | None):
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": listener.redirect_uri,
        "client_id": authority.client_id,
    }
    if verifier is not None:
        fields["code_verifier"] = verifier
    return post(authority.token_url, **fields)


def refresh(authority: Authority, refresh_token: str) -> tuple[int, dict]:
    return post(
        authority.token_url,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        client_id=authority.client_id,
    )


def imap_login(dovecot: Dovecot, mechanism: str, user: str, token: str) -> None:
    client = dovecot.connect()
    try:
        if mechanism == "XOAUTH2":
            client.oauth2_login(user, token)
        else:
            client.oauthbearer_login(user, token)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    except BaseException:
        client.shutdown()
        raise
    client.logout()


def smtp_callback(mechanism: str, user: str, token: str) -> Callable[..., str]:
    """smtplib's authobject: first called with no argument (the initial response); after a
    334 error challenge the client must answer "" (XOAUTH2) or "\\x01" (OAUTHBEARER)."""

    def answer(challenge: bytes | None = None) -> str:
        if challenge is not None:
            return "" if mechanism == "XOAUTH2" else "\x01"
        if mechanism == "XOAUTH2":
            return f"user={user}\x01auth=Bearer {token}\x01\x01"
        return f"n,a={user},\x01auth=Bearer {token}\x01\x01"

    return answer


def smtp_auth(sink: SmtpSink, mechanism: str, user: str, token: str) -> tuple[int, bytes]:
    with smtplib.SMTP(sink.host, sink.port, timeout=10) as client:
        client.ehlo()  # auth() sends none, and a 503 "send EHLO first" is not raised
        try:
            return client.auth(mechanism, smtp_callback(mechanism, user, token))
        except smtplib.SMTPAuthenticationError as exc:
            return exc.smtp_code, exc.smtp_error


MECHANISMS = ["XOAUTH2", "OAUTHBEARER"]


# --------------------------------------------------------------------------- authority


def test_tokens_are_as_long_as_microsofts(authority: Authority) -> None:
    tokens = authority.issue_tokens()
    assert len(tokens["access_token"]) >= 1200
    assert len(tokens["refresh_token"]) >= 1200
    assert tokens["expires_in"] == authority.access_lifetime
    assert authority.valid(tokens["access_token"]) == authority.username
    assert authority.valid(tokens["refresh_token"]) is None  # not a bearer token


def test_browse_follows_the_redirect_to_the_loopback_listener(
    authority: Authority, listener: Listener
) -> None:
    _verifier, challenge = pkce_pair()
    final = authority.browse(authorize(authority, listener, challenge))
    assert final.startswith(listener.redirect_uri + "?")
    assert query_of(final)["state"] == "state-123"
    assert query_of(final)["code"]
    assert len(listener.hits) == 1 and "code=" in listener.hits[0]  # the GET reached it
    assert authority.last_browser_page == "signed in"
    assert authority.authorize_requests[0]["code_challenge_method"] == "S256"


def test_any_loopback_port_is_a_valid_redirect_but_no_other_host(
    authority: Authority, listener: Listener
) -> None:
    _verifier, challenge = pkce_pair()
    url = authorize(authority, listener, challenge, redirect_uri="http://evil.example/cb")
    with pytest.raises(AuthorityError, match="400"):
        authority.browse(url)
    assert listener.hits == []


def test_pkce_wrong_or_missing_verifier_is_refused_the_right_one_works(
    authority: Authority, listener: Listener
) -> None:
    verifier, challenge = pkce_pair()
    code = query_of(authority.browse(authorize(authority, listener, challenge)))["code"]
    assert redeem(authority, listener, code, pkce_pair()[0]) == (400, {"error": "invalid_grant"})
    status, answer = redeem(authority, listener, code, None)
    assert (status, answer["error"]) == (400, "invalid_request")  # missing code_verifier
    status, tokens = redeem(authority, listener, code, verifier)
    assert status == 200, tokens
    assert authority.valid(tokens["access_token"]) == authority.username
    assert tokens["refresh_token"] and tokens["token_type"] == "Bearer"
    assert redeem(authority, listener, code, verifier)[0] == 400  # a code is used once


def test_plain_pkce_and_no_pkce_are_refused(authority: Authority, listener: Listener) -> None:
    verifier, _challenge = pkce_pair()
    plain = authorize(authority, listener, verifier, code_challenge_method="plain")
    assert query_of(authority.browse(plain))["error"] == "invalid_request"
    url = authorize(authority, listener, "x")
    url = url.replace("&code_challenge=x&code_challenge_method=S256", "")
    assert query_of(authority.browse(url))["error"] == "invalid_request"


def test_refresh_returns_a_new_access_token_and_counts(authority: Authority) -> None:
    tokens = authority.issue_tokens()
    status, fresh = refresh(authority, tokens["refresh_token"])
    assert status == 200, fresh
    assert fresh["access_token"] != tokens["access_token"]
    assert authority.valid(fresh["access_token"]) == authority.username
    assert (authority.token_requests, authority.refresh_requests) == (1, 1)


def test_expired_access_tokens_are_inactive_refresh_still_works(authority: Authority) -> None:
    tokens = authority.issue_tokens()
    authority.expire_access_tokens()
    assert authority.valid(tokens["access_token"]) is None
    assert post(authority.introspect_url, token=tokens["access_token"]) == (200, {"active": False})
    status, fresh = refresh(authority, tokens["refresh_token"])
    assert status == 200 and authority.valid(fresh["access_token"]) == authority.username


def test_after_revoke_grant_refresh_is_invalid_grant(authority: Authority) -> None:
    tokens = authority.issue_tokens()
    authority.revoke_grant(authority.username)
    assert refresh(authority, tokens["refresh_token"]) == (400, {"error": "invalid_grant"})
    assert authority.valid(tokens["access_token"]) is None
    assert authority.refresh_requests == 1


def test_rotating_refresh_tokens_spends_the_old_one(authority: Authority) -> None:
    authority.rotate_refresh_tokens = True
    tokens = authority.issue_tokens()
    status, fresh = refresh(authority, tokens["refresh_token"])
    assert status == 200 and fresh["refresh_token"] != tokens["refresh_token"]
    assert refresh(authority, tokens["refresh_token"])[1] == {"error": "invalid_grant"}
    assert refresh(authority, fresh["refresh_token"])[0] == 200


def test_device_flow_pending_then_approved(authority: Authority) -> None:
    status, device = post(authority.device_url, client_id=authority.client_id, scope="mail")
    assert status == 200, device
    assert {"device_code", "user_code", "verification_uri", "interval", "expires_in"} <= set(device)
    poll = {"grant_type": DEVICE_GRANT, "device_code": device["device_code"]}
    poll["client_id"] = authority.client_id
    assert post(authority.token_url, **poll) == (400, {"error": "authorization_pending"})
    authority.approve_device(device["user_code"])
    status, tokens = post(authority.token_url, **poll)
    assert status == 200, tokens
    assert authority.valid(tokens["access_token"]) == authority.username
    assert tokens["refresh_token"]
    assert post(authority.token_url, **poll)[1] == {"error": "invalid_grant"}  # used once
    assert authority.device_polls == 3


def test_introspection_of_a_garbage_token_says_inactive(authority: Authority) -> None:
    assert post(authority.introspect_url, token="garbage") == (200, {"active": False})
    token = authority.issue_tokens()["access_token"]
    status, claims = post(authority.introspect_url, token=token)
    assert (status, claims["active"], claims["username"]) == (200, True, authority.username)


def test_revocation_endpoint(authority: Authority) -> None:
    tokens = authority.issue_tokens()
    revoke = {"token": tokens["refresh_token"], "client_id": authority.client_id}
    request = urllib.request.Request(
        authority.revoke_url,
        data=urllib.parse.urlencode(revoke).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert refresh(authority, tokens["refresh_token"]) == (400, {"error": "invalid_grant"})


def test_a_confidential_client_must_send_its_secret(authority: Authority) -> None:
    authority.client_secret = "s3cret"
    tokens = authority.issue_tokens()
    assert refresh(authority, tokens["refresh_token"])[1]["error"] == "invalid_client"
    fields = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    status, _ = post(
        authority.token_url, client_id=authority.client_id, client_secret="s3cret", **fields
    )
    assert status == 200


# --------------------------------------------------------------------------- Dovecot


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_dovecot_accepts_the_authoritys_token(
    oauth_dovecot: Dovecot, oauth_account: Account, authority: Authority, mechanism: str
) -> None:
    token = authority.issue_tokens()["access_token"]
    imap_login(oauth_dovecot, mechanism, oauth_account.username, token)
    assert authority.introspections == 1  # Dovecot asked the authority


@pytest.mark.parametrize("mechanism", MECHANISMS)
@pytest.mark.parametrize("case", ["wrong", "expired", "revoked", "other user"])
def test_dovecot_refuses_a_bad_token(
    oauth_dovecot: Dovecot,
    oauth_account: Account,
    authority: Authority,
    mechanism: str,
    case: str,
) -> None:
    token = authority.issue_tokens()["access_token"]
    if case == "wrong":
        token = secrets.token_urlsafe(1200)
    elif case == "expired":
        authority.expire_access_tokens()
    elif case == "revoked":
        authority.revoke_grant(authority.username)
    else:
        token = authority.issue_tokens("someone.else@example.test")["access_token"]
    with pytest.raises(LoginError, match="AUTHENTICATIONFAILED"):
        imap_login(oauth_dovecot, mechanism, oauth_account.username, token)


def test_dovecot_has_no_auth_penalty_and_keeps_passwords(
    oauth_dovecot: Dovecot, oauth_account: Account, authority: Authority
) -> None:
    # anvil-auth-penalty is the socket through which the per-IP delay (2 s growing to
    # 15 s per failed login) is applied: with it absent, failures cost nothing extra.
    assert not (oauth_dovecot.run_dir / "anvil-auth-penalty").exists()
    assert (oauth_dovecot.run_dir / "anvil").exists()  # anvil itself runs
    for _ in range(3):
        with pytest.raises(LoginError):
            imap_login(oauth_dovecot, "XOAUTH2", oauth_account.username, "garbage")
    imap_login(
        oauth_dovecot, "XOAUTH2", oauth_account.username, authority.issue_tokens()["access_token"]
    )
    with oauth_account.login() as client:  # PLAIN still works beside the oauth2 passdb
        client.select_folder("INBOX")


def test_dovecot_never_takes_a_token_as_a_password(
    oauth_dovecot: Dovecot, oauth_account: Account
) -> None:
    # the passwd-file passdb serves PLAIN/LOGIN only: the password is no bearer token
    with pytest.raises(LoginError):
        imap_login(oauth_dovecot, "XOAUTH2", oauth_account.username, oauth_account.password)


def test_the_password_dovecot_offers_no_bearer_mechanism(dovecot: Dovecot) -> None:
    client = dovecot.connect()
    try:
        assert b"AUTH=XOAUTH2" not in client.capabilities()
    finally:
        client.shutdown()


# --------------------------------------------------------------------------- SMTP sink


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_smtp_accepts_the_authoritys_token_and_records_the_user(
    oauth_smtp: SmtpSink, authority: Authority, mechanism: str
) -> None:
    token = authority.issue_tokens()["access_token"]
    with smtplib.SMTP(oauth_smtp.host, oauth_smtp.port, timeout=10) as client:
        client.ehlo()
        assert mechanism in client.esmtp_features["auth"].split()
        code, _ = client.auth(mechanism, smtp_callback(mechanism, authority.username, token))
        assert code == 235
        client.sendmail(authority.username, ["hr@example.test"], b"Subject: hi\r\n\r\nthanks\r\n")
    assert oauth_smtp.wait_for(1)[0].auth_user == authority.username
    assert oauth_smtp.bearer_attempts == [(mechanism, authority.username, True)]


@pytest.mark.parametrize("mechanism", MECHANISMS)
@pytest.mark.parametrize("case", ["wrong", "expired", "revoked", "other user"])
def test_smtp_refuses_a_bad_token_like_gmail(
    oauth_smtp: SmtpSink, authority: Authority, mechanism: str, case: str
) -> None:
    token = authority.issue_tokens()["access_token"]
    user = authority.username
    if case == "wrong":
        token = secrets.token_urlsafe(1200)
    elif case == "expired":
        authority.expire_access_tokens()
    elif case == "revoked":
        authority.revoke_grant(user)
    else:
        user = "someone.else@example.test"
    challenges: list[bytes] = []
    answer = smtp_callback(mechanism, user, token)

    def recording(challenge: bytes | None = None) -> str:
        if challenge is not None:
            challenges.append(challenge)
        return answer(challenge)

    with smtplib.SMTP(oauth_smtp.host, oauth_smtp.port, timeout=10) as client:
        client.ehlo()
        with pytest.raises(smtplib.SMTPAuthenticationError) as failure:
            client.auth(mechanism, recording)
    assert (failure.value.smtp_code, failure.value.smtp_error[:5]) == (535, b"5.7.8")
    assert len(challenges) == 1 and "status" in json.loads(challenges[0])
    assert oauth_smtp.bearer_attempts == [(mechanism, user, False)]


def test_smtp_long_tokens_fit_the_command_line(oauth_smtp: SmtpSink, authority: Authority) -> None:
    token = authority.issue_tokens()["access_token"] + "x" * 2000  # ~3,600 chars
    line = base64.b64encode(f"user={authority.username}\x01auth=Bearer {token}\x01\x01".encode())
    assert 512 * 4 < len(line) < BEARER_COMMAND_LIMIT
    # a long, unknown token is refused by the authenticator, not by the line limit
    assert smtp_auth(oauth_smtp, "XOAUTH2", authority.username, token)[0] == 535


def test_smtp_long_data_lines_are_still_refused(oauth_smtp: SmtpSink) -> None:
    with smtplib.SMTP(oauth_smtp.host, oauth_smtp.port, timeout=10) as client:
        client.ehlo()
        client.login(oauth_smtp.username, oauth_smtp.password)  # PLAIN/LOGIN still there
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("a@example.test", ["b@example.test"], b"\r\n" + b"a" * 3000 + b"\r\n")
    assert refused.value.smtp_code == 500


def test_smtp_auth_without_ehlo_is_not_a_login(oauth_smtp: SmtpSink, authority: Authority) -> None:
    # the trap from the issue: smtplib's auth() returns 503 instead of raising
    token = authority.issue_tokens()["access_token"]
    with smtplib.SMTP(oauth_smtp.host, oauth_smtp.port, timeout=10) as client:
        code, _ = client.auth("XOAUTH2", smtp_callback("XOAUTH2", authority.username, token))
    assert code == 503
    assert oauth_smtp.bearer_attempts == []


def test_plain_sink_offers_no_bearer_mechanism(smtp: SmtpSink) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        client.ehlo()
        assert "XOAUTH2" not in client.esmtp_features["auth"]


def poll_device(authority: Authority, device_code: str) -> tuple[int, dict]:
    return post(
        authority.token_url,
        grant_type=DEVICE_GRANT,
        device_code=device_code,
        client_id=authority.client_id,
    )


def test_device_flow_denied_expired_and_verify_page(authority: Authority) -> None:
    _, denied = post(authority.device_url, client_id=authority.client_id)
    authority.deny_device(denied["user_code"])
    assert poll_device(authority, denied["device_code"])[1] == {"error": "access_denied"}
    _, page = post(authority.device_url, client_id=authority.client_id)
    verify = page["verification_uri"] + "?user_code=" + page["user_code"]
    with urllib.request.urlopen(verify, timeout=10) as response:  # the user's browser
        assert response.status == 200
    assert poll_device(authority, page["device_code"])[0] == 200
    authority.device_lifetime = 0
    _, late = post(authority.device_url, client_id=authority.client_id)
    assert late["expires_in"] == 0
    assert poll_device(authority, late["device_code"])[1] == {"error": "expired_token"}
    with pytest.raises(AuthorityError):
        authority.approve_device("NOPE-NOPE")


def test_device_authorization_needs_a_known_client(authority: Authority) -> None:
    status, answer = post(authority.device_url, client_id="someone-else")
    assert (status, answer["error"]) == (400, "invalid_request")


def test_metadata_names_every_endpoint(authority: Authority) -> None:
    url = authority.base_url + "/.well-known/oauth-authorization-server"
    with urllib.request.urlopen(url, timeout=10) as response:
        metadata = json.loads(response.read())
    assert metadata["token_endpoint"] == authority.token_url
    assert metadata["device_authorization_endpoint"] == authority.device_url
    assert metadata["code_challenge_methods_supported"] == ["S256"]


def test_an_access_lifetime_of_zero_gives_dead_tokens(authority: Authority) -> None:
    authority.access_lifetime = 0
    tokens = authority.issue_tokens()
    assert tokens["expires_in"] == 0
    assert authority.valid(tokens["access_token"]) is None


def test_a_stopped_authority_restarts_on_its_port() -> None:
    with Authority(username="ann@example.test") as server:
        port = server.port
        token = server.issue_tokens()["access_token"]
        server.stop()
        with pytest.raises(urllib.error.URLError):
            post(server.introspect_url, token=token)
        server.start()
        assert server.port == port
        assert post(server.introspect_url, token=token)[1]["username"] == "ann@example.test"


def test_the_authority_fixture_is_fresh_for_each_test(
    authority: Authority, session_authority: Authority
) -> None:
    assert authority is session_authority
    assert authority.token_requests == authority.refresh_requests == 0
    assert authority.client_secret is None and authority.access_lifetime == 3600
    assert authority.username.startswith("oauth") and authority.username.endswith("@example.test")


def test_smtp_oauthbearer_without_authzid_takes_the_tokens_user(
    oauth_smtp: SmtpSink, authority: Authority
) -> None:
    token = authority.issue_tokens()["access_token"]
    with smtplib.SMTP(oauth_smtp.host, oauth_smtp.port, timeout=10) as client:
        client.ehlo()
        code, _ = client.auth("OAUTHBEARER", lambda _=None: f"n,,\x01auth=Bearer {token}\x01\x01")
    assert code == 235
    assert oauth_smtp.bearer_attempts == [("OAUTHBEARER", authority.username, True)]


def test_smtp_xoauth2_without_initial_response(oauth_smtp: SmtpSink, authority: Authority) -> None:
    token = authority.issue_tokens()["access_token"]
    answer = f"user={authority.username}\x01auth=Bearer {token}\x01\x01"
    with smtplib.SMTP(oauth_smtp.host, oauth_smtp.port, timeout=10) as client:
        client.ehlo()
        code, _ = client.auth("XOAUTH2", lambda _=None: answer, initial_response_ok=False)
    assert code == 235


def test_smtp_malformed_bearer_response_is_a_syntax_error(oauth_smtp: SmtpSink) -> None:
    with smtplib.SMTP(oauth_smtp.host, oauth_smtp.port, timeout=10) as client:
        client.ehlo()
        with pytest.raises(smtplib.SMTPAuthenticationError) as failure:
            client.auth("XOAUTH2", lambda _=None: "user=x auth=Bearer y")
    assert failure.value.smtp_code == 501
    assert oauth_smtp.bearer_attempts == []


def test_dovecot_says_unavailable_while_the_authority_is_down(
    oauth_dovecot: Dovecot, oauth_account: Account, authority: Authority
) -> None:
    token = authority.issue_tokens()["access_token"]
    imap_login(oauth_dovecot, "XOAUTH2", oauth_account.username, token)  # a connection made
    authority.stop()
    try:
        # a temporary failure, not a wrong token: a client must not drop the grant
        with pytest.raises(LoginError, match="UNAVAILABLE"):
            imap_login(oauth_dovecot, "XOAUTH2", oauth_account.username, token)
    finally:
        authority.start()
    imap_login(oauth_dovecot, "XOAUTH2", oauth_account.username, token)
