"""The `followup` command group and what every command shares: one-line errors, --config,
JSON output, a store-only runtime for the use cases.

Errors come back as FollowupError (exit 1) or UsageError (exit 2) and are
printed as one line; no traceback reaches the user.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from followup import __version__
from followup.adapters.terminal import echo, to_json
from followup.core.model import FollowupError, UsageError


class App(click.Group):
    """Turns our error family into one line on stderr and the right exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            echo(f"followup: {err}", err=True)
            ctx.exit(2)
        except FollowupError as err:
            echo(f"followup: {err}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            echo("followup: interrupted", err=True)
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
      followup login         store your mail password in the keyring
                             (Outlook, Microsoft 365, Gmail OAuth2: login --oauth)
      followup check         test the connection
      followup service install   run it in the background
    """


def config_option(func: Callable) -> Callable:
    """Every command takes --config (default: $FOLLOWUP_CONFIG, then the platform dir)."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=None,
        metavar="PATH",
        help="Config file (default: $FOLLOWUP_CONFIG, else ~/.config/followup/config.toml).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, config_path: Path | None, **kwargs: Any) -> Any:
        return func(*args, config_path=config_path, **kwargs)

    return wrapper


def load_settings(config_path: Path | None):
    from followup.adapters import config

    return config.load(config_path)


def print_json(data: Any) -> None:
    click.echo(to_json(data))  # hidden characters escaped as JSON \u escapes


def _now():
    from followup.adapters.store import utcnow  # not runtime: it imports every adapter

    return utcnow()


def _store(config_path: Path | None):
    from followup.adapters.store import Store

    settings = load_settings(config_path)
    return settings, Store(settings.storage_path)


def _runtime(config_path: Path | None):
    """The store and templates, no mail servers: what the use cases need."""
    from followup.app.runtime import open_runtime

    return open_runtime(load_settings(config_path), with_mail=False)
