"""Jinja2 rendering of drafts and reminders, phrase checks, call scripts.

Pure: the only I/O is the Jinja loader reading template files; no clock.
Template text comes from the built-in folder or the user's template folder,
never from an email; values taken from mail are data only (sandboxed
environment, header values cleaned).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import compose, letter, resources
from .mailtext import clean_header
from .model import Debrief, FollowupError, Interview, Person, RenderedEmail
from .proofread import FLAGGED_PHRASES, phrase_warnings
from .replies import DEBRIEF_QUESTIONS, debrief_form, format_token

__all__ = [
    "make_environment",
    "TemplateError",
    "render_email",
    "render_thank_you",
    "render_approval_request",
    "render_debrief_request",
    "render_prep_reminder",
    "render_call_reminder",
    "render_approval_deadline",
    "render_plan_paused",
    "call_script",
    "CLOSING_LINE",
    "estimate_speaking_seconds",
    "phrase_warnings",
    "FLAGGED_PHRASES",
    "clean_header",
    "BUILTIN_TEMPLATES",
]

CLOSING_LINE = "I really want to work with you. Is now a good time to set up a second interview?"
MAX_CALL_SECONDS = 180  # the coach: keep each call under 3 minutes

BUILTIN_TEMPLATES = (
    "thank_you",
    "approval_request",
    "debrief_request",
    "prep_reminder",
    "call_reminder",
    "approval_deadline",
    "plan_paused",
    "reply_refused",
)


class TemplateError(FollowupError):
    """A template could not be rendered; the message names the file and the problem."""


# --------------------------------------------------------------------------- environment


def _local(dt: datetime, tz: str | None = None) -> datetime:
    if tz:
        try:
            return dt.astimezone(ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt


def _clock(d: datetime) -> str:
    hour = d.hour % 12 or 12
    return f"{hour}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'} {d.tzname() or ''}".rstrip()


def format_when(dt: datetime | None, tz: str | None = None, *, yours: str | None = None) -> str:
    """'Tuesday, December 1, 2026 at 2:00 PM CST' (in the given IANA zone). With `yours`
    (the user's zone) and a different offset there: the user's time first, the given
    zone's in parentheses: '… at 3:00 PM EST (2:00 PM CST there)'."""
    if dt is None:
        return ""
    d = _local(dt, tz)
    mine = _local(dt, yours) if yours else d
    text = f"{mine:%A}, {mine:%B} {mine.day}, {mine.year} at {_clock(mine)}"
    if mine.utcoffset() != d.utcoffset():
        text += f" ({_clock(d)} there)"
    return text


def format_date(dt: datetime | None, tz: str | None = None) -> str:
    """'Tuesday, December 1' (in the given IANA zone)."""
    if dt is None:
        return ""
    d = _local(dt, tz)
    return f"{d:%A}, {d:%B} {d.day}"


def _sentence(text: str | None) -> str:
    """Debrief text as one sentence: whitespace collapsed, ends with punctuation."""
    text = " ".join((text or "").split())
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _clause(text: str | None) -> str:
    """Debrief text to insert mid-sentence: whitespace collapsed, no final period."""
    return " ".join((text or "").split()).rstrip(" .;,")


def _who(person: Person) -> str:
    """A person as a header-safe word: their name, else their address."""
    return clean_header(person.name) or clean_header(person.email)


def make_environment(
    user_dir: Path | None = None,
    *,
    user_zone: str | None = None,
    voice: letter.Voice | None = None,
) -> SandboxedEnvironment:
    """Sandboxed Jinja2 environment: user templates first, then the built-ins.
    `user_zone`: the zone times mailed to the user are shown in (me.timezone);
    `voice`: the greeting style and spelling convention of the user's notes."""
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.FileSystemLoader(str(resources.templates_dir())))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm"), default_for_string=False, default=False
        ),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = format_when
    env.filters["date"] = format_date
    env.filters["sentence"] = _sentence
    env.filters["clause"] = _clause
    env.filters["header"] = clean_header
    env.filters["who"] = _who
    env.followup_user_dir = Path(user_dir) if user_dir is not None else None  # type: ignore[attr-defined]
    env.followup_user_zone = user_zone  # type: ignore[attr-defined]
    env.followup_voice = voice or letter.Voice()  # type: ignore[attr-defined]
    return env


def _yours(env: SandboxedEnvironment) -> str | None:
    return getattr(env, "followup_user_zone", None)


def _voice(env: SandboxedEnvironment) -> letter.Voice:
    voice = getattr(env, "followup_voice", None)
    return voice if isinstance(voice, letter.Voice) else letter.Voice()


def _template_file(tb: TracebackType | None, default: str) -> str:
    """The innermost template file in a traceback (errors inside an include)."""
    name = default
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".txt", ".html", ".htm")):
            name = Path(filename).name
        tb = tb.tb_next
    return name


def render_file(env: SandboxedEnvironment, filename: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(filename).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename).name if exc.filename else (exc.name or filename)
        raise TemplateError(f"{where}: line {exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        missing = exc.name if exc.name != filename else filename
        raise TemplateError(f"{filename}: template not found: {missing}") from exc
    except jinja2.UndefinedError as exc:
        where = _template_file(exc.__traceback__, filename)
        raise TemplateError(f"{where}: {exc.message}") from exc
    except jinja2.exceptions.SecurityError as exc:
        where = _template_file(exc.__traceback__, filename)
        raise TemplateError(f"{where}: unsafe: {exc}") from exc
    except jinja2.TemplateError as exc:
        where = _template_file(exc.__traceback__, filename)
        raise TemplateError(f"{where}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - user templates can fail in any way; the
        # service must log it as this template's fault and go on
        # (docs/ARCHITECTURE.md, invariant 6).
        raise TemplateError(
            f"{_template_file(exc.__traceback__, filename)}: {type(exc).__name__}: {exc}"
        ) from exc


def _tidy_body(text: str) -> str:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    body = "\n".join(lines).strip("\n")
    body = re.sub(r"\n{3,}", "\n\n", body)
    return body + "\n"


def render_email(env: SandboxedEnvironment, name: str, /, **context: Any) -> RenderedEmail:
    """Render name.txt (and name.html if present): first line 'Subject: …', then the body."""
    base = name[:-4] if name.endswith(".txt") else name
    filename = base + ".txt"
    text = render_file(env, filename, context).lstrip("\r\n")
    first, _, rest = text.partition("\n")
    if not first.lower().startswith("subject:"):
        raise TemplateError(f"{filename}: the first line must be 'Subject: <subject>'")
    subject = clean_header(first[len("subject:") :])
    if not subject:
        raise TemplateError(f"{filename}: the subject is empty")
    body = _tidy_body(rest)
    html = None
    try:
        env.get_template(base + ".html")
    except jinja2.TemplateNotFound:
        pass
    else:
        html = render_file(env, base + ".html", context)
    warnings = phrase_warnings(subject + "\n" + body)
    return RenderedEmail(subject=subject, body=body, html=html, warnings=warnings)


# --------------------------------------------------------------------------- context


def _position(interview: Interview) -> str:
    role, company = clean_header(interview.role), clean_header(interview.company)
    if role and company:
        return f"the {role} role at {company}"
    if role:
        return f"the {role} role"
    if company:
        return f"the role at {company}"
    return "the role"


def base_context(interview: Interview, me: Person) -> dict[str, Any]:
    return {
        "interview": interview,
        "me": me,
        "company": clean_header(interview.company) or "the company",
        "role": clean_header(interview.role),
        "position": _position(interview),
        "when": format_when(interview.start, interview.timezone),
        "day": format_date(interview.start, interview.timezone),
        "interviewers": interview.interviewers,
    }


def render_thank_you(
    env: SandboxedEnvironment,
    *,
    interview: Interview,
    person: Person,
    debrief: Debrief | None,
    me: Person,
    now: datetime | None = None,
) -> RenderedEmail:
    """The thank-you to one interviewer: their own note, the timing words as of `now`
    (default: the interview's end), the greeting of `[compose] greeting`. Warnings:
    the debrief answers left out and why, a missing name, pushy phrases."""
    voice = _voice(env)
    zone = _yours(env) or interview.timezone
    number = letter.variant(interview, person)
    line = letter.personal_line(interview, person, debrief, number=number)
    ctx = base_context(interview, me)
    ctx.update(
        person=person,
        debrief=debrief,
        went_well=(debrief.went_well.strip() if debrief else ""),
        topics=(debrief.topics.strip() if debrief else ""),
        greeting=letter.greeting(person, voice),
        first_name=compose.first_name(clean_header(person.name)),
        when_words=letter.when_words(interview.start, now or interview.end, zone),
        variant=number,
        personal=line.text,
        company_known=bool(clean_header(interview.company)),
    )
    email = render_email(env, "thank_you", **ctx)
    name = letter.name_warning(person, interview.id)
    extra = tuple(line.warnings) + ((name,) if name else ())
    return replace(email, warnings=tuple(dict.fromkeys(email.warnings + extra)))


def render_approval_request(
    env: SandboxedEnvironment,
    *,
    draft_subject: str,
    draft_body: str,
    recipients: Sequence[Person],
    warnings: Sequence[str],
    token: str,
    interview: Interview,
    me: Person,
) -> RenderedEmail:
    """Asks the user to approve, edit or reject one draft."""
    ctx = base_context(interview, me)
    ctx.update(
        draft_subject=clean_header(draft_subject),
        draft_body=draft_body.rstrip("\n"),
        recipients=tuple(recipients),
        warnings=tuple(warnings),
        token=token,
        token_tag=format_token(token),
    )
    return render_email(env, "approval_request", **ctx)


JUST_ENDED = timedelta(hours=3)  # later than this, "has just ended" is not true


def render_debrief_request(
    env: SandboxedEnvironment,
    *,
    interview: Interview,
    token: str,
    me: Person,
    now: datetime | None = None,
) -> RenderedEmail:
    """The debrief prompt sent right after the interview (or, found late, one whose
    words fit the delay: "your interview on Tuesday")."""
    ctx = base_context(interview, me)
    zone = _yours(env) or interview.timezone
    moment = now or interview.end
    ctx.update(
        just_ended=moment - interview.end <= JUST_ENDED
        and letter.local_day(moment, zone) == letter.local_day(interview.end, zone),
        when_words=letter.when_words(interview.start, moment, zone),
        token=token,
        token_tag=format_token(token),
        form=debrief_form(interview, None, comments=False),
        questions=tuple(h for _, h in DEBRIEF_QUESTIONS),
    )
    return render_email(env, "debrief_request", **ctx)


def render_prep_reminder(
    env: SandboxedEnvironment, *, interview: Interview, me: Person
) -> RenderedEmail:
    """The evening-before reminder (to the user: times in the user's zone)."""
    ctx = base_context(interview, me)
    ctx["when"] = format_when(interview.start, interview.timezone, yours=_yours(env))
    return render_email(env, "prep_reminder", **ctx)


CALL_GOALS = {
    1: "fix something you said in the interview that you wish you had not said",
    2: "give the answer you wish you had given in the interview",
    3: "show how you have made up for the requirement you did not meet",
}
_CALL_FIELD = {1: "wish_not_said", 2: "wish_said", 3: "unmet_requirement"}


def speaking_time(seconds: int) -> str:
    if seconds < 60:
        return f"about {seconds} seconds"
    minutes, secs = divmod(seconds, 60)
    return f"about {minutes} min {secs:02d} s"


def render_call_reminder(
    env: SandboxedEnvironment,
    *,
    interview: Interview,
    call: int,
    person: Person,
    debrief: Debrief | None,
    due: datetime,
    late: bool,
    window_passed: bool,
    token: str,
    me: Person,
) -> RenderedEmail:
    """Reminder for follow-up call 1, 2 or 3, with its script."""
    if call not in CALL_GOALS:
        raise ValueError(f"call must be 1, 2 or 3, not {call!r}")
    script = call_script(call, debrief, interview, person, me=me)
    seconds = estimate_speaking_seconds(script)
    field_name = _CALL_FIELD[call]
    ctx = base_context(interview, me)
    ctx.update(
        call=call,
        person=person,
        debrief=debrief,
        due=due,
        due_text=format_when(due, interview.timezone, yours=_yours(env)),
        late=late,
        window_passed=window_passed,
        token=token,
        token_tag=format_token(token),
        goal=CALL_GOALS[call],
        script=script,
        closing_line=CLOSING_LINE,
        speaking_seconds=seconds,
        speaking_time=speaking_time(seconds),
        too_long=seconds >= MAX_CALL_SECONDS,
        missing_answer=not (debrief and getattr(debrief, field_name).strip()),
    )
    return render_email(env, "call_reminder", **ctx)


def render_approval_deadline(
    env: SandboxedEnvironment, *, interview: Interview, count: int, me: Person
) -> RenderedEmail:
    """Drafts still waiting for approval at the deadline on interview day."""
    ctx = base_context(interview, me)
    ctx.update(count=count)
    return render_email(env, "approval_deadline", **ctx)


def render_plan_paused(
    env: SandboxedEnvironment,
    *,
    interview: Interview,
    sender: str,
    subject: str,
    why: str,
    me: Person,
) -> RenderedEmail:
    """A message from the company paused the plan: what arrived and why we paused."""
    ctx = base_context(interview, me)
    ctx.update(
        sender=clean_header(sender), subject=clean_header(subject), why=" ".join(why.split())
    )
    return render_email(env, "plan_paused", **ctx)


def render_reply_refused(
    env: SandboxedEnvironment,
    *,
    why: str,
    me: Person,
    stale: bool = False,
    unclear: bool = False,
) -> RenderedEmail:
    """A reply of the user's was understood but not used (it held our own request)."""
    why = " ".join(why.split())
    why = why[:1].upper() + why[1:]  # it follows "Nothing was sent." as a sentence
    return render_email(env, "reply_refused", why=why, me=me, stale=stale, unclear=unclear)


# --------------------------------------------------------------------------- call scripts


def call_script(
    call: int,
    debrief: Debrief | None,
    interview: Interview,
    person: Person,
    *,
    me: Person | None = None,
) -> str:
    """What to say on follow-up call 1, 2 or 3; always ends with CLOSING_LINE.
    Missing debrief answers become [bracketed] prompts for the user to fill in."""
    if call not in CALL_GOALS:
        raise ValueError(f"call must be 1, 2 or 3, not {call!r}")
    d = debrief or Debrief()
    name = clean_header(person.name) or "there"
    intro = f"Hello {name}"
    intro += f", this is {clean_header(me.name)}." if me and me.name else "."
    day = format_date(interview.start, interview.timezone)
    parts = [
        f"{intro} We met on {day} about {_position(interview)}, and I have one quick point to add."
    ]
    if call == 1:
        said = _clause(d.wish_not_said)
        if said:
            parts.append(
                f"In our conversation I said {said}. That did not come out the way "
                "I meant it. What I should have said is this: "
                "[in one or two sentences, what is true and what you meant]."
            )
        else:
            parts.append(
                "I want to be sure I left you with the right picture of how I would "
                "do this job: [one concrete example that shows you can do it]."
            )
    elif call == 2:
        wish = _clause(d.wish_said)
        if wish:
            parts.append(
                f"After we spoke I realised I never mentioned {wish}. "
                "[Say it in two or three sentences, with one concrete result.]"
            )
        else:
            parts.append(
                "After we spoke I thought of a better answer to one of your "
                "questions: [the answer that came to you after the interview]."
            )
    else:
        unmet = _clause(d.unmet_requirement)
        done = _clause(d.made_up_for)
        if unmet:
            parts.append(f"You mentioned the role needs {unmet}, and I took that seriously.")
        else:
            parts.append(
                "You mentioned one requirement I did not fully meet, "
                "[name the requirement], and I took that seriously."
            )
        if done:
            parts.append(f"Since our interview, {done}.")
        else:
            parts.append(
                "Since our interview, [the training or practice you have done, "
                "e.g. a few hours with someone who uses it every day]."
            )
        parts.append(
            "It prepared me to [how it helps you do the job]. I know there is more "
            "to learn, and I am glad to keep at it."
        )
    parts.append(CLOSING_LINE)
    return "\n\n".join(parts)


def estimate_speaking_seconds(text: str, words_per_minute: int = 150) -> int:
    """Seconds it takes to say `text` aloud at `words_per_minute` (rounded up)."""
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    words = re.findall(r"[^\W_]+(?:['\u2019-][^\W_]+)*", text)
    return math.ceil(len(words) * 60 / words_per_minute)
