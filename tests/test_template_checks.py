"""`followup templates check` on hard samples: the built-ins pass, bad user
templates give the expected problem lines, the drafts' warnings are reported,
and the user's template folder gets a README that lists every variable."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import jinja2
import pytest
from runner import followup

from followup.adapters.setup import write_templates_folder
from followup.core import resources
from followup.core.model import Person
from followup.core.render import BUILTIN_TEMPLATES, CLOSING_LINE, make_environment
from followup.core.scripts import call_script
from followup.core.template_checks import (
    _render_builtin,
    check_templates,
    hard_samples,
    report,
    sample_context,
    sample_report,
    script_problems,
)

BUILTIN_THANK_YOU = (resources.templates_dir() / "thank_you.txt").read_text(encoding="utf-8")
README = (resources.templates_dir() / "README.md").read_text(encoding="utf-8")
HEADING = "What the drafts would warn about, on hard samples:"


def user_env(tmp_path: Path, thank_you: str):
    (tmp_path / "thank_you.txt").write_text(thank_you, encoding="utf-8")
    return make_environment(tmp_path)


def edited(old: str, new: str) -> str:
    assert old in BUILTIN_THANK_YOU
    return BUILTIN_THANK_YOU.replace(old, new)


# ------------------------------------------------------------------ the samples


def test_the_hard_samples_are_the_ones_the_issue_names():
    samples = {s.name: s for s in hard_samples()}
    assert list(samples) == [
        "fragments",
        "first person",
        "bullets",
        "emoji",
        "negative",
        "one word",
        "no answer",
        "no name",
        "one interviewer",
        "five interviewers",
        "late day",
        "full debrief",
    ]
    assert samples["fragments"].debrief.topics == "system design. caching q"
    assert samples["bullets"].debrief.people[0].talked_about.count("\n- ") == 2
    assert samples["no name"].interview.interviewers == (Person("", "recruiting.ops@acme.example"),)
    assert len(samples["one interviewer"].interview.interviewers) == 1
    five = samples["five interviewers"]
    assert [p.email for p in five.debrief.people] == [p.email for p in five.interview.interviewers]
    assert len(five.debrief.people) == 5 and all(p.talked_about for p in five.debrief.people)
    late = samples["late day"]
    assert late.now == late.interview.end + timedelta(days=9)
    full = samples["full debrief"].debrief
    assert full.meant and [p.call for p in full.people] == [True, False]
    assert all(not getattr(samples["no answer"].debrief, f) for f in full.FIELDS)


# ------------------------------------------------------------------ the built-ins


def test_builtins_have_no_problem_and_the_report_names_the_samples():
    env = make_environment()
    found = report(env)
    assert found.problems == []
    assert check_templates(env) == []
    assert sample_report(env) == found.warnings
    assert len(found.warnings) >= 10
    assert all(re.match(r"^[a-z_]+ \[[^\]]+\]: warning: ", w) for w in found.warnings)
    assert (
        "thank_you [negative, to Jane Doe, and 1 more]: warning: went well: left out, it reads "
        'as negative ("nothing, it went badly")'
    ) in found.warnings
    assert any(
        w.startswith("thank_you [no name, to recruiting.ops@acme.example]: warning: no name for")
        for w in found.warnings
    )
    assert any(
        w.startswith("call_reminder [one word, call 1]: warning: meant:") for w in found.warnings
    )
    named = {re.match(r"^\w+ \[([^,\]]+)", w).group(1) for w in found.warnings}
    assert {"fragments", "emoji", "negative", "one word", "no name"} <= named


# ------------------------------------------------------------------ bad user templates


def test_a_thank_you_that_greets_everyone_dear_hiring_team(tmp_path):
    env = user_env(tmp_path, edited("{{ greeting }}", "Dear hiring team,"))
    assert check_templates(env) == [
        "thank_you.txt [fragments, to Jane Doe, and 23 more]: greets a person with a name as "
        "'Dear hiring team,'"
    ]


def test_a_thank_you_that_always_says_today(tmp_path):
    env = user_env(tmp_path, BUILTIN_THANK_YOU.replace("when_words", '"today"'))
    assert check_templates(env) == [
        "thank_you.txt [late day, to Jane Doe, and 1 more]: says 'today' 9 days later"
    ]


def test_a_thank_you_that_pastes_the_answer_raw(tmp_path):
    pasted = edited(
        "{{ personal if personal else generic[variant % generic | length] }}", "{{ went_well }}"
    )
    problems = check_templates(user_env(tmp_path, pasted))
    assert "thank_you.txt [emoji, to Jane Doe, and 1 more]: repeats the answer's 'lol'" in problems
    assert "thank_you.txt [emoji, to Jane Doe, and 1 more]: repeats the answer's '😀'" in problems
    assert (
        "thank_you.txt [negative, to Jane Doe, and 1 more]: repeats the answer's 'went badly'"
        in problems
    )
    assert all(p.startswith("thank_you.txt [") for p in problems)


def test_notes_that_ignore_variant_read_alike(tmp_path):
    same = re.sub(r"\[variant % \w+ \| length\]", "[0]", BUILTIN_THANK_YOU)
    same = same.replace("{{ personal if personal else generic[0] }}", "{{ generic[0] }}")
    problems = check_templates(user_env(tmp_path, same))
    assert (
        "thank_you.txt [fragments, to Raj Patel, and 12 more]: two notes share 7 of 8 "
        "sentences (this and the one to Jane Doe)"
    ) in problems
    assert any(p.startswith("thank_you.txt [five interviewers, to Li Wei") for p in problems)


def test_a_short_note_with_a_question_in_the_subject_and_an_empty_value(tmp_path):
    env = user_env(
        tmp_path,
        "Subject: Thank you?\n\n{{ greeting }}\n\nThanks. {{ person.phone }}\n\n{{ me.name }}\n",
    )
    problems = check_templates(env)
    assert problems[:2] == [
        "thank_you.txt [fragments, to Jane Doe, and 24 more]: the subject has a '?': 'Thank you?'",
        "thank_you.txt [fragments, to Jane Doe, and 10 more]: 9 words (a thank-you has 60 to 220)",
    ]
    assert (
        "thank_you.txt [fragments, to Raj Patel, and 13 more]: contains 'None' (an empty value "
        "printed)"
    ) in problems


def test_an_error_in_a_user_template_is_said_once(tmp_path):
    problems = check_templates(user_env(tmp_path, "Subject: x\n\n{{ persn.name }}\n"))
    assert problems == ["thank_you.txt: 'persn' is undefined"]


# ------------------------------------------------------------------ call scripts


def test_script_problems_catch_a_script_that_breaks_the_rules():
    sample = next(s for s in hard_samples() if s.name == "full debrief")
    me = sample_context().me
    good = call_script(1, sample.debrief, sample.interview, me=me)
    assert script_problems(sample, good, me) == []
    bad = replace(
        good,
        spoken="Hi Jane. I know I said on-call work is tedious. [Say what you meant.]",
        voicemail="Hi Jane, on-call is tedious.",
        seconds=200,
    )
    assert script_problems(sample, bad, me) == [
        "the script takes 200 s (at most 180)",
        "the script does not end with the closing line",
        "a '[' in the script, though the debrief answered it",
        "the script says the regretted 'tedious'",
        "the voicemail says the regretted 'tedious'",
    ]
    assert good.spoken.endswith(CLOSING_LINE)


# ------------------------------------------------------------------ the command


@pytest.fixture
def cfg(maildir_config: Path) -> Path:
    return maildir_config


def test_the_command_reports_warnings_and_passes_on_the_builtins(cfg):
    result = followup("templates", "check", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == HEADING
    assert "  thank_you [no name, to recruiting.ops@acme.example]: warning: no name for" in (
        result.stdout
    )
    assert lines[-1].startswith("All templates render (")
    quiet = followup("templates", "check", "--quiet", "--config", str(cfg))
    assert quiet.returncode == 0 and HEADING not in quiet.stdout
    assert quiet.stdout.splitlines() == [lines[-1]]


def test_the_command_fails_on_a_bad_user_template(cfg, tmp_path):
    (tmp_path / "templates" / "thank_you.txt").write_text(
        edited("{{ greeting }}", "Dear hiring team,"), encoding="utf-8"
    )
    problem = (
        "thank_you.txt [fragments, to Jane Doe, and 23 more]: greets a person with a name as "
        "'Dear hiring team,'"
    )
    result = followup("templates", "check", "--config", str(cfg))
    assert result.returncode == 1
    assert HEADING in result.stdout and result.stdout.splitlines()[-1] == problem
    assert "1 template problem(s)" in result.stderr
    quiet = followup("templates", "check", "--quiet", "--config", str(cfg))
    assert quiet.returncode == 1 and quiet.stdout.splitlines() == [problem]


# ------------------------------------------------------------------ the user's folder


def test_the_template_folder_gets_the_readme_and_examples(tmp_path):
    write_templates_folder(tmp_path)
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README
    assert not (tmp_path / "README.txt").exists()
    examples = {p.name for p in (tmp_path / "examples").iterdir()}
    assert {f"{n}.txt" for n in BUILTIN_TEMPLATES} <= examples
    assert "README.md" not in examples


def _context_keys(tmp_path: Path) -> dict[str, set[str]]:
    """The variables each built-in template is really given, read off the render
    functions by overriding every template with one that lists its context."""
    for name in BUILTIN_TEMPLATES:
        (tmp_path / f"{name}.txt").write_text("Subject: x\n\n{{ keys() }}\n", encoding="utf-8")
    env = make_environment(tmp_path)
    env.globals["keys"] = jinja2.pass_context(lambda c: " ".join(sorted(c.get_all())))
    builtins = set(env.globals)
    s = sample_context()
    return {
        name: {
            key
            for email in _render_builtin(env, name, s, s.debrief)
            for key in email.body.split()
            if key not in builtins
        }
        for name in BUILTIN_TEMPLATES
    }


def readme_part(name: str) -> str:
    """The README's common variables and the part about one template."""
    common = README.split("## Variables every template gets")[1].split("## Variables of each")[0]
    own = README.split(f"### `{name}.txt`")
    if len(own) > 1:
        return common + own[1].split("\n### ")[0].split("\n## ")[0]
    return common + next(ln for ln in README.splitlines() if ln.startswith(f"| `{name}.txt` |"))


def test_the_readme_lists_every_variable_and_filter(tmp_path):
    keys = _context_keys(tmp_path)
    assert {"greeting", "first_name", "when_words", "variant", "personal"} <= keys["thank_you"]
    assert {"just_ended", "when_words", "form", "questions"} <= keys["debrief_request"]
    assert {"day_words", "kind", "phone_number"} <= keys["prep_reminder"]
    for name, variables in keys.items():
        part = readme_part(name)
        missing = sorted(v for v in variables if f"`{v}`" not in part)
        assert not missing, f"{name}: README.md does not list {missing}"
    for name in make_environment().filters.keys() - jinja2.Environment().filters.keys():
        assert f"| `{name}` |" in README, name
