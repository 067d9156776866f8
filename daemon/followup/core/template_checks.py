"""`followup templates check`: every template rendered against sample data, each
problem one line.

Two kinds of sample: one tidy debrief (every template, both with and without
answers), and the hard samples, answers as people really type them (fragments,
first person, bullets, emoji, one word, nothing, a person with no name, a panel
of five, a debrief nine days late). On those, what must hold whatever the user
typed is a problem (the check fails); the warnings the drafts would carry are
reported, for the user to see what their templates do with such answers.

Pure: the templates come from the environment's loader; the clock is the samples'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from followup.core import compose, letter
from followup.core.mailtext import clean_header
from followup.core.model import (
    Debrief,
    DebriefPerson,
    Interview,
    InterviewState,
    Person,
    RenderedEmail,
)
from followup.core.render import (
    BUILTIN_TEMPLATES,
    CALL_GOALS,
    CLOSING_LINE,
    CallScript,
    TemplateError,
    base_context,
    call_script,
    format_when,
    phrase_warnings,
    render_approval_deadline,
    render_approval_request,
    render_call_moved,
    render_call_reminder,
    render_debrief_request,
    render_draft_bounced,
    render_file,
    render_plan_paused,
    render_prep_reminder,
    render_reply_refused,
    render_signin_ended,
    render_thank_you,
    speaking_time,
)
from followup.core.replies import DEBRIEF_QUESTIONS, debrief_form, format_token
from followup.core.scripts import CALLS, MAX_CALL_SECONDS, open_questions

__all__ = [
    "HardSample",
    "Report",
    "Sample",
    "check_templates",
    "hard_samples",
    "report",
    "sample_context",
    "sample_report",
    "script_problems",
]


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
    if name == "draft_bounced":
        return [
            render_draft_bounced(
                env,
                interview=iv,
                person=s.person,
                reason="5.1.1 smtp; 550 5.1.1 <jane.doe@acme.example>: Recipient address rejected",
                me=me,
            )
        ]
    if name == "call_moved":
        return [
            render_call_moved(
                env,
                interview=iv,
                who=s.person.name,
                back=(s.due - timedelta(days=1)).date(),
                call=1,
                next_call=s.due,
                me=me,
            )
        ]
    if name == "reply_refused":
        why = "your reply was read as a new text, but it still holds the approval instructions"
        return [
            render_reply_refused(env, why=why, me=me, stale=stale, unclear=unclear)
            for stale, unclear in ((False, False), (True, False), (False, True))
        ]
    if name == "signin_ended":
        return [render_signin_ended(env, reason="invalid_grant", me=me)]
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
        greeting=letter.greeting(s.person),
        first_name=compose.first_name(s.person.name),
        when_words="today",
        variant=0,
        personal="",
        company_known=True,
        just_ended=True,
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
        day_words="tomorrow",
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


def _tidy_problems(env: SandboxedEnvironment) -> list[str]:
    """Every template against the tidy sample, and the user's extra .txt files."""
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


# --------------------------------------------------------------------------- hard samples

LATE_DAYS = 9  # the late-day sample: drafts made nine days after the interview
MIN_WORDS, MAX_WORDS = 60, 220  # a thank-you is about 150 words
_MAX_TEXT = 20_000  # characters of a rendered note looked at
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+|\n")
_TODAY = re.compile(r"\btoday\b", re.IGNORECASE)
# Never in a thank-you, and what each one means.
_LEFT_IN = {
    "[": "a '[' (a placeholder left in)",
    "{{": "'{{' (a variable not filled in)",
    "None": "'None' (an empty value printed)",
    "  ": "a double space (an empty value?)",
    " ,": "a space before a comma (an empty value?)",
}


@dataclass(frozen=True)
class HardSample:
    """Answers as people really type them, and the interview they are about.
    `now`: when the drafts are made; `never_said`: words of an answer that no
    thank-you may carry (a negative answer, slang)."""

    name: str
    interview: Interview
    debrief: Debrief
    now: datetime
    never_said: tuple[str, ...] = ()


def _notes(
    people: tuple[Person, ...], talked: tuple[str, ...], remember: tuple[str, ...]
) -> tuple[DebriefPerson, ...]:
    return tuple(
        DebriefPerson(p.name, p.email, p.title, talked_about=t, remember=r, phone=p.phone)
        for p, t, r in zip(people, talked, remember, strict=True)
    )


_FIVE = (
    Person("Jane Doe", "jane.doe@acme.example", "+1 312 555 0142", "Engineering Manager"),
    Person("Raj Patel", "raj.patel@acme.example", title="Staff Engineer"),
    Person("Chloé Martin", "chloe.martin@acme.example", title="Product Manager"),
    Person("Dr. Kwame Mensah", "kwame.mensah@acme.example", title="Director of Engineering"),
    Person("Li Wei", "li.wei@acme.example", title="Recruiter"),
)
_FIVE_TALKED = (
    "the payments migration and how I cut checkout latency",
    "on-call and the alerting setup",
    "the product roadmap for next year",
    "how the platform team is growing",
    "the hiring timeline and relocation",
)
_FIVE_REMEMBER = (
    "she asked how I would split the monolith",
    "he said the team ships every day",
    "she asked what I would build first",
    "he asked about mentoring",
    "",
)
_BULLETS = "- the payments migration\n- the on-call rotation\n- code review habits"


def hard_samples() -> tuple[HardSample, ...]:
    """The samples every template is rendered against by `templates check`."""
    s = sample_context()
    iv, tidy, end = s.interview, s.debrief, s.interview.end
    jane, raj = iv.interviewers
    full = replace(
        tidy,
        people=(
            replace(
                _notes((jane,), ("the payments migration",), ("she asked how I would roll back",))[
                    0
                ],
                title="Engineering Manager",
                call=True,
            ),
            *_notes((raj,), ("code review habits",), ("pairing on a bug",)),
        ),
    )
    return (
        HardSample(
            "fragments",
            iv,
            Debrief(
                topics="system design. caching q",
                went_well="system design. caching q",
                wish_not_said="on-call tedious",
                meant="calm on-call. fix noisy alerts",
                wish_said="mentoring. two juniors, first launch",
                unmet_requirement="kafka",
                made_up_for="small pipeline. this week",
            ),
            end,
        ),
        HardSample(
            "first person",
            iv,
            Debrief(
                topics="I talked about my migration project",
                went_well="I explained my migration project really well and they seemed impressed",
                wish_not_said="I said I find on-call work tedious",
                meant="I meant that I care about a calm on-call rotation",
                wish_said="I should have said that I mentored two junior engineers",
                unmet_requirement="I have never used Kafka",
                made_up_for="I built a small Kafka pipeline this week",
            ),
            end,
        ),
        HardSample(
            "bullets",
            iv,
            Debrief(
                topics=_BULLETS,
                went_well="- the latency story\n- the system design round\n- my questions",
                people=_notes(
                    (jane, raj),
                    (_BULLETS, "- pairing\n- code review\n- testing"),
                    ("- how I would split the monolith", ""),
                ),
            ),
            end,
        ),
        HardSample(
            "emoji",
            iv,
            Debrief(
                topics="caching stuff lol",
                went_well="great chat 😀 lol",
                wish_not_said="said on-call sucks lol",
                meant="on-call matters to me 👍",
                wish_said="mentoring!!! 😀",
            ),
            end,
            never_said=("lol", "😀", "👍", "sucks"),
        ),
        HardSample(
            "negative",
            iv,
            Debrief(
                topics="nothing, it went badly",
                went_well="nothing, it went badly",
                wish_not_said="everything, it went badly",
            ),
            end,
            never_said=("went badly",),
        ),
        HardSample("one word", iv, Debrief.from_answers(dict.fromkeys(Debrief.FIELDS, "ok")), end),
        HardSample("no answer", iv, Debrief(), end),
        HardSample(
            "no name",
            replace(iv, interviewers=(Person("", "recruiting.ops@acme.example"),)),
            tidy,
            end,
        ),
        HardSample(
            "one interviewer",
            replace(iv, interviewers=(jane,)),
            replace(tidy, people=_notes((jane,), ("the payments migration",), ("",))),
            end,
        ),
        HardSample(
            "five interviewers",
            replace(iv, interviewers=_FIVE),
            replace(tidy, people=_notes(_FIVE, _FIVE_TALKED, _FIVE_REMEMBER)),
            end,
        ),
        HardSample("late day", iv, tidy, end + timedelta(days=LATE_DAYS)),
        HardSample("full debrief", iv, full, end),
    )


# --------------------------------------------------------------------------- what must hold


def _to(person: Person) -> str:
    return f"to {clean_header(person.name) or person.email}"


def _sentences(body: str) -> set[str]:
    parts = _SENTENCE_END.split(body[:_MAX_TEXT])
    return {" ".join(p.split()).lower() for p in parts if p.strip()}


def _thank_you_problems(
    sample: HardSample, person: Person, email: RenderedEmail, zone: str
) -> list[str]:
    text = email.subject + "\n" + email.body
    found = [f"contains {why}" for bad, why in _LEFT_IN.items() if bad in text]
    greeting = email.body.lstrip().partition("\n")[0].strip()
    if clean_header(person.name):
        if greeting.startswith("Hello,") or "dear hiring team" in text.lower():
            found.append(f"greets a person with a name as {greeting!r}")
    elif greeting.startswith("Dear ,"):
        found.append(f"greets a person with no name as {greeting!r}")
    found += [f"repeats the answer's {w!r}" for w in sample.never_said if w.lower() in text.lower()]
    later = letter.local_day(sample.now, zone) != letter.local_day(sample.interview.start, zone)
    if later and _TODAY.search(text[:_MAX_TEXT]):
        found.append(f"says 'today' {(sample.now - sample.interview.end).days} days later")
    words = len(email.body[:_MAX_TEXT].split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        found.append(f"{words} words (a thank-you has {MIN_WORDS} to {MAX_WORDS})")
    return found


def _alike(notes: list[tuple[Person, RenderedEmail]]) -> list[tuple[Person, str]]:
    """Each note that shares more than half its sentences with an earlier one:
    interviewers compare notes."""
    found: list[tuple[Person, str]] = []
    for n, (person, email) in enumerate(notes):
        mine = _sentences(email.body)
        for other, earlier in notes[:n]:
            theirs = _sentences(earlier.body)
            shared, of = len(mine & theirs), min(len(mine), len(theirs))
            if of and shared * 2 > of:
                why = f"two notes share {shared} of {of} sentences (this and the one {_to(other)})"
                found.append((person, why))
    return found


def script_problems(sample: HardSample, script: CallScript, me: Person) -> list[str]:
    """What must hold in a call script whatever the debrief says: under 3 minutes,
    the closing line last, no placeholder where an answer was given, never the
    words the user regrets."""
    d = sample.debrief
    found = []
    if script.seconds > MAX_CALL_SECONDS:
        found.append(f"the script takes {script.seconds} s (at most {MAX_CALL_SECONDS})")
    if not script.spoken.rstrip().endswith(CLOSING_LINE):
        found.append("the script does not end with the closing line")
    parts = (("script", script.spoken), ("voicemail", script.voicemail))
    if not open_questions(script.call, d):
        # Call 1's one bracketed prompt stands in for an answer the composer left
        # out, and the notes say why; any other bracket is a placeholder left in.
        explained = script.call == 1 and bool(_script_warnings(script))
        found += [
            f"a '[' in the {part}, though the debrief answered it"
            for part, text in parts
            if "[" in text and not (part == "script" and explained)
        ]
    # Words the frame says with no answer at all ("role", the company) are not the user's.
    bare = call_script(script.call, Debrief(people=d.people), sample.interview, me=me)
    regretted = (
        compose.content_words(d.wish_not_said)
        - compose.content_words(d.meant)
        - compose.content_words(f"{bare.spoken} {bare.voicemail}")
    )
    found += [
        f"the {part} says the regretted {w!r}"
        for part, text in parts
        for w in sorted(regretted & compose.content_words(text))
    ]
    return found


def _mail_problems(email: RenderedEmail) -> list[str]:
    found = [f"the subject has a '?': {email.subject!r}"] if "?" in email.subject else []
    return found + [f"contains {_LEFT_IN[bad]}" for bad in ("{{", "None") if bad in email.body]


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class Report:
    """`problems`: what must hold and does not (the check fails); `warnings`: what
    the drafts would warn about (reported only). One line each."""

    problems: list[str]
    warnings: list[str]


# (what: "thank_you.txt", where: "emoji, to Jane Doe", the finding)
_Finding = tuple[str, str, str]


@dataclass
class _Findings:
    problems: list[_Finding] = field(default_factory=list)
    warnings: list[_Finding] = field(default_factory=list)

    def add(
        self, template: str, where: str, problems: list[str], warnings: tuple[str, ...] = ()
    ) -> None:
        self.problems += [(f"{template}.txt", where, p) for p in problems]
        self.warnings += [(template, where, f"warning: {w}") for w in warnings]


def _lines(findings: list[_Finding]) -> list[str]:
    """One line per finding; the same finding in several places is said once, at
    the first, with how many more: a broken greeting is one line, not 24."""
    places: dict[tuple[str, str], list[str]] = {}
    for what, where, text in findings:
        places.setdefault((what, text), []).append(where)
    lines = []
    for (what, text), wheres in places.items():
        more = len(dict.fromkeys(wheres)) - 1
        lines.append(f"{what} [{wheres[0]}{f', and {more} more' if more else ''}]: {text}")
    return lines


def _script_warnings(script: CallScript) -> tuple[str, ...]:
    """The notes' lines about an answer that was left out or cut."""
    lines = (ln.removeprefix("- ") for ln in script.notes.splitlines())
    return tuple(
        ln.removeprefix("About your answer: ")
        for ln in lines
        if ln.startswith(("About your answer: ", "Your answer would make the call"))
    )


def _run_sample(env: SandboxedEnvironment, sample: HardSample, out: _Findings) -> None:
    s = sample_context()
    iv, d, me = sample.interview, sample.debrief, s.me
    zone = getattr(env, "followup_user_zone", None) or iv.timezone
    notes = []
    for person in iv.interviewers:
        email = render_thank_you(env, interview=iv, person=person, debrief=d, me=me, now=sample.now)
        where = f"{sample.name}, {_to(person)}"
        found = _mail_problems(email) + _thank_you_problems(sample, person, email, zone)
        out.add("thank_you", where, list(dict.fromkeys(found)), email.warnings)
        notes.append((person, email))
    for person, why in _alike(notes):
        out.add("thank_you", f"{sample.name}, {_to(person)}", [why])
    late = sample.now - iv.end > timedelta(days=1)
    for call in CALLS:
        script = call_script(call, d, iv, me=me)
        where = f"{sample.name}, call {call}"
        out.problems += [("call script", where, p) for p in script_problems(sample, script, me)]
        email = render_call_reminder(
            env,
            interview=iv,
            script=script,
            debrief=d,
            due=iv.end + timedelta(days=3),
            late=late,
            window_passed=late,
            token=s.token,
            me=me,
        )
        out.add(
            "call_reminder", where, _mail_problems(email), _script_warnings(script) + email.warnings
        )
    email = render_debrief_request(env, interview=iv, token=s.token, me=me, now=sample.now)
    out.add("debrief_request", sample.name, _mail_problems(email), email.warnings)
    for days, ask in ((1, False), (9, True)):  # the catch-up mail of an interview found late
        email = render_debrief_request(
            env,
            interview=iv,
            token=s.token,
            me=me,
            now=iv.end + timedelta(days=days),
            ask_thank_you=ask,
            next_call=iv.end + timedelta(days=days + 1),
        )
        where = f"{sample.name}, {days} day(s) late"
        out.add("debrief_request", where, _mail_problems(email), email.warnings)
    email = render_prep_reminder(env, interview=iv, me=me)
    out.add("prep_reminder", sample.name, _mail_problems(email), email.warnings)


def report(env: SandboxedEnvironment) -> Report:
    """Every template against the tidy sample and the hard samples: the problems and
    the warnings, one line each, each said once."""
    errors = _tidy_problems(env)
    out = _Findings()
    for sample in hard_samples():
        try:
            _run_sample(env, sample, out)
        except TemplateError as exc:  # the same error on every sample is said once
            errors.append(str(exc))
    problems = list(dict.fromkeys(errors)) + _lines(out.problems)
    return Report(list(dict.fromkeys(problems)), _lines(out.warnings))


def check_templates(env: SandboxedEnvironment) -> list[str]:
    """Render every template against the samples; one line per problem (empty = all good)."""
    return report(env).problems


def sample_report(env: SandboxedEnvironment) -> list[str]:
    """What the drafts would warn about on the hard samples, one line each."""
    return report(env).warnings
