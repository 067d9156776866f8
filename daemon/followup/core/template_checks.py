"""`followup templates check`: every template rendered against sample data, each
problem one line. Pure: the templates come from the environment's loader."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from followup.core.model import (
    Debrief,
    Interview,
    InterviewState,
    Person,
    RenderedEmail,
)
from followup.core.render import (
    BUILTIN_TEMPLATES,
    CALL_GOALS,
    CLOSING_LINE,
    TemplateError,
    base_context,
    call_script,
    format_when,
    phrase_warnings,
    render_approval_deadline,
    render_approval_request,
    render_call_reminder,
    render_debrief_request,
    render_file,
    render_plan_paused,
    render_prep_reminder,
    render_reply_refused,
    render_thank_you,
    speaking_time,
)
from followup.core.replies import DEBRIEF_QUESTIONS, debrief_form, format_token


@dataclass(frozen=True)
class Sample:
    """Sample data for checking templates and for tests."""

    interview: Interview
    person: Person
    me: Person
    debrief: Debrief
    token: str
    due: datetime


def sample_context() -> Sample:
    tz = ZoneInfo("America/Chicago")
    start = datetime(2026, 12, 1, 14, 0, tzinfo=tz)
    jane = Person("Jane Doe", "jane.doe@acme.example", "+1 312 555 0142")
    raj = Person("Raj Patel", "raj.patel@acme.example")
    interview = Interview(
        id=1,
        company="Acme Analytics",
        role="Backend Engineer",
        start=start,
        end=start + timedelta(hours=1),
        timezone="America/Chicago",
        state=InterviewState.ACTIVE,
        interviewers=(jane, raj),
        location="Acme HQ, 100 Main Street, Chicago",
        video_link=None,
        title="Interview: Backend Engineer",
    )
    debrief = Debrief(
        topics="the payments migration; the on-call rotation; code review habits",
        went_well="our discussion of how I cut checkout latency by 40% at my last job",
        wish_not_said="that I find on-call work tedious",
        meant="I care about a calm on-call rotation, and I like fixing the alerts that wake "
        "people up",
        wish_said="how I mentored two junior engineers through their first launch",
        unmet_requirement="hands-on experience with Kafka",
        made_up_for="I spent six hours this week building a small Kafka pipeline with a "
        "friend who runs it in production",
    )
    me = Person("Sam Rivera", "sam@example.org", "+1 312 555 0100")
    return Sample(
        interview=interview,
        person=jane,
        me=me,
        debrief=debrief,
        token="q3v9Zk2LwX8pR4tN7yB1cA",
        due=start + timedelta(days=4, hours=-4),
    )


def _render_builtin(
    env: SandboxedEnvironment, name: str, s: Sample, debrief: Debrief | None
) -> list[RenderedEmail]:
    iv, me = s.interview, s.me
    if name == "thank_you":
        return [render_thank_you(env, interview=iv, person=s.person, debrief=debrief, me=me)]
    if name == "approval_request":
        draft = render_thank_you(env, interview=iv, person=s.person, debrief=debrief, me=me)
        return [
            render_approval_request(
                env,
                draft_subject=draft.subject,
                draft_body=draft.body,
                recipients=[s.person],
                warnings=(),
                token=s.token,
                interview=iv,
                me=me,
            )
        ]
    if name == "debrief_request":
        return [render_debrief_request(env, interview=iv, token=s.token, me=me)]
    if name == "prep_reminder":
        kinds = (  # on site (the sample), video, phone
            iv,
            replace(iv, location=None, video_link="https://meet.example/abc-defg-hij"),
            replace(iv, location=None, title="Phone screen: Backend Engineer"),
        )
        return [render_prep_reminder(env, interview=k, me=me) for k in kinds]
    if name == "call_reminder":
        return [
            render_call_reminder(
                env,
                interview=iv,
                script=call_script(c, debrief, iv, me=me),
                debrief=debrief,
                due=s.due,
                late=late,
                window_passed=late,
                token=s.token,
                me=me,
            )
            for c in (1, 2, 3)
            for late in (False, True)
        ]
    if name == "approval_deadline":
        return [render_approval_deadline(env, interview=iv, count=n, me=me) for n in (1, 2)]
    if name == "plan_paused":
        return [
            render_plan_paused(
                env,
                interview=iv,
                sender="Jane Doe <jane.doe@acme.example>",
                subject="Next steps",
                why="a second interview was proposed",
                me=me,
            )
        ]
    if name == "reply_refused":
        why = "your reply was read as a new text, but it still holds the approval instructions"
        return [
            render_reply_refused(env, why=why, me=me, stale=stale, unclear=unclear)
            for stale, unclear in ((False, False), (True, False), (False, True))
        ]
    raise ValueError(name)


def _sample_vars(s: Sample) -> dict[str, Any]:
    """Every variable any built-in template gets, for rendering extra user templates."""
    ctx = base_context(s.interview, s.me)
    script = call_script(1, s.debrief, s.interview, me=s.me)
    ctx.update(
        person=s.person,
        debrief=s.debrief,
        went_well=s.debrief.went_well,
        topics=s.debrief.topics,
        token=s.token,
        token_tag=format_token(s.token),
        draft_subject="Thank you",
        draft_body="Dear Jane Doe,\n\nThank you.\n",
        recipients=(s.person,),
        warnings=(),
        form=debrief_form(s.interview, None, comments=False),
        questions=tuple(h for _, h in DEBRIEF_QUESTIONS),
        call=1,
        due=s.due,
        due_text=format_when(s.due, s.interview.timezone),
        late=False,
        window_passed=False,
        goal=CALL_GOALS[1],
        who=s.person.name,
        call_script=script,
        script=script.spoken,
        spoken=script.spoken,
        voicemail=script.voicemail,
        notes=script.notes,
        closing_line=CLOSING_LINE,
        speaking_seconds=script.seconds,
        speaking_time=speaking_time(script.seconds),
        day_word="Tomorrow",
        kind="onsite",
        video_link="",
        address=s.interview.location,
        phone_number="",
        too_long=False,
        missing_answer=False,
        count=2,
        sender="Jane Doe <jane.doe@acme.example>",
        subject="Next steps",
        why="a second interview was proposed",
        stale=False,
        unclear=False,
    )
    return ctx


def _source_warnings(env: SandboxedEnvironment, filename: str) -> list[str]:
    try:
        source, _, _ = env.loader.get_source(env, filename)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return []
    return [f"{filename}: template text: {w}" for w in phrase_warnings(source)]


def check_templates(env: SandboxedEnvironment) -> list[str]:
    """Render every template against sample data; one line per problem (empty = all good)."""
    s = sample_context()
    errors: list[str] = []
    for name in BUILTIN_TEMPLATES:
        problems: list[str] = []
        for debrief in (s.debrief, None):
            try:
                for rendered in _render_builtin(env, name, s, debrief):
                    problems.extend(f"{name}.txt: rendered text: {w}" for w in rendered.warnings)
            except TemplateError as exc:
                problems.append(str(exc))
        for filename in (f"{name}.txt", f"{name}.html"):
            problems.extend(_source_warnings(env, filename))
        for p in problems:  # same problem from several sample renders: report once
            if p not in errors:
                errors.append(p)
    user_dir: Path | None = getattr(env, "followup_user_dir", None)
    if user_dir is not None and user_dir.is_dir():
        builtin_files = {f"{n}.txt" for n in BUILTIN_TEMPLATES}
        for path in sorted(user_dir.glob("*.txt")):
            if path.name in builtin_files:
                continue
            try:
                text = render_file(env, path.name, _sample_vars(s))
            except TemplateError as exc:
                errors.append(str(exc))
                continue
            errors.extend(f"{path.name}: rendered text: {w}" for w in phrase_warnings(text))
            errors.extend(_source_warnings(env, path.name))
    return list(dict.fromkeys(errors))  # an error in an included file: report it once
