"""Interviews: parse, add, import, status, confirm, debrief, done, stop, resume."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from followup.adapters.terminal import echo
from followup.cli.base import (
    _now,
    _runtime,
    _store,
    config_option,
    main,
    print_json,
)
from followup.core.model import FollowupError, UsageError

# --- interviews ---------------------------------------------------------------


@main.command()
@config_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the detection as JSON.")
def parse(config_path: Path | None, file: Path, as_json: bool) -> None:
    """Show what detection makes of one .eml or .ics FILE (nothing is stored)."""
    from followup.adapters import config
    from followup.core import detect

    try:
        raw = file.read_bytes()
    except OSError as err:
        raise UsageError(f"{file}: cannot read: {err.strerror}") from None
    addresses: frozenset[str] = frozenset()
    zone = config.system_timezone()
    path = config_path or config.default_config_path()
    if path.exists():  # the user's own addresses are not interviewers
        settings = config.load(path)  # a config that cannot be loaded: one line, exit 2
        addresses, zone = settings.me.addresses, settings.me.timezone
    else:
        echo(
            f"followup: no config file at {path}: reading with no own addresses "
            "(yours may show up as interviewers)",
            err=True,
        )
    found = detect.detect(raw, my_addresses=addresses, default_timezone=zone)
    if as_json:
        if found.event is None:
            print_json(
                {
                    "is_interview": False,
                    "confidence": 0.0,
                    "method": None,
                    "uid": None,
                    "sequence": 0,
                    "title": "",
                    "company": None,
                    "role": None,
                    "start": None,
                    "end": None,
                    "timezone": None,
                    "location": None,
                    "video_link": None,
                    "organizer": None,
                    "interviewers": [],
                    "coordinators": [],
                    "reason": found.reason,
                }
            )
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
    for label, value in (
        ("company", event.company),
        ("role", event.role),
        ("start", event.start),
        ("end", event.end),
        ("where", event.video_link or event.location),
    ):
        if value:
            echo(f"  {label}: {value}")
    for person in event.interviewers:
        echo(
            f"  with: {person.name} <{person.email}>" + (f" {person.phone}" if person.phone else "")
        )


def _parse_person(text: str):
    from email.utils import parseaddr

    from followup.core.model import Person

    name, address = parseaddr(text)
    if "@" not in address:
        raise UsageError(f'--with {text!r}: expected "Name <email>"')
    return Person(name.strip(), address.strip().lower())


@main.command()
@config_option
@click.option("--company", required=True, help="The company.")
@click.option("--role", default="", help="The role you interviewed for.")
@click.option(
    "--at",
    "at",
    required=True,
    metavar='"YYYY-MM-DD HH:MM"',
    help="Start, in your time zone (or --tz).",
)
@click.option(
    "--minutes",
    default=60,
    show_default=True,
    type=click.IntRange(5, 600),
    help="Length of the interview.",
)
@click.option(
    "--with",
    "people",
    multiple=True,
    metavar='"Name <email>"',
    help="An interviewer; repeat for each.",
)
@click.option("--tz", default=None, help="IANA time zone of --at (default: me.timezone).")
@click.option("--where", default=None, help="Location or video link.")
def add(
    config_path: Path | None,
    company: str,
    role: str,
    at: str,
    minutes: int,
    people: tuple[str, ...],
    tz: str | None,
    where: str | None,
) -> None:
    """Record an interview by hand (e.g. one scheduled on the phone)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from followup.app import commands

    rt = _runtime(config_path)
    zone_name = tz or rt.settings.me.timezone
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz: unknown time zone {zone_name!r}") from None
    try:
        start = datetime.strptime(at.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        raise UsageError(f'--at: expected "YYYY-MM-DD HH:MM", got {at!r}') from None
    persons = [_parse_person(p) for p in people]
    interview_id = commands.add_interview(
        rt,
        company=company,
        role=role,
        start=start,
        end=start + timedelta(minutes=minutes),
        timezone=zone_name,
        people=persons,
        location=where,
        now=_now(),
    )
    echo(f"Recorded interview {interview_id} with {company}. See `followup status {interview_id}`.")


@main.command(name="import")
@config_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def import_(config_path: Path | None, file: Path) -> None:
    """Record an interview from an .eml or .ics FILE (e.g. a forwarded invite)."""
    from followup.app import commands
    from followup.core import detect

    rt = _runtime(config_path)
    settings = rt.settings
    try:
        raw = file.read_bytes()
    except OSError as err:
        raise UsageError(f"{file}: cannot read: {err.strerror}") from None
    found = detect.detect(
        raw, my_addresses=settings.me.addresses, default_timezone=settings.me.timezone
    )
    if found.event is None or found.event.start is None:
        raise FollowupError(f"{file}: no interview found ({found.reason or 'no date'})")
    interview_id, outcome = commands.import_event(
        rt, found.event, source=str(file), now=_now(), confirmed_at=detect.CONFIRMED_THRESHOLD
    )
    echo(f"{file}: interview {interview_id} ({outcome}): {found.event.title}")


@main.command()
@config_option
@click.argument("interview_id", required=False, type=int)
@click.option(
    "--json", "as_json", is_flag=True, help="Print every interview with its plan as JSON."
)
@click.option(
    "--health",
    "as_health",
    is_flag=True,
    help="With --json: the service's health instead (running, last sync, a first sync's progress).",
)
def status(
    config_path: Path | None, interview_id: int | None, as_json: bool, as_health: bool
) -> None:
    """Every interview with its plan: done, due, waiting for you. With an ID:
    that interview in full, with its debrief and call scripts."""
    from zoneinfo import ZoneInfo

    from rich.console import Console

    from followup.app import interviews
    from followup.app import status as views
    from followup.core.model import Person

    settings, store = _store(config_path)
    if interview_id is not None:
        interview = interviews.get(store, interview_id)
        me = Person(settings.me.name, settings.me.email, settings.me.phone)
        if as_json:
            print_json(views.interview_json(store, interview, me=me))
        else:
            views.print_interview(Console(), store, interview, me, ZoneInfo(settings.me.timezone))
        return
    if as_json and as_health:
        print_json(views.health_json(store, now=_now()))
        return
    if as_json:
        print_json(views.status_json(store))
        return
    views.print_status(Console(), store, now=_now(), zone=ZoneInfo(settings.me.timezone))


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="EMAIL",
    help="Keep only this person (repeat for each); the others get no draft.",
)
@click.option(
    "--allow-list-address",
    is_flag=True,
    help="Let --only keep an address that looks like a mailing list (team@, all@…).",
)
def confirm(
    config_path: Path | None, interview_id: int, only: tuple[str, ...], allow_list_address: bool
) -> None:
    """Accept an interview that waits for you (its plan starts).

    It waits when detection was unsure, or when the invite names more people
    than [compose] max_interviewers or a list address (all-staff@, everyone@,
    …@googlegroups.com): then pick who gets a thank-you with --only EMAIL, at
    most max_interviewers of them, list addresses only with --allow-list-address.
    """
    from followup.app import commands

    interview = commands.confirm(
        _runtime(config_path), interview_id, now=_now(), only=only, allow_lists=allow_list_address
    )
    echo(
        f"Interview {interview.id} with {interview.company or interview.title} confirmed"
        + (f" for {len(interview.interviewers)} people." if only else ".")
    )


MAX_EDITOR_TRIES = 5


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Answers in a TOML file (keys: topics, went_well, wish_not_said, meant, wish_said, "
    "unmet_requirement, made_up_for; [[people]] tables with name, email, title, "
    "talked_about, remember, call).",
)
@click.option(
    "--no-thank-you",
    "no_thank_you",
    is_flag=True,
    help="For an interview found more than 3 days late: skip the thank-you notes (the "
    "calls go on); nothing else is asked.",
)
def debrief(
    config_path: Path | None, interview_id: int, from_file: Path | None, no_thank_you: bool
) -> None:
    """Answer the debrief for an interview (in $EDITOR, or --from-file): who you met,
    spelled right, what you talked about with each, and the coach's questions.

    A later answer replaces an earlier one; thank-you drafts still waiting are
    rewritten with it (drafts you edited are left alone). The people you list are
    the interview's people from then on: a person you delete is not written to.
    For an interview found more than 3 days late, answering is also your "yes" to
    thank-you notes that late; --no-thank-you says no.
    """
    import tomllib

    from followup.app import commands, interviews
    from followup.cli.people_commands import describe_change
    from followup.core import replies
    from followup.core.debrief import PeopleError

    rt = _runtime(config_path)
    store = rt.store
    interview = interviews.get(store, interview_id)
    if no_thank_you:
        commands.decide_thank_you(rt, interview_id, wanted=False, now=_now())
        echo(f"Interview {interview_id}: no thank-you notes; the follow-up calls go on.")
        return
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
        text = replies.debrief_form(interview, interviews.get_debrief(store, interview_id))
        for _ in range(MAX_EDITOR_TRIES):  # a bad line sends you back with your text kept
            edited = click.edit(text, extension=".txt")
            if edited is None:
                echo("No changes: nothing saved.")
                return
            try:
                answers = replies.parse_debrief_form(edited)
                break
            except PeopleError as err:
                echo(f"{err}: fix it in the editor.")
                kept = [ln for ln in edited.splitlines() if not ln.startswith("# ERROR")]
                text = "\n".join([f"# ERROR {err}", *kept])
        else:
            raise UsageError("debrief: the people part still cannot be read; nothing saved")
    change = commands.answer_debrief(rt, interview_id, answers, now=_now())
    echo(f"Debrief saved for interview {interview_id}.")
    for line in describe_change(change):
        echo(line)
    _preview_drafts(rt, interview_id)


def _preview_drafts(rt, interview_id: int) -> None:
    """Each waiting draft's personal sentence and warnings: what the debrief made."""
    from followup.app import drafts

    for draft in drafts.list_drafts(rt.store, interview_id=interview_id):
        echo(f"\nDraft {draft.id} to {draft.to.name or draft.to.email}:")
        echo(f"  {drafts.personal_sentence(rt.store, draft) or '(the generic sentence)'}")
        for warning in draft.warnings:
            echo(f"  warning: {warning}")
    echo("\nReview and approve them with `followup review`.")


class CallParam(click.ParamType):
    """A call as people type it: `call_1`, `1`, `call1`, `call-1`, `Call 1`."""

    name = "CALL"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value).strip().lower().replace(" ", "").replace("-", "").replace("_", "")
        number = text.removeprefix("call")
        if number not in ("1", "2", "3"):
            self.fail(f"{value!r} is not a call: use 1, 2 or 3 (or call_1 …)", param, ctx)
        return f"call_{number}"


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.argument("call", type=CallParam())
def done(config_path: Path | None, interview_id: int, call: str) -> None:
    """Mark follow-up CALL (1, 2 or 3) made; the next one is planned from now."""
    from followup.app import commands
    from followup.core.model import TaskKind

    commands.call_done(_runtime(config_path), interview_id, TaskKind(call), now=_now())
    echo(f"{call.replace('_', ' ')} marked made for interview {interview_id}.")


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option(
    "--reason",
    type=click.Choice(["offer", "rejected", "withdrawn", "other"]),
    default="other",
    show_default=True,
    help="Why the plan ends.",
)
def stop(config_path: Path | None, interview_id: int, reason: str) -> None:
    """End an interview's follow-up plan (no more reminders or drafts)."""
    from followup.app import commands

    withdrawn = commands.stop(_runtime(config_path), interview_id, reason, now=_now())
    echo(
        f"Plan for interview {interview_id} stopped ({reason})"
        + (f"; {len(withdrawn)} unsent draft(s) withdrawn." if withdrawn else ".")
    )


@main.command()
@config_option
@click.argument("interview_id", type=int)
def resume(config_path: Path | None, interview_id: int) -> None:
    """Resume a plan that a message from the company paused."""
    from followup.app import commands

    commands.resume(_runtime(config_path), interview_id, now=_now())
    echo(f"Plan for interview {interview_id} resumed.")
