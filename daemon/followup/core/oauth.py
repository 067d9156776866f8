"""OAuth2 sign-in, the pure parts: SASL strings, token expiry, the device flow's
polling, and what an authentication failure tells the user to do.

No I/O and no clock of its own: the adapters pass `now` in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Refreshed this long before the server's expiry: a token that expires between
# our look and the server's would fail a login mid-pass.
REFRESH_AHEAD = timedelta(minutes=5)
# A token response without expires_in (RFC 6749 makes it optional): an hour is
# what Google and Microsoft give.
DEFAULT_LIFETIME = timedelta(hours=1)
MAX_LIFETIME = timedelta(days=1)  # a server's absurd expires_in is not believed

XOAUTH2 = "XOAUTH2"
OAUTHBEARER = "OAUTHBEARER"


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: datetime

    def __repr__(self) -> str:  # never a token in a traceback or a debug line
        return f"AccessToken(expires_at={self.expires_at.isoformat()})"

    def fresh(self, now: datetime, ahead: timedelta = REFRESH_AHEAD) -> bool:
        """Still good for `ahead` from now?"""
        return now + ahead < self.expires_at


def expiry(now: datetime, expires_in: object) -> datetime:
    """When a token given `now` with the server's `expires_in` (seconds, maybe a
    string, maybe absent or nonsense) expires."""
    try:
        seconds = float(str(expires_in))
    except ValueError:
        return now + DEFAULT_LIFETIME
    if not seconds > 0:  # also NaN
        return now + DEFAULT_LIFETIME
    return now + min(timedelta(seconds=seconds), MAX_LIFETIME)


# --- SASL ------------------------------------------------------------------------


def redirect_uri(provider: str, port: int) -> str:
    """The loopback redirect of a browser sign-in (the listener is on 127.0.0.1).
    Microsoft matches a registered "http://localhost" at any port, but 127.0.0.1 only
    when set in the app's manifest; elsewhere RFC 8252's IP literal."""
    host = "localhost" if provider == "microsoft" else "127.0.0.1"
    return f"http://{host}:{port}/"


def choose_mechanism(offered: Iterable[str]) -> str | None:
    """OAUTHBEARER (RFC 7628, the standard) where offered, else XOAUTH2 (Google's and
    Microsoft's own); None when the server offers neither."""
    names = {m.strip().upper() for m in offered}
    for mechanism in (OAUTHBEARER, XOAUTH2):
        if mechanism in names:
            return mechanism
    return None


def imap_mechanisms(capabilities: Iterable[bytes | str]) -> list[str]:
    """The SASL mechanisms in an IMAP CAPABILITY answer (AUTH=XOAUTH2 -> XOAUTH2)."""
    names = []
    for cap in capabilities:
        text = cap.decode("ascii", "replace") if isinstance(cap, bytes) else cap
        if text.upper().startswith("AUTH="):
            names.append(text[5:].upper())
    return names


def xoauth2(user: str, token: str) -> str:
    """Google's and Microsoft's XOAUTH2 initial response."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def oauthbearer(user: str, token: str, host: str = "", port: int = 0) -> str:
    """RFC 7628 §3.1: a GS2 header naming the user (`,` and `=` escaped), then
    key=value pairs separated by ^A."""
    authzid = user.replace("=", "=3D").replace(",", "=2C")
    pairs = ""
    if host:
        pairs += f"host={host}\x01"
    if port:
        pairs += f"port={port}\x01"
    return f"n,a={authzid},\x01{pairs}auth=Bearer {token}\x01\x01"


def initial_response(mechanism: str, user: str, token: str, host: str, port: int) -> str:
    if mechanism == OAUTHBEARER:
        return oauthbearer(user, token, host, port)
    return xoauth2(user, token)


def error_challenge_answer(mechanism: str) -> str:
    """After a 334/+ error challenge (the token was refused, the server says why in
    JSON) the client must end the exchange: an empty line for XOAUTH2, ^A for
    OAUTHBEARER (RFC 7628 §3.2.3). Anything else leaves the server waiting."""
    return "\x01" if mechanism == OAUTHBEARER else ""


# --- the device flow (RFC 8628) ----------------------------------------------------

SLOW_DOWN_STEP = 5  # seconds added on each slow_down (RFC 8628 §3.5)
MIN_INTERVAL = 1
MAX_INTERVAL = 60


def poll_interval(interval: object) -> int:
    """The device endpoint's `interval` (default 5 s), kept within bounds."""
    try:
        seconds = int(str(interval))
    except ValueError:
        seconds = 5
    return max(MIN_INTERVAL, min(seconds, MAX_INTERVAL))


def after_poll(interval: int, error: str) -> int | None:
    """How long to wait before the next poll of the token endpoint, given the error it
    answered; None: stop (the code expired, the user said no, anything unknown)."""
    if error == "authorization_pending":
        return interval
    if error == "slow_down":
        return min(interval + SLOW_DOWN_STEP, MAX_INTERVAL)
    return None


def grant_is_dead(error: str) -> bool:
    """A refresh answered with this error will never work again: the user must sign
    in afresh (RFC 6749 §5.2). Anything else (a 5xx, a timeout) may pass."""
    return error in ("invalid_grant", "unauthorized_client", "invalid_client")


# --- what an authentication failure means ----------------------------------------------

MICROSOFT_HOSTS = ("office365.com", "outlook.com", "hotmail.com", "live.com", "office.com")
GOOGLE_HOSTS = ("gmail.com", "googlemail.com", "google.com")

OAUTH_LOGIN = "run `followup login --oauth`"


def _provider_of(host: str) -> str:
    host = host.lower().rstrip(".")
    if any(host == h or host.endswith("." + h) for h in MICROSOFT_HOSTS):
        return "microsoft"
    if any(host == h or host.endswith("." + h) for h in GOOGLE_HOSTS):
        return "google"
    return ""


# (what the answer says, lower-cased) -> the hint. First match wins; the provider's
# own codes before the generic ones.
_ANSWERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "microsoft",
        ("5.7.139", "5.7.30", "basic authentication is disabled", "basicauthblocked"),
        'Microsoft turned off password sign-in here: set auth = "oauth2" with [oauth] '
        f'provider = "microsoft", then {OAUTH_LOGIN}',
    ),
    (
        "google",
        ("5.7.9", "application-specific password required"),
        "Gmail wants an app password (Google account > Security > 2-Step Verification > "
        f'App passwords) or OAuth (auth = "oauth2", [oauth] provider = "google", {OAUTH_LOGIN})',
    ),
    (
        "google",
        ("5.7.8", "username and password not accepted", "invalid credentials"),
        "Gmail refused it: with a password, use an app password, not your account's; "
        f'or OAuth (auth = "oauth2", {OAUTH_LOGIN})',
    ),
    (
        "",
        ("[unavailable]", "454 4.7.0", "temporary authentication failure"),
        "the server could not check the login just now (temporary): it is tried again later",
    ),
)


def auth_failure_hint(host: str, answer: str, method: str) -> str:
    """Which of password, app password or OAuth the server wants, from its answer to
    a failed login (`method` is what we tried: "password" or "oauth2")."""
    text = answer.lower()
    provider = _provider_of(host)
    for who, needles, hint in _ANSWERS:
        if who and who != provider and not any(n[0].isdigit() for n in needles if n in text):
            continue  # a provider's words from another server mean nothing
        if any(n in text for n in needles):
            return hint
    if provider == "microsoft" and method == "password":
        return (
            "Outlook.com and Microsoft 365 take no passwords from apps like this one: "
            f'set auth = "oauth2" with [oauth] provider = "microsoft", then {OAUTH_LOGIN}'
        )
    if method == "oauth2":
        return f"the access token was refused: {OAUTH_LOGIN} to sign in again"
    return "wrong password? Gmail needs an app password"
