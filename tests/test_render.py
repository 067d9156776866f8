"""Unit tests for followup.render: templates, phrase checks, call scripts."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

try:
    import followup  # noqa: F401
except ImportError:  # source checkout without an editable install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))

import pytest

from followup.core import resources
from followup.core.model import Debrief, FollowupError, Person
from followup.core.render import (
    BUILTIN_TEMPLATES,
    CLOSING_LINE,
    CallScript,
    TemplateError,
    call_script,
    clean_header,
    estimate_speaking_seconds,
    format_when,
    make_environment,
    phrase_warnings,
    render_approval_request,
    render_call_reminder,
    render_debrief_request,
    render_email,
    render_plan_paused,
    render_prep_reminder,
    render_reply_refused,
    render_thank_you,
)
from followup.core.replies import DEBRIEF_QUESTIONS, Action, format_token, parse_reply
from followup.core.template_checks import _render_builtin, check_templates, sample_context

S = sample_context()


@pytest.fixture
def env():
    return make_environment()


def thank_you(env, debrief=S.debrief, person=S.person):
    return render_thank_you(env, interview=S.interview, person=person, debrief=debrief, me=S.me)


# ------------------------------------------------------------------ thank-you


def test_thank_you_addressed_by_name_and_restates_went_well(env):
    """The thank-you greets the one interviewer by name and restates what went well."""
    e = thank_you(env)
    assert e.body.startswith("Dear Jane,\n")  # the first name: "Dear Jane Doe" reads as a form
    assert "Raj" not in e.body
    assert (
        "I especially enjoyed our conversation about how I cut checkout latency by 40% "
        "at my last job." in e.body
    )
    assert "today" in e.body and "today" in e.subject
    assert S.me.name in e.body and S.me.phone in e.body
    assert e.warnings == ()


def test_thank_you_without_debrief_still_reads_well(env):
    """Without a debrief the thank-you renders from the interview alone: company and role."""
    e = thank_you(env, debrief=None)
    assert e.body.startswith("Dear Jane,")
    assert "Acme Analytics" in e.body and "Backend Engineer" in e.body
    assert "None" not in e.body and "[" not in e.body
    assert "\n\n\n" not in e.body


def test_thank_you_uses_topics_when_went_well_empty(env):
    """A debrief with topics but no went_well mentions the topics."""
    e = thank_you(env, debrief=Debrief(topics="the payments migration"))
    assert "the payments migration" in e.body


def test_thank_you_without_role_or_phone(env):
    """An interview without a role and a user without a phone still render cleanly."""
    iv = replace(S.interview, role="")
    e = render_thank_you(
        env, interview=iv, person=S.person, debrief=None, me=Person("Sam Rivera", "sam@example.org")
    )
    assert "the role at Acme Analytics" in e.body
    assert e.body.rstrip().endswith("Sam Rivera")
    assert "  " not in e.subject


# ------------------------------------------------------------------ other built-ins


def test_approval_request_shows_draft_recipients_warnings_token_and_how_to_reply(env):
    """The approval request carries draft, recipients, warnings, reply instructions and token."""
    draft = thank_you(env)
    e = render_approval_request(
        env,
        draft_subject=draft.subject,
        draft_body=draft.body,
        recipients=[S.person],
        warnings=('line 3: "any update" sounds pushy or needy: Any update?',),
        token=S.token,
        interview=S.interview,
        me=S.me,
    )
    tag = format_token(S.token)
    assert tag in e.subject and tag in e.body
    assert "Jane Doe <jane.doe@acme.example>" in e.body
    assert draft.body.strip() in e.body
    assert "any update" in e.body
    for word in ('"approve"', '"send"', '"yes"', '"reject"', "above the quoted draft"):
        assert word in e.body


def test_approve_reply_to_rendered_request_round_trips(env):
    """A Gmail-style 'approve' reply quoting our own approval request parses as APPROVE."""
    draft = thank_you(env)
    req = render_approval_request(
        env,
        draft_subject=draft.subject,
        draft_body=draft.body,
        recipients=[S.person],
        warnings=(),
        token=S.token,
        interview=S.interview,
        me=S.me,
    )
    quoted = "\n".join("> " + ln for ln in req.body.splitlines())
    raw = (
        f"From: {S.me.email}\nSubject: Re: {req.subject}\n\napprove\n\n"
        f"On Tue, Dec 1, 2026 at 3:30 PM Sam Rivera <{S.me.email}> wrote:\n{quoted}\n"
    ).encode()
    r = parse_reply(raw)
    assert r.action is Action.APPROVE and r.token == S.token


def test_debrief_request_uses_the_same_headings_as_the_form(env):
    """The debrief prompt lists every form heading, the names to check and the token."""
    e = render_debrief_request(env, interview=S.interview, token=S.token, me=S.me)
    lines = e.body.splitlines()
    for _, heading in DEBRIEF_QUESTIONS:
        assert heading in lines
    assert "Jane Doe <jane.doe@acme.example>" in e.body
    assert "Raj Patel <raj.patel@acme.example>" in e.body
    assert format_token(S.token) in e.subject and format_token(S.token) in e.body


def test_debrief_prompt_answered_by_copying_headings_parses(env):
    """Answering under the headings copied from the rendered prompt gives a DEBRIEF reply."""
    e = render_debrief_request(env, interview=S.interview, token=S.token, me=S.me)
    start = e.body.index("Topics covered")
    form = e.body[start : e.body.index("You can also answer")]
    answered = form.replace("What went well?\n", "What went well?\nThe design exercise\n")
    raw = f"From: {S.me.email}\nSubject: Re: {e.subject}\n\n{answered}".encode()
    r = parse_reply(raw)
    assert r.action is Action.DEBRIEF and r.debrief.went_well == "The design exercise"


def test_prep_reminder_has_names_cards_and_three_things(env):
    """The prep reminder lists names to spell, 4-5 thank-you cards and the three things."""
    e = render_prep_reminder(env, interview=S.interview, me=S.me)
    assert "Jane Doe" in e.body and "Raj Patel" in e.body
    assert "4-5" in e.body and "thank-you cards" in e.body
    assert "do the job" in e.body and "team" in e.body and "return on" in e.body


def test_plan_paused_cleans_mail_values(env):
    """Sender and subject from mail are cleaned: no injected header lines in the output."""
    e = render_plan_paused(
        env,
        interview=S.interview,
        sender="Jane <j@acme.example>\r\nBcc: x@y",
        subject="Offer\nBcc: evil@x",
        why="an offer arrived",
        me=S.me,
    )
    assert "Offer Bcc: evil@x" in e.body
    assert "\nBcc:" not in e.body
    assert "an offer arrived" in e.body


def test_mail_values_are_data_not_template_code(env):
    """Jinja syntax inside a value from mail is printed literally, never evaluated."""
    e = render_plan_paused(
        env, interview=S.interview, sender="x@y", subject="{{ 7*7 }}", why="{% raw %}", me=S.me
    )
    assert "{{ 7*7 }}" in e.body and "49" not in e.body


# ------------------------------------------------------------------ call reminders and scripts


@pytest.mark.parametrize(
    "call,text",
    [
        (1, "I like fixing the alerts that wake people up"),
        (2, "mentored two junior engineers"),
        (3, "hands-on experience with Kafka"),
    ],
)
def test_call_script_uses_right_debrief_field_and_closing_line(call, text):
    """Call 1/2/3 scripts say meant / wish_said / unmet_requirement (never another call's
    answer, never the regretted words) and end with the close."""
    spoken = call_script(call, S.debrief, S.interview, me=S.me).spoken
    assert text in spoken
    others = {1: "mentored", 2: "Kafka", 3: "mentored"}
    assert others[call] not in spoken
    assert "tedious" not in spoken
    assert spoken.rstrip().endswith(CLOSING_LINE)
    assert spoken.count(CLOSING_LINE) == 1


def test_call_3_script_tells_what_was_done_since():
    """Call 3 explains the training done since (made_up_for)."""
    spoken = call_script(3, S.debrief, S.interview, me=S.me).spoken
    assert "six hours this week building a small Kafka pipeline" in spoken


@pytest.mark.parametrize("call", [1, 2, 3])
def test_call_script_without_debrief_still_closes_and_says_what_would_help(call):
    """Without a debrief each script still ends with the close; call 1 alone carries a
    [fill-in] prompt (what the user meant cannot be made up), the others a general line."""
    script = call_script(call, None, S.interview, me=S.me)
    assert script.spoken.endswith(CLOSING_LINE)
    assert ("[" in script.spoken) is (call == 1)
    assert "Your debrief has no answer yet" in script.notes


def test_call_script_rejects_call_number_4():
    """Only calls 1, 2 and 3 exist."""
    with pytest.raises(ValueError):
        call_script(4, S.debrief, S.interview, me=S.me)


def call_reminder(env, call=2, debrief=S.debrief, script=None, **kw):
    args = dict(due=S.due, late=False, window_passed=False, token=S.token, me=S.me)
    args.update(kw)
    script = script or call_script(call, debrief, S.interview, me=S.me)
    return render_call_reminder(env, interview=S.interview, script=script, debrief=debrief, **args)


def test_call_reminder_contents(env):
    """The call reminder shows who, number, goal, script, voicemail, notes, speaking time,
    'done' and the token."""
    e = call_reminder(env)
    script = call_script(2, S.debrief, S.interview, me=S.me)
    assert "Jane Doe" in e.subject and format_token(S.token) in e.subject
    assert S.person.phone in e.body
    assert script.spoken in e.body and script.voicemail in e.body and script.notes in e.body
    assert CLOSING_LINE in e.body
    assert "Speaking time: about" in e.body
    assert '"done"' in e.body and format_token(S.token) in e.body
    assert "Warning" not in e.body and "later than planned" not in e.body
    assert "window" not in e.body


def test_call_reminder_late_and_window_passed_notes(env):
    """Late and window-passed reminders say so; a missing phone number is explained."""
    raj = S.interview.interviewers[1]
    script = call_script(1, None, replace(S.interview, interviewers=(raj,)), me=S.me)
    e = call_reminder(env, call=1, debrief=None, script=script, late=True, window_passed=True)
    assert "later than planned" in e.body
    assert "window" in e.body and "has passed" in e.body
    assert "number not known" in e.body


def test_call_reminder_warns_when_script_is_3_minutes_or_more(env):
    """A script that takes 3 minutes or more gets a warning (a user template could make
    one; the built-in scripts fall back to a general line before that)."""
    long = CallScript(2, S.person, " ".join(["word"] * 500), "Hi.", "- Goal.", seconds=200)
    e = call_reminder(env, script=long)
    assert "Warning" in e.body and "3 minutes" in e.body


def test_an_answer_too_long_to_say_is_not_pasted_in_whole():
    """An answer that would make the call 3 minutes or more is not pasted in."""
    rambling = " ".join(f"and then project {n} went well" for n in range(400))
    script = call_script(2, replace(S.debrief, wish_said=rambling), S.interview, me=S.me)
    assert script.seconds < 180 and "project 399" not in script.spoken
    assert script.spoken.endswith(CLOSING_LINE)


def test_estimate_speaking_seconds():
    """150 words take 60 seconds at the default rate; rounding is up; rate is configurable."""
    assert estimate_speaking_seconds("") == 0
    assert estimate_speaking_seconds(" ".join(["word"] * 150)) == 60
    assert estimate_speaking_seconds("one") == 1
    assert estimate_speaking_seconds(" ".join(["word"] * 100), words_per_minute=100) == 60
    assert estimate_speaking_seconds("don't stop, it's fine.") == 2  # 4 words -> 1.6 s
    with pytest.raises(ValueError):
        estimate_speaking_seconds("x", words_per_minute=0)


# ------------------------------------------------------------------ phrases and headers


@pytest.mark.parametrize(
    "text,phrase",
    [
        ("Have you made a decision yet?", "have you made a decision"),
        ("HAVE  YOU   MADE a\ndecision?", "have you made a decision"),
        ("Any update on the role?", "any update"),
        ("I'm just checking-in.", "just checking in"),
        ("Just following up on my application", "just following up"),
        ("Touching base about next week", "touching base"),
        ("Circling back on this", "circling back"),
        ("Are you still considering me?", "still considering me"),
        ("When will I hear back?", "when will I hear"),
    ],
)
def test_phrase_warnings_flags_pushy_phrases(text, phrase):
    """Pushy phrases are flagged regardless of case, spacing, line breaks and punctuation."""
    warnings = phrase_warnings("Dear Jane,\n" + text)
    assert any(f'"{phrase}"' in w for w in warnings), warnings
    assert any(w.startswith("line 2") for w in warnings)


def test_phrase_warnings_reports_nested_phrase_once():
    """'have you made a decision yet' gives one warning, not one per overlapping phrase."""
    warnings = phrase_warnings("have you made a decision yet")
    assert len(warnings) == 1


def test_phrase_warnings_quiet_on_normal_text():
    """A normal thank-you and the closing line are not flagged; nor are mere substrings."""
    assert phrase_warnings(CLOSING_LINE) == ()
    assert phrase_warnings("Thank you for your time. I enjoyed the company update talk.") == ()
    assert phrase_warnings("manyupdates anyupdate") == ()


def test_flagged_phrase_in_draft_becomes_rendered_warning(tmp_path):
    """A user template with a pushy phrase yields a warning on the rendered email."""
    (tmp_path / "thank_you.txt").write_text("Subject: Hi\n\nDear {{ person.name }},\nAny update?\n")
    e = thank_you(make_environment(tmp_path))
    assert len(e.warnings) == 1 and '"any update"' in e.warnings[0]


def test_clean_header_strips_crlf_and_controls():
    """CR, LF, NUL, tabs and bidi overrides are removed and whitespace collapsed."""
    assert clean_header("Next steps\r\nBcc: evil@x.example") == "Next steps Bcc: evil@x.example"
    assert clean_header("  a\x00b\tc\u202e d  ") == "a b c d"
    assert "\n" not in clean_header("x\n\ny") and "\r" not in clean_header("x\ry")


def test_render_email_subject_is_cleaned(tmp_path):
    """The subject line is cleaned; the first line must be 'Subject:'."""
    (tmp_path / "t.txt").write_text("Subject: {{ s }}\n\nbody\n")
    e = render_email(make_environment(tmp_path), "t", s="a\tb\u0007c")
    assert e.subject == "a b c" and e.body == "body\n"
    (tmp_path / "bad.txt").write_text("no subject here\n")
    with pytest.raises(TemplateError, match="bad.txt"):
        render_email(make_environment(tmp_path), "bad")


# ------------------------------------------------------------------ environment and errors


def test_strict_undefined_error_names_template_and_variable(tmp_path):
    """A missing variable raises TemplateError naming the file and the variable."""
    (tmp_path / "thank_you.txt").write_text("Subject: x\n\n{{ debrief.went_well }}\n")
    env = make_environment(tmp_path)
    with pytest.raises(TemplateError) as info:
        render_email(env, "thank_you", person=S.person)
    assert str(info.value) == "thank_you.txt: 'debrief' is undefined"
    assert isinstance(info.value, FollowupError)


def test_syntax_error_names_template_and_line(tmp_path):
    """A syntax error raises TemplateError naming the file and line."""
    (tmp_path / "thank_you.txt").write_text("Subject: x\n\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"thank_you.txt: line 3"):
        thank_you(make_environment(tmp_path))


def test_user_template_overrides_builtin(tmp_path):
    """A user thank_you.txt replaces the built-in one; other built-ins still load."""
    (tmp_path / "thank_you.txt").write_text(
        "Subject: Thanks, {{ person.name }}\n\nHi {{ person.name }}! -- {{ me.name }}\n"
    )
    env = make_environment(tmp_path)
    e = thank_you(env)
    assert e.subject == "Thanks, Jane Doe"
    assert e.body == "Hi Jane Doe! -- Sam Rivera\n"
    assert "4-5" in render_prep_reminder(env, interview=S.interview, me=S.me).body


def test_sandbox_blocks_attribute_tricks(tmp_path):
    """A template cannot reach Python internals through the sandbox."""
    (tmp_path / "t.txt").write_text("Subject: x\n\n{{ person.__class__.__mro__ }}\n")
    with pytest.raises(TemplateError):
        render_email(make_environment(tmp_path), "t", person=S.person)


def test_html_template_is_autoescaped(tmp_path):
    """A .html alternative is rendered with autoescape; the .txt is not escaped."""
    (tmp_path / "t.txt").write_text("Subject: x\n\n{{ name }}\n")
    (tmp_path / "t.html").write_text("<p>{{ name }}</p>\n")
    e = render_email(make_environment(tmp_path), "t", name="<b>&")
    assert e.body == "<b>&\n"
    assert e.html == "<p>&lt;b&gt;&amp;</p>\n"


# ------------------------------------------------------------------ check_templates


def test_builtin_templates_check_clean(env):
    """check_templates finds no problem in the built-in templates."""
    assert check_templates(env) == []


def test_builtin_template_files_exist():
    """Every built-in template name has a .txt file in the templates folder."""
    for name in BUILTIN_TEMPLATES:
        assert (resources.templates_dir() / f"{name}.txt").is_file()


@pytest.mark.parametrize("name", BUILTIN_TEMPLATES)
def test_no_builtin_output_or_source_contains_flagged_phrase(env, name):
    """No built-in template, in its text or any rendered variant, contains a flagged phrase."""
    source = (resources.templates_dir() / f"{name}.txt").read_text()
    assert phrase_warnings(source) == ()
    for debrief in (S.debrief, None):
        for e in _render_builtin(env, name, S, debrief):
            assert phrase_warnings(e.subject + "\n" + e.body) == ()


def test_check_templates_catches_broken_user_template(tmp_path):
    """A user override with an undefined variable and an extra file with a syntax error are
    reported."""
    (tmp_path / "thank_you.txt").write_text("Subject: x\n\n{{ nope }}\n")
    (tmp_path / "extra.txt").write_text("{% for %}\n")
    errors = check_templates(make_environment(tmp_path))
    assert "thank_you.txt: 'nope' is undefined" in errors
    assert any(e.startswith("extra.txt: line 1") for e in errors)


def test_check_templates_catches_flagged_phrase(tmp_path):
    """A user template containing a pushy phrase is reported, naming the file and phrase."""
    (tmp_path / "call_reminder.txt").write_text(
        "Subject: Call {{ call }}\n\n{{ script }}\nAsk them: have you made a decision yet?\n"
    )
    errors = check_templates(make_environment(tmp_path))
    assert errors
    assert all(e.startswith("call_reminder.txt") for e in errors)
    assert any('"have you made a decision"' in e for e in errors)


def test_check_templates_extra_user_template_gets_sample_variables(tmp_path):
    """An extra user template using the usual variables checks clean."""
    (tmp_path / "note.txt").write_text(
        "Subject: {{ position }}\n\n{{ person.name }} {{ script }}\n"
    )
    assert check_templates(make_environment(tmp_path)) == []


def test_times_mailed_to_you_are_in_your_zone_with_the_interviews_beside():
    """A Chicago interview, a user in New York: the prep reminder says the New York time
    first and the interview's own in parentheses; one zone only when they agree."""
    when = S.interview.start  # Tuesday, December 1, 2026, 2:00 PM in Chicago
    assert format_when(when, "America/Chicago", yours="America/New_York") == (
        "Tuesday, December 1, 2026 at 3:00 PM EST (2:00 PM CST there)"
    )
    assert format_when(when, "America/Chicago", yours="America/Chicago") == (
        "Tuesday, December 1, 2026 at 2:00 PM CST"
    )
    env = make_environment(user_zone="America/New_York")
    email = render_prep_reminder(env, interview=S.interview, me=S.me)
    assert "3:00 PM EST (2:00 PM CST there)" in email.body


def test_the_reason_a_reply_was_not_used_reads_as_a_sentence(env):
    email = render_reply_refused(env, why="your reply was not understood", me=S.me, unclear=True)
    assert "Nothing was sent. Your reply was not understood." in email.body
