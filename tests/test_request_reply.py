"""The grammar of a reply to an approval request of three drafts (pure)."""

from __future__ import annotations

import pytest

from followup.core.request_reply import read_request_answer


@pytest.mark.parametrize(
    "text, approve, reject, edits",
    [
        ("approve", (1, 2, 3), (), ()),
        ("Approve all", (1, 2, 3), (), ()),
        ("yes please", (1, 2, 3), (), ()),
        ("send", (1, 2, 3), (), ()),
        ("approve 1 3", (1, 3), (), ()),
        ("approve 1, 3", (1, 3), (), ()),
        ("send 1 and 3\nThanks, Sam", (1, 3), (), ()),
        ("reject 2", (), (2,), ()),
        ("don't send 2", (), (2,), ()),
        ("approve 1 3\nreject 2", (1, 3), (2,), ()),
        ("approve\nreject 2", (1, 3), (2,), ()),
        ("reject\napprove 1", (1,), (2, 3), ()),
        ("Draft 2\nDear Raj,\n\nThank you.\n", (), (), ((2, "Dear Raj,\n\nThank you.\n"),)),
        ("approve\n\nDraft 2\nDear Raj, thanks.", (1, 3), (), ((2, "Dear Raj, thanks.\n"),)),
        ("draft #3\nDear Li,\nthanks", (), (), ((3, "Dear Li,\nthanks\n"),)),
    ],
)
def test_what_a_reply_asks_for(text, approve, reject, edits):
    answer = read_request_answer(text, 3)
    assert answer.problem == ""
    assert (answer.approve, answer.reject, answer.edits) == (approve, reject, edits)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("approve 5", "there is no draft 5 in that request (it holds 3)"),
        ("approve 0", "there is no draft 0"),
        ("Draft 4\nDear X", "there is no draft 4"),
        ("approve 2\nreject 2", "draft 2 is both to send and to drop"),
        ("approve\nreject", "both to send every draft and to drop them"),
        ("Draft 2 to Raj Patel\n", "the heading of draft 2 has no new text under it"),
        ("Sounds good, will look later", "is not an answer to the request"),
        ("", "no new text above the quote"),
        (
            "approve\n" + "A long sentence that is clearly not a sign-off at all, more.\n",
            "more text",
        ),
    ],
)
def test_a_reply_that_cannot_be_read_for_sure_is_a_problem(text, problem):
    answer = read_request_answer(text, 3)
    assert problem in answer.problem
    assert (answer.approve, answer.reject, answer.edits) == ((), (), ())


def test_a_rewritten_draft_that_still_holds_our_request_is_refused():
    answer = read_request_answer("Draft 1\nDear Jane", 3, echo="the approval instructions")
    assert "still holds the approval instructions" in answer.problem and answer.edits == ()


def test_hostile_replies_are_bounded():
    answer = read_request_answer("approve " + "1 " * 50_000, 3)
    assert answer.approve == (1,)
    answer = read_request_answer("Draft 1\n" + "x\n" * 100_000, 3)
    assert answer.edits and len(answer.edits[0][1]) < 2_000
