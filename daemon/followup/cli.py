"""The `followup` command line: parse arguments, call the services, print.

Errors come back as FollowupError (exit 1) or UsageError (exit 2) and are
printed as one line; no traceback reaches the user.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from followup import __version__
from followup.model import FollowupError, UsageError


class App(click.Group):
    """Turns our error family into one line on stderr and the right exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            click.echo(f"followup: {err}", err=True)
            ctx.exit(2)
        except FollowupError as err:
            click.echo(f"followup: {err}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("followup: interrupted", err=True)
            ctx.exit(130)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=App, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="followup")
def main() -> None:
    """followup: thank-you emails and follow-up calls after every job interview.

    It watches your inbox for interview confirmations, asks you for a short
    debrief after each interview, drafts a same-day thank-you to every
    interviewer (sent only once you approve it), and reminds you of three
    short follow-up calls on business days.

    \b
    First steps:
      followup demo          try it on a sample mailbox, no account needed
      followup init          write your config
      followup login         store your mail passwords in the keyring
      followup check         test the connection
      followup service install   run it in the background
    """


def config_option(func: Callable) -> Callable:
    """Every command takes --config (default: $FOLLOWUP_CONFIG, then the platform dir)."""

    @click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
                  metavar="PATH",
                  help="Config file (default: $FOLLOWUP_CONFIG, else ~/.config/followup/config.toml).")
    @functools.wraps(func)
    def wrapper(*args: Any, config_path: Path | None, **kwargs: Any) -> Any:
        return func(*args, config_path=config_path, **kwargs)

    return wrapper


def load_settings(config_path: Path | None):
    from followup import config

    return config.load(config_path)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


# --- setting up -------------------------------------------------------------


@main.command()
@config_option
@click.option("--email", help="Your email address (asked for if not given).")
@click.option("--name", help="Your name as you sign emails (default: from your account).")
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
def init(config_path: Path | None, email: str | None, name: str | None, force: bool) -> None:
    """Write a commented config file and a folder for your own templates.

    Detects what it can (your name, time zone, and the servers of Gmail,
    Outlook, Yahoo, iCloud and Fastmail from your address); asks only for your
    email address.
    """
    from followup import config, setup

    path = config_path or config.default_config_path()
    if path.exists() and not force:
        raise UsageError(f"{path}: already exists; edit it, or pass --force to overwrite")
    if not email:
        if not sys.stdin.isatty():
            raise UsageError("--email is required when not run in a terminal")
        email = click.prompt("Your email address")
    name = name or setup.detected_name()
    text = setup.config_text(name=name, email=email.strip())
    templates = path.parent / "templates"
    text = setup.fill(text, {("templates", "dir"): str(templates)})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        setup.write_templates_folder(templates)
    except OSError as err:
        raise FollowupError(f"{path}: cannot write: {err.strerror}") from None
    config.from_mapping(__import__("tomllib").loads(text), path)  # what we wrote must load
    click.echo(f"Wrote {path}")
    click.echo(f"Your templates go in {templates} (examples inside).")
    from followup import providers

    provider = providers.for_address(email)
    if provider:
        click.echo(f"Servers set for {provider.name}; it needs {provider.password_hint}.")
    else:
        click.echo("Set [source] host and [transport] host to your provider's IMAP and SMTP servers.")
    click.echo("Next: `followup login` to store your password, then `followup check`.")


@main.command()
@config_option
def login(config_path: Path | None) -> None:
    """Store your IMAP and SMTP passwords in the system keyring (never echoed)."""
    from followup import credentials

    settings = load_settings(config_path)
    accounts: dict[str, str] = {}  # username -> role label
    if settings.source.kind == "imap":
        accounts[settings.source.username] = "IMAP"
    if settings.transport.kind == "smtp":
        label = accounts.get(settings.transport.username)
        accounts[settings.transport.username] = f"{label} and SMTP" if label else "SMTP"
    if not accounts:
        click.echo("Nothing to store: this config uses no IMAP or SMTP account.")
        return
    for username, label in accounts.items():
        password = click.prompt(f"{label} password for {username}", hide_input=True,
                                prompt_suffix=": ", err=True)
        if not password:
            raise UsageError("empty password: nothing stored")
        role = "imap" if label.startswith("IMAP") else "smtp"
        credentials.store(role, username, password)
        click.echo(f"Stored the {label} password for {username} in the keyring.")


@main.command()
@config_option
def check(config_path: Path | None) -> None:
    """Connect to your IMAP and SMTP servers and report what works.

    Per server: reachable, TLS, login, and (IMAP) that the folder exists.
    Exits 1 if anything fails.
    """
    from followup import adapters

    settings = load_settings(config_path)
    ok = True
    for result in adapters.check_all(settings):
        for line in result.lines:
            click.echo(line)
        ok &= result.ok
    if not ok:
        raise FollowupError("check failed: fix the line above, then run `followup check` again")
    click.echo("All good. Next: `followup run --once`, or `followup service install`.")
