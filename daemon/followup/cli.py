"""The `followup` command line: parse arguments, call the services, print.

Errors come back as FollowupError (exit 1) or UsageError (exit 2) and are
printed as one line; no traceback reaches the user.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from followup import __version__
from followup.model import FollowupError, UsageError
from followup.terminal import echo, to_json


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
      followup login         store your mail passwords in the keyring
      followup check         test the connection
      followup service install   run it in the background
    """


def config_option(func: Callable) -> Callable:
    """Every command takes --config (default: $FOLLOWUP_CONFIG, then the platform dir)."""

    @click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
                  metavar="PATH",
                  help="Config file (default: $FOLLOWUP_CONFIG, "
                       "else ~/.config/followup/config.toml).")
    @functools.wraps(func)
    def wrapper(*args: Any, config_path: Path | None, **kwargs: Any) -> Any:
        return func(*args, config_path=config_path, **kwargs)

    return wrapper


def load_settings(config_path: Path | None):
    from followup import config

    return config.load(config_path)


def print_json(data: Any) -> None:
    click.echo(to_json(data))  # hidden characters escaped as JSON \u escapes


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
    from followup import providers

    provider = providers.for_address(email)
    if provider:
        echo(f"Servers set for {provider.name}; it needs {provider.password_hint}.")
    else:
        echo("Set [source] host and [transport] host to your provider's IMAP and SMTP servers.")
    echo("Next: `followup login` to store your password, then `followup check`.")


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
        echo("Nothing to store: this config uses no IMAP or SMTP account.")
        return
    for username, label in accounts.items():
        password = click.prompt(f"{label} password for {username}", hide_input=True,
                                prompt_suffix=": ", err=True)
        if not password:
            raise UsageError("empty password: nothing stored")
        role: credentials.Role = "imap" if label.startswith("IMAP") else "smtp"
        credentials.store(role, username, password)
        echo(f"Stored the {label} password for {username} in the keyring.")


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
            echo(line)
        ok &= result.ok
    if not ok:
        raise FollowupError("check failed: fix the line above, then run `followup check` again")
    echo("All good. Next: `followup run --once`, or `followup service install`.")


# --- running ----------------------------------------------------------------


def _now():
    from followup.store import utcnow  # not runtime: it imports every adapter

    return utcnow()


def _store(config_path: Path | None):
    from followup.store import Store

    settings = load_settings(config_path)
    return settings, Store(settings.storage_path)


def _runtime(config_path: Path | None):
    """The store and templates, no mail servers: what the use cases need."""
    from followup.runtime import open_runtime

    return open_runtime(load_settings(config_path), with_mail=False)


@main.command()
@config_option
@click.option("--once", is_flag=True,
              help="One full pass (sync, plan, due tasks, send), then exit.")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def run(config_path: Path | None, once: bool, verbose: bool) -> None:
    """Run the service in the foreground (systemd runs this).

    With --once: one pass (sync the inbox, record interviews, act on due tasks,
    send approved drafts) and exit; 1 if a server could not be reached.
    """
    import logging

    from followup import logsetup

    logsetup.configure(logging.DEBUG if verbose else logging.INFO)
    if not once:
        from followup import service

        raise SystemExit(service.serve(config_path))
    from followup import pipeline
    from followup.runtime import open_runtime
    from followup.service import RunLock

    settings = load_settings(config_path)
    with RunLock(settings.storage_path):
        rt = open_runtime(settings)
        try:
            report = pipeline.run_pass(rt)
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
@click.option("--keep", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Work in DIR and keep it (default: a temporary folder, also kept).")
def demo(keep: Path | None) -> None:
    """Try followup on a bundled sample mailbox: no account, nothing sent.

    Runs the real pipeline (the same pass as `run --once`) on a few sample
    messages with a simulated clock, approving the drafts as you would, and
    writes every email it would send as an .eml file.
    """
    from followup import demo as demo_module

    demo_module.run(keep)


# --- interviews ---------------------------------------------------------------


@main.command()
@config_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the detection as JSON.")
def parse(config_path: Path | None, file: Path, as_json: bool) -> None:
    """Show what detection makes of one .eml or .ics FILE (nothing is stored)."""
    from followup import config, detect

    try:
        raw = file.read_bytes()
    except OSError as err:
        raise UsageError(f"{file}: cannot read: {err.strerror}") from None
    addresses: frozenset[str] = frozenset()
    zone = config.system_timezone()
    try:  # the user's own addresses are not interviewers; a missing config is fine here
        settings = config.load(config_path)
        addresses, zone = settings.me.addresses, settings.me.timezone
    except UsageError:
        pass
    found = detect.detect(raw, my_addresses=addresses, default_timezone=zone)
    if as_json:
        if found.event is None:
            print_json({"is_interview": False, "confidence": 0.0, "method": None,
                        "uid": None, "sequence": 0, "title": "", "company": None,
                        "role": None, "start": None, "end": None, "timezone": None,
                        "location": None, "video_link": None, "organizer": None,
                        "interviewers": [], "reason": found.reason})
        else:
            print_json(found.event.to_json())
        return
    if found.event is None:
        echo(f"{file}: no event ({found.reason})")
        return
    event = found.event
    verdict = "an interview" if event.is_interview else "not an interview"
    echo(f"{file}: {verdict} (confidence {event.confidence:.2f})")
    echo(f"  title: {event.title}")
    for label, value in (("company", event.company), ("role", event.role),
                         ("start", event.start), ("end", event.end),
                         ("where", event.video_link or event.location)):
        if value:
            echo(f"  {label}: {value}")
    for person in event.interviewers:
        echo(f"  with: {person.name} <{person.email}>"
                   + (f" {person.phone}" if person.phone else ""))


def _parse_person(text: str):
    from email.utils import parseaddr

    from followup.model import Person

    name, address = parseaddr(text)
    if "@" not in address:
        raise UsageError(f"--with {text!r}: expected \"Name <email>\"")
    return Person(name.strip(), address.strip().lower())


@main.command()
@config_option
@click.option("--company", required=True, help="The company.")
@click.option("--role", default="", help="The role you interviewed for.")
@click.option("--at", "at", required=True, metavar="\"YYYY-MM-DD HH:MM\"",
              help="Start, in your time zone (or --tz).")
@click.option("--minutes", default=60, show_default=True, type=click.IntRange(5, 600),
              help="Length of the interview.")
@click.option("--with", "people", multiple=True, metavar="\"Name <email>\"",
              help="An interviewer; repeat for each.")
@click.option("--tz", default=None, help="IANA time zone of --at (default: me.timezone).")
@click.option("--where", default=None, help="Location or video link.")
def add(config_path: Path | None, company: str, role: str, at: str, minutes: int,
        people: tuple[str, ...], tz: str | None, where: str | None) -> None:
    """Record an interview by hand (e.g. one scheduled on the phone)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from followup import commands

    rt = _runtime(config_path)
    zone_name = tz or rt.settings.me.timezone
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz: unknown time zone {zone_name!r}") from None
    try:
        start = datetime.strptime(at.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        raise UsageError(f"--at: expected \"YYYY-MM-DD HH:MM\", got {at!r}") from None
    persons = [_parse_person(p) for p in people]
    interview_id = commands.add_interview(
        rt, company=company, role=role, start=start, end=start + timedelta(minutes=minutes),
        timezone=zone_name, people=persons, location=where, now=_now())
    echo(f"Recorded interview {interview_id} with {company}. "
               f"See `followup status {interview_id}`.")


@main.command(name="import")
@config_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def import_(config_path: Path | None, file: Path) -> None:
    """Record an interview from an .eml or .ics FILE (e.g. a forwarded invite)."""
    from followup import commands, detect

    rt = _runtime(config_path)
    settings = rt.settings
    try:
        raw = file.read_bytes()
    except OSError as err:
        raise UsageError(f"{file}: cannot read: {err.strerror}") from None
    found = detect.detect(raw, my_addresses=settings.me.addresses,
                          default_timezone=settings.me.timezone)
    if found.event is None or found.event.start is None:
        raise FollowupError(f"{file}: no interview found ({found.reason or 'no date'})")
    interview_id, outcome = commands.import_event(
        rt, found.event, source=str(file), now=_now(),
        confirmed_at=detect.CONFIRMED_THRESHOLD)
    echo(f"{file}: interview {interview_id} ({outcome}): {found.event.title}")


@main.command()
@config_option
@click.argument("interview_id", required=False, type=int)
@click.option("--json", "as_json", is_flag=True,
              help="Print every interview with its plan as JSON.")
def status(config_path: Path | None, interview_id: int | None, as_json: bool) -> None:
    """Every interview with its plan: done, due, waiting for you. With an ID:
    that interview in full, with its debrief and call scripts."""
    from rich.console import Console

    from followup import interviews
    from followup import status as views
    from followup.model import Person

    settings, store = _store(config_path)
    if interview_id is not None:
        interview = interviews.get(store, interview_id)
        if as_json:
            print_json(views.interview_json(store, interview))
        else:
            me = Person(settings.me.name, settings.me.email, settings.me.phone)
            views.print_interview(Console(), store, interview, me)
        return
    if as_json:
        print_json(views.status_json(store))
        return
    views.print_status(Console(), store, now=_now())


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option("--only", "only", multiple=True, metavar="EMAIL",
              help="Keep only this person (repeat for each); the others get no draft.")
@click.option("--allow-list-address", is_flag=True,
              help="Let --only keep an address that looks like a mailing list (team@, all@…).")
def confirm(config_path: Path | None, interview_id: int, only: tuple[str, ...],
            allow_list_address: bool) -> None:
    """Accept an interview that waits for you (its plan starts).

    It waits when detection was unsure, or when the invite names more people
    than [compose] max_interviewers or a list address (all-staff@, everyone@,
    …@googlegroups.com): then pick who gets a thank-you with --only EMAIL, at
    most max_interviewers of them, list addresses only with --allow-list-address.
    """
    from followup import commands

    interview = commands.confirm(_runtime(config_path), interview_id, now=_now(), only=only,
                                 allow_lists=allow_list_address)
    echo(f"Interview {interview.id} with {interview.company or interview.title} confirmed"
         + (f" for {len(interview.interviewers)} people." if only else "."))


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option("--from-file", "from_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Answers in a TOML file (keys: topics, went_well, wish_not_said, wish_said, "
                   "unmet_requirement, made_up_for).")
def debrief(config_path: Path | None, interview_id: int, from_file: Path | None) -> None:
    """Answer the debrief questions for an interview (in $EDITOR, or --from-file).

    A later answer replaces an earlier one; thank-you drafts still waiting are
    rewritten with it (drafts you edited are left alone).
    """
    import tomllib

    from followup import commands, interviews, replies

    rt = _runtime(config_path)
    store = rt.store
    interview = interviews.get(store, interview_id)
    if from_file:
        try:
            data = tomllib.loads(from_file.read_text(encoding="utf-8"))
            answers = replies.debrief_from_mapping(data)
        except OSError as err:
            raise UsageError(f"{from_file}: cannot read: {err.strerror}") from None
        except (tomllib.TOMLDecodeError, ValueError) as err:
            raise UsageError(f"{from_file}: {err}") from None
    else:
        if not sys.stdin.isatty():
            raise UsageError("not a terminal: use --from-file answers.toml")
        form = replies.debrief_form(interview, interviews.get_debrief(store, interview_id))
        edited = click.edit(form, extension=".txt")
        if edited is None:
            echo("No changes: nothing saved.")
            return
        answers = replies.parse_debrief_form(edited)
    changed = commands.answer_debrief(rt, interview_id, answers, now=_now())
    echo(f"Debrief saved for interview {interview_id}"
               + (f"; {changed} waiting draft(s) rewritten with it." if changed else "."))


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.argument("call", type=click.Choice(["call_1", "call_2", "call_3"]))
def done(config_path: Path | None, interview_id: int, call: str) -> None:
    """Mark a follow-up call made; the next one is planned from now."""
    from followup import commands
    from followup.model import TaskKind

    commands.call_done(_runtime(config_path), interview_id, TaskKind(call), now=_now())
    echo(f"{call} marked made for interview {interview_id}.")


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option("--reason", type=click.Choice(["offer", "rejected", "withdrawn", "other"]),
              default="other", show_default=True, help="Why the plan ends.")
def stop(config_path: Path | None, interview_id: int, reason: str) -> None:
    """End an interview's follow-up plan (no more reminders or drafts)."""
    from followup import commands

    withdrawn = commands.stop(_runtime(config_path), interview_id, reason, now=_now())
    echo(f"Plan for interview {interview_id} stopped ({reason})"
         + (f"; {len(withdrawn)} unsent draft(s) withdrawn." if withdrawn else "."))


@main.command()
@config_option
@click.argument("interview_id", type=int)
def resume(config_path: Path | None, interview_id: int) -> None:
    """Resume a plan that a message from the company paused."""
    from followup import commands

    commands.resume(_runtime(config_path), interview_id, now=_now())
    echo(f"Plan for interview {interview_id} resumed.")


# --- drafts -------------------------------------------------------------------


@main.command(name="drafts")
@config_option
@click.option("--all", "show_all", is_flag=True, help="Every draft with its state.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def drafts_cmd(config_path: Path | None, show_all: bool, as_json: bool) -> None:
    """Drafts that need you (waiting, maybe-sent, failed); --all: every draft."""
    from followup import drafts

    _, store = _store(config_path)
    rows = drafts.list_drafts(store, include_all=show_all)
    if as_json:
        print_json([d.to_json() for d in rows])
        return
    if not rows:
        echo("No drafts need you." if not show_all else "No drafts yet.")
        return
    for d in rows:
        flags = " [late]" if d.late else ""
        flags += " [edited]" if d.edited else ""
        echo(f"{d.id:>4}  {d.state.value:<9} to {d.to.name} <{d.to.email}>: "
                   f"{d.subject}{flags}")
        for warning in d.warnings:
            echo(f"        warning: {warning}")
        if d.last_error and d.state.value in ("failed", "unknown"):
            echo(f"        {d.last_error}")
        if d.state.value == "unknown":
            echo(f"        maybe sent: look in your Sent folder, then "
                       f"`followup resolve {d.id} sent` or `followup resolve {d.id} resend`")
    echo("Next: `followup review`, or `followup approve ID`.")


@main.command()
@config_option
@click.argument("draft_ids", nargs=-1, type=int)
@click.option("--all", "approve_all", is_flag=True,
              help="Approve every waiting draft (of one interview; more need --yes).")
@click.option("--yes", is_flag=True, help="With --all: approve drafts of several interviews.")
def approve(config_path: Path | None, draft_ids: tuple[int, ...], approve_all: bool,
            yes: bool) -> None:
    """Approve drafts for sending (the service sends them on its next pass)."""
    from followup import commands

    rt = _runtime(config_path)
    if approve_all:
        draft_ids = tuple(commands.waiting_drafts_for_all(rt, several_interviews=yes))
        if not draft_ids:
            raise UsageError("--all: no draft waits for approval (see `followup drafts`)")
    if not draft_ids:
        raise UsageError("give draft IDs or --all (see `followup drafts`)")
    now = _now()
    for draft_id in draft_ids:
        draft = commands.approve(rt, draft_id, now=now)
        echo(f"Approved draft {draft.id} to {draft.to.name} <{draft.to.email}>.")
    echo("They go out on the service's next pass (or now: `followup run --once`).")


@main.command()
@config_option
@click.argument("draft_ids", nargs=-1, type=int, required=True)
def reject(config_path: Path | None, draft_ids: tuple[int, ...]) -> None:
    """Reject drafts not sent yet (waiting, approved, failed, maybe-sent): never sent."""
    from followup import commands

    rt = _runtime(config_path)
    for draft_id in draft_ids:
        draft = commands.reject(rt, draft_id, now=_now())
        echo(f"Rejected draft {draft.id} to {draft.to.email}.")


@main.command()
@config_option
@click.argument("draft_id", type=int)
@click.argument("outcome", type=click.Choice(["sent", "resend"]))
def resolve(config_path: Path | None, draft_id: int, outcome: str) -> None:
    """Settle a maybe-sent or failed draft: it was "sent" (check your Sent folder), or
    "resend" it."""
    from followup import commands

    commands.resolve(_runtime(config_path), draft_id, outcome, now=_now())
    echo(f"Draft {draft_id}: {'marked sent' if outcome == 'sent' else 'will be sent again'}.")


@main.command()
@config_option
def review(config_path: Path | None) -> None:
    """Go through waiting drafts: approve, edit in $EDITOR, skip or reject each."""
    from followup import commands, drafts
    from followup.model import DraftState

    rt = _runtime(config_path)
    waiting = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING]
    if not waiting:
        echo("No drafts wait for you.")
        return
    for draft in waiting:
        while True:
            echo()
            echo("-" * 72)
            echo(f"Draft {draft.id}{' (late)' if draft.late else ''}")
            echo(f"To: {draft.to.name} <{draft.to.email}>")
            echo(f"Subject: {draft.subject}")
            echo()
            echo(draft.body, multiline=True)
            for warning in draft.warnings:
                echo(f"warning: {warning}", fg="yellow")
            choice = click.prompt("[a]pprove, [e]dit, [s]kip, [r]eject, [q]uit",
                                  type=click.Choice(["a", "e", "s", "r", "q"]),
                                  show_choices=False, default="s")
            now = _now()
            if choice == "e":
                text = click.edit(draft.body, extension=".txt")
                if text is not None and text.strip() != draft.body.strip():
                    draft = commands.edit(rt, draft.id, text, now=now)
                continue
            if choice == "a":
                commands.approve(rt, draft.id, now=now, seen_token=draft.token)
                echo("Approved.")
            elif choice == "r":
                commands.reject(rt, draft.id, now=now)
                echo("Rejected.")
            elif choice == "q":
                return
            break


# --- templates ------------------------------------------------------------------


@main.group()
def templates() -> None:
    """Your email templates."""


@templates.command(name="check")
@config_option
def templates_check(config_path: Path | None) -> None:
    """Render every template against sample data and report errors."""
    from followup import render

    settings = load_settings(config_path)
    problems = render.check_templates(render.make_environment(settings.templates_dir))
    for line in problems:
        echo(line)
    if problems:
        raise FollowupError(f"{len(problems)} template problem(s)")
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
    from followup import systemd_unit

    settings = load_settings(config_path)  # a broken config fails here, not in the unit
    writable = [settings.storage_path.parent]
    if settings.transport.kind == "file" and settings.transport.path:
        writable.append(settings.transport.path)
    path = systemd_unit.install(config_path=config_path and config_path.resolve(),
                                writable=writable, enable=not no_start)
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
        raise FollowupError("journalctl not found: without systemd, `followup run` logs to "
                            "its standard error")
    argv = ["journalctl", "--user", "-u", "followup", "-n", str(lines), "--no-pager"]
    if follow:
        argv.append("-f")
    os.execvp(argv[0], argv)
