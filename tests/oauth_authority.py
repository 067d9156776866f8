"""A small, real OAuth2 authorization server on loopback for the test suite.

Built on oauthlib (``Server`` with a ``RequestValidator``), not hand-rolled: authorization
code with PKCE (S256 only), refresh, the device flow (RFC 8628), introspection (RFC 7662)
and revocation (RFC 7009).  It runs ``http.server`` in a thread on 127.0.0.1 at a free
port.  Plain classes, no pytest imports; the fixtures live in ``tests/conftest.py``.

Endpoints (all under ``base_url``):

- ``GET /authorize`` -- the "browser" visit: consents at once for ``Authority.username``
  and redirects to the client's ``redirect_uri`` with ``code`` and ``state``.  Loopback
  redirect URIs (127.0.0.1, [::1], localhost) with any port are accepted (RFC 8252).
- ``POST /token`` -- ``authorization_code`` (a wrong or missing ``code_verifier`` fails),
  ``refresh_token``, ``urn:ietf:params:oauth:grant-type:device_code``.
- ``POST /device`` -- device authorization: device_code, user_code, verification_uri,
  interval, expires_in.  ``GET /verify?user_code=...`` approves like ``approve_device``.
- ``POST /introspect`` -- ``{"active": true, "username": <login name>, ...}``; no client
  authentication (Dovecot, the resource server, calls it on loopback).
- ``POST /revoke`` -- revokes an access or refresh token.

Tokens are long (access 1,600 chars, refresh 1,200), like Microsoft's, so line-length
limits on the way (SMTP command lines, IMAP AUTHENTICATE) are exercised.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

from oauthlib.common import Request
from oauthlib.oauth2 import RequestValidator, Server
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc8628.endpoints import DeviceAuthorizationEndpoint
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant

__all__ = ["Authority", "AuthorityError"]

LOOPBACK = "127.0.0.1"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
ACCESS_TOKEN_BYTES = 1200  # token_urlsafe: 1,600 characters
REFRESH_TOKEN_BYTES = 900  # 1,200 characters
MAX_BODY = 64 * 1024
MAX_BROWSER_HOPS = 5
METADATA_PATHS = ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")


class AuthorityError(RuntimeError):
    """The authority refused a browser visit, or could not be driven."""


@dataclass
class _Code:
    client_id: str
    username: str
    redirect_uri: str | None
    scopes: list[str]
    challenge: str | None
    challenge_method: str | None


@dataclass
class _Token:
    username: str
    client_id: str
    scopes: list[str]
    issued: float
    expires: float
    active: bool = True


@dataclass
class _Device:
    client_id: str
    user_code: str
    scopes: list[str]
    expires: float
    approved_by: str | None = None
    denied: bool = False
    used: bool = False


@dataclass
class _Store:
    """Everything the validator remembers; guarded by ``lock``."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    codes: dict[str, _Code] = field(default_factory=dict)
    access: dict[str, _Token] = field(default_factory=dict)
    refresh: dict[str, _Token] = field(default_factory=dict)
    devices: dict[str, _Device] = field(default_factory=dict)  # by device_code


def _is_loopback_redirect(uri: str) -> bool:
    """RFC 8252 7.3: http on a loopback address, any port."""
    try:
        parts = urllib.parse.urlsplit(uri)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and not parts.fragment


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = (request.headers or {}).get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None
    return urllib.parse.unquote(user), urllib.parse.unquote(password)


def _path(request: Request) -> str:
    return urllib.parse.urlsplit(request.uri).path


class _Validator(RequestValidator):
    """oauthlib's hooks over the Authority's in-memory store."""

    def __init__(self, authority: Authority) -> None:
        super().__init__()
        self.authority = authority
        self.store = authority._store

    # ---------------------------------------------------------------- clients

    def _known(self, client_id: str | None) -> bool:
        return client_id == self.authority.client_id

    def _set_client(self, request: Request, client_id: str | None) -> None:
        request.client = SimpleNamespace(client_id=client_id)
        request.client_id = client_id

    def client_authentication_required(self, request, *args, **kwargs):
        if _path(request) == "/introspect":
            return False
        return self.authority.client_secret is not None

    def authenticate_client(self, request, *args, **kwargs):
        basic = _basic_credentials(request)
        client_id, secret = basic or (request.client_id, getattr(request, "client_secret", None))
        if not self._known(client_id) or secret is None:
            return False
        if not secrets.compare_digest(str(secret), self.authority.client_secret or ""):
            return False
        self._set_client(request, client_id)
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        if _path(request) == "/introspect":  # the resource server, on loopback
            self._set_client(request, client_id)
            return True
        if not self._known(client_id):
            return False
        self._set_client(request, client_id)
        return True

    def validate_client_id(self, client_id, request, *args, **kwargs):
        return self._known(client_id)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in ("authorization_code", "refresh_token", DEVICE_GRANT)

    def validate_response_type(self, client_id, response_type, client, request, *args, **kw):
        return response_type == "code"

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        return True

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return ["mail"]

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        return _is_loopback_redirect(redirect_uri)

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        return None  # a native client must say where its listener is

    # ---------------------------------------------------------------- authorization code

    def is_pkce_required(self, client_id, request):
        return True

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        with self.store.lock:
            self.store.codes[code["code"]] = _Code(
                client_id=client_id,
                username=request.user,
                redirect_uri=request.redirect_uri,
                scopes=list(request.scopes or []),
                challenge=request.code_challenge,
                challenge_method=request.code_challenge_method,
            )

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        with self.store.lock:
            grant = self.store.codes.get(code)
        if grant is None or grant.client_id != client_id:
            return False
        request.user = grant.username
        request.scopes = grant.scopes
        return True

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *a, **kw):
        with self.store.lock:
            grant = self.store.codes.get(code)
        return grant is not None and grant.redirect_uri == redirect_uri

    def get_code_challenge(self, code, request):
        with self.store.lock:
            grant = self.store.codes.get(code)
        return grant.challenge if grant else None

    def get_code_challenge_method(self, code, request):
        with self.store.lock:
            grant = self.store.codes.get(code)
        return grant.challenge_method if grant else None

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        with self.store.lock:
            self.store.codes.pop(code, None)

    # ---------------------------------------------------------------- tokens

    def save_bearer_token(self, token, request, *args, **kwargs):
        now = time.time()
        user = request.user
        client_id = request.client_id or self.authority.client_id
        scopes = list(request.scopes or [])
        with self.store.lock:
            self.store.access[token["access_token"]] = _Token(
                user, client_id, scopes, now, now + int(token["expires_in"])
            )
            refresh = token.get("refresh_token")
            if refresh and refresh not in self.store.refresh:
                self.store.refresh[refresh] = _Token(user, client_id, scopes, now, float("inf"))
            old = getattr(request, "refresh_token", None)
            if old and refresh and old != refresh:  # rotated: the old one is spent
                self.store.refresh[old].active = False
            if request.grant_type == DEVICE_GRANT:
                self.store.devices[request.device_code].used = True

    def validate_bearer_token(self, token, scopes, request):
        return self.authority.valid(token) is not None

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        with self.store.lock:
            grant = self.store.refresh.get(refresh_token)
        if grant is None or not grant.active or grant.client_id != client.client_id:
            return False
        request.user = grant.username
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        with self.store.lock:
            return list(self.store.refresh[refresh_token].scopes)

    def rotate_refresh_token(self, request):
        return self.authority.rotate_refresh_tokens

    def introspect_token(self, token, token_type_hint, request, *args, **kwargs):
        with self.store.lock:
            grant = self.store.access.get(token)
            kind = "access_token"
            if grant is None and token_type_hint == "refresh_token":
                grant, kind = self.store.refresh.get(token), "refresh_token"
        if grant is None or not grant.active or grant.expires <= time.time():
            return None
        claims: dict[str, Any] = {
            "username": grant.username,
            "sub": grant.username,
            "client_id": grant.client_id,
            "scope": " ".join(grant.scopes),
            "token_type": "Bearer" if kind == "access_token" else kind,
            "iat": int(grant.issued),
        }
        if grant.expires != float("inf"):
            claims["exp"] = int(grant.expires)
        return claims

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        with self.store.lock:
            for table in (self.store.access, self.store.refresh):
                if token in table:
                    table[token].active = False

    # ---------------------------------------------------------------- device flow

    def validate_device_code(self, client_id, code, request, *args, **kwargs):
        with self.store.lock:
            device = self.store.devices.get(code)
        if device is None or device.used or device.client_id != client_id:
            return None
        if device.expires <= time.time():
            return DeviceCodeGrant.DEVICE_CODE_EXPIRED
        if device.denied:
            return DeviceCodeGrant.DEVICE_CODE_DENIED
        if device.approved_by is None:
            return DeviceCodeGrant.DEVICE_CODE_PENDING
        request.user = device.approved_by
        request.scopes = device.scopes
        return DeviceCodeGrant.DEVICE_CODE_AUTHORIZED


class Authority:
    """A real OAuth2 authorization server on 127.0.0.1 (see the module docstring).

    ``username``: the user who consents in the "browser" (``browse``) and approves devices
    (``approve_device``); change it at any time.  ``client_id``: the one registered client
    (public unless ``client_secret`` is given, then token requests must authenticate with
    it, Basic or in the body).  ``access_lifetime``: seconds an access token lives.
    ``rotate_refresh_tokens``: each refresh returns a new refresh token and spends the old
    one (Microsoft-like strictness); default off: the same refresh token comes back
    (Google-like).

    Counters (ints, every request counts, failed ones too): ``token_requests`` (all
    ``/token`` POSTs), ``refresh_requests`` (those with grant_type=refresh_token),
    ``device_polls`` (device_code grants), ``introspections`` (``/introspect`` POSTs).
    ``authorize_requests``: the query of each ``/authorize`` visit (dicts, for asserting
    PKCE method, state, scope, redirect_uri).
    """

    def __init__(
        self,
        username: str = "sam.seeker@example.test",
        client_id: str = "followup-test",
        access_lifetime: int = 3600,
        *,
        client_secret: str | None = None,
        rotate_refresh_tokens: bool = False,
        device_interval: int = 1,
        device_lifetime: int = 600,
        port: int | None = None,
    ) -> None:
        self.username = username
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_lifetime = access_lifetime
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.device_interval = device_interval
        self.device_lifetime = device_lifetime
        self.port = port or 0
        self._settings = (client_id, client_secret, access_lifetime, rotate_refresh_tokens)
        self._settings += (device_interval, device_lifetime)
        self._store = _Store()
        self._counter_lock = threading.Lock()
        self.token_requests = 0
        self.refresh_requests = 0
        self.device_polls = 0
        self.introspections = 0
        self.authorize_requests: list[dict[str, str]] = []
        self.last_browser_page: str | None = None
        self._validator = _Validator(self)
        self._server = Server(
            self._validator,
            token_expires_in=lambda request: self.access_lifetime,
            token_generator=lambda request: secrets.token_urlsafe(ACCESS_TOKEN_BYTES),
            refresh_token_generator=lambda request: secrets.token_urlsafe(REFRESH_TOKEN_BYTES),
        )
        self._server.auth_grant.custom_validators.pre_auth.append(self._s256_only)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- URLs

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def authorize_url(self) -> str:
        return self.base_url + "/authorize"

    @property
    def token_url(self) -> str:
        return self.base_url + "/token"

    @property
    def device_url(self) -> str:
        return self.base_url + "/device"

    @property
    def verification_url(self) -> str:
        return self.base_url + "/verify"

    @property
    def introspect_url(self) -> str:
        return self.base_url + "/introspect"

    @property
    def revoke_url(self) -> str:
        return self.base_url + "/revoke"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> Authority:
        """Listen on 127.0.0.1 (a free port the first time, the same port on a restart)."""
        if self._httpd is not None:
            raise AuthorityError("authority already running")
        self._httpd = ThreadingHTTPServer((LOOPBACK, self.port), _handler_for(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"oauth-authority-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._httpd = self._thread = None

    def __enter__(self) -> Authority:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Authority {self.base_url} user={self.username!r}>"

    def reset(self, username: str | None = None) -> None:
        """Forget every code, token and device, zero the counters and restore the
        constructor's settings (client_id, client_secret, access_lifetime, ...): a shared
        authority between tests.  ``username`` becomes the consenting user if given."""
        (
            self.client_id,
            self.client_secret,
            self.access_lifetime,
            self.rotate_refresh_tokens,
            self.device_interval,
            self.device_lifetime,
        ) = self._settings
        with self._store.lock:
            self._store.codes.clear()
            self._store.access.clear()
            self._store.refresh.clear()
            self._store.devices.clear()
        with self._counter_lock:
            self.token_requests = self.refresh_requests = 0
            self.device_polls = self.introspections = 0
            self.authorize_requests = []
        self.last_browser_page = None
        if username is not None:
            self.username = username

    # ---------------------------------------------------------------- test controls

    def issue_tokens(self, username: str | None = None, scopes: list[str] | None = None) -> dict:
        """A fresh grant for ``username`` (default: ``self.username``) without any flow:
        {"access_token", "refresh_token", "expires_in", "token_type", "scope"}.  Not
        counted in ``token_requests``."""
        user = username or self.username
        scopes = scopes or ["mail"]
        access = secrets.token_urlsafe(ACCESS_TOKEN_BYTES)
        refresh = secrets.token_urlsafe(REFRESH_TOKEN_BYTES)
        now = time.time()
        with self._store.lock:
            self._store.access[access] = _Token(
                user, self.client_id, scopes, now, now + self.access_lifetime
            )
            self._store.refresh[refresh] = _Token(user, self.client_id, scopes, now, float("inf"))
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.access_lifetime,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
        }

    def valid(self, token: str) -> str | None:
        """The user an active access token belongs to, else None (the SMTP sink's check)."""
        with self._store.lock:
            grant = self._store.access.get(token)
            if grant is None or not grant.active or grant.expires <= time.time():
                return None
            return grant.username

    def expire_access_tokens(self) -> None:
        """Every access token issued so far becomes inactive; refresh tokens still work."""
        with self._store.lock:
            for grant in self._store.access.values():
                grant.active = False

    def revoke_grant(self, username: str | None = None) -> None:
        """The user withdrew consent: refresh answers ``invalid_grant``, access tokens are
        inactive (default user: ``self.username``)."""
        user = username or self.username
        with self._store.lock:
            for table in (self._store.access, self._store.refresh):
                for grant in table.values():
                    if grant.username == user:
                        grant.active = False

    def approve_device(self, user_code: str, username: str | None = None) -> None:
        """The user typed ``user_code`` at the verification URL and consented (as
        ``username``, default ``self.username``): the next poll gets the tokens."""
        self._pending_device(user_code).approved_by = username or self.username

    def deny_device(self, user_code: str) -> None:
        """The user declined: the next poll gets ``access_denied``."""
        self._pending_device(user_code).denied = True

    def _pending_device(self, user_code: str) -> _Device:
        with self._store.lock:
            for device in self._store.devices.values():
                if device.user_code == user_code.strip().upper() and not device.used:
                    return device
        raise AuthorityError("no pending device authorization with that user code")

    def browse(self, authorize_url: str) -> str:
        """Play the browser: GET ``authorize_url`` (the consent is automatic), follow the
        redirect to the client's loopback ``redirect_uri`` -- an HTTP GET to the client's
        listener -- and return that final URL (with ``code`` and ``state``, or ``error``).
        The listener's answer is kept in ``last_browser_page``.  Raises AuthorityError if
        the authority answers without a redirect (a bad client_id or redirect_uri)."""
        status, location, body = _http_get(authorize_url)
        if status not in (301, 302, 303, 307) or not location:
            raise AuthorityError(f"authorize answered {status}: {body[:300]}")
        url = location
        for _ in range(MAX_BROWSER_HOPS):
            if not _is_loopback_redirect(url):
                raise AuthorityError(f"the browser would leave loopback: {url[:200]}")
            status, location, body = _http_get(url)
            self.last_browser_page = body
            if status not in (301, 302, 303, 307) or not location:
                return url
            url = urllib.parse.urljoin(url, location)
        raise AuthorityError("too many redirects after the authorization")

    def metadata(self) -> dict[str, Any]:
        """RFC 8414 server metadata (also served at the two well-known paths)."""
        return {
            "issuer": self.base_url,
            "authorization_endpoint": self.authorize_url,
            "token_endpoint": self.token_url,
            "device_authorization_endpoint": self.device_url,
            "introspection_endpoint": self.introspect_url,
            "revocation_endpoint": self.revoke_url,
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
            "code_challenge_methods_supported": ["S256"],
        }

    # ---------------------------------------------------------------- request handling

    def _s256_only(self, request: Request) -> dict:
        # A public native client must use S256 (RFC 7636 4.2, OAuth 2.1); refuse "plain".
        if request.code_challenge is not None and request.code_challenge_method != "S256":
            raise errors.InvalidRequestError(
                description="code_challenge_method must be S256", request=request
            )
        return {}

    def _count(self, body: str) -> None:
        grant_type = urllib.parse.parse_qs(body).get("grant_type", [""])[0]
        with self._counter_lock:
            self.token_requests += 1
            if grant_type == "refresh_token":
                self.refresh_requests += 1
            elif grant_type == DEVICE_GRANT:
                self.device_polls += 1

    def _handle(
        self, method: str, path: str, uri: str, body: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], str]:
        route = (method, urllib.parse.urlsplit(path).path)
        try:
            if route == ("GET", "/authorize"):
                return self._authorize(uri, headers)
            if route[0] == "GET" and route[1] in METADATA_PATHS:
                return 200, {"Content-Type": "application/json"}, json.dumps(self.metadata())
            if route == ("GET", "/verify"):
                return self._verify(uri)
            if route == ("POST", "/token"):
                self._count(body)
                h, b, s = self._server.create_token_response(uri, "POST", body, headers)
                return s, h, b
            if route == ("POST", "/device"):
                return self._device(uri, body, headers)
            if route == ("POST", "/introspect"):
                with self._counter_lock:
                    self.introspections += 1
                h, b, s = self._server.create_introspect_response(uri, "POST", body, headers)
                return s, h, b
            if route == ("POST", "/revoke"):
                h, b, s = self._server.create_revocation_response(uri, "POST", body, headers)
                return s, h, b
        except errors.OAuth2Error as exc:
            return exc.status_code, {"Content-Type": "application/json"}, exc.json
        return 404, {"Content-Type": "text/plain"}, "not found"

    def _authorize(self, uri: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query))
        with self._counter_lock:
            self.authorize_requests.append(query)
        try:
            scopes, _info = self._server.validate_authorization_request(uri, "GET", None, headers)
            h, b, s = self._server.create_authorization_response(
                uri, "GET", None, headers, scopes=scopes, credentials={"user": self.username}
            )
        except errors.FatalClientError as exc:  # never redirect to a bad redirect_uri
            return exc.status_code, {"Content-Type": "application/json"}, exc.json
        except errors.OAuth2Error as exc:
            redirect = query.get("redirect_uri", "")
            if not _is_loopback_redirect(redirect):
                return exc.status_code, {"Content-Type": "application/json"}, exc.json
            sep = "&" if "?" in redirect else "?"
            location = redirect + sep + urllib.parse.urlencode(exc.twotuples)
            return 302, {"Location": location}, ""
        return s, h, b or ""

    def _device(self, uri: str, body: str, headers: dict[str, str]) -> tuple[int, dict, str]:
        endpoint = DeviceAuthorizationEndpoint(  # per request: settings may change
            self._validator,
            verification_uri=self.verification_url,
            expires_in=self.device_lifetime,
            interval=self.device_interval,
            user_code_generator=_user_code,
        )
        h, data, s = endpoint.create_device_authorization_response(uri, "POST", body, headers)
        if s == 200 and isinstance(data, dict):
            request = Request(uri, "POST", body, headers)
            scopes = (request.scope or "mail").split()
            with self._store.lock:
                self._store.devices[data["device_code"]] = _Device(
                    client_id=request.client_id,
                    user_code=data["user_code"],
                    scopes=scopes,
                    expires=time.time() + self.device_lifetime,
                )
            data = json.dumps(data)
        return s, {"Content-Type": "application/json", "Cache-Control": "no-store", **h}, data

    def _verify(self, uri: str) -> tuple[int, dict[str, str], str]:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query))
        try:
            self.approve_device(query.get("user_code", ""))
        except AuthorityError as exc:
            return 400, {"Content-Type": "text/plain"}, str(exc)
        return 200, {"Content-Type": "text/plain"}, "Device approved. You may close this window."


def _user_code() -> str:
    # RFC 8628 6.1: short, unambiguous letters, upper case, with a dash
    alphabet = "BCDFGHJKLMNPQRSTVWXZ"
    letters = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def _http_get(url: str, timeout: float = 10) -> tuple[int, str | None, str]:
    """One GET without following redirects: (status, Location, body text)."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request("GET", target, headers={"User-Agent": "followup-test-browser"})
        response = conn.getresponse()
        body = response.read(MAX_BODY).decode("utf-8", "replace")
        return response.status, response.getheader("Location"), body
    finally:
        conn.close()


def _handler_for(authority: Authority) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so a stopped authority is really gone
        # (a kept-alive connection would go on being served by its handler thread).
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the test output stays readable

        def do_GET(self) -> None:  # noqa: N802
            self._answer("GET", "")

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 <= length <= MAX_BODY:
                self._send(413, {"Content-Type": "text/plain"}, "request too large")
                return
            self._answer("POST", self.rfile.read(length).decode("utf-8", "replace"))

        def _answer(self, method: str, body: str) -> None:
            headers = {k: v for k, v in self.headers.items()}
            uri = authority.base_url + self.path
            try:
                status, out_headers, text = authority._handle(method, self.path, uri, body, headers)
            except Exception as exc:  # a bug in the test server: say it, do not hang
                status, out_headers, text = 500, {"Content-Type": "text/plain"}, repr(exc)
            self._send(status, out_headers, text)

        def _send(self, status: int, headers: dict[str, str], text: str) -> None:
            payload = text.encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(payload)

    return Handler
