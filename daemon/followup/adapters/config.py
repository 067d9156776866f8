"""TOML config -> frozen, validated settings.

Checked once at load; every error names the file and the key and says what was
expected, so the CLI can print one line and exit 2. Secrets never live here.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, NoReturn, TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from followup.core.model import DEFAULT_MAX_INTERVIEWERS, MAX_INTERVIEWERS, UsageError

APP = "followup"
SECURITY = ("ssl", "starttls", "none")
AUTH = ("password", "oauth2")
_SECRET_KEY = re.compile(r"pass(word)?|secret|token|app_?key", re.I)
# A command that prints a secret is not one: `password_cmd`, `token_cmd` are let through
# (their output never is: it is read at run time and registered with the log redaction);
# nor is an endpoint (`token_url`).
_NOT_SECRET = re.compile(r"[a-z_]+_(cmd|url)")


def default_config_path() -> Path:
    """`$FOLLOWUP_CONFIG`, else the platform config dir."""
    if (env := _env_path("FOLLOWUP_CONFIG")) is not None:
        return env
    if _XDG:
        return xdg_home("XDG_CONFIG_HOME", ".config") / APP / "config.toml"
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def state_dir() -> Path:
    """`$FOLLOWUP_STATE_DIR`, else the platform state dir (database, outbox)."""
    if (env := _env_path("FOLLOWUP_STATE_DIR")) is not None:
        return env
    if _XDG:
        return xdg_home("XDG_STATE_HOME", ".local/state") / APP
    return Path(platformdirs.user_state_dir(APP))


# platformdirs before 4.3 used a relative $XDG_CONFIG_HOME as given: the XDG rules
# are applied here, where they apply (not macOS or Windows).
_XDG = sys.platform not in ("darwin", "win32")


def xdg_home(variable: str, fallback: str) -> Path:
    """$XDG_CONFIG_HOME and the like. An empty or relative value is ignored, as the
    XDG spec says (an empty one once put the systemd unit under the current folder)."""
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value)
    home = os.environ.get("HOME")
    if home is not None and not os.path.isabs(home):  # "" would mean "/"
        raise UsageError(f"HOME={home!r}: expected your home folder as an absolute path")
    return Path(os.path.expanduser("~")) / fallback


def _env_path(name: str) -> Path | None:
    """One of our path variables: unset, or an absolute path (after ~); never relative,
    which would put the database wherever the command happens to run."""
    if name not in os.environ:
        return None
    value = os.environ[name]
    path = Path(value.strip()).expanduser() if value.strip() else None
    if path is None or not path.is_absolute():
        raise UsageError(f"{name}={value!r}: expected an absolute path, or leave it unset")
    return path


def system_timezone() -> str:
    """The machine's IANA zone, so `init` need not ask for it."""
    if (tz := os.environ.get("TZ", "").lstrip(":")) and _valid_zone(tz):
        return tz
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if _valid_zone(name):
                return name
    except OSError:
        pass
    return "UTC"


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Me:
    name: str
    email: str
    aliases: tuple[str, ...] = ()
    timezone: str = "UTC"
    country: str | None = "US"
    subdivision: str | None = None
    phone: str | None = None
    locale: str = "en_US"  # the spelling convention of what followup writes for you

    @property
    def addresses(self) -> frozenset[str]:
        """Every address of the user's, lower-cased."""
        return frozenset(a.lower() for a in (self.email, *self.aliases))


@dataclass(frozen=True)
class Source:
    kind: str = "imap"  # imap | maildir
    host: str = ""
    port: int = 993
    security: str = "ssl"
    username: str = ""
    folder: str = "INBOX"
    lookback_days: int = 14
    poll_interval: int = 300  # seconds, where the server has no IDLE
    timeout: int = 60  # seconds, every socket operation
    path: Path | None = None  # maildir
    max_message_mb: int = 25  # a bigger candidate is recorded as skipped, never read
    auth: str = "password"  # password | oauth2
    password_cmd: str = ""  # prints the password (`pass show mail/imap`)
    token_cmd: str = ""  # prints a fresh access token (pizauth, mutt_oauth2.py)

    @property
    def max_message_bytes(self) -> int:
        return self.max_message_mb * 1024 * 1024


@dataclass(frozen=True)
class Transport:
    kind: str = "smtp"  # smtp | sendmail | file
    host: str = ""
    port: int = 465
    security: str = "ssl"
    username: str = ""
    sender: str = ""  # the `from` key
    command: str = "sendmail -i"  # recipients are passed on the command line
    path: Path | None = None  # file transport: folder for .eml files
    save_sent: str = "auto"  # auto | always | never
    timeout: int = 60
    auth: str = "password"  # password | oauth2
    password_cmd: str = ""
    token_cmd: str = ""


# The providers' endpoints and the scopes IMAP and SMTP need. Microsoft's take the
# tenant ("common" for personal and work accounts alike).
OAUTH_PROVIDERS: dict[str, dict[str, Any]] = {
    "google": {
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_url": "https://oauth2.googleapis.com/token",
        "device_url": "https://oauth2.googleapis.com/device/code",
        "scopes": ("https://mail.google.com/",),
    },
    "microsoft": {
        "authorize_url": "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
        "token_url": "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        "device_url": "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode",
        "scopes": (
            "https://outlook.office.com/IMAP.AccessAsUser.All",
            "https://outlook.office.com/SMTP.Send",
            "offline_access",
        ),
    },
}


@dataclass(frozen=True)
class OAuth:
    provider: str = "custom"  # google | microsoft | custom
    client_id: str = ""
    tenant: str = "common"
    scopes: tuple[str, ...] = ()
    authorize_url: str = ""
    token_url: str = ""
    device_url: str = ""
    token_cmd: str = ""  # for both sides, unless one has its own


@dataclass(frozen=True)
class Approval:
    mode: str = "review"  # review | auto
    email_requests: bool = True
    # hours after the interview's end the approval request waits for the debrief
    # (it goes at once when the debrief is in): then with the generic drafts
    wait_for_debrief: int = 2
    deadline: time = time(18, 0)
    # authserv-id of the user's own receiving server (e.g. "mx.google.com"): only its
    # Authentication-Results count, and then a reply needs DMARC (or aligned DKIM) pass
    trusted_authserv_id: str = ""


@dataclass(frozen=True)
class Compose:
    # More people than this (or a list address): no drafts until the user picks them.
    max_interviewers: int = DEFAULT_MAX_INTERVIEWERS
    # "Dear Priya," (first_name) or "Dear Dr. Raman," (title_surname, when a title is known)
    greeting: str = "first_name"
    # Thank the coordinator (a recruiter who arranged the interview but did not sit in
    # it) too; by default only the interviewers get a thank-you.
    thank_coordinator: bool = False


@dataclass(frozen=True)
class PlanConfig:
    call_gaps: tuple[int, int, int] = (3, 3, 3)
    call_time: time = time(10, 0)
    prep_reminder: bool = True
    prep_time: time = time(18, 0)
    debrief_delay_minutes: int = 30


@dataclass(frozen=True)
class Settings:
    path: Path  # the config file these came from
    me: Me
    source: Source
    transport: Transport
    approval: Approval = field(default_factory=Approval)
    plan: PlanConfig = field(default_factory=PlanConfig)
    storage_path: Path = field(default_factory=lambda: state_dir() / "followup.db")
    templates_dir: Path | None = None
    compose: Compose = field(default_factory=Compose)
    oauth: OAuth | None = None  # the [oauth] section, when there is one


# --- loading ---------------------------------------------------------------


class _Section:
    """Typed reads from one TOML table; every error names file, section and key."""

    def __init__(self, file: Path, name: str, data: Any, known: set[str]):
        self.file, self.name = file, name
        if not isinstance(data, dict):
            self.fail(None, "expected a table")
        self.data: dict[str, Any] = data
        for key in data:
            if _SECRET_KEY.search(key) and not _NOT_SECRET.fullmatch(key):
                self.fail(key, _secret_advice(key))
            if key not in known:
                self.fail(key, f"unknown key (known: {', '.join(sorted(known))})")

    def command(self, key: str) -> str:
        """A shell command line (`password_cmd`, `token_cmd`); "" when absent."""
        value = self.text(key)
        if key in self.data and not value:
            self.fail(key, 'expected a command like "pass show mail/imap", got ""')
        return value

    def fail(self, key: str | None, what: str) -> NoReturn:
        where = f"[{self.name}] {key}" if key else f"[{self.name}]"
        raise UsageError(f"{self.file}: {where}: {what}")

    def get(self, key: str, kind: type, default: Any, what: str = "") -> Any:
        if key not in self.data:
            return default
        value = self.data[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.fail(key, f"expected {what or kind.__name__}, got {value!r}")
        return value

    def text(self, key: str, default: str = "") -> str:
        return self.get(key, str, default, "a string").strip()

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.text(key, default)
        if value not in options:
            self.fail(key, f"expected one of {', '.join(repr(o) for o in options)}, got {value!r}")
        return value

    def number(self, key: str, default: int, low: int = 0, high: int = 1_000_000) -> int:
        value = self.get(key, int, default, "an integer")
        if not low <= value <= high:
            self.fail(key, f"expected an integer from {low} to {high}, got {value}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        return self.get(key, bool, default, "true or false")

    def clock(self, key: str, default: time) -> time:
        if key not in self.data:
            return default
        value = self.get(key, str, None, 'a time like "18:00"')
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
        if not match:
            self.fail(key, f'expected a time like "18:00", got {value!r}')
        return time(int(match[1]), int(match[2]))

    def path(self, key: str) -> Path | None:
        """An absolute path (after $VARS and ~), or None when the key is absent. Empty or
        relative is refused: it would depend on the folder the command runs in."""
        if key not in self.data:
            return None
        value = self.text(key)
        path = Path(os.path.expandvars(value)).expanduser()
        if not value or not path.is_absolute():
            self.fail(
                key, f'expected an absolute path like "~/followup" or "/srv/mail", got {value!r}'
            )
        return path

    def zone(self, key: str, default: str) -> str:
        value = self.text(key, default)
        if not _valid_zone(value):
            self.fail(key, f'expected an IANA time zone like "America/Chicago", got {value!r}')
        return value

    def address(self, key: str, default: str = "", required: bool = False) -> str:
        value = self.text(key, default)
        if required and not value:
            self.fail(key, "required: your email address")
        if value and not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", value):
            self.fail(key, f"expected an email address, got {value!r}")
        return value


def _secret_advice(key: str) -> str:
    if "secret" in key.lower():
        return (
            "the client secret never goes in the config file: set FOLLOWUP_OAUTH_CLIENT_SECRET, "
            "or give systemd the credential 'oauth-client-secret', or keep it in the keyring "
            "(service 'followup', user 'oauth-client-secret:<client_id>')"
        )
    if "token" in key.lower():
        return (
            "tokens never go in the config file: `followup login --oauth` keeps them, "
            'or token_cmd = "..." names a command that prints one'
        )
    return (
        "passwords never go in the config file; run `followup login`, or set "
        'FOLLOWUP_IMAP_PASSWORD / FOLLOWUP_SMTP_PASSWORD, or password_cmd = "..."'
    )


_AUTH_KEYS = {"auth", "password_cmd", "token_cmd"}
_SECTIONS: dict[str, set[str]] = {
    "me": {"name", "email", "aliases", "timezone", "country", "subdivision", "phone", "locale"},
    "source": {
        "kind",
        "host",
        "port",
        "security",
        "username",
        "folder",
        "lookback_days",
        "poll_interval",
        "timeout",
        "path",
        "max_message_mb",
        *_AUTH_KEYS,
    },
    "transport": {
        "kind",
        "host",
        "port",
        "security",
        "username",
        "from",
        "command",
        "path",
        "save_sent",
        "timeout",
        *_AUTH_KEYS,
    },
    "oauth": {
        "provider",
        "client_id",
        "tenant",
        "scopes",
        "authorize_url",
        "token_url",
        "device_url",
        "token_cmd",
    },
    "approval": {"mode", "email_requests", "deadline", "trusted_authserv_id", "wait_for_debrief"},
    "plan": {"call_gaps", "call_time", "prep_reminder", "prep_time", "debrief_delay_minutes"},
    "storage": {"path"},
    "templates": {"dir"},
    "compose": {"max_interviewers", "greeting", "thank_coordinator"},
}

_DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
_DEFAULT_SMTP_PORTS = {"ssl": 465, "starttls": 587, "none": 25}


def load(path: Path | None = None) -> Settings:
    """Read and validate the config file; raise UsageError naming file and key."""
    path = path or default_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(
            f"{path}: config file not found; run `followup init` to write one "
            "(or `followup demo` to try without an account)"
        ) from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read config: {err.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not valid TOML: {err}") from None
    return from_mapping(data, path)


def from_mapping(data: Mapping[str, Any], path: Path) -> Settings:
    for name in data:
        if name not in _SECTIONS:
            raise UsageError(f"{path}: [{name}]: unknown section (known: {', '.join(_SECTIONS)})")

    def sec(name: str) -> _Section:
        return _Section(path, name, data.get(name, {}), _SECTIONS[name])

    me = _load_me(sec("me"))
    source = _load_source(sec("source"), me)
    transport = _load_transport(sec("transport"), me, source)
    approval = _load_approval(sec("approval"))
    plan = _load_plan(sec("plan"))
    storage = sec("storage").path("path") or state_dir() / "followup.db"
    templates = sec("templates").path("dir")
    compose_section = sec("compose")
    compose = Compose(
        max_interviewers=compose_section.number(
            "max_interviewers", Compose.max_interviewers, 1, MAX_INTERVIEWERS
        ),
        greeting=compose_section.choice("greeting", GREETINGS, Compose.greeting),
        thank_coordinator=compose_section.flag("thank_coordinator", Compose.thank_coordinator),
    )
    oauth = _load_oauth(sec("oauth")) if "oauth" in data else None
    _check_auth(path, source, transport, oauth)
    return Settings(path, me, source, transport, approval, plan, storage, templates, compose, oauth)


def _holiday_countries() -> set[str]:
    """Country codes `holidays` knows, from its registry: list_supported_countries()
    imports all 250 country modules (60-100 ms and 8 MB for every command)."""
    from holidays.registry import COUNTRIES

    return {
        code
        for names in COUNTRIES.values()
        for code in names[1:]
        if isinstance(code, str) and code.isupper()
    }


def _load_me(s: _Section) -> Me:
    aliases = s.get("aliases", list, [], "a list of email addresses")
    for alias in aliases:
        if not isinstance(alias, str) or "@" not in alias:
            s.fail("aliases", f"expected email addresses, got {alias!r}")
    country = s.text("country", "US").upper() or None
    if country and country not in _holiday_countries():
        s.fail("country", f'expected a country code known to `holidays` like "US", got {country!r}')
    return Me(
        name=s.text("name"),
        email=s.address("email", required=True),
        aliases=tuple(a.strip() for a in aliases),
        timezone=s.zone("timezone", system_timezone()),
        country=country,
        subdivision=s.text("subdivision") or None,
        phone=s.text("phone") or None,
        locale=_locale(s),
    )


LOCALES = ("en_US", "en_GB", "en_CA", "en_AU", "en_NZ", "en_IE", "en_IN", "en_ZA")
GREETINGS = ("first_name", "title_surname")


def _locale(s: _Section) -> str:
    value = s.text("locale", "en_US").replace("-", "_")
    if value not in LOCALES:
        s.fail(
            "locale",
            f"expected one of {', '.join(LOCALES)} (followup writes English), got {value!r}",
        )
    return value


def _server(s: _Section, kind: str, example: str) -> tuple[str, str]:
    """host and security of an IMAP or SMTP server; plain text only on loopback."""
    security = s.choice("security", SECURITY, "ssl")
    host = s.text("host")
    if not host:
        s.fail("host", f'required when kind = "{kind}" (e.g. "{example}")')
    if security == "none" and not is_loopback(host):
        s.fail(
            "security",
            f'"none" sends the password in clear: allowed only for loopback '
            f'hosts, not {host!r}; use "ssl" or "starttls"',
        )
    return host, security


def _load_source(s: _Section, me: Me) -> Source:
    kind = s.choice("kind", ("imap", "maildir"), "imap")
    if kind == "maildir":
        path = s.path("path")
        if path is None:
            s.fail("path", 'required when kind = "maildir": the Maildir folder')
        return Source(
            kind=kind,
            path=path,
            poll_interval=s.number("poll_interval", 300, 5),
            max_message_mb=_max_message_mb(s),
        )
    host, security = _server(s, "imap", "imap.gmail.com")
    return Source(
        kind=kind,
        host=host,
        security=security,
        port=s.number("port", _DEFAULT_PORTS[security], 1, 65535),
        username=s.text("username", me.email),
        folder=s.text("folder", "INBOX") or "INBOX",
        lookback_days=s.number("lookback_days", 14, 1, 3650),
        poll_interval=s.number("poll_interval", 300, 5, 86400),
        timeout=s.number("timeout", 60, 1, 3600),
        max_message_mb=_max_message_mb(s),
        **_auth(s),
    )


class _AuthKeys(TypedDict):
    auth: str
    password_cmd: str
    token_cmd: str


def _auth(s: _Section) -> _AuthKeys:
    """auth, password_cmd, token_cmd of an IMAP or SMTP server, consistent."""
    auth = s.choice("auth", AUTH, "password")
    password_cmd, token_cmd = s.command("password_cmd"), s.command("token_cmd")
    if password_cmd and auth != "password":
        s.fail("password_cmd", f'a password command with auth = "{auth}": use token_cmd')
    if token_cmd and auth != "oauth2":
        s.fail("token_cmd", 'an access token command needs auth = "oauth2"')
    return {"auth": auth, "password_cmd": password_cmd, "token_cmd": token_cmd}


def _max_message_mb(s: _Section) -> int:
    # 25 MB is also what detection reads at most: a higher cap would fetch for nothing.
    return s.number("max_message_mb", 25, 1, 25)


def _load_transport(s: _Section, me: Me, source: Source) -> Transport:
    kind = s.choice("kind", ("smtp", "sendmail", "file"), "smtp")
    save_sent = s.choice("save_sent", ("auto", "always", "never"), "auto")
    sender = s.address("from", me.email)
    if kind == "file":
        return Transport(
            kind=kind,
            sender=sender,
            save_sent="never",
            path=s.path("path") or state_dir() / "outbox",
        )
    if kind == "sendmail":
        return Transport(
            kind=kind,
            sender=sender,
            save_sent=save_sent,
            command=s.text("command", "sendmail -i"),
            timeout=s.number("timeout", 60, 1, 3600),
        )
    host, security = _server(s, "smtp", "smtp.gmail.com")
    return Transport(
        kind=kind,
        host=host,
        security=security,
        sender=sender,
        save_sent=save_sent,
        port=s.number("port", _DEFAULT_SMTP_PORTS[security], 1, 65535),
        username=s.text("username", source.username or me.email),
        timeout=s.number("timeout", 60, 1, 3600),
        **_auth(s),
    )


def _load_oauth(s: _Section) -> OAuth:
    provider = s.choice("provider", ("google", "microsoft", "custom"), "custom")
    tenant = s.text("tenant", "common") or "common"
    if not re.fullmatch(r"[A-Za-z0-9.-]{1,100}", tenant):
        s.fail(
            "tenant", f'expected "common", "consumers", "organizations" or an id, got {tenant!r}'
        )
    defaults = OAUTH_PROVIDERS.get(provider, {})
    urls = {}
    for key in ("authorize_url", "token_url", "device_url"):
        if key in s.data and provider != "custom":
            s.fail(
                key, f'the {provider} endpoints are built in; set it only with provider = "custom"'
            )
        urls[key] = _endpoint(s, key) or defaults.get(key, "").format(tenant=tenant)
    scopes = s.get("scopes", list, list(defaults.get("scopes", ())), "a list of scope strings")
    if not all(isinstance(x, str) and x.strip() and " " not in x.strip() for x in scopes):
        s.fail("scopes", f"expected scope strings without spaces, got {scopes!r}")
    client_id = s.text("client_id")  # required by auth = "oauth2" (_check_auth)
    token_cmd = s.command("token_cmd")
    if client_id and not re.fullmatch(r"[\x21-\x7e]{1,300}", client_id):
        s.fail("client_id", f"expected the client id your provider gave you, got {client_id!r}")
    if client_id and provider == "custom":
        for key in ("authorize_url", "token_url"):
            if not urls[key]:
                s.fail(key, 'required with provider = "custom"')
    return OAuth(
        provider=provider,
        client_id=client_id,
        tenant=tenant,
        scopes=tuple(x.strip() for x in scopes),
        token_cmd=token_cmd,
        **urls,
    )


def _endpoint(s: _Section, key: str) -> str:
    """An https URL; plain http only to a loopback host (a test or a local proxy)."""
    from urllib.parse import urlsplit

    value = s.text(key)
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    ok = (
        parts is not None
        and host
        and (parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)))
    )
    if not ok:
        s.fail(key, f"expected an https:// URL (http:// only on loopback), got {value!r}")
    return value


def _check_auth(path: Path, source: Source, transport: Transport, oauth: OAuth | None) -> None:
    """auth = "oauth2" needs a way to a token: [oauth] (a sign-in), or a token_cmd."""
    sides: list[tuple[str, Source | Transport]] = [("source", source), ("transport", transport)]
    for name, side in sides:
        if side.auth != "oauth2" or side.token_cmd or (oauth and oauth.token_cmd):
            continue
        if oauth is None:
            raise UsageError(
                f'{path}: [{name}] auth: "oauth2" needs an [oauth] section with provider and '
                "client_id (or token_cmd, a command that prints an access token)"
            )
        # No client_id yet is not an error here: `followup init` writes an Outlook
        # user's config before they have registered one; signing in says what is missing
        # (require_client_id), and every other command works meanwhile.
    signed_in = [
        (name, side.username)
        for name, side in sides
        if side.auth == "oauth2" and not side.token_cmd and side.kind in ("imap", "smtp")
    ]
    if len({username for _, username in signed_in}) > 1:
        raise UsageError(
            f"{path}: [transport] username: one sign-in (`followup login --oauth`) is one "
            f"account: expected the same username as [source] ({signed_in[0][1]!r})"
        )


def require_client_id(settings: Settings, side: str) -> OAuth:
    """The [oauth] settings a sign-in needs, or exit 2 naming the missing key."""
    oauth = settings.oauth
    if oauth is None or not oauth.client_id:
        raise UsageError(
            f'{settings.path}: [oauth] client_id: required by [{side}] auth = "oauth2": the id '
            "of the app you registered with your provider (README: 'Signing in with OAuth2'), "
            "or a token_cmd"
        )
    return oauth


def _load_approval(s: _Section) -> Approval:
    return Approval(
        mode=s.choice("mode", ("review", "auto"), "review"),
        email_requests=s.flag("email_requests", True),
        deadline=s.clock("deadline", time(18, 0)),
        trusted_authserv_id=_authserv_id(s, "trusted_authserv_id"),
        wait_for_debrief=s.number("wait_for_debrief", 2, 0, 72),
    )


def _authserv_id(s: _Section, key: str) -> str:
    value = s.text(key, "")
    if value and not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})", value):
        s.fail(key, f'expected your mail server\'s authserv-id like "mx.google.com", got {value!r}')
    return value.lower()


def _load_plan(s: _Section) -> PlanConfig:
    gaps = s.get("call_gaps", list, [3, 3, 3], "a list of three whole numbers of business days")
    if len(gaps) != 3 or not all(
        isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 30 for g in gaps
    ):
        s.fail(
            "call_gaps",
            f"expected three business-day gaps from 1 to 30 like [3, 3, 3], got {gaps!r}",
        )
    return PlanConfig(
        call_gaps=(gaps[0], gaps[1], gaps[2]),
        call_time=s.clock("call_time", time(10, 0)),
        prep_reminder=s.flag("prep_reminder", True),
        prep_time=s.clock("prep_time", time(18, 0)),
        debrief_delay_minutes=s.number("debrief_delay_minutes", 30, 0, 24 * 60),
    )
