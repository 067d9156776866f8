"""What `followup status` and `followup drafts` show: plain data for --json,
and rich tables for a terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from followup.adapters import terminal
from followup.adapters.store import Store
from followup.adapters.store import interviews as interview_rows
from followup.adapters.store import messages as message_log
from followup.adapters.store import tasks as task_rows
from followup.app import drafts, interviews, wakeup
from followup.core import scripts
from followup.core.model import Interview, Person


def escape(text: str, *, multiline: bool = False) -> str:
    """Mail data for rich: control and bidi characters shown as escapes, "[x]" not markup."""
    return terminal.markup(text, multiline=multiline)


def interview_json(
    store: Store, interview: Interview, *, me: Person | None = None
) -> dict[str, Any]:
    """One interview with its plan; with `me` (the single-interview view) its call
    scripts too."""
    tasks = task_rows.for_interview(store, interview.id)
    zone = interview.start.tzinfo
    data: dict[str, Any] = {
        "id": interview.id,
        "company": interview.company,
        "role": interview.role,
        "start": interview.start.isoformat(),
        "end": interview.end.isoformat(),
        "state": interview.state.value,
        "reason": state_reason(store, interview),
        "interviewers": [p.to_json() for p in interview.interviewers],
        "coordinators": [p.to_json() for p in interviews.coordinators(store, interview.id)],
        "tasks": [
            {
                "kind": t.kind.value,
                "due": t.due.astimezone(zone).isoformat(),
                "state": t.state.value,
                "late": t.late,
            }
            for t in tasks
        ],
    }
    if me is not None:
        data["scripts"] = {
            f"call_{s.call}": s.to_json() for s in call_scripts(store, interview, me)
        }
    return data


def call_scripts(store: Store, interview: Interview, me: Person) -> list[scripts.CallScript]:
    """The three call scripts, or none when nobody to call is known."""
    debrief = interviews.get_debrief(store, interview.id)
    if scripts.call_person(interview, debrief) is None:
        return []
    return [scripts.call_script(n, debrief, interview, me=me) for n in scripts.CALLS]


def state_reason(store: Store, interview: Interview) -> str | None:
    """Why a plan is paused, stopped, ended or waits for confirmation (None: no reason)."""
    if interview.state.value == "active":
        return None
    return interview_rows.stop_reason(store, interview.id)


def status_json(store: Store) -> list[dict[str, Any]]:
    return [interview_json(store, i) for i in interviews.all_interviews(store)]


def labelled(when: datetime, zone: tzinfo, fmt: str = "%a %b %d %H:%M") -> str:
    """A time in the user's zone with its abbreviation; the time in the zone it was
    given in, in parentheses, where that differs ("Tue Dec 01 07:00 CST (14:00 CET there)")."""
    local = when.astimezone(zone)
    text = f"{local:{fmt}} {local.tzname()}"
    if when.utcoffset() != local.utcoffset() and when.tzinfo is not UTC:
        text += f" ({when:%H:%M} {when.tzname()} there)"
    return text


ALIVE = timedelta(minutes=15)  # a heartbeat or a sync's progress younger than this is live


def sync_progress(store: Store, *, now: datetime) -> dict[str, Any] | None:
    """A long sync in progress (a first one): what `status` shows and --health --json
    prints; None when none is going on. `stalled`: no progress saved for 15 minutes
    (the process was stopped; the next run resumes it)."""
    stored = message_log.sync_progress(store)
    progress = wakeup.SyncProgress.from_json(stored[0]) if stored else None
    if stored is None or progress is None:
        return None
    updated = stored[1]
    return {
        **progress.to_json(),
        "updated": updated.isoformat() if updated else None,
        "stalled": updated is None or now - updated >= ALIVE,
        "text": wakeup.progress_text(progress),
    }


def health_json(store: Store, *, now: datetime) -> dict[str, Any]:
    """`status --health --json`: the service's health, as `status` shows it."""
    health = store.health()
    beat = health.get("heartbeat")
    running = bool(beat and beat[1] and now - beat[1] < ALIVE)

    def when(key: str) -> str | None:
        at = health.get(key, ("", None))[1]
        return at.isoformat() if at else None

    error = health.get("last_error")
    return {
        "running": running,
        "pid": int(beat[0]) if running and beat and beat[0].isdigit() else None,
        "last_sync": when("last_sync"),
        "last_send": when("last_send"),
        "last_error": {"text": error[0], "at": when("last_error")} if error else None,
        "sync": sync_progress(store, now=now),
    }


def health_lines(store: Store, *, now: datetime, zone: tzinfo = UTC) -> list[str]:
    health = store.health()
    lines = []
    beat = health.get("heartbeat")
    if beat and beat[1] and now - beat[1] < ALIVE:
        lines.append(f"service: running (pid {beat[0]})")
    else:
        lines.append("service: not running (start it with `followup service install`)")
    progress = sync_progress(store, now=now)
    if progress is not None:
        stalled = " (interrupted: the next run goes on from there)" if progress["stalled"] else ""
        lines.append(progress["text"] + stalled)
    for key, label in (("last_sync", "last sync"), ("last_send", "last send")):
        at = health.get(key, ("", None))[1]
        if at is not None:
            lines.append(f"{label}: {labelled(at, zone, '%Y-%m-%d %H:%M')}")
    value, when = health.get("last_error", ("", None))
    if when is not None:
        lines.append(f"last error: {value} ({labelled(when, zone, '%Y-%m-%d %H:%M')})")
    from followup.app import signin

    if (ended := signin.status_line(store)) is not None:
        lines.append(ended)
    return lines


def print_status(console, store: Store, *, now: datetime, zone: tzinfo = UTC) -> None:
    from rich.table import Table

    for line in health_lines(store, now=now, zone=zone):  # the last error may quote mail
        console.print(terminal.markup(line), highlight=False)
    rows = interviews.all_interviews(store)
    if not rows:
        console.print(
            "No interviews yet. They appear here when a confirmation arrives "
            "(or add one: `followup add`)."
        )
        return
    table = Table(show_lines=True)
    for column in ("id", "interview", "when", "with", "state", "next step"):
        table.add_column(column)
    for interview in rows:
        data = interview_json(store, interview)
        pending = [t for t in data["tasks"] if t["state"] in ("pending", "waiting")]
        step = "—"
        if interview.state.value == "paused":
            reason = interview_rows.stop_reason(store, interview.id)
            step = (
                f"paused: {escape(reason or '')}\n"
                f"`followup resume {interview.id}` or `followup stop`"
            )
        elif pending:
            first = pending[0]
            due = datetime.fromisoformat(first["due"])
            step = f"{first['kind']} {first['state']} {labelled(due, zone)}"
        if interview.state.value == "needs_confirmation":
            reason = data["reason"]
            step = (
                f"{escape(reason)}\n`followup confirm {interview.id} --only EMAIL`"
                if reason
                else f"is it an interview? `followup confirm {interview.id}`"
            )
        table.add_row(  # every value from mail escaped, one field a line
            str(interview.id),
            "\n".join(escape(v) for v in (interview.company, interview.role) if v),
            labelled(interview.start, zone),
            "\n".join(escape(p.name or p.email) for p in interview.interviewers) or "—",
            interview.state.value.replace("_", " "),
            step,
        )
    console.print(table)
    waiting = len([d for d in drafts.list_drafts(store) if d.state.value == "waiting"])
    if waiting:
        console.print(f"{waiting} draft(s) wait for you: `followup review`")


def print_interview(console, store: Store, interview: Interview, me, zone: tzinfo = UTC) -> None:
    data = interview_json(store, interview)
    console.print(
        f"[bold]{interview.id}. {escape(interview.title or interview.company)}[/bold] "
        f"({interview.state.value})"
    )
    if data["reason"]:
        console.print(escape(f"Why: {data['reason']}"), highlight=False)
    console.print(
        f"When: {labelled(interview.start, zone, '%A %B %d, %Y %H:%M')}, "
        f"until {labelled(interview.end, zone, '%H:%M')}",
        highlight=False,
    )
    if interview.video_link or interview.location:
        console.print(
            f"Where: {escape(interview.video_link or interview.location or '')}", highlight=False
        )
    for person in interview.interviewers:
        console.print(
            escape(
                f"With: {person.name} <{person.email}>"
                + (f" {person.phone}" if person.phone else "")
            ),
            highlight=False,
        )
    for person in interviews.coordinators(store, interview.id):
        console.print(
            escape(
                f"Arranged by: {person.name} <{person.email}>"
                + (f", {person.title}" if person.title else "")
                + " (a coordinator: no thank-you; [compose] thank_coordinator)"
            ),
            highlight=False,
        )
    console.print("\n[bold]Plan[/bold]")
    for task in data["tasks"]:
        console.print(
            f"  {task['kind']:<10} {task['due'][:16].replace('T', ' ')}  "
            f"{task['state']}{' (late)' if task['late'] else ''}",
            highlight=False,
        )
    if interviews.thank_you_on_hold(store, interview, now=datetime.now(UTC)):
        console.print(
            f"  The thank-you waits for your answer (found late): `followup debrief "
            f"{interview.id}` drafts the notes, `--no-thank-you` skips them.",
            highlight=False,
        )
    debrief = interviews.get_debrief(store, interview.id)
    if debrief:
        console.print("\n[bold]Debrief[/bold]")
        for field in debrief.FIELDS:
            value = getattr(debrief, field)
            if value:
                console.print(
                    escape(f"  {field.replace('_', ' ')}: {value}", multiline=True), highlight=False
                )
    for script in call_scripts(store, interview, me):
        to = script.to
        console.print(
            f"\n[bold]Call {script.call} script[/bold] "
            + escape(f"to {to.name or to.email}" + (f", {to.phone}" if to.phone else ""))
            + f" (about {script.seconds} s)",
            highlight=False,
        )
        console.print(
            terminal.visible(script.spoken, multiline=True), highlight=False, markup=False
        )
        console.print("Voicemail:", highlight=False, markup=False)
        console.print(
            terminal.visible(script.voicemail, multiline=True), highlight=False, markup=False
        )
        console.print("Notes (not to say):", highlight=False, markup=False)
        console.print(terminal.visible(script.notes, multiline=True), highlight=False, markup=False)
    for draft in drafts.list_drafts(store, include_all=True, interview_id=interview.id):
        console.print()
        console.print(
            escape(f"Draft {draft.id} to {draft.to.name} <{draft.to.email}>: {draft.state.value}"),
            highlight=False,
        )
