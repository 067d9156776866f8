"""Command-line flows a user goes through: import, confirm, review with $EDITOR,
debrief from a file, templates check."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mailgen import invite
from runner import followup

MESSAGES = Path(__file__).parent / "fixtures" / "messages"


@pytest.fixture
def cfg(maildir_config: Path, monkeypatch) -> Path:
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(maildir_config))
    return maildir_config


def drafts_json(*flags: str) -> list[dict]:
    return json.loads(followup("drafts", "--json", *flags).stdout)


def past_invite(tmp_path: Path, ago: timedelta = timedelta(hours=3)) -> Path:
    """An invite for an interview that started `ago` (subprocesses use the real clock)."""
    path = tmp_path / "invite.eml"
    path.write_bytes(
        invite(
            uid="cli-1",
            start=datetime.now(UTC) - ago,
            people=[
                ("Bill Lumbergh", "bill@initrode.example"),
                ("Jane Doe", "jane@initrode.example"),
                ("Tom Smykowski", "tom@initrode.example"),
            ],
            company="Initrode",
        )
    )
    return path


def test_import_then_review_approve_edit_reject(cfg, tmp_path):
    """import records the invite; `review` approves one, edits one in $EDITOR, rejects one."""
    imported = followup("import", str(past_invite(tmp_path)))
    assert imported.returncode == 0, imported.stderr
    # Drafts are made by a pass once the interview is over; the file transport sends nothing.
    assert followup("run", "--once").returncode == 0
    waiting = drafts_json()
    assert len(waiting) == 3 and {d["state"] for d in waiting} == {"waiting"}
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'Dear Jane,\\n\\nThank you for your time.\\n' > \"$1\"\n")
    editor.chmod(0o755)
    review = followup("review", input="a\ne\na\nr\n", env={"EDITOR": str(editor)})
    assert review.returncode == 0, review.stderr
    states = [d["state"] for d in drafts_json("--all")]
    assert states == ["approved", "approved", "rejected"]
    edited = drafts_json("--all")[1]
    assert edited["body"] == "Dear Jane,\n\nThank you for your time.\n"
    assert followup("run", "--once").returncode == 0
    sent = sorted((tmp_path / "outbox").glob("*.eml"))
    thank_yous = [p.read_text() for p in sent if "X-Followup:" not in p.read_text()]
    assert len(thank_yous) == 2 and any("Thank you for your time." in t for t in thank_yous)


def test_confirm_a_maybe_interview(cfg):
    """A low-confidence file import needs no confirm; a maybe-interview by mail does."""
    low = MESSAGES / "20_floating_time.ics"
    assert followup("import", str(low)).returncode == 0
    (row,) = json.loads(followup("status", "--json").stdout)
    assert row["state"] == "active"  # importing is the user saying "this is one"
    again = followup("confirm", str(row["id"]))
    assert again.returncode == 1 and "not waiting for confirmation" in again.stderr


def test_debrief_from_file_rewrites_waiting_drafts(cfg, tmp_path):
    assert followup("import", str(past_invite(tmp_path))).returncode == 0
    assert followup("run", "--once").returncode == 0
    answers = tmp_path / "answers.toml"
    answers.write_text(
        'went_well = "the whiteboard session on caching"\n'
        'wish_not_said = "that I had not used Kafka"\n'
    )
    result = followup("debrief", "1", "--from-file", str(answers))
    assert result.returncode == 0, result.stderr
    assert all("whiteboard session on caching" in d["body"] for d in drafts_json())
    bad = tmp_path / "bad.toml"
    bad.write_text('went_wel = "typo"\n')
    refused = followup("debrief", "1", "--from-file", str(bad))
    assert refused.returncode == 2 and "went_wel" in refused.stderr


def test_a_thank_you_found_six_days_late_waits_and_no_thank_you_skips_it(cfg, tmp_path):
    assert followup("import", str(past_invite(tmp_path, timedelta(days=6)))).returncode == 0
    assert followup("run", "--once").returncode == 0
    assert drafts_json("--all") == []
    shown = followup("status", "1")
    assert "The thank-you waits for your answer (found late)" in shown.stdout, shown.stderr
    skipped = followup("debrief", "1", "--no-thank-you")
    assert skipped.returncode == 0 and "no thank-you notes" in skipped.stdout
    (row,) = json.loads(followup("status", "--json").stdout)
    assert {t["kind"]: t["state"] for t in row["tasks"]}["thank_you"] == "skipped"
    again = followup("debrief", "1", "--no-thank-you")
    assert again.returncode == 2 and "does not wait for a yes or no" in again.stderr


def test_templates_check_reports_a_broken_user_template(cfg, tmp_path):
    assert followup("templates", "check").returncode == 0
    (tmp_path / "templates" / "thank_you.txt").write_text(
        "Subject: Thanks {{ person.name }}\n\nHi {{ persn.name }}, have you made a decision yet?\n"
    )
    result = followup("templates", "check")
    assert result.returncode == 1
    assert "thank_you.txt" in result.stdout and "persn" in result.stdout
    assert "made a decision" in result.stdout  # the phrase check runs on templates too


def past_invite_of(tmp_path: Path, company: str, people: list[tuple[str, str]]) -> Path:
    path = tmp_path / f"{company}.eml"
    path.write_bytes(
        invite(
            uid=f"cli-{company}",
            start=datetime.now(UTC) - timedelta(hours=3),
            people=people,
            company=company,
        )
    )
    return path


def test_approve_all_over_two_interviews_needs_yes(cfg, tmp_path):
    for company in ("Initrode", "Globex"):
        people = [
            (f"Ann {company}", f"ann@{company.lower()}.example"),
            (f"Bob {company}", f"bob@{company.lower()}.example"),
        ]
        assert followup("import", str(past_invite_of(tmp_path, company, people))).returncode == 0
    assert followup("run", "--once").returncode == 0
    assert len(drafts_json()) == 4
    refused = followup("approve", "--all")
    assert refused.returncode == 2
    (line,) = refused.stderr.strip().splitlines()
    assert "interview 1: 2" in line and "interview 2: 2" in line and "--yes" in line
    assert {d["state"] for d in drafts_json("--all")} == {"waiting"}  # nothing approved
    done = followup("approve", "--all", "--yes")
    assert done.returncode == 0, done.stderr
    assert {d["state"] for d in drafts_json("--all")} == {"approved"}


def test_confirm_only_picks_the_people_of_a_crowded_invite(cfg, tmp_path):
    people = [(f"Person {i}", f"p{i}@initrode.example") for i in range(20)]
    assert followup("import", str(past_invite_of(tmp_path, "Initrode", people))).returncode == 0
    assert followup("run", "--once").returncode == 0
    (row,) = json.loads(followup("status", "--json").stdout)
    assert row["state"] == "needs_confirmation" and "max_interviewers" in row["reason"]
    assert drafts_json("--all") == []
    shown = followup("status", env={"COLUMNS": "200"})
    assert "max_interviewers" in shown.stdout and "--only" in shown.stdout
    plain = followup("confirm", "1")
    assert plain.returncode == 2
    (line,) = plain.stderr.strip().splitlines()
    assert "--only EMAIL" in line and "20 people" in line
    thirteen = [arg for i in range(13) for arg in ("--only", f"p{i}@initrode.example")]
    too_many = followup("confirm", "1", *thirteen)
    assert too_many.returncode == 2 and "max_interviewers" in too_many.stderr
    picked = followup(
        "confirm", "1", "--only", "p3@initrode.example", "--only", "P5@initrode.example"
    )
    assert picked.returncode == 0, picked.stderr
    assert "for 2 people" in picked.stdout
    assert followup("run", "--once").returncode == 0
    assert sorted(d["to"][0]["email"] for d in drafts_json("--all")) == [
        "p3@initrode.example",
        "p5@initrode.example",
    ]
    (row,) = json.loads(followup("status", "--json").stdout)
    assert row["state"] == "active" and row["reason"] is None


def test_stop_withdraws_unsent_drafts(cfg, tmp_path):
    assert followup("import", str(past_invite(tmp_path))).returncode == 0
    assert followup("run", "--once").returncode == 0
    first, *_ = drafts_json()
    assert followup("approve", str(first["id"])).returncode == 0
    stopped = followup("stop", "1", "--reason", "rejected")
    assert stopped.returncode == 0, stopped.stderr
    assert "3 unsent draft(s) withdrawn" in stopped.stdout
    everything = drafts_json("--all")
    assert {d["state"] for d in everything} == {"withdrawn"}
    assert "withdrawn" in followup("drafts", "--all").stdout
    again = followup("approve", str(everything[1]["id"]))
    assert again.returncode == 1
    (line,) = again.stderr.strip().splitlines()
    assert "withdrawn" in line and "no longer be approved" in line
    assert followup("approve", "--all").returncode == 2  # nothing waits: nothing to approve
    assert followup("run", "--once").returncode == 0
    sent = [p for p in (tmp_path / "outbox").glob("*.eml") if "X-Followup:" not in p.read_text()]
    assert sent == []


@pytest.mark.parametrize("typed", ["call_1", "1", "call1", "call-1", "Call 1"])
def test_done_takes_the_call_as_people_type_it(cfg, tmp_path, typed):
    """`followup done 1 1` (what a reminder says) and the other usual forms all mark call 1."""
    assert followup("import", str(past_invite(tmp_path))).returncode == 0
    result = followup("done", "1", typed)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(followup("status", "--json").stdout)
    (call,) = [t for t in row["tasks"] if t["kind"] == "call_1"]
    assert call["state"] == "done"
    wrong = followup("done", "1", "4")
    assert wrong.returncode == 2 and "not a call" in wrong.stderr


def test_show_prints_one_draft_and_review_edits_its_subject(cfg, tmp_path):
    """`show` prints a draft in full; in `review` the editor holds the subject line too."""
    assert followup("import", str(past_invite(tmp_path))).returncode == 0
    assert followup("run", "--once").returncode == 0
    first = drafts_json()[0]
    shown = followup("show", str(first["id"]))
    assert shown.returncode == 0, shown.stderr
    assert f"Subject: {first['subject']}" in shown.stdout and first["body"] in shown.stdout
    assert followup("show", "999").returncode == 1
    editor = tmp_path / "editor.sh"
    editor.write_text(
        "#!/bin/sh\n"
        "grep -q '^Subject: ' \"$1\" || exit 1\n"  # the editor is given the subject line
        "printf 'Subject: Thank you, Bill\\n\\nDear Bill,\\n\\nThank you.\\n' > \"$1\"\n"
    )
    editor.chmod(0o755)
    review = followup("review", input="e\nq\n", env={"EDITOR": str(editor)})
    assert review.returncode == 0, review.stderr
    edited = drafts_json()[0]
    assert edited["subject"] == "Thank you, Bill"
    assert edited["body"] == "Dear Bill,\n\nThank you.\n"
