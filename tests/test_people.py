"""The debrief is about people too: the list the user corrects is the one written
to, each person gets their own note, and the words follow the clock."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest

from followup.app import commands, drafts, interviews
from followup.core.debrief import (
    PeopleError,
    debrief_form,
    debrief_from_mapping,
    merge_people,
    parse_debrief_form,
)
from followup.core.model import Debrief, DebriefPerson, DraftState, Person, UsageError

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # a Tuesday
AFTER = START + timedelta(hours=3)
PRIYA = Person("Priya Raman", "priya.raman@acme.example")
TOBIAS = Person("Tobias Brandt", "tobias.brandt@acme.example")
CHLOE = Person("Chloé Martin", "chloe.martin@acme.example")


@pytest.fixture
def rt(offline_runtime):
    return offline_runtime


def panel(rt, people=(PRIYA, TOBIAS, CHLOE)) -> int:
    """An interview whose thank-you step has begun: one draft per person."""
    from followup.adapters.store import tasks as task_rows
    from followup.core.model import TaskKind, TaskState

    interview_id = commands.add_interview(
        rt,
        company="Acme",
        role="Platform Engineer",
        start=START,
        end=START + timedelta(hours=1),
        timezone="UTC",
        people=list(people),
        location=None,
        now=START,
    )
    with rt.store.transaction():
        drafts.make_drafts(
            rt.store, rt.env, interviews.get(rt.store, interview_id), None, rt.me,
            now=AFTER, late=False,
        )  # fmt: skip
        task_rows.add_done(rt.store, interview_id, TaskKind.THANK_YOU, TaskState.WAITING, now=AFTER)
    return interview_id


def by_person(rt, interview_id):
    return {
        d.to.email: d
        for d in drafts.list_drafts(rt.store, include_all=True, interview_id=interview_id)
    }


def sentences(text: str) -> set[str]:
    return {s.strip() for s in re.split(r"(?<=[.!?,])\s+|\n+", text) if s.strip()}


NOTES = (
    DebriefPerson(
        PRIYA.name, PRIYA.email, title="Engineering Manager",
        talked_about="the k8s migration and the on-call rotation", call=True,
    ),
    DebriefPerson(TOBIAS.name, TOBIAS.email, talked_about="the hiring roadmap"),
    DebriefPerson(CHLOE.name, CHLOE.email, talked_about="- code review habits\n- pairing"),
)  # fmt: skip


def test_each_person_of_a_panel_gets_their_own_note(rt):
    interview_id = panel(rt)
    commands.answer_debrief(rt, interview_id, Debrief(went_well="x", people=NOTES), now=AFTER)
    notes = by_person(rt, interview_id)
    own = {
        PRIYA.email: "k8s migration",
        TOBIAS.email: "hiring roadmap",
        CHLOE.email: "code review habits and pairing",
    }
    for email, draft in notes.items():
        assert own[email] in draft.body, draft.body
        for other, words in own.items():
            if other != email:
                assert words not in draft.body
    assert notes[PRIYA.email].body.startswith("Dear Priya,")
    assert notes[CHLOE.email].body.startswith("Dear Chloé,")
    for a, b in combinations(notes.values(), 2):
        shared = sentences(a.body) & sentences(b.body)
        assert len(shared) <= len(sentences(a.body)) / 2, shared
        assert a.subject != b.subject or len(notes) > 3


def test_a_removed_person_is_never_written_to_and_a_renamed_one_greeted_anew(rt):
    interview_id = panel(rt)
    commands.edit_people(
        rt,
        interview_id,
        commands.PeopleEdit(remove=(TOBIAS.email,), rename=((CHLOE.email, "Chloe Martin-Duval"),)),
        now=AFTER,
    )
    notes = by_person(rt, interview_id)
    assert notes[TOBIAS.email].state is DraftState.WITHDRAWN
    assert notes[CHLOE.email].body.startswith("Dear Chloe,")
    assert notes[CHLOE.email].to.name == "Chloe Martin-Duval"
    with pytest.raises(Exception, match="withdrawn"):
        commands.approve(rt, notes[TOBIAS.email].id, now=AFTER)
    assert [p.email for p in interviews.get(rt.store, interview_id).interviewers] == [
        PRIYA.email,
        CHLOE.email,
    ]


def test_a_corrected_address_withdraws_the_old_draft_and_makes_a_new_one(rt):
    interview_id = panel(rt, people=(PRIYA,))
    commands.edit_people(
        rt,
        interview_id,
        commands.PeopleEdit(email=((PRIYA.email, "p.raman@acme.example"),)),
        now=AFTER,
    )
    notes = by_person(rt, interview_id)
    assert notes[PRIYA.email].state is DraftState.WITHDRAWN
    assert notes["p.raman@acme.example"].state is DraftState.WAITING
    assert notes["p.raman@acme.example"].body.startswith("Dear Priya,")


def test_people_edits_name_the_unknown_address_and_refuse_an_empty_list(rt):
    interview_id = panel(rt, people=(PRIYA,))
    with pytest.raises(UsageError, match="nobody@acme.example: not one of"):
        commands.edit_people(
            rt, interview_id, commands.PeopleEdit(remove=("nobody@acme.example",)), now=AFTER
        )
    with pytest.raises(UsageError, match="would be empty"):
        commands.edit_people(
            rt, interview_id, commands.PeopleEdit(remove=(PRIYA.email,)), now=AFTER
        )
    with pytest.raises(UsageError, match="not one plain email address"):
        commands.edit_people(
            rt, interview_id, commands.PeopleEdit(email=((PRIYA.email, "priya@"),)), now=AFTER
        )
    assert by_person(rt, interview_id)[PRIYA.email].state is DraftState.WAITING


def test_a_person_added_later_gets_a_draft_and_an_invite_update_does_not_undo_the_list(rt):
    from followup.app.interviews import _merge_people

    interview_id = panel(rt, people=(PRIYA, TOBIAS))
    commands.edit_people(
        rt, interview_id, commands.PeopleEdit(add=(CHLOE,), remove=(TOBIAS.email,)), now=AFTER
    )
    assert by_person(rt, interview_id)[CHLOE.email].state is DraftState.WAITING
    with rt.store.transaction():  # a reschedule of the invite still names Tobias
        _merge_people(rt.store, interview_id, (PRIYA, TOBIAS))
    emails = [p.email for p in interviews.get(rt.store, interview_id).interviewers]
    assert emails == [PRIYA.email, CHLOE.email]


def test_a_draft_approved_the_day_after_says_yesterday(rt):
    interview_id = panel(rt, people=(PRIYA,))
    draft = by_person(rt, interview_id)[PRIYA.email]
    assert "today" in draft.body and "today" in draft.subject
    approved = commands.approve(rt, draft.id, now=START + timedelta(days=1, hours=2))
    assert approved.state is DraftState.APPROVED
    assert "yesterday" in approved.body and "today" not in approved.body
    assert "yesterday" in approved.subject


def test_waiting_drafts_follow_the_clock_without_asking_again(rt):
    """The day turns: "today" becomes "on Tuesday" in a waiting draft. Only the timing
    words moved, so its approval request stands (no new mail) and a reply to it
    approves the draft as it reads now; a change of words needs a new request."""
    interview_id = panel(rt, people=(PRIYA,))
    old = by_person(rt, interview_id)[PRIYA.email]
    later = START + timedelta(days=3)
    with rt.store.transaction():
        assert drafts.follow_the_clock(rt.store, rt.env, rt.me, now=later, zone="UTC") == 1
        assert drafts.follow_the_clock(rt.store, rt.env, rt.me, now=later, zone="UTC") == 0
    new = by_person(rt, interview_id)[PRIYA.email]
    assert "on Tuesday" in new.body and "today" not in new.body
    assert new.token == old.token and new.request_sent == old.request_sent
    debrief = Debrief(people=(replace(NOTES[0], talked_about="the hiring roadmap"),))
    commands.answer_debrief(rt, interview_id, debrief, now=later)
    rewritten = by_person(rt, interview_id)[PRIYA.email]
    assert "hiring roadmap" in rewritten.body and rewritten.token != old.token
    with pytest.raises(Exception, match="changed while you were reading it"):
        commands.approve(rt, old.id, now=later, seen_token=old.token)
    approved = commands.approve(rt, old.id, now=later, seen_token=rewritten.token)
    assert approved.state is DraftState.APPROVED and "on Tuesday" in approved.body


def test_approve_all_skips_flagged_drafts_unless_asked(rt):
    interview_id = panel(rt, people=(PRIYA, Person("", "recruiting.ops@acme.example")))
    notes = by_person(rt, interview_id)
    nameless = notes["recruiting.ops@acme.example"]
    assert any("no name for recruiting.ops@acme.example" in w for w in nameless.warnings)
    assert nameless.body.startswith("Hello,")
    ids, flagged = commands.waiting_drafts_for_all(rt, several_interviews=False)
    assert ids == [notes[PRIYA.email].id] and flagged == [nameless]
    ids, flagged = commands.waiting_drafts_for_all(
        rt, several_interviews=False, include_flagged=True
    )
    assert set(ids) == {d.id for d in notes.values()} and flagged == []


# --- the form, the TOML file and the emailed reply -----------------------------------


def _interview(people=(PRIYA, TOBIAS)):
    from followup.core.model import Interview, InterviewState

    return Interview(
        id=7, company="Acme", role="SRE", start=START, end=START + timedelta(hours=1),
        timezone="UTC", state=InterviewState.ACTIVE, interviewers=tuple(people),
    )  # fmt: skip


def test_the_form_starts_from_the_people_and_reads_corrections_back():
    form = debrief_form(_interview(), None)
    assert form.index("Person: Priya Raman <priya.raman@acme.example>") < form.index(
        "Topics covered"
    )
    edited = (
        form.replace("Person: Priya Raman", "Person: Priya Ramanathan")
        .replace("Person: Tobias Brandt <tobias.brandt@acme.example>", "Person: <t@acme.example>")
        .replace("Talked about: \nRemember: \nCall: \n",
                 "Talked about: the roadmap\nRemember: \nCall: yes\n", 1)
        + "\nPerson: Chloé Martin <chloe.martin@acme.example>\nRemember: she asked about tests\n"
    )  # fmt: skip
    d = parse_debrief_form(edited)
    assert [(p.name, p.email) for p in d.people] == [
        ("Priya Ramanathan", PRIYA.email),
        ("", "t@acme.example"),
        ("Chloé Martin", CHLOE.email),
    ]
    assert d.people[0].talked_about == "the roadmap" and d.people[0].call
    assert d.people[2].remember == "she asked about tests"


def test_a_bad_person_line_names_the_line():
    with pytest.raises(PeopleError, match=r"line 2: 'Priya <priya@>' is not 'Name <email>'"):
        parse_debrief_form("People\nPerson: Priya <priya@>\nTopics covered\nk8s\n")


def test_the_toml_people_are_the_list_and_bad_keys_are_named():
    d = debrief_from_mapping(
        {
            "went_well": "the design round",
            "meant": "I like on-call when it is fair",
            "people": [
                {"name": "Priya Raman", "email": "Priya.Raman@acme.example", "call": True},
                {"name": "Tobias Brandt", "email": "tobias.brandt@acme.example"},
            ],
        }
    )
    assert d.meant == "I like on-call when it is fair"
    assert [p.email for p in d.people] == [PRIYA.email, TOBIAS.email] and d.people[0].call
    for bad, message in (
        ({"people": [{"name": "X", "email": "x@"}]}, "not one plain email address"),
        ({"people": [{"email": "x@acme.example", "phon": "1"}]}, "unknown key 'phon'"),
        ({"people": [{"email": "x@acme.example", "call": "yes"}]}, "call must be true or false"),
        ({"people": {"email": "x@acme.example"}}, r"\[\[people\]\]"),
    ):
        with pytest.raises(ValueError, match=message):
            debrief_from_mapping(bad)


def test_an_emailed_reply_updates_the_list_but_only_remove_strikes_someone_out():
    current = tuple(DebriefPerson(p.name, p.email) for p in (PRIYA, TOBIAS, CHLOE))
    given = (DebriefPerson("Priya Raman", "priya@acme.example", remember="she asked"),)
    partial = merge_people(current, given, (CHLOE.email,), complete=False)
    assert [(p.name, p.email) for p in partial] == [
        ("Priya Raman", "priya@acme.example"),  # the same name: her address corrected
        ("Tobias Brandt", TOBIAS.email),  # not quoted in the reply: still there
    ]
    complete = merge_people(current, given, complete=True)
    assert [p.email for p in complete] == ["priya@acme.example"]


def test_an_emailed_debrief_reads_people_blocks_and_remove():
    from followup.core.replies import parse_reply

    raw = (
        b"From: sam@example.net\r\nTo: sam@example.net\r\nSubject: Re: Debrief now [fu-abc]\r\n"
        b"Message-ID: <r1@example.net>\r\n\r\n"
        b"Person: Tobias Brandt <tobias.brandt@acme.example> remove\r\n"
        b"Person: Priya Raman <priya.raman@acme.example>\r\nRemember: she asked about k8s\r\n"
        b"\r\nWhat went well?\r\nthe design round\r\n"
    )
    reply = parse_reply(raw)
    assert reply.debrief is not None
    assert reply.debrief.went_well == "the design round"
    assert reply.debrief.removed == (TOBIAS.email,)
    assert [p.remember for p in reply.debrief.people] == ["she asked about k8s"]


def test_your_own_text_is_checked_too_and_again_the_next_day(rt):
    interview_id = panel(rt, people=(PRIYA,))
    draft = by_person(rt, interview_id)[PRIYA.email]
    text = "Dear Priya,\n\nThank you for meeting me today. I am very intrested in the role.\n"
    edited = commands.edit(rt, draft.id, text, now=AFTER)
    assert any('"intrested" looks misspelled (interested?)' in w for w in edited.warnings)
    commands.edit(rt, draft.id, text.replace("intrested", "interested"), now=AFTER)
    ids, flagged = commands.waiting_drafts_for_all(rt, several_interviews=False, now=AFTER)
    assert ids == [draft.id] and flagged == []
    next_day = START + timedelta(days=1)
    ids, flagged = commands.waiting_drafts_for_all(rt, several_interviews=False, now=next_day)
    assert ids == [] and [d.id for d in flagged] == [draft.id]
    assert any('"today" no longer fits' in w for w in flagged[0].warnings)


def test_a_coordinator_is_shown_never_written_to_unless_asked(rt):
    """An invite organised by a coordinator who does not attend: `status --json` shows
    them under coordinators, no draft is made for them; thank_coordinator adds them."""
    from pathlib import Path

    from followup.app import status
    from followup.core.detect import detect

    fixtures = Path(__file__).parent / "fixtures" / "messages"
    raw = next(fixtures.glob("40_*.eml")).read_bytes()
    event = detect(raw, my_addresses=("sam.seeker@example.net",), default_timezone="UTC").event
    assert event is not None and event.coordinators
    with rt.store.transaction():
        interview_id, outcome = interviews.record_event(
            rt.store, event, now=START, source="test", default_timezone="UTC"
        )
    assert outcome == "new"
    shown = status.interview_json(rt.store, interviews.get(rt.store, interview_id))
    coordinator = event.coordinators[0].email
    assert [c["email"] for c in shown["coordinators"]] == [coordinator]
    assert coordinator not in {p["email"] for p in shown["interviewers"]}
    with rt.store.transaction():
        other, _ = interviews.record_event(
            rt.store,
            replace(event, uid=event.uid + "-2"),
            now=START,
            source="test",
            default_timezone="UTC",
            thank_coordinator=True,
        )
    assert coordinator in {p.email for p in interviews.get(rt.store, other).interviewers}
