"""Jinja2 rendering of drafts and reminders, phrase checks; call scripts come from scripts.py.

Pure: the only I/O is the Jinja loader reading template files; no clock.
Template text comes from the built-in folder or the user's template folder,
never from an email; values taken from mail are data only (sandboxed
environment, header values cleaned).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import compose, letter, resources
from .mailtext import clean_header
from .model import Debrief, FollowupError, Interview, Person, RenderedEmail
from .proofread import FLAGGED_PHRASES, phrase_warnings
from .replies import DEBRIEF_QUESTIONS, debrief_form, format_token
from .scripts import (
    CALL_GOALS,
    CLOSING_LINE,
    MAX_CALL_SECONDS,
    CallScript,
    call_script,
    estimate_speaking_seconds,
    open_questions,
)

__all__ = [
    "make_environment",
    "TemplateError",
    "render_email",
    "render_thank_you",
    "render_approval_request",
    "render_debrief_request",
    "render_prep_reminder",
    "interview_kind",
    "render_call_reminder",
    "render_approval_deadline",
    "render_plan_paused",
    "call_script",
    "CallScript",
    "CALL_GOALS",
    "CLOSING_LINE",
    "estimate_speaking_seconds",
    "speaking_time",
    "phrase_warnings",
    "FLAGGED_PHRASES",
    "clean_header",
    "BUILTIN_TEMPLATES",
]

BUILTIN_TEMPLATES = (
    "thank_you",
    "approval_request",
    "debrief_request",
    "prep_reminder",
    "call_reminder",
    "approval_deadline",
    "plan_paused",
    "reply_refused",
    "draft_bounced",
    "call_moved",
    "signin_ended",
)


class TemplateError(FollowupError):
    """A template could not be rendered; the message names the file and the problem."""


# --------------------------------------------------------------------------- environment


def _clock(d: datetime) -> str:
    hour = d.hour % 12 or 12
    return f"{hour}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'} {d.tzname() or ''}".rstrip()


def format_when(dt: datetime | None, tz: str | None = None, *, yours: str | None = None) -> str:
    """'Tuesday, December 1, 2026 at 2:00 PM CST' (in the given IANA zone). With `yours`
    (the user's zone) and a different offset there: the user's time first, the given
    zone's in parentheses: '… at 3:00 PM EST (2:00 PM CST there)'."""
    if dt is None:
        return ""
    d = letter.local_time(dt, tz or "")
    mine = letter.local_time(dt, yours) if yours else d
    text = f"{mine:%A}, {mine:%B} {mine.day}, {mine.year} at {_clock(mine)}"
    if mine.utcoffset() != d.utcoffset():
        text += f" ({_clock(d)} there)"
    return text


def format_date(dt: datetime | None, tz: str | None = None) -> str:
    """'Tuesday, December 1' (in the given IANA zone)."""
    if dt is None:
        return ""
    d = letter.local_time(dt, tz or "")
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


def voice_of(env: SandboxedEnvironment) -> letter.Voice:
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
    voice = voice_of(env)
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
    checks = letter.proofread(
        interview, me, email.subject, email.body, now=now or interview.end, voice=voice, zone=zone
    )
    found = tuple(line.warnings) + ((name,) if name else ()) + checks
    return replace(email, warnings=tuple(dict.fromkeys(found)))


@dataclass(frozen=True)
class ApprovalEntry:
    """One draft in an approval request, under its number."""

    number: int
    to: Person
    subject: str
    body: str
    warnings: tuple[str, ...] = ()
    personal: str = ""  # the sentence the debrief gave this note ("" if generic)


def render_approval_request(
    env: SandboxedEnvironment,
    *,
    token: str,
    interview: Interview,
    me: Person,
    entries: Sequence[ApprovalEntry] = (),
    replaced: bool = False,
    draft_subject: str = "",
    draft_body: str = "",
    recipients: Sequence[Person] = (),
    warnings: Sequence[str] = (),
) -> RenderedEmail:
    """Asks the user to approve, edit or reject an interview's drafts, numbered 1..n
    (`entries`; or one draft given as draft_subject/draft_body/recipients/warnings).
    `replaced`: an earlier request for them no longer stands."""
    if not entries:
        entries = [
            ApprovalEntry(
                1,
                recipients[0] if recipients else me,
                draft_subject,
                draft_body,
                tuple(warnings),
            )
        ]
    first = entries[0]
    ctx = base_context(interview, me)
    ctx.update(
        entries=tuple(entries),
        replaced=replaced,
        draft_subject=clean_header(first.subject),  # the first draft: for older templates
        draft_body=first.body.rstrip("\n"),
        recipients=(first.to,),
        warnings=tuple(first.warnings),
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
    ask_thank_you: bool = False,
    next_call: datetime | None = None,
    wait_hours: int = 2,
) -> RenderedEmail:
    """The debrief prompt sent right after the interview. Found late, it is the one
    catch-up mail: its words fit the delay ("your interview on Tuesday"), it says where
    things stand and what comes next (`next_call`: call 1's reminder), and with
    `ask_thank_you` it asks whether a thank-you that late is still worth sending."""
    ctx = base_context(interview, me)
    zone = _yours(env) or interview.timezone
    moment = now or interview.end
    ctx.update(
        just_ended=moment - interview.end <= JUST_ENDED
        and letter.local_day(moment, zone) == letter.local_day(interview.end, zone),
        when_words=letter.when_words(interview.start, moment, zone),
        days_since=(letter.local_day(moment, zone) - letter.local_day(interview.end, zone)).days,
        ask_thank_you=ask_thank_you,
        next_call=format_when(next_call, interview.timezone, yours=_yours(env)),
        wait_hours=wait_hours,
        token=token,
        token_tag=format_token(token),
        form=debrief_form(interview, None, comments=False),
        questions=tuple(h for _, h in DEBRIEF_QUESTIONS),
    )
    return render_email(env, "debrief_request", **ctx)


InterviewKind = Literal["video", "onsite", "phone"]

_KIND_TEXT = 300  # characters of a title or location looked at
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_VIDEO_TITLE = re.compile(
    r"\b(?:video|zoom|google meet|microsoft teams|webex|skype)\b", re.IGNORECASE
)
# "remote" in a title is often the role ("Remote Backend Engineer"): online words
# count only where the location would be.
_ONLINE_PLACE = re.compile(r"\b(?:online|remote|virtual)\b", re.IGNORECASE)
_PHONE_WORDS = re.compile(r"\b(?:phone|telephone|call)\b|telefon|anruf", re.IGNORECASE)
_PHONE_NUMBER = re.compile(r"\+?[\d\s().\-/]{7,40}")


def interview_kind(interview: Interview) -> InterviewKind:
    """A video link (or a link for a location, or a video word) makes a video
    interview; a phone word in the title or location, a number for a location, or
    nowhere at all makes a phone one; any other location is a place to go to."""
    title = interview.title[:_KIND_TEXT]
    location = (interview.location or "")[:_KIND_TEXT].strip()
    if interview.video_link or _URL.search(location) or _ONLINE_PLACE.search(location):
        return "video"
    if _VIDEO_TITLE.search(f"{title} {location}"):
        return "video"
    if _PHONE_WORDS.search(f"{title} {location}") or _PHONE_NUMBER.fullmatch(location):
        return "phone"
    return "onsite" if location else "phone"


def _number_to_expect(interview: Interview) -> str:
    location = (interview.location or "")[:_KIND_TEXT].strip()
    if _PHONE_NUMBER.fullmatch(location):
        return location
    return next((clean_header(p.phone) for p in interview.interviewers if p.phone), "")


def coming_day_words(start: datetime, now: datetime, zone: str) -> str:
    """When the interview is, said from `now` in the user's zone: 'today',
    'tomorrow', else 'on Tuesday'."""
    gap = (letter.local_day(start, zone) - letter.local_day(now, zone)).days
    if gap <= 0:
        return "today"
    if gap == 1:
        return "tomorrow"
    return f"on {letter.local_time(start, zone):%A}"


def render_prep_reminder(
    env: SandboxedEnvironment,
    *,
    interview: Interview,
    me: Person,
    now: datetime | None = None,
) -> RenderedEmail:
    """The evening-before reminder (to the user: times in the user's zone), fitted to
    a video, on-site or phone interview. Its day word follows the clock: "Tomorrow",
    or "Today" when it comes late (default: the evening before)."""
    zone = _yours(env) or interview.timezone
    day_words = coming_day_words(interview.start, now or interview.start - timedelta(days=1), zone)
    day_word = day_words[:1].upper() + day_words[1:]
    kind = interview_kind(interview)
    location = clean_header(interview.location or "")
    ctx = base_context(interview, me)
    ctx.update(
        when=format_when(interview.start, interview.timezone, yours=_yours(env)),
        day_word=day_word,
        day_words=day_words,
        kind=kind,
        video_link=clean_header(interview.video_link or "")
        or (location if _URL.search(location[:_KIND_TEXT]) else ""),
        address=location if kind == "onsite" else "",
        phone_number=_number_to_expect(interview) if kind == "phone" else "",
    )
    return render_email(env, "prep_reminder", **ctx)


def speaking_time(seconds: int) -> str:
    if seconds < 60:
        return f"about {seconds} seconds"
    minutes, secs = divmod(seconds, 60)
    return f"about {minutes} min {secs:02d} s"


def render_call_reminder(
    env: SandboxedEnvironment,
    *,
    interview: Interview,
    script: CallScript,
    debrief: Debrief | None,
    due: datetime,
    late: bool,
    window_passed: bool,
    token: str,
    me: Person,
) -> RenderedEmail:
    """Reminder for follow-up call 1, 2 or 3: who to call, the script, the voicemail
    and the notes (`script` from scripts.call_script)."""
    person = script.to
    ctx = base_context(interview, me)
    ctx.update(
        call=script.call,
        person=person,
        who=clean_header(person.name) or person.email,
        debrief=debrief,
        due=due,
        due_text=format_when(due, interview.timezone, yours=_yours(env)),
        late=late,
        window_passed=window_passed,
        token=token,
        token_tag=format_token(token),
        goal=CALL_GOALS[script.call],
        call_script=script,
        script=script.spoken,  # the name older user templates know it by
        spoken=script.spoken,
        voicemail=script.voicemail,
        notes=script.notes,
        closing_line=CLOSING_LINE,
        speaking_seconds=script.seconds,
        speaking_time=speaking_time(script.seconds),
        too_long=script.seconds >= MAX_CALL_SECONDS,
        missing_answer=bool(open_questions(script.call, debrief)) or "[" in script.spoken,
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


def render_draft_bounced(
    env: SandboxedEnvironment, *, interview: Interview, person: Person, reason: str, me: Person
) -> RenderedEmail:
    """A sent thank-you bounced: what the server said and how to correct the address."""
    ctx = base_context(interview, me)
    ctx.update(person=person, reason=clean_header(reason)[:300])
    return render_email(env, "draft_bounced", **ctx)


def render_call_moved(
    env: SandboxedEnvironment,
    *,
    interview: Interview,
    who: str,
    back: date,
    call: int,
    next_call: datetime,
    me: Person,
) -> RenderedEmail:
    """The person to call is away (an out-of-office): when the next call comes now."""
    ctx = base_context(interview, me)
    ctx.update(
        who=clean_header(who),
        back=f"{back:%A}, {back:%B} {back.day}",
        call=call,
        next_call=format_when(next_call, interview.timezone, yours=_yours(env)),
    )
    return render_email(env, "call_moved", **ctx)


def render_signin_ended(env: SandboxedEnvironment, *, reason: str, me: Person) -> RenderedEmail:
    """The provider ended the OAuth2 sign-in: why, and the one command that fixes it."""
    return render_email(env, "signin_ended", reason=clean_header(reason)[:200], me=me)


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
