"""The use-case layer: each use case owns its transaction when called, joins the
caller's with `.within`, and holds its rule once for the CLI and the email path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from followup.adapters.store import StoreError
from followup.app import commands, drafts
from followup.core.model import DraftState, FollowupError, InterviewState, Person

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
AFTER = START + timedelta(hours=3)


@pytest.fixture
def rt(offline_runtime):
    return offline_runtime


def one_draft(rt) -> int:
    interview_id = commands.add_interview(
        rt,
        company="Acme",
        role="SRE",
        start=START,
        end=START + timedelta(hours=1),
        timezone="UTC",
        people=[Person("Jane Roe", "jane@acme.example")],
        location=None,
        now=START,
    )
    with rt.store.transaction():
        (made,) = drafts.make_drafts(
            rt.store, rt.env, _interview(rt, interview_id), None, rt.me, now=AFTER, late=False
        )
    return made


def _interview(rt, interview_id):
    from followup.app import interviews

    return interviews.get(rt.store, interview_id)


def test_a_use_case_owns_its_transaction_and_refuses_to_nest(rt):
    draft_id = one_draft(rt)
    assert commands.approve(rt, draft_id, now=AFTER).state is DraftState.APPROVED
    other = commands.add_interview(
        rt,
        company="Initech",
        role="",
        start=START,
        end=START + timedelta(hours=1),
        timezone="UTC",
        people=[],
        location=None,
        now=START,
    )
    with pytest.raises(StoreError), rt.store.transaction():  # nested: never half-committed
        commands.stop(rt, other, "other", now=AFTER)
    assert _interview(rt, other).state is InterviewState.ACTIVE


def test_within_joins_the_callers_transaction_and_rolls_back_with_it(rt):
    draft_id = one_draft(rt)
    with pytest.raises(RuntimeError), rt.store.transaction():
        commands.approve.within(rt, draft_id, now=AFTER)
        raise RuntimeError("the message record failed after the approval")
    assert drafts.get(rt.store, draft_id).state is DraftState.WAITING


def test_resume_holds_its_rule_for_every_caller(rt):
    interview_id = commands.add_interview(
        rt,
        company="Acme",
        role="",
        start=START,
        end=START + timedelta(hours=1),
        timezone="UTC",
        people=[],
        location=None,
        now=START,
    )
    with pytest.raises(FollowupError, match="not paused"):
        commands.resume(rt, interview_id, now=AFTER)
    with pytest.raises(FollowupError, match="not paused"), rt.store.transaction():
        commands.resume.within(rt, interview_id, now=AFTER)
