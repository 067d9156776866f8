"""Passwords: a password command, systemd credentials, the environment, the keyring.

The adapter is thin on purpose: it only finds a secret. Nothing here logs it,
and nothing else stores it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path
from typing import Literal

from followup.adapters.logsetup import register_secret
from followup.core.model import FollowupError, UsageError

Role = Literal["imap", "smtp"]
SERVICE = "followup"
COMMAND_TIMEOUT = 60  # seconds: `pass` may wait for gpg-agent's pinentry
SECTION = {"imap": "source", "smtp": "transport"}

NO_KEYRING = (
    "no keyring on this host (keyring found no backend), so nothing was stored. "
    "Instead: put the secret in the environment (FOLLOWUP_IMAP_PASSWORD, "
    "FOLLOWUP_SMTP_PASSWORD) or in systemd credentials (LoadCredential=imap-password); "
    'or name a command that prints it: password_cmd = "pass show mail/imap" in '
    "[source]/[transport]; or `pip install keyrings.alt` for a plaintext keyring file"
)


def _keyring():  # imported lazily: keyring's backend discovery is slow at start-up
    import keyring
    import keyring.errors

    return keyring, keyring.errors


def lookup(role: Role, username: str, command: str = "") -> str | None:
    """The password for `role`, or None. Order: the password command (when
    configured; its failure is an error, not a fall-through), systemd credential,
    env, keyring."""
    password = run_command(command, f"[{SECTION[role]}] password_cmd") if command else None
    if password is None:
        password = _lookup(role, username)
    register_secret(password)  # from here on, no log line can show it
    return password


def run_command(command: str, key: str) -> str:
    """The first line a secret command prints. Its failure is one line naming the key
    and the exit status: never its output, which may hold the secret itself."""
    try:
        result = subprocess.run(
            ["/bin/sh", "-c", command],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FollowupError(f"{key}: the command printed nothing in {COMMAND_TIMEOUT} s") from None
    except OSError as err:
        raise FollowupError(f"{key}: cannot run the command ({err.strerror})") from None
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    secret = lines[0].strip() if lines else ""
    register_secret(secret)
    if result.returncode != 0:
        raise FollowupError(
            f"{key}: the command failed (exit status {result.returncode}); "
            "run it yourself to see why"
        )
    if not secret:
        raise FollowupError(f"{key}: the command printed nothing")
    return secret


def _lookup(role: Role, username: str) -> str | None:
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds:
        path = Path(creds) / f"{role}-password"
        if path.is_file():
            return path.read_text(encoding="utf-8").rstrip("\r\n")
    env = os.environ.get(f"FOLLOWUP_{role.upper()}_PASSWORD")
    if env:
        return env
    return keyring_get(username)


def keyring_get(name: str) -> str | None:
    keyring, errors = _keyring()
    try:
        return keyring.get_password(SERVICE, name)
    except errors.KeyringError:
        return None


def keyring_set(name: str, secret: str, what: str) -> None:
    """Store in the keyring; no keyring at all is a usage error that names the other
    ways (exit 2), a broken one an error."""
    keyring, errors = _keyring()
    try:
        keyring.set_password(SERVICE, name, secret)
    except errors.NoKeyringError:
        raise UsageError(NO_KEYRING) from None
    except errors.KeyringError as err:
        raise FollowupError(
            f"keyring: cannot store the {what} ({err.__class__.__name__}); "
            "on a headless host use the environment, systemd credentials or a password_cmd"
        ) from None


def keyring_delete(name: str) -> None:
    keyring, errors = _keyring()
    with contextlib.suppress(errors.KeyringError):  # not there, or no keyring: nothing to forget
        keyring.delete_password(SERVICE, name)


def keyring_available() -> bool:
    """Is there a keyring backend? (keyring's stand-in `fail.Keyring` says there is none.)"""
    keyring, _ = _keyring()
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def require(role: Role, username: str, command: str = "") -> str:
    """The password, or one clear line naming the places to put it."""
    password = lookup(role, username, command)
    if password is None:
        raise FollowupError(
            f"no {role.upper()} password for {username!r}: run `followup login`, or set "
            f"FOLLOWUP_{role.upper()}_PASSWORD, or give systemd the credential "
            f"'{role}-password' (LoadCredential=), or set [{SECTION[role]}] password_cmd"
        )
    return password


def store(role: Role, username: str, password: str) -> None:
    keyring_set(_key(role, username), password, f"{role.upper()} password")


def _key(role: Role, username: str) -> str:
    # docs/ARCHITECTURE.md §3.2: service "followup", user = the configured username. IMAP and
    # SMTP with the same username (the usual case) share one entry.
    return username
