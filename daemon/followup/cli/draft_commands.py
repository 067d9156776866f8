"""Drafts: list, approve, reject, resolve, review."""

from __future__ import annotations

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
from followup.core.model import Draft, FollowupError, UsageError

# --- drafts -------------------------------------------------------------------


@main.command(name="drafts")
@config_option
@click.option("--all", "show_all", is_flag=True, help="Every draft with its state.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def drafts_cmd(config_path: Path | None, show_all: bool, as_json: bool) -> None:
    """Drafts that need you (waiting, maybe-sent, failed); --all: every draft."""
    from followup.app import drafts

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
        echo(f"{d.id:>4}  {d.state.value:<9} to {d.to.name} <{d.to.email}>: {d.subject}{flags}")
        for warning in d.warnings:
            echo(f"        warning: {warning}")
        if d.last_error and d.state.value in ("failed", "unknown"):
            echo(f"        {d.last_error}")
        if d.state.value == "unknown":
            echo(
                f"        maybe sent: look in your Sent folder, then "
                f"`followup resolve {d.id} sent` or `followup resolve {d.id} resend`"
            )
    echo("Next: `followup review`, or `followup approve ID`.")


@main.command()
@config_option
@click.argument("draft_ids", nargs=-1, type=int)
@click.option(
    "--all",
    "approve_all",
    is_flag=True,
    help="Approve every waiting draft (of one interview; more need --yes).",
)
@click.option("--yes", is_flag=True, help="With --all: approve drafts of several interviews.")
@click.option(
    "--include-flagged",
    is_flag=True,
    help="With --all: approve drafts that carry warnings too (they are skipped otherwise).",
)
def approve(
    config_path: Path | None,
    draft_ids: tuple[int, ...],
    approve_all: bool,
    yes: bool,
    include_flagged: bool,
) -> None:
    """Approve drafts for sending (the service sends them on its next pass).

    --all skips drafts that carry warnings (a misspelling, a left-out debrief
    answer, a name missing …) and says which: approve those by ID once you have
    looked at them, or add --include-flagged.
    """
    from followup.app import commands

    rt = _runtime(config_path)
    if approve_all:
        ids, flagged = commands.waiting_drafts_for_all(
            rt, several_interviews=yes, include_flagged=include_flagged, now=_now()
        )
        for draft in flagged:
            echo(
                f"Skipped draft {draft.id} to {draft.to.name or draft.to.email}: "
                f"{len(draft.warnings)} warning(s), first: {draft.warnings[0]} "
                f"(`followup show {draft.id}`; approve it by ID or with --include-flagged)"
            )
        draft_ids = tuple(ids)
        if not draft_ids:
            if flagged:
                raise FollowupError("--all: every waiting draft carries warnings; nothing approved")
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
    from followup.app import commands

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
    from followup.app import commands

    commands.resolve(_runtime(config_path), draft_id, outcome, now=_now())
    echo(f"Draft {draft_id}: {'marked sent' if outcome == 'sent' else 'will be sent again'}.")


@main.command()
@config_option
def review(config_path: Path | None) -> None:
    """Go through waiting drafts: approve, edit in $EDITOR, skip or reject each."""
    from followup.app import commands, drafts
    from followup.core.model import DraftState

    rt = _runtime(config_path)
    waiting = [d for d in drafts.list_drafts(rt.store) if d.state is DraftState.WAITING]
    if not waiting:
        echo("No drafts wait for you.")
        return
    for draft in waiting:
        while True:
            echo()
            echo("-" * 72)
            _print_draft(draft)
            choice = click.prompt(
                "[a]pprove, [e]dit, [s]kip, [r]eject, [q]uit",
                type=click.Choice(["a", "e", "s", "r", "q"]),
                show_choices=False,
                default="s",
            )
            now = _now()
            if choice == "e":
                text = click.edit(editor_text(draft.subject, draft.body), extension=".txt")
                if text is not None:
                    subject, body = from_editor(text)
                    if body.strip() != draft.body.strip() or subject not in (None, draft.subject):
                        draft = commands.edit(rt, draft.id, body, now=now, subject=subject)
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


def _print_draft(draft: Draft) -> None:
    echo(f"Draft {draft.id}{' (late)' if draft.late else ''}: {draft.state.value}")
    echo(f"To: {draft.to.name} <{draft.to.email}>")
    echo(f"Subject: {draft.subject}")
    echo()
    echo(draft.body, multiline=True)
    for warning in draft.warnings:
        echo(f"warning: {warning}", fg="yellow")
    if draft.last_error and draft.state.value in ("failed", "unknown", "withdrawn"):
        echo(draft.last_error)


def editor_text(subject: str, body: str) -> str:
    """What $EDITOR shows: the subject line, a blank line, the body."""
    return f"Subject: {subject}\n\n{body}"


def from_editor(text: str) -> tuple[str | None, str]:
    """(subject, body) back from $EDITOR; no "Subject:" first line keeps the subject."""
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        subject = first.split(":", 1)[1].strip()
        return (subject or None), rest.lstrip("\n")
    return None, text


@main.command()
@config_option
@click.argument("draft_id", type=int)
def show(config_path: Path | None, draft_id: int) -> None:
    """Print one draft in full: recipient, subject, state, warnings and the whole text."""
    from followup.app import drafts

    _print_draft(drafts.get(_runtime(config_path).store, draft_id))
