"""OAuth2 sign-in and access tokens (oauthlib for the protocol, requests for HTTP).

`followup login --oauth` signs in once (authorization code + PKCE through a
loopback redirect, or the device flow) and keeps the refresh token: the keyring,
else a 0600 file next to the database; `$CREDENTIALS_DIRECTORY/oauth-refresh-token`
wins when systemd provides it. Access tokens live in memory only, refreshed ahead
of expiry behind a lock. A refresh answered `invalid_grant` marks the grant dead
(through `GrantState`, which the application keeps in the store): from then on no
login is attempted until the user signs in again.

Every token and the client secret pass through `register_secret` as soon as they
are seen, so no log line can show them.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from followup.adapters import credentials, private
from followup.adapters.config import OAuth, Settings, require_client_id
from followup.adapters.logsetup import register_secret
from followup.core import oauth as core
from followup.core.model import FollowupError

log = logging.getLogger(__name__)

HTTP_TIMEOUT = 30  # seconds, every request to the provider
LOGIN_TIMEOUT = 300  # seconds the browser sign-in may take
SIGN_IN_AGAIN = "sign in again: `followup login --oauth`"
REFRESH_FILE = "oauth-refresh-token"
CLIENT_SECRET_ENV = "FOLLOWUP_OAUTH_CLIENT_SECRET"


def utcnow() -> datetime:
    return datetime.now(UTC)


class GrantDead(FollowupError):
    """The refresh token no longer works: only a new sign-in helps."""


class GrantState(Protocol):
    """Where the dead-grant flag lives (the store): it outlives a restart."""

    def dead(self) -> str | None: ...

    def mark_dead(self, reason: str) -> None: ...


class NoGrantState:
    """For a process without a store: remembers in memory only."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def dead(self) -> str | None:
        return self.reason

    def mark_dead(self, reason: str) -> None:
        self.reason = reason


# --- the logins IMAP and SMTP use ------------------------------------------------------


class Login(Protocol):
    method: str  # "password" | "oauth2"

    def secret(self) -> str: ...

    def refused(self, secret: str) -> bool: ...

    def expires_at(self) -> datetime | None: ...


@dataclass
class PasswordLogin:
    password: str
    method: str = "password"

    def secret(self) -> str:
        return self.password

    def refused(self, secret: str) -> bool:
        return False  # a password does not get better by asking again

    def expires_at(self) -> datetime | None:
        return None


class CommandToken:
    """token_cmd: a command that prints a fresh access token, run at each login."""

    method = "oauth2"

    def __init__(self, command: str, key: str):
        self.command, self.key = command, key

    def secret(self) -> str:
        return credentials.run_command(self.command, self.key)

    def refused(self, secret: str) -> bool:
        return True  # the command may hand out a refreshed one

    def expires_at(self) -> datetime | None:
        return None  # the command knows; we do not


class TokenSource:
    """Access tokens for the signed-in account, shared by IMAP and SMTP."""

    method = "oauth2"

    def __init__(
        self,
        cfg: OAuth,
        username: str,
        *,
        state_dir: Path,
        grant: GrantState,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.cfg, self.username = cfg, username
        self.refresh_tokens = RefreshTokens(cfg, username, state_dir)
        self.grant = grant
        self.clock = clock
        self._lock = threading.Lock()
        self._access: core.AccessToken | None = None
        self.refreshes = 0  # token requests made (tests, bench)

    def secret(self) -> str:
        with self._lock:
            reason = self.grant.dead()
            if reason is not None:
                raise GrantDead(f"OAuth: the sign-in no longer works ({reason}): {SIGN_IN_AGAIN}")
            now = self.clock()
            if self._access is None or not self._access.fresh(now):
                self._access = self._refresh(now)
            return self._access.value

    def refused(self, secret: str) -> bool:
        """The server refused `secret`: forget it, so the next secret() refreshes. Only
        once per token: IMAP and SMTP refusing the same one make one refresh."""
        with self._lock:
            if self._access is not None and self._access.value == secret:
                self._access = None
                return True
            return self._access is not None  # someone refreshed meanwhile: try that one

    def expires_at(self) -> datetime | None:
        return self._access.expires_at if self._access else None

    def _refresh(self, now: datetime) -> core.AccessToken:
        refresh = self.refresh_tokens.load()
        if refresh is None:
            raise FollowupError(
                f"OAuth: not signed in as {self.username!r}: run `followup login --oauth`"
            )
        from oauthlib.oauth2 import WebApplicationClient

        client = WebApplicationClient(self.cfg.client_id)
        body = client.prepare_refresh_body(
            refresh_token=refresh, scope=list(self.cfg.scopes) or None, **_client_auth(self.cfg)
        )
        self.refreshes += 1
        try:
            answer = token_request(self.cfg.token_url, body)
        except TokenError as err:
            if core.grant_is_dead(err.error):
                self.grant.mark_dead(err.error)
                log.error("OAuth: the provider refused the refresh (%s): %s", err, SIGN_IN_AGAIN)
                raise GrantDead(f"OAuth: {err}: {SIGN_IN_AGAIN}") from None
            raise FollowupError(f"OAuth: token refresh failed: {err}") from None
        rotated = answer.get("refresh_token")
        if rotated and rotated != refresh:
            self.refresh_tokens.save(rotated)  # Microsoft hands out a new one each time
        log.info("OAuth: access token refreshed for %s", self.username)
        return core.AccessToken(answer["access_token"], core.expiry(now, answer.get("expires_in")))


def logins(
    settings: Settings,
    grant: GrantState,
    *,
    clock: Callable[[], datetime] = utcnow,
    with_source: bool = True,
    with_transport: bool = True,
) -> tuple[Login | None, Login | None]:
    """The login of the IMAP source and of the SMTP transport (None where the side has
    no server). One TokenSource serves both sides: one refresh for the two."""
    shared: list[TokenSource] = []

    def of(role: credentials.Role, side: Any) -> Login:
        key = f"[{credentials.SECTION[role]}]"
        if side.auth == "password":
            return PasswordLogin(credentials.require(role, side.username, side.password_cmd))
        oauth = settings.oauth
        command = side.token_cmd or (oauth.token_cmd if oauth else "")
        if command:
            which = f"{key} token_cmd" if side.token_cmd else "[oauth] token_cmd"
            return CommandToken(command, which)
        oauth = require_client_id(settings, credentials.SECTION[role])
        if not shared:
            shared.append(
                TokenSource(
                    oauth,
                    side.username,
                    state_dir=settings.storage_path.parent,
                    grant=grant,
                    clock=clock,
                )
            )
        return shared[0]

    source = of("imap", settings.source) if with_source and settings.source.kind == "imap" else None
    smtp = with_transport and settings.transport.kind == "smtp"
    transport = of("smtp", settings.transport) if smtp else None
    return source, transport


def signed_in_account(settings: Settings) -> str | None:
    """The username `followup login --oauth` signs in, or None if no side needs it."""
    for side, kind in ((settings.source, "imap"), (settings.transport, "smtp")):
        oauth_cmd = settings.oauth.token_cmd if settings.oauth else ""
        if side.kind == kind and side.auth == "oauth2" and not (side.token_cmd or oauth_cmd):
            return side.username
    return None


# --- where the refresh token and the client secret live --------------------------------


class RefreshTokens:
    """The refresh token: systemd credential, else keyring, else a 0600 file."""

    def __init__(self, cfg: OAuth, username: str, state_dir: Path):
        self.cfg, self.username = cfg, username
        self.file = state_dir / REFRESH_FILE
        self.name = f"oauth-refresh-token:{username}"
        self._from_credentials = False
        self._rotated: str | None = None  # from systemd credentials, replaced in memory

    def load(self) -> str | None:
        if self._rotated is not None:
            return self._rotated
        creds = os.environ.get("CREDENTIALS_DIRECTORY")
        token: str | None = None
        if creds and (Path(creds) / REFRESH_FILE).is_file():
            token = (Path(creds) / REFRESH_FILE).read_text(encoding="utf-8").strip()
            self._from_credentials = True
        token = token or credentials.keyring_get(self.name)
        if not token and self.file.is_file():
            token = self.file.read_text(encoding="utf-8").strip()
        register_secret(token)
        return token or None

    def save(self, token: str) -> str:
        """Keep a new refresh token; returns where it went, for the user."""
        register_secret(token)
        if self._from_credentials:
            self._rotated = token  # systemd's copy is read-only: this one lasts till restart
            return "memory"
        if credentials.keyring_available():
            try:
                credentials.keyring_set(self.name, token, "OAuth refresh token")
            except FollowupError as err:
                log.warning("%s; keeping the refresh token in %s instead", err, self.file)
            else:
                self.file.unlink(missing_ok=True)  # one copy, in the better place
                return "the keyring"
        private.write_text(self.file, token + "\n")
        return str(self.file)


def client_secret(cfg: OAuth) -> str | None:
    """Where a provider wants one (Google's Desktop clients): systemd credential, env,
    keyring. Never the config file."""
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    secret: str | None = None
    if creds and (Path(creds) / "oauth-client-secret").is_file():
        secret = (Path(creds) / "oauth-client-secret").read_text(encoding="utf-8").strip()
    secret = secret or os.environ.get(CLIENT_SECRET_ENV) or None
    if secret is None and cfg.client_id:
        secret = credentials.keyring_get(f"oauth-client-secret:{cfg.client_id}")
    register_secret(secret)
    return secret


def _secret_only(cfg: OAuth) -> dict[str, str]:
    """For oauthlib calls that add the client_id themselves."""
    secret = client_secret(cfg)
    return {"client_secret": secret} if secret else {}


def _client_auth(cfg: OAuth) -> dict[str, str]:
    """client_id always (a public client), client_secret where there is one."""
    extra = {"client_id": cfg.client_id}
    secret = client_secret(cfg)
    if secret:
        extra["client_secret"] = secret
    return extra


# --- talking to the token endpoint -----------------------------------------------------


class TokenError(Exception):
    """The token endpoint answered with an OAuth error (or not at all)."""

    def __init__(self, error: str, description: str = ""):
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error


def token_request(url: str, body: str) -> dict[str, Any]:
    """POST `body` to the token endpoint; the parsed answer, every token in it
    registered as a secret, or TokenError."""
    import requests
    from oauthlib.oauth2 import OAuth2Error, WebApplicationClient

    try:
        reply = requests.post(
            url,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            timeout=HTTP_TIMEOUT,
        )
    except requests.RequestException as err:
        raise TokenError(
            "unreachable", f"{urlsplit(url).netloc}: {err.__class__.__name__}"
        ) from None
    _register_tokens(reply.text)
    if reply.status_code >= 500:
        raise TokenError("server_error", f"HTTP {reply.status_code}")
    try:
        # oauthlib checks the answer and raises the RFC 6749 §5.2 error it names
        token = WebApplicationClient("").parse_request_body_response(reply.text)
    except OAuth2Error as err:
        raise TokenError(err.error, _short(err.description)) from None
    except (ValueError, KeyError) as err:  # not JSON, or a Warning about scopes
        raise TokenError("invalid_response", f"HTTP {reply.status_code}: {err}") from None
    if "access_token" not in token:
        raise TokenError("invalid_response", "no access_token")
    return dict(token)


def _register_tokens(text: str) -> None:
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return
    if isinstance(data, dict):
        for key in ("access_token", "refresh_token", "id_token"):
            if isinstance(data.get(key), str):
                register_secret(data[key])


def _short(text: object) -> str:
    return " ".join(str(text or "").split())[:200]


# --- signing in: the browser (authorization code + PKCE) ---------------------------------


@dataclass
class Grant:
    refresh_token: str
    access: core.AccessToken


def _grant(answer: dict[str, Any], now: datetime, cfg: OAuth) -> Grant:
    refresh = answer.get("refresh_token")
    if not refresh:
        hint = " (Microsoft: add the scope offline_access)" if cfg.provider != "google" else ""
        raise FollowupError(f"OAuth: the provider gave no refresh token{hint}")
    return Grant(
        refresh,
        core.AccessToken(answer["access_token"], core.expiry(now, answer.get("expires_in"))),
    )


class _Callback(BaseHTTPRequestHandler):
    """The loopback redirect: the first request with our `state` ends the wait. Any
    other (a favicon, a forged link) is answered and ignored."""

    expected_state = ""
    result: dict[str, str] | None = None

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if not secrets.compare_digest(query.get("state", ""), self.expected_state):
            self._answer(400, "This is not the sign-in followup is waiting for.")
            return
        type(self).result = query
        if "code" in query:
            self._answer(200, "Signed in. You can close this tab and go back to the terminal.")
        else:
            self._answer(400, "The sign-in did not work; the terminal says why.")

    def _answer(self, status: int, text: str) -> None:
        body = f"<!doctype html><meta charset=utf-8><title>followup</title><p>{text}".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the query holds the code: never on stderr


def sign_in_browser(
    cfg: OAuth,
    *,
    login_hint: str,
    say: Callable[[str], None],
    open_browser: bool = True,
    timeout: float = LOGIN_TIMEOUT,
    clock: Callable[[], datetime] = utcnow,
) -> Grant:
    """Authorization code with PKCE (S256) and a loopback redirect to 127.0.0.1 at a
    port the system picks (named "localhost" for Microsoft); the `state` is checked."""
    from oauthlib.common import add_params_to_uri
    from oauthlib.oauth2 import WebApplicationClient

    client = WebApplicationClient(cfg.client_id)
    verifier = client.create_code_verifier(64)
    challenge = client.create_code_challenge(verifier, "S256")
    state = secrets.token_urlsafe(32)
    handler: Any = type("Callback", (_Callback,), {"expected_state": state, "result": None})
    server = HTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 0.5
    try:
        port = server.server_address[1]
        redirect = core.redirect_uri(cfg.provider, port)
        params = [
            ("response_type", "code"),
            ("client_id", cfg.client_id),
            ("redirect_uri", redirect),
            ("scope", " ".join(cfg.scopes)),
            ("state", state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ]
        if login_hint:
            params.append(("login_hint", login_hint))
        if cfg.provider == "google":  # else Google gives no refresh token
            params += [("access_type", "offline"), ("prompt", "consent")]
        url = add_params_to_uri(cfg.authorize_url, params)
        say("Open this address in a browser to sign in:")
        say(url)
        say(
            f"(waiting on 127.0.0.1:{port}; from another machine: "
            f"ssh -L {port}:127.0.0.1:{port} this-host, then open the address there)"
        )
        if open_browser:
            webbrowser.open(url)
        deadline = time.monotonic() + timeout
        while handler.result is None and time.monotonic() < deadline:
            server.handle_request()
    finally:
        server.server_close()
    query = handler.result
    if query is None:
        raise FollowupError(f"OAuth: no sign-in within {timeout:.0f} s; run the command again")
    if "code" not in query:
        why = query.get("error", "no code")
        raise FollowupError(
            f"OAuth: the sign-in was refused ({why}: {_short(query.get('error_description'))})"
        )
    register_secret(query["code"])
    body = client.prepare_request_body(
        code=query["code"],
        redirect_uri=redirect,
        code_verifier=verifier,
        include_client_id=True,
        **_secret_only(cfg),
    )
    try:
        answer = token_request(cfg.token_url, body)
    except TokenError as err:
        raise FollowupError(f"OAuth: the provider refused the code: {err}") from None
    return _grant(answer, clock(), cfg)


# --- signing in: the device flow (RFC 8628) ---------------------------------------------


def sign_in_device(
    cfg: OAuth,
    *,
    say: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = utcnow,
) -> Grant:
    """Show a code to type at the provider's page (on any device), then poll the token
    endpoint at the interval it asks for until the user has approved."""
    import requests
    from oauthlib.oauth2 import DeviceClient

    if not cfg.device_url:
        raise FollowupError(
            'OAuth: no device_url for this provider: drop --device, or set it ("custom")'
        )
    try:
        reply = requests.post(
            cfg.device_url,
            data={"client_id": cfg.client_id, "scope": " ".join(cfg.scopes)},
            headers={"Accept": "application/json"},
            timeout=HTTP_TIMEOUT,
        )
        start = reply.json()
    except (requests.RequestException, ValueError) as err:
        raise FollowupError(
            f"OAuth: the device endpoint did not answer ({err.__class__.__name__})"
        ) from None
    if not isinstance(start, dict) or "device_code" not in start:
        error = start.get("error", f"HTTP {reply.status_code}") if isinstance(start, dict) else "?"
        raise FollowupError(f"OAuth: the device sign-in was refused ({error})")
    register_secret(start["device_code"])
    where = start.get("verification_uri") or start.get("verification_url") or "?"
    say(f"On any device, open {where} and enter the code {start.get('user_code', '?')}")
    complete = start.get("verification_uri_complete")
    if complete:
        say(f"(or open {complete})")
    interval = core.poll_interval(start.get("interval"))
    ends = time.monotonic() + _lifetime(start.get("expires_in"))
    client = DeviceClient(cfg.client_id)
    body = client.prepare_request_body(
        start["device_code"], include_client_id=True, **_secret_only(cfg)
    )
    while True:
        sleep(interval)
        try:
            answer = token_request(cfg.token_url, body)
        except TokenError as err:
            wait = core.after_poll(interval, err.error)
            if wait is None:
                if err.error == "expired_token":
                    raise FollowupError(
                        "OAuth: the code expired before it was entered; run the command again"
                    ) from None
                raise FollowupError(f"OAuth: the device sign-in failed: {err}") from None
            interval = wait
            if time.monotonic() > ends:
                raise FollowupError(
                    "OAuth: the code expired before it was entered; run the command again"
                ) from None
            continue
        return _grant(answer, clock(), cfg)


def _lifetime(expires_in: object) -> float:
    """How long a device code lasts: the server's word, within 30 s and an hour."""
    try:
        seconds = float(str(expires_in))
    except ValueError:
        seconds = 900.0
    return max(30.0, min(seconds, 3600.0)) if seconds == seconds else 900.0
