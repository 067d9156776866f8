"""Passwords: systemd credentials, then the environment, then the keyring.

The adapter is thin on purpose: it only finds a secret. Nothing here logs it,
and nothing else stores it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from followup.adapters.logsetup import register_secret
from followup.core.model import FollowupError

Role = Literal["imap", "smtp"]
SERVICE = "followup"


def _keyring():  # imported lazily: keyring's backend discovery is slow at start-up
    import keyring
    import keyring.errors

    return keyring, keyring.errors


def lookup(role: Role, username: str) -> str | None:
    """The password for `role`, or None. Order: systemd credential, env, keyring."""
    password = _lookup(role, username)
    register_secret(password)  # from here on, no log line can show it
    return password


def _lookup(role: Role, username: str) -> str | None:
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds:
        path = Path(creds) / f"{role}-password"
        if path.is_file():
            return path.read_text(encoding="utf-8").rstrip("\r\n")
    env = os.environ.get(f"FOLLOWUP_{role.upper()}_PASSWORD")
    if env:
        return env
    keyring, errors = _keyring()
    try:
        return keyring.get_password(SERVICE, _key(role, username))
    except errors.KeyringError:
        return None


def require(role: Role, username: str) -> str:
    """The password, or one clear line naming the three places to put it."""
    password = lookup(role, username)
    if password is None:
        raise FollowupError(
            f"no {role.upper()} password for {username!r}: run `followup login`, or set "
            f"FOLLOWUP_{role.upper()}_PASSWORD, or give systemd the credential "
            f"'{role}-password' (LoadCredential=)"
        )
    return password


def store(role: Role, username: str, password: str) -> None:
    keyring, errors = _keyring()
    try:
        keyring.set_password(SERVICE, _key(role, username), password)
    except errors.KeyringError as err:
        raise FollowupError(
            f"keyring: cannot store the {role.upper()} password ({err.__class__.__name__}); "
            f"on a headless host use FOLLOWUP_{role.upper()}_PASSWORD or systemd credentials"
        ) from None


def _key(role: Role, username: str) -> str:
    # docs/ARCHITECTURE.md §3.2: service "followup", user = the configured username. IMAP and
    # SMTP with the same username (the usual case) share one entry.
    return username
