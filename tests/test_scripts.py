"""The follow-up call scripts (core/scripts.py) and the prep reminder by interview kind.

The sentences made from debrief answers come from the composer; these tests hold
for any sensible composer: exact text only where it is the scripts' own frame."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest
from conftest import write_config
from runner import followup

from followup.adapters import config
from followup.adapters.store import interviews as interview_rows
from followup.app import commands
from followup.app.runtime import open_runtime
from followup.core.model import Debrief, DebriefPerson, Interview, InterviewState, Person
from followup.core.render import interview_kind, make_environment, render_prep_reminder
from followup.core.scripts import (
    CLOSING_LINE,
    MAX_CALL_SECONDS,
    MAX_VOICEMAIL_SECONDS,
    call_person,
    call_script,
    estimate_speaking_seconds,
)

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # a Tuesday
ME = Person("Sam Rivera", "sam@example.org", "+1 312 555 0100")
JANE = Person("Jane Doe", "jane.doe@acme.example")
PRIYA = Person("Priya Ramen", "priya.raman@acme.example")  # the invitation misspells her
RAJ = Person("Raj Patel", "raj.patel@acme.example", "+1 312 555 0177")

REGRETTED = "I said I get bored quickly by maintenance tasks"
DEBRIEF = Debrief(
    topics="the billing service; on-call",
    went_well="the design exercise",
    wish_not_said=REGRETTED,
    meant="I enjoy keeping older systems healthy and I plan upgrades early",
    wish_said="how I led the move of our billing service to a new database",
    unmet_requirement="hands-on experience with Kafka",
    made_up_for="I built a small Kafka pipeline this week with a friend who runs it in production",
    people=(
        DebriefPerson("Jane Doe", "jane.doe@acme.example", title="Recruiter"),
        DebriefPerson(
            "Priya Raman",
            "Priya.Raman@acme.example",  # matched whatever the case
            title="Engineering Manager",
            call=True,
            phone="+1 312 555 0199",
        ),
    ),
)


def interview(*people: Person, **changes) -> Interview:
    base = Interview(
        id=4,
        company="Acme Analytics",
        role="Backend Engineer",
        start=START,
        end=START + timedelta(hours=1),
        timezone="America/Chicago",
        state=InterviewState.ACTIVE,
        interviewers=people,
        title="Interview: Backend Engineer",
    )
    return replace(base, **changes)


IV = interview(JANE, PRIYA)


def content_words(text: str) -> set[str]:
    stop = {"said", "that", "with", "have", "this", "what", "when", "would", "about"}
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in stop}


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


# ------------------------------------------------------------------ a full debrief


@pytest.mark.parametrize("call", [1, 2, 3])
def test_a_full_debrief_gives_a_script_ready_to_read(call):
    """Answered debrief: no [prompt], the closing line, under 3 minutes, a voicemail of
    at most 20 s, addressed to the person the debrief marks to call, with their phone."""
    s = call_script(call, DEBRIEF, IV, me=ME)
    assert "[" not in s.spoken and "[" not in s.voicemail
    assert s.spoken.rstrip().endswith(CLOSING_LINE) and s.spoken.count(CLOSING_LINE) == 1
    assert s.seconds == estimate_speaking_seconds(s.spoken) and s.seconds <= MAX_CALL_SECONDS
    assert estimate_speaking_seconds(s.voicemail) <= MAX_VOICEMAIL_SECONDS
    assert s.spoken.startswith("Hi Priya, this is Sam Rivera.")
    assert s.to == Person(
        "Priya Raman", "priya.raman@acme.example", "+1 312 555 0199", "Engineering Manager"
    )
    assert "+1 312 555 0100" in s.voicemail  # where to call the user back
    assert "good time to set up" not in s.voicemail  # a voicemail asks for a call back


@pytest.mark.parametrize("call", [1, 2, 3])
def test_the_regretted_words_are_never_said_only_noted_for_call_1(call):
    """What the user wishes they had not said stays out of every spoken part and
    voicemail; call 1's notes quote it so the user knows what not to repeat."""
    s = call_script(call, DEBRIEF, IV, me=ME)
    regretted = content_words(REGRETTED)
    assert regretted == {"bored", "quickly", "maintenance", "tasks"}
    assert not regretted & words_of(s.spoken)
    assert not regretted & words_of(s.voicemail)
    if call == 1:
        assert REGRETTED in s.notes and "don't repeat it" in s.notes
    else:
        assert not regretted & words_of(s.notes)


def test_each_call_opens_differently_and_refers_back_to_the_last_contact():
    openers = {c: call_script(c, DEBRIEF, IV, me=ME).spoken.split("\n\n")[0] for c in (1, 2, 3)}
    for a, b in combinations(openers.values(), 2):
        assert a != b
    assert "We met on Tuesday, December 1, about the Backend Engineer role." in openers[1]
    assert "I called a few days ago after our interview" in openers[2]
    assert "We spoke a few days ago" in openers[3]
    assert all("two minutes?" in o for o in openers.values())


def test_the_notes_carry_the_goal_and_how_to_close():
    for call in (1, 2, 3):
        notes = call_script(call, DEBRIEF, IV, me=ME).notes
        assert notes.startswith("- Goal: ")
        assert "second interview, agree on a time" in notes
        assert "Ask the closing question once, then let it go." in notes


# ------------------------------------------------------------------ no debrief


@pytest.mark.parametrize(
    "call,question",
    [
        (1, "What did I mean instead?"),
        (2, "What did I not say that I wish I had said?"),
        (3, "Which requirement did I not meet?"),
    ],
)
def test_without_a_debrief_the_notes_say_which_answer_would_help(call, question):
    s = call_script(call, None, IV, me=ME)
    assert s.spoken.rstrip().endswith(CLOSING_LINE)
    assert question in s.notes and "followup debrief 4" in s.notes
    assert s.spoken.count("[") == (1 if call == 1 else 0)  # only what was meant is asked
    assert s.to == JANE  # nobody marked, nobody with a phone: the first


def test_without_me_phone_the_voicemail_says_you_will_call_again():
    s = call_script(2, DEBRIEF, IV, me=replace(ME, phone=None))
    assert "try you again" in s.voicemail and "None" not in s.voicemail


def test_a_long_role_still_leaves_a_voicemail_under_20_seconds():
    long_role = " ".join(["Principal"] * 60) + " Engineer"
    s = call_script(1, DEBRIEF, interview(JANE, PRIYA, role=long_role), me=ME)
    assert estimate_speaking_seconds(s.voicemail) <= MAX_VOICEMAIL_SECONDS
    assert s.voicemail.startswith("Hi Priya")


# ------------------------------------------------------------------ who to call


def test_call_person_the_one_the_debrief_marks_wins():
    assert call_person(interview(JANE, RAJ, PRIYA), DEBRIEF).name == "Priya Raman"


def test_call_person_else_the_first_with_a_phone():
    assert call_person(interview(JANE, PRIYA, RAJ), None) == RAJ
    unmarked = replace(DEBRIEF, people=tuple(replace(p, call=False) for p in DEBRIEF.people))
    # the debrief's phone counts too: Priya's number is known from it
    assert call_person(interview(JANE, PRIYA, RAJ), unmarked).phone == "+1 312 555 0199"


def test_call_person_else_the_first():
    assert call_person(interview(JANE, PRIYA), None) == JANE


def test_call_person_nobody():
    assert call_person(interview(), None) is None
    assert call_person(interview(), Debrief(went_well="x")) is None


# ------------------------------------------------------------------ status --json


def test_status_json_carries_the_scripts_contract(tmp_path):
    """`status ID --json` carries scripts.call_N with exactly to/spoken/voicemail/notes/
    seconds, `to` the person the debrief marks; the full view prints them addressed."""
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    cfg = write_config(tmp_path / "c.toml", maildir=box, outbox=tmp_path / "outbox")
    rt = open_runtime(config.load(cfg), with_mail=False)
    try:
        interview_id = commands.add_interview(
            rt,
            company="Acme Analytics",
            role="Backend Engineer",
            start=START,
            end=START + timedelta(hours=1),
            timezone="UTC",
            people=[JANE, PRIYA],
            location=None,
            now=START - timedelta(days=2),
        )
        with rt.store.transaction():
            people = tuple(replace(p, email=p.email.lower()) for p in DEBRIEF.people)
            interview_rows.set_people(rt.store, interview_id, people)
        commands.answer_debrief(rt, interview_id, DEBRIEF, now=START + timedelta(hours=2))
    finally:
        rt.close()
    shown = followup("status", str(interview_id), "--json", "--config", str(cfg))
    assert shown.returncode == 0, shown.stderr
    scripts = json.loads(shown.stdout)["scripts"]
    assert set(scripts) == {"call_1", "call_2", "call_3"}
    for script in scripts.values():
        assert set(script) == {"to", "spoken", "voicemail", "notes", "seconds"}
        assert script["to"] == {
            "name": "Priya Raman",
            "email": "priya.raman@acme.example",
            "phone": "+1 312 555 0199",
            "title": "Engineering Manager",
        }
        assert isinstance(script["seconds"], int) and 0 < script["seconds"] <= 180
        assert script["spoken"].endswith(CLOSING_LINE) and "[" not in script["spoken"]
    full = followup("status", str(interview_id), "--config", str(cfg), env={"COLUMNS": "200"})
    assert full.returncode == 0, full.stderr
    assert "Call 3 script to Priya Raman, +1 312 555 0199 (about" in full.stdout
    assert "Voicemail:" in full.stdout and CLOSING_LINE in full.stdout
    (listed,) = json.loads(followup("status", "--json", "--config", str(cfg)).stdout)
    assert "scripts" not in listed  # the list stays as it was


def test_status_json_scripts_are_empty_with_nobody_to_call(tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    cfg = write_config(tmp_path / "c.toml", maildir=box, outbox=tmp_path / "outbox")
    rt = open_runtime(config.load(cfg), with_mail=False)
    try:
        commands.add_interview(
            rt,
            company="Acme",
            role="SRE",
            start=START,
            end=START + timedelta(hours=1),
            timezone="UTC",
            people=[],
            location=None,
            now=START - timedelta(days=2),
        )
    finally:
        rt.close()
    shown = followup("status", "1", "--json", "--config", str(cfg))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["scripts"] == {}


# ------------------------------------------------------------------ prep by kind

CARDS = "thank-you cards"
CAMERA = "test your camera and sound"
PHONE_ADVICE = "notes in front of you"


def prep(iv: Interview) -> str:
    email = render_prep_reminder(make_environment(), interview=iv, me=ME)
    assert email.subject.startswith("Tomorrow: your Backend Engineer interview at Acme")
    return email.body


def test_prep_for_a_video_interview():
    link = "https://meet.example/abc-defg-hij"
    iv = interview(JANE, PRIYA, video_link=link, location=None)
    assert interview_kind(iv) == "video"
    body = prep(iv)
    assert body.count(link) == 1
    assert CAMERA in body and "quiet room" in body and "notepad" in body
    assert CARDS not in body and "receptionist" not in body and "front desk" not in body
    assert PHONE_ADVICE not in body


def test_prep_for_an_onsite_interview():
    address = "Acme HQ, 100 Main Street, Chicago"
    iv = interview(JANE, PRIYA, location=address)
    assert interview_kind(iv) == "onsite"
    body = prep(iv)
    assert body.count(address) == 1
    assert "4-5 blank thank-you cards" in body and "front desk" in body
    assert CAMERA not in body and PHONE_ADVICE not in body


def test_prep_for_a_phone_interview():
    iv = interview(JANE, RAJ, title="Telefoninterview: Backend Engineer", location=None)
    assert interview_kind(iv) == "phone"
    body = prep(iv)
    assert "quiet room" in body and PHONE_ADVICE in body
    assert "The number to expect: +1 312 555 0177" in body
    assert CARDS not in body and CAMERA not in body
    assert "phone interview for the Backend Engineer role" in body


@pytest.mark.parametrize(
    "changes,kind",
    [
        ({"title": "Phone screen", "location": None}, "phone"),
        ({"title": "Interview", "location": None}, "phone"),  # nothing said: a call
        ({"title": "Interview", "location": "Call"}, "phone"),
        ({"title": "Interview", "location": "+1 (312) 555-0142"}, "phone"),
        ({"title": "Interview", "location": "https://zoom.us/j/123"}, "video"),
        ({"title": "Video call with Jane", "location": None}, "video"),
        ({"title": "Remote Backend Engineer", "location": "12 Rue de Rivoli, Paris"}, "onsite"),
    ],
)
def test_interview_kind(changes, kind):
    assert interview_kind(interview(JANE, **changes)) == kind


def test_prep_spells_names_as_the_interview_has_them():
    iv = interview(replace(PRIYA, name="Priya Raman", title="Engineering Manager"))
    assert "Priya Raman, Engineering Manager <priya.raman@acme.example>" in prep(iv)
