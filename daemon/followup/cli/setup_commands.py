"""Setting up and running: init, login, check, run, demo, templates, service, logs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from followup.adapters.terminal import echo
from followup.cli.base import (
    config_option,
    load_settings,
    main,
)
from followup.core.model import FollowupError, UsageError

# --- setting up -------------------------------------------------------------


@main.command()
@config_option
@click.option("--email", help="Your email address (asked for if not given).")
@click.option("--name", help="Your name as you sign emails (default: from your account).")
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@click.option("--imap-host", help="Your IMAP server (for a provider followup does not know).")
@click.option("--smtp-host", help="Your SMTP server (for a provider followup does not know).")
@click.option(
    "--provider",
    type=click.Choice(["google", "microsoft"]),
    help="Your own domain's mail is hosted by Google Workspace or Microsoft 365.",
)
@click.option(
    "--oauth",
    "use_oauth",
    is_flag=True,
    help="Sign in with OAuth2 where a password would also do (Gmail); Microsoft always does.",
)
@click.option("--client-id", default="", help="The OAuth2 client id you registered (README).")
def init(
    config_path: Path | None,
    email: str | None,
    name: str | None,
    force: bool,
    imap_host: str | None,
    smtp_host: str | None,
    provider: str | None,
    use_oauth: bool,
    client_id: str,
) -> None:
    """Write a commented config file and a folder for your own templates.

    Detects what it can (your name, time zone, and the servers of Gmail,
    Outlook, Yahoo, iCloud and Fastmail from your address); asks for your email
    address, and for the servers of a provider it does not know (imap.DOMAIN and
    smtp.DOMAIN are offered; --imap-host/--smtp-host off a terminal).
    Outlook.com, Hotmail, Live and Microsoft 365 sign in with OAuth2 (they take no
    passwords from mail apps); Gmail with an app password, or OAuth2 with --oauth.
    """
    from followup.adapters import config, providers, setup

    path = config_path or config.default_config_path()
    if path.exists() and not force:
        raise UsageError(f"{path}: already exists; edit it, or pass --force to overwrite")
    if not email:
        if not sys.stdin.isatty():
            raise UsageError("--email is required when not run in a terminal")
        email = click.prompt("Your email address")
    email = email.strip()
    name = name or setup.detected_name()
    known = providers.HOSTED[provider] if provider else providers.for_address(email)
    if use_oauth and not (known and known.oauth):
        raise UsageError(
            "--oauth: followup knows the OAuth2 sign-in of Google and Microsoft only; for "
            'another provider set [oauth] provider = "custom" and its endpoints by hand'
        )
    servers = None
    if known is None:
        guess_imap, guess_smtp = setup.guessed_servers(email)
        if sys.stdin.isatty() and not (imap_host and smtp_host):
            imap_host = imap_host or click.prompt("Your IMAP server", default=guess_imap)
            smtp_host = smtp_host or click.prompt("Your SMTP server", default=guess_smtp)
        servers = ((imap_host or guess_imap).strip(), (smtp_host or guess_smtp).strip())
    text = setup.config_text(
        name=name,
        email=email,
        servers=servers,
        provider=known,
        oauth=use_oauth,
        client_id=client_id.strip(),
    )
    templates = path.parent.absolute() / "templates"  # config paths must be absolute
    text = setup.fill(text, {("templates", "dir"): str(templates)})
    try:
        setup.write_config(path, text)
        setup.write_templates_folder(templates)
    except OSError as err:
        raise FollowupError(f"{path}: cannot write: {err.strerror}") from None
    config.from_mapping(__import__("tomllib").loads(text), path)  # what we wrote must load
    echo(f"Wrote {path}")
    echo(f"Your templates go in {templates} (examples inside).")
    for line in setup.next_steps(known, servers=servers, oauth=use_oauth, client_id=client_id):
        echo(line)


@main.command()
@config_option
@click.option("--oauth", "use_oauth", is_flag=True, help="Sign in with your provider (OAuth2).")
@click.option(
    "--device", is_flag=True, help="With --oauth: show a code to enter on another device."
)
@click.option(
    "--no-browser", is_flag=True, help="With --oauth: print the address instead of opening it."
)
def login(config_path: Path | None, use_oauth: bool, device: bool, no_browser: bool) -> None:
    """Store your IMAP and SMTP passwords in the system keyring (never echoed).

    With --oauth: sign in at your provider (Google, Microsoft) in a browser; the
    refresh token is kept in the keyring (else a private file), never in the config.
    """
    from followup.adapters import credentials

    settings = load_settings(config_path)
    if use_oauth or device:
        _login_oauth(settings, device=device, open_browser=not no_browser)
        return
    accounts: dict[str, str] = {}  # username -> role label
    if settings.source.kind == "imap" and _asks_password(settings.source):
        accounts[settings.source.username] = "IMAP"
    if settings.transport.kind == "smtp" and _asks_password(settings.transport):
        label = accounts.get(settings.transport.username)
        accounts[settings.transport.username] = f"{label} and SMTP" if label else "SMTP"
    if not accounts:
        if "oauth2" in (settings.source.auth, settings.transport.auth):
            echo("Nothing to store here: sign in with `followup login --oauth`.")
        else:
            echo("Nothing to store: this config uses no IMAP or SMTP password.")
        return
    if not credentials.keyring_available():  # before asking for anything
        raise UsageError(credentials.NO_KEYRING)
    for username, label in accounts.items():
        password = click.prompt(
            f"{label} password for {username}", hide_input=True, prompt_suffix=": ", err=True
        )
        if not password:
            raise UsageError("empty password: nothing stored")
        role: credentials.Role = "imap" if label.startswith("IMAP") else "smtp"
        credentials.store(role, username, password)
        echo(f"Stored the {label} password for {username} in the keyring.")


def _asks_password(side) -> bool:
    """A side whose password `login` stores: not OAuth, not a password command."""
    return side.auth == "password" and not side.password_cmd


def _login_oauth(settings, *, device: bool, open_browser: bool) -> None:
    from followup.adapters import oauth
    from followup.adapters.config import require_client_id
    from followup.adapters.logsetup import register_secret
    from followup.adapters.store import Store
    from followup.app import signin

    username = oauth.signed_in_account(settings)
    if username is None or settings.oauth is None:
        raise UsageError(
            f'{settings.path}: no side signs in with OAuth: set auth = "oauth2" in [source] '
            "and/or [transport], and [oauth] provider and client_id"
        )
    side = "source" if settings.source.auth == "oauth2" else "transport"
    require_client_id(settings, side)
    say = echo
    if device:
        grant = oauth.sign_in_device(settings.oauth, say=say)
    else:
        grant = oauth.sign_in_browser(
            settings.oauth, login_hint=username, say=say, open_browser=open_browser
        )
    register_secret(grant.access.value)
    tokens = oauth.RefreshTokens(settings.oauth, username, settings.storage_path.parent)
    where = tokens.save(grant.refresh_token)
    store = Store(settings.storage_path)
    try:
        signin.signed_in(store)  # a dead grant is alive again: logins may go
    finally:
        store.close()
    echo(f"Signed in as {username}.")
    if where == "the keyring":
        echo("The refresh token is in the keyring.")
    else:
        echo(
            f"No keyring here: the refresh token is in {where} (readable only by you). "
            "`pip install keyrings.alt` or a desktop keyring keeps it there instead."
        )
    echo("Next: `followup check`.")


@main.command()
@config_option
def check(config_path: Path | None) -> None:
    """Connect to your IMAP and SMTP servers and report what works.

    Per server: reachable, TLS, login, and (IMAP) that the folder exists.
    Exits 1 if anything fails.
    """
    from followup.adapters import checks
    from followup.adapters.store import Store
    from followup.app.signin import StoreGrant

    settings = load_settings(config_path)
    ok = True
    store = Store(settings.storage_path)  # a dead sign-in is known there, and marked there
    try:
        results = checks.check_all(settings, StoreGrant(store))
    finally:
        store.close()
    for result in results:
        for line in result.lines:
            echo(line)
        ok &= result.ok
    if not ok:
        raise FollowupError("check failed: fix the line above, then run `followup check` again")
    echo("All good. Next: `followup run --once`, or `followup service install`.")


# --- running ----------------------------------------------------------------


@main.command()
@config_option
@click.option(
    "--once", is_flag=True, help="One full pass (sync, plan, due tasks, send), then exit."
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def run(config_path: Path | None, once: bool, verbose: bool) -> None:
    """Run the service in the foreground (systemd runs this).

    With --once: one pass (sync the inbox, record interviews, act on due tasks,
    send approved drafts) and exit; 1 if a server could not be reached.
    """
    import logging

    from followup.adapters import logsetup

    logsetup.configure(logging.DEBUG if verbose else logging.INFO)
    if not once:
        from followup.app import service

        raise SystemExit(service.serve(config_path))
    from followup.adapters import terminal
    from followup.app import pipeline
    from followup.app.runtime import open_runtime
    from followup.app.service import RunLock, progress_reporter

    settings = load_settings(config_path)
    with RunLock(settings.storage_path):
        rt = open_runtime(settings)
        try:
            with terminal.sync_progress() as shown:
                report = pipeline.run_pass(rt, on_progress=progress_reporter(shown))
        finally:
            rt.close()
    echo(summary(report))
    if not report.ok:
        raise FollowupError(report.errors[-1])


def summary(report) -> str:
    parts = [f"{report.messages} new message(s)"]
    found = {k: v for k, v in report.outcomes.items() if k in ("new", "update", "cancel", "reply")}
    parts += [f"{v} {k}" for k, v in found.items()]
    if report.tasks_done:
        parts.append(f"{report.tasks_done} task(s) done")
    if report.approvals_requested:
        parts.append(f"{report.approvals_requested} approval request(s) emailed")
    parts += [f"{v} draft(s) {k}" for k, v in report.sends.items()]
    return "; ".join(parts)


@main.command()
@click.option(
    "--keep",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Work in DIR and keep it (default: a temporary folder, also kept).",
)
def demo(keep: Path | None) -> None:
    """Try followup on a bundled sample mailbox: no account, nothing sent.

    Runs the real pipeline (the same pass as `run --once`) on a few sample
    messages with a simulated clock, approving the drafts as you would, and
    writes every email it would send as an .eml file.
    """
    from followup.app import demo as demo_module

    demo_module.run(keep)


# --- templates ------------------------------------------------------------------


@main.group()
def templates() -> None:
    """Your email templates."""


@templates.command(name="check")
@config_option
@click.option("--quiet", is_flag=True, help="Only the problems, not what the drafts warn about.")
def templates_check(config_path: Path | None, quiet: bool) -> None:
    """Render every template against sample data and hard samples; report problems
    (exit 1) and what the drafts would warn about."""
    from followup.app.runtime import template_environment
    from followup.core import template_checks

    settings = load_settings(config_path)
    found = template_checks.report(template_environment(settings))
    if found.warnings and not quiet:
        echo("What the drafts would warn about, on hard samples:")
        for line in found.warnings:
            echo(f"  {line}")
        echo("")
    for line in found.problems:
        echo(line)
    if found.problems:
        raise FollowupError(f"{len(found.problems)} template problem(s)")
    where = settings.templates_dir or "built-ins only"
    echo(f"All templates render ({where}).")


# --- the service ----------------------------------------------------------------


@main.group()
def service() -> None:
    """The background service (a systemd user unit)."""


@service.command(name="install")
@config_option
@click.option("--no-start", is_flag=True, help="Write the unit only; do not enable or start it.")
def service_install(config_path: Path | None, no_start: bool) -> None:
    """Install the systemd user unit for this install, enable and start it."""
    from followup.adapters import systemd_unit

    settings = load_settings(config_path)  # a broken config fails here, not in the unit
    writable = [settings.storage_path.parent]
    if settings.transport.kind == "file" and settings.transport.path:
        writable.append(settings.transport.path)
    path = systemd_unit.install(
        config_path=config_path and config_path.resolve(), writable=writable, enable=not no_start
    )
    echo(f"Wrote {path}")
    if no_start:
        echo("Start it with: systemctl --user enable --now followup")
    else:
        echo("followup is running and starts with your session.")
    echo("To keep it running when you are logged out: loginctl enable-linger $USER")


@main.command()
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines.")
@click.option("-n", "--lines", default=50, show_default=True, help="How many lines to show.")
def logs(follow: bool, lines: int) -> None:
    """The service's log (journalctl --user -u followup)."""
    import os
    import shutil

    if shutil.which("journalctl") is None:
        raise FollowupError(
            "journalctl not found: without systemd, `followup run` logs to its standard error"
        )
    argv = ["journalctl", "--user", "-u", "followup", "-n", str(lines), "--no-pager"]
    if follow:
        argv.append("-f")
    os.execvp(argv[0], argv)
