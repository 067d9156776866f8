"""`followup init`: write a commented config filled with what can be detected."""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
from pathlib import Path

from followup.adapters import private, providers
from followup.adapters.config import system_timezone
from followup.core import resources


def detected_name() -> str:
    try:
        gecos = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (KeyError, OSError):
        gecos = ""
    return gecos


def config_text(
    *,
    name: str,
    email: str,
    timezone: str | None = None,
    servers: tuple[str, str] | None = None,
    provider: providers.Provider | None = None,
    oauth: bool = False,
    client_id: str = "",
) -> str:
    """The example config with the user's values filled in, comments kept. A known
    provider's servers come from the address (or `provider`); else `servers` (IMAP,
    SMTP host), else `guessed_servers` — never another provider's (the example's Gmail
    hosts). A provider that takes no passwords (Microsoft), or `oauth`, signs in with
    OAuth2: `auth = "oauth2"` on both sides and its `[oauth] provider`."""
    text = resources.example_config().read_text(encoding="utf-8")
    values: dict[tuple[str, str], object] = {
        ("me", "name"): name or "Your Name",
        ("me", "email"): email,
        ("me", "timezone"): timezone or system_timezone(),
    }
    provider = provider or providers.for_address(email)
    if provider and provider.oauth and (oauth or provider.oauth_only):
        values |= {
            ("source", "auth"): "oauth2",
            ("transport", "auth"): "oauth2",
            ("oauth", "provider"): provider.oauth,
        }
        if client_id:
            values[("oauth", "client_id")] = client_id
    if provider:
        values |= {
            ("source", "host"): provider.imap_host,
            ("transport", "host"): provider.smtp_host,
            ("transport", "port"): provider.smtp_port,
            ("transport", "security"): provider.smtp_security,
        }
    else:
        imap_host, smtp_host = servers or guessed_servers(email)
        values |= {("source", "host"): imap_host, ("transport", "host"): smtp_host}
        text = text.replace(HOST_COMMENTS[0], GUESS_COMMENT).replace(
            HOST_COMMENTS[1], GUESS_COMMENT
        )
    return fill(text, values)


def next_steps(
    provider: providers.Provider | None,
    *,
    servers: tuple[str, str] | None,
    oauth: bool,
    client_id: str,
) -> list[str]:
    """What `followup init` tells the user to do next, for their provider."""
    if provider and provider.oauth and (oauth or provider.oauth_only):
        who = "Microsoft" if provider.oauth == "microsoft" else "Google"
        lines = [
            f"Servers set for {provider.name}; sign-in is OAuth2 with {who} "
            f'(auth = "oauth2", [oauth] provider = "{provider.oauth}")'
            + (": Microsoft takes no passwords from mail apps." if provider.oauth_only else ".")
        ]
        if not client_id:
            lines.append(
                f"Register an app with {who} (README: 'Signing in with OAuth2') and put its "
                "client id in [oauth] client_id."
            )
        device = " (`--device` on a host without a browser)" if who == "Microsoft" else ""
        return [*lines, f"Next: `followup login --oauth`{device}, then `followup check`."]
    lines = []
    if provider:
        lines.append(f"Servers set for {provider.name}; it needs {provider.password_hint}.")
        if provider.oauth:
            lines.append("Or sign in with OAuth2 instead: `followup init --oauth --force`.")
    elif servers:
        lines.append(
            f"Servers set to {servers[0]} (IMAP) and {servers[1]} (SMTP): check them against "
            "your provider's settings ([source] host, [transport] host)."
        )
    return [*lines, "Next: `followup login` to store your password, then `followup check`."]


HOST_COMMENTS = ("# IMAP server", "# SMTP server")
GUESS_COMMENT = "# from your address: check it against your provider's settings"


def guessed_servers(email: str) -> tuple[str, str]:
    """The usual names for an unknown domain: imap.DOMAIN and smtp.DOMAIN."""
    domain = email.rpartition("@")[2].strip().lower() or "example.net"
    return f"imap.{domain}", f"smtp.{domain}"


def fill(text: str, values: dict[tuple[str, str], object]) -> str:
    """Set `key = value` in the right [section], uncommenting it, keeping its comment."""
    out, section = [], ""
    for line in text.splitlines(keepends=True):
        if header := re.match(r"\[(\w+)\]", line):
            section = header[1]
        match = re.match(r"(#\s*)?(\w+)(\s*=\s*)(\"[^\"]*\"|\S+)(.*)", line, re.S)
        if match and (section, match[2]) in values:
            value = json.dumps(values[(section, match[2])], ensure_ascii=False)
            line = f"{match[2]}{match[3]}{value}{match[5]}"
        out.append(line)
    return "".join(out)


def write_config(path: Path, text: str) -> None:
    """The config file 0600 in a 0700 folder (if we make it): it names the user, their
    address, phone and servers. Raises OSError."""
    private.write_text(path, text)


TEMPLATES_README = "README.md"  # in the built-in folder, copied to the user's


def write_templates_folder(folder: Path) -> None:
    """A folder for the user's own templates, with the built-ins as examples and a
    README.md that lists every variable and filter.

    The copies sit in examples/ so they do not override the built-ins (and miss
    their improvements) until the user copies one up and edits it.
    """
    examples = folder / "examples"
    examples.mkdir(parents=True, exist_ok=True)
    builtins = resources.templates_dir()
    for template in sorted(builtins.iterdir()):
        if template.is_file() and template.name != TEMPLATES_README:
            shutil.copyfile(template, examples / template.name)
    shutil.copyfile(builtins / TEMPLATES_README, folder / TEMPLATES_README)
