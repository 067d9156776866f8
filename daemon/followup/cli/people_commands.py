"""The people of an interview and what it is about: `people`, `edit`."""

from __future__ import annotations

from pathlib import Path

import click

from followup.adapters.terminal import echo
from followup.cli.base import _now, _runtime, _store, config_option, main, print_json
from followup.core.model import UsageError


def parse_person(text: str, option: str):
    """'Name <email>' (or a bare address) as a Person; a usage error naming the option."""
    from followup.core.debrief import PeopleError, read_person
    from followup.core.model import Person

    try:
        name, email, _ = read_person(text, option)
    except PeopleError as err:
        raise UsageError(f'{err} (expected "Name <email>")') from None
    return Person(name, email)


def describe_change(change) -> list[str]:
    lines = []
    if change.added:
        lines.append(f"Added {', '.join(change.added)} (a thank-you draft is made for each).")
    if change.removed:
        lines.append(f"Removed {', '.join(change.removed)} (their unsent drafts are withdrawn).")
    if change.rewritten:
        lines.append(f"{change.rewritten} waiting draft(s) rewritten.")
    return lines


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option("--add", "add", multiple=True, metavar='"NAME <EMAIL>"', help="Add a person.")
@click.option("--remove", "remove", multiple=True, metavar="EMAIL", help="Remove a person.")
@click.option(
    "--rename",
    "rename",
    multiple=True,
    nargs=2,
    metavar='EMAIL "NAME"',
    help="Correct the spelling of a person's name.",
)
@click.option(
    "--email",
    "email",
    multiple=True,
    nargs=2,
    metavar="OLD NEW",
    help="Correct a person's address (the draft to OLD is withdrawn, one to NEW made).",
)
@click.option("--call", "call", metavar="EMAIL", help="The person the follow-up calls go to.")
@click.option("--json", "as_json", is_flag=True, help="Print the people as JSON.")
def people(
    config_path: Path | None,
    interview_id: int,
    add: tuple[str, ...],
    remove: tuple[str, ...],
    rename: tuple[tuple[str, str], ...],
    email: tuple[tuple[str, str], ...],
    call: str | None,
    as_json: bool,
) -> None:
    """List or correct the people of an interview: the names and addresses the
    thank-you notes go to, spelled right.

    Waiting drafts that you have not edited are rewritten with the change; a
    removed person's draft is withdrawn and never sent.

    \b
    Examples:
      followup people 3
      followup people 3 --rename priya@acme.io "Priya Raman"
      followup people 3 --add "Tobias Brandt <tobias.brandt@acme.io>" --call tobias.brandt@acme.io
    """
    from followup.app import commands, interviews

    if add or remove or rename or email or call:
        edit = commands.PeopleEdit(
            add=tuple(parse_person(a, "--add") for a in add),
            remove=remove,
            rename=rename,
            email=email,
            call=call,
        )
        rt = _runtime(config_path)
        change = commands.edit_people(rt, interview_id, edit, now=_now())
        for line in describe_change(change):
            echo(line)
        store = rt.store
    else:
        _, store = _store(config_path)
        interviews.get(store, interview_id)
    listed = interviews.people_notes(store, interview_id)
    if as_json:
        print_json(
            [
                {
                    "name": p.name,
                    "email": p.email,
                    "phone": p.phone,
                    "title": p.title,
                    "talked_about": p.talked_about,
                    "remember": p.remember,
                    "call": p.call,
                }
                for p in listed
            ]
        )
        return
    if not listed:
        echo(f'Nobody yet: `followup people {interview_id} --add "Name <email>"`.')
    for p in listed:
        extra = ", ".join(x for x in (p.title, p.phone, "the one to call" if p.call else "") if x)
        name = p.name or "(name not known: --rename it)"
        echo(f"  {name} <{p.email}>" + (f" - {extra}" if extra else ""))


@main.command()
@config_option
@click.argument("interview_id", type=int)
@click.option("--company", help="The company's name as it should read in your notes.")
@click.option("--role", help='The role, e.g. "Backend Engineer".')
def edit(
    config_path: Path | None, interview_id: int, company: str | None, role: str | None
) -> None:
    """Correct what an interview is: the company or the role (detection can get them
    wrong). Waiting drafts you have not edited are rewritten with it."""
    from followup.app import commands

    if company is None and role is None:
        raise UsageError("edit: give --company and/or --role")
    if company is not None and not company.strip():
        raise UsageError("--company: empty")
    rt = _runtime(config_path)
    changed = commands.edit_interview(rt, interview_id, company=company, role=role, now=_now())
    echo(
        f"Interview {interview_id} updated"
        + (f"; {changed} waiting draft(s) rewritten." if changed else ".")
    )
