"""`followup demo`: the real pipeline on a bundled sample mailbox.

Same code as `followup run --once` (a Maildir source, the `file` transport and
`pipeline.run_pass`), with a simulated clock so the sample interviews can be
followed from the evening before to the first follow-up call. Nothing is sent:
every email lands in an outbox folder as an .eml file.
"""

from __future__ import annotations

import email
import shutil
import tempfile
from datetime import datetime
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console

from followup.adapters import config
from followup.adapters.store import messages as message_log
from followup.adapters.store import tasks as task_rows
from followup.adapters.terminal import markup as escape
from followup.app import commands, drafts, interviews, pipeline
from followup.app.runtime import open_runtime
from followup.core import resources
from followup.core.model import Debrief, DraftState

ZONE = ZoneInfo("America/Chicago")
STEPS = [
    (datetime(2026, 11, 30, 19, 0, tzinfo=ZONE), "Mon Nov 30, 7 pm: the evening before"),
    (datetime(2026, 12, 1, 15, 0, tzinfo=ZONE), "Tue Dec 1, 3 pm: after the Initech interview"),
    (datetime(2026, 12, 1, 15, 20, tzinfo=ZONE), "Tue Dec 1, 3:20 pm: you debriefed and approved"),
    (datetime(2026, 12, 2, 18, 5, tzinfo=ZONE), "Wed Dec 2, 6 pm: the evening before Globex"),
    (datetime(2026, 12, 4, 10, 5, tzinfo=ZONE), "Fri Dec 4, 10 am: three business days later"),
]
SAMPLE_DEBRIEF = Debrief(
    topics="SQL window functions, the quarterly churn dashboard, working with sales ops",
    went_well="walking through how I rebuilt the churn dashboard and cut its load time in half",
    wish_not_said="that I find stakeholder meetings tedious",
    wish_said="how I trained three colleagues to write their own SQL reports",
    unmet_requirement="two years of Tableau experience",
    made_up_for="finished Tableau's Desktop Specialist course this week",
)

CONFIG = """\
[me]
name = "Sam Seeker"
email = "sam.seeker@example.net"
timezone = "America/Chicago"
country = "US"
phone = "+1 312 555 0100"

[source]
kind = "maildir"
path = "{root}/Maildir"

[transport]
kind = "file"
path = "{root}/outbox"

[storage]
path = "{root}/followup.db"
"""


def build(root: Path) -> Path:
    """The sample Maildir and a config pointing at it; returns the config path."""
    maildir = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for number, sample in enumerate(sorted(resources.demo_mailbox().glob("*.eml"))):
        shutil.copyfile(sample, maildir / "new" / f"1764000000.demo{number}.sample")
    path = root / "config.toml"
    path.write_text(CONFIG.format(root=root), encoding="utf-8")
    return path


def run(keep: Path | None = None) -> None:
    console = Console(highlight=False)
    root = (keep or Path(tempfile.mkdtemp(prefix="followup-demo-"))).resolve()
    root.mkdir(parents=True, exist_ok=True)
    settings = config.load(build(root))
    console.print(
        f"[bold]followup demo[/bold]: sample mailbox in {root / 'Maildir'}, "
        "simulated clock, nothing leaves this machine.\n"
    )
    step_now = STEPS[0][0]
    rt = open_runtime(settings, clock=lambda: step_now)
    shown: set[Path] = set()
    try:
        for index, (step_now, label) in enumerate(STEPS):
            if index == 2:
                _answer_debrief_and_approve(rt, console, now=step_now)
            report = pipeline.run_pass(rt, now=step_now)
            console.print(f"[bold cyan]{label}[/bold cyan]")
            if index == 0:
                _show_detection(rt, console)
            _show_outbox(console, root / "outbox", shown)
            for line in report.errors:
                console.print(f"  [red]error:[/red] {escape(line)}")
            console.print()
        _show_plan(rt, console)
    finally:
        rt.close()
    console.print(
        f"\nEvery email is an .eml file in [bold]{root / 'outbox'}[/bold]; "
        f"the database is {root / 'followup.db'}."
    )
    console.print(f"Look around: `followup status --config {root / 'config.toml'}`.")
    console.print(
        "Ready for your own inbox? `followup init`, then `followup login` (see the README)."
    )


def _show_detection(rt, console: Console) -> None:
    for row in message_log.not_skipped(rt.store):
        console.print(f"  message: {row.outcome:<8} {escape(row.reason)}")
    for interview in interviews.all_interviews(rt.store):
        names = ", ".join(p.name or p.email for p in interview.interviewers)
        console.print(
            f"  [green]interview {interview.id}[/green]: {escape(interview.company)} "
            f"({escape(interview.role or 'role not given')}), "
            f"{interview.start:%a %b %d %H:%M %Z}, with {escape(names)}"
        )


def _answer_debrief_and_approve(rt, console: Console, *, now: datetime) -> None:
    """What the user would do with `followup debrief 1` and `followup approve --all`."""
    interview = interviews.all_interviews(rt.store)[0]
    with rt.store.transaction():
        commands.answer_debrief.within(rt, interview.id, SAMPLE_DEBRIEF, now=now)
        for draft in drafts.list_drafts(rt.store, interview_id=interview.id):
            if draft.state is DraftState.WAITING:
                commands.approve.within(rt, draft.id, now=now)
    console.print(
        f"[dim]  (as you: `followup debrief {interview.id}`, then `followup approve --all`)[/dim]"
    )


def _show_outbox(console: Console, outbox: Path, shown: set[Path]) -> None:
    """Print the emails this step wrote (those not in `shown` yet)."""
    if not outbox.is_dir():
        return
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime):
        if path in shown:
            continue
        shown.add(path)
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        kind = msg.get("X-Followup", "") or "thank_you"  # only notices to you are marked
        attach = [p.get_filename() for p in msg.iter_attachments()]
        subject = " ".join(str(msg["Subject"]).split())
        # Data from mail is escaped: "[fu-…]" tokens are not rich markup.
        attached = f" (+ {escape(', '.join(map(str, attach)))})" if attach else ""
        console.print(
            f"  would send [bold]{escape(kind)}[/bold] to {escape(str(msg['To']))}: "
            f"{escape(subject)}{attached}"
        )
        if kind == "thank_you":
            body = msg.get_body(preferencelist=("plain",))
            text = body.get_content().strip() if body else ""
            console.print(
                escape("    " + "\n    ".join(text.splitlines()[:6]) + "\n    …", multiline=True)
            )


def _show_plan(rt, console: Console) -> None:
    console.print("[bold]The plans[/bold]")
    for interview in interviews.all_interviews(rt.store):
        console.print(f"  {escape(interview.company)}:")
        for task in task_rows.for_interview(rt.store, interview.id):
            due = task.due.astimezone(ZONE)
            console.print(f"    {task.kind.value:<10} {due:%a %b %d %H:%M}  {task.state.value}")
