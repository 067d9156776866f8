"""Unit tests for followup.replies: reply parsing, authorization, debrief forms."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import followup  # noqa: F401
except ImportError:  # source checkout without an editable install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.model import Debrief, Interview, InterviewState, Person
from followup.replies import (
    DEBRIEF_QUESTIONS,
    TOKEN_RE,
    Action,
    authorize,
    debrief_form,
    debrief_from_mapping,
    format_token,
    parse_debrief_form,
    parse_reply,
)

FIXTURES = Path(__file__).parent / "fixtures" / "replies"
TOKEN = "q3v9Zk2LwX8pR4tN7yB1cA"
ME = ["sam@example.org", "sam.rivera@work.example"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def message(body: str, *, sender: str = "Sam Rivera <sam@example.org>",
            subject: str = f"Re: Approve your thank-you {format_token(TOKEN)}",
            extra_headers: str = "") -> bytes:
    head = (f"From: {sender}\nTo: sam@example.org\nSubject: {subject}\n"
            f"Message-ID: <m1@example.org>\nIn-Reply-To: <req@followup.local>\n"
            f"{extra_headers}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n")
    return (head + body).encode("utf-8")


def interview() -> Interview:
    start = datetime(2026, 12, 1, 14, 0, tzinfo=ZoneInfo("America/Chicago"))
    return Interview(id=4, company="Acme", role="Backend Engineer", start=start,
                     end=start + timedelta(hours=1), timezone="America/Chicago",
                     state=InterviewState.ACTIVE,
                     interviewers=(Person("Jane Doe", "jane@acme.example"),))


# ------------------------------------------------------------------ tokens


def test_format_token_matches_token_re():
    """A formatted token is found again by TOKEN_RE, with the bare token as group 1."""
    m = TOKEN_RE.search(f"Subject: hello {format_token(TOKEN)} there")
    assert m is not None and m.group(1) == TOKEN


def test_token_re_rejects_short_tokens():
    """Tokens shorter than 22 base64url characters (under 128 bits) are not tokens."""
    assert TOKEN_RE.search("[fu-abc]") is None
    assert TOKEN_RE.search("[fu-" + "a" * 21 + "]") is None


# ------------------------------------------------------------------ client styles


def test_gmail_single_word_approve():
    """A Gmail reply 'Approve' above a wrapped 'On … wrote:' quote approves; quote is ignored."""
    r = parse_reply(fixture("gmail_approve.eml"))
    assert r.action is Action.APPROVE
    assert r.sender == "sam@example.org"  # lowercased
    assert r.sender_name == "Sam Rivera"
    assert r.token == TOKEN
    assert r.message_id == "<CAF+gmail-approve@mail.gmail.com>"
    assert r.in_reply_to == "<request-1@followup.local>"
    assert r.edited_text is None
    assert not r.auth_failed


def test_outlook_edit_keeps_only_new_text():
    """Outlook text above '-----Original Message-----' becomes the edited body, quote dropped."""
    r = parse_reply(fixture("outlook_edit.eml"))
    assert r.action is Action.EDIT
    assert r.edited_text is not None
    assert r.edited_text.startswith("Dear Jane,\n\nThank you for meeting with me today.")
    assert "payments migration" in r.edited_text
    assert "Original Message" not in r.edited_text
    assert "draft begins" not in r.edited_text
    assert r.edited_text.rstrip().endswith("Sam Rivera")
    assert r.token == TOKEN


def test_outlook_from_sent_block_and_mobile_footer():
    """'Reject' above an Outlook From:/Sent: block with a 'Get Outlook for iOS' footer rejects."""
    r = parse_reply(fixture("outlook_reject_fromsent.eml"))
    assert r.action is Action.REJECT
    assert r.token == TOKEN


def test_apple_mail_done_reply():
    """An Apple Mail 'Done' + 'Sent from my iPhone' reply marks the call done."""
    r = parse_reply(fixture("apple_done.eml"))
    assert r.action is Action.DONE
    assert r.token == "Zm9sbG93dXAtY2FsbC0xLXRva2Vu"


@pytest.mark.parametrize("word,action", [
    ("approve", Action.APPROVE), ("Send", Action.APPROVE), ("YES!", Action.APPROVE),
    ("ok.", Action.APPROVE), ("reject", Action.REJECT), ("No", Action.REJECT),
    ("Don't send", Action.REJECT), ("cancel", Action.REJECT), ("done", Action.DONE),
    ("Called", Action.DONE),
])
def test_command_words(word, action):
    """Each single command word above a quote maps to its action."""
    body = f"{word}\n\nOn Tue, Dec 1, 2026 at 3:30 PM Sam <sam@example.org> wrote:\n> approve\n"
    assert parse_reply(message(body)).action is action


def test_command_with_short_signoff_still_a_command():
    """'yes' followed by a short sign-off is still an approval, not an edit."""
    r = parse_reply(message("yes\n\nThanks,\nSam\n\n> quoted draft\n"))
    assert r.action is Action.APPROVE


def test_command_word_followed_by_long_text_is_ambiguous():
    """'yes' followed by a paragraph is neither approval nor edit: UNKNOWN with a reason."""
    body = ("Yes\n\nDear Jane, thank you so much for the time you spent with me today, "
            "I really enjoyed hearing about the payments migration and the team culture.\n"
            "I hope we can talk again soon about the next steps for the role.\n"
            "Another line of text here.\nAnd one more line to be sure.\n")
    r = parse_reply(message(body))
    assert r.action is Action.UNKNOWN
    assert "more text" in r.reason


def test_short_non_command_is_unknown_not_edit():
    """A few words that are no command ('yes please send it now') never replace the draft."""
    r = parse_reply(message("looks fine to me I think\n\n> draft\n"))
    assert r.action is Action.UNKNOWN
    assert r.edited_text is None


def test_empty_reply_is_unknown():
    """A reply with nothing above the quote does nothing."""
    r = parse_reply(message("On Tue, Dec 1, 2026 at 3:30 PM Sam <sam@example.org> wrote:\n> x\n"))
    assert r.action is Action.UNKNOWN
    assert "no new text" in r.reason


def test_edit_strips_dash_dash_signature():
    """Text after a '-- ' signature separator is not part of the edited body."""
    body = ("Dear Jane,\n\nThank you for today. I enjoyed our talk about caching.\n\n"
            "Best,\nSam\n-- \nSam Rivera | +1 312 555 0100\n\n"
            "On Tue, Dec 1, 2026 at 3:30 PM Sam <sam@example.org> wrote:\n> old draft\n")
    r = parse_reply(message(body))
    assert r.action is Action.EDIT
    assert r.edited_text == "Dear Jane,\n\nThank you for today. I enjoyed our talk about caching.\n\nBest,\nSam\n"


def test_token_found_in_quoted_body_when_subject_lacks_it():
    """The token is found in the quoted part of the body when the subject was changed."""
    body = f"approve\n\n> Reference: {format_token(TOKEN)}\n"
    r = parse_reply(message(body, subject="Re: my thank you"))
    assert r.token == TOKEN


def test_html_only_reply_is_parsed():
    """An HTML-only reply: blockquoted original is ignored, the new text decides."""
    raw = (f"From: sam@example.org\nSubject: Re: x {format_token(TOKEN)}\n"
           "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
           "<div>reject</div><blockquote>Your draft: approve</blockquote>").encode()
    r = parse_reply(raw)
    assert r.action is Action.REJECT


def test_auto_reply_is_ignored():
    """An out-of-office auto-reply from the user's own address never edits a draft."""
    raw = message("I am away until Monday.\nI will answer your message when I return.\n",
                  extra_headers="Auto-Submitted: auto-replied\n")
    r = parse_reply(raw)
    assert r.action is Action.UNKNOWN
    assert "automatic" in r.reason


@given(st.binary(max_size=2000))
def test_parse_reply_never_raises(raw):
    """Any bytes at all give a Reply (UNKNOWN with a reason when unreadable), never an exception."""
    r = parse_reply(raw)
    assert isinstance(r.action, Action)


# ------------------------------------------------------------------ debrief replies


def test_debrief_answers_by_reply():
    """Answers typed under copied headings become a Debrief; signature and quote are dropped."""
    r = parse_reply(fixture("gmail_debrief.eml"))
    assert r.action is Action.DEBRIEF
    d = r.debrief
    assert d is not None
    assert d.topics == "Payments migration, on-call rotation"
    assert d.went_well.startswith("The system design question")
    assert d.wish_not_said == "That on-call work is tedious."
    assert d.wish_said == "How I mentored two juniors through their first launch."
    assert d.unmet_requirement == "Kafka in production."
    assert d.made_up_for == ""
    assert "+1 312" not in d.made_up_for


def test_debrief_answers_inline_between_quoted_headings():
    """Answers typed between the quoted headings of the prompt are read too."""
    r = parse_reply(fixture("gmail_inline_debrief.eml"))
    assert r.action is Action.DEBRIEF
    assert r.debrief == Debrief(topics="Payments migration",
                                went_well="The whiteboard exercise on caching")


# ------------------------------------------------------------------ authorize


def test_authorize_accepts_own_address_with_right_token():
    """A reply from one of my addresses (any case) with the right token may act."""
    r = parse_reply(fixture("gmail_approve.eml"))
    assert authorize(r, my_addresses=["SAM@example.org"], expected_token=TOKEN) is None


def test_authorize_accepts_alias():
    """Aliases in my_addresses are accepted like the main address."""
    r = parse_reply(message("approve\n", sender="Sam <Sam.Rivera@work.example>"))
    assert authorize(r, my_addresses=ME, expected_token=TOKEN) is None


@pytest.mark.parametrize("sender", [
    "Sam Rivera <sam@examp1e.org>",                  # look-alike domain
    "Sam Rivera <sam@example.org.evil.example>",     # suffix trick
    "Sam Rivera <xsam@example.org>",                 # prefix trick
    '"sam@example.org" <attacker@evil.example>',     # display name is my address
    "Sam Rivera <sam@exаmple.org>",                  # Cyrillic 'а'
    "Sam Rivera <attacker@evil.example>",            # my display name, foreign address
])
def test_authorize_refuses_spoofed_sender(sender):
    """Look-alike addresses and matching display names with a foreign address are refused."""
    r = parse_reply(message("approve\n", sender=sender))
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN)
    assert reason is not None and "not one of your addresses" in reason


def test_authorize_refuses_two_from_addresses():
    """A From header with two addresses is not trusted."""
    r = parse_reply(message("approve\n", sender="sam@example.org, attacker@evil.example"))
    assert authorize(r, my_addresses=ME, expected_token=TOKEN) is not None
    assert r.action is Action.UNKNOWN


def test_authorize_refuses_missing_token():
    """A reply without any [fu-…] token is refused."""
    r = parse_reply(message("approve\n", subject="Re: thank you"))
    assert r.token is None
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN)
    assert reason is not None and "token" in reason


def test_authorize_refuses_wrong_token():
    """A token for another request does not authorize this one."""
    other = "AAAAAAAAAAAAAAAAAAAAAAAA"
    r = parse_reply(message("approve\n", subject=f"Re: x {format_token(other)}"))
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN)
    assert reason == "token does not match this request"


def test_authorize_refuses_dkim_fail():
    """Authentication-Results with dkim=fail marks the reply and authorize refuses it."""
    r = parse_reply(message("approve\n", extra_headers=(
        "Authentication-Results: mx.example.org; spf=pass; dkim=fail (bad signature) "
        "header.d=example.org; dmarc=pass\n")))
    assert r.auth_failed
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN)
    assert reason is not None and "DKIM" in reason


def test_dmarc_fail_sets_auth_failed():
    """dmarc=fail in Authentication-Results also marks the reply as failed authentication."""
    r = parse_reply(message("approve\n", extra_headers=(
        "Authentication-Results: mx.example.org;\n dkim=pass; dmarc = FAIL\n")))
    assert r.auth_failed


# ------------------------------------------------------------------ debrief form


def test_debrief_form_round_trip():
    """A debrief written into the form and parsed back is the same debrief."""
    d = Debrief(topics="caching\nteam size", went_well="the design exercise",
                wish_not_said="on-call is tedious", wish_said="mentoring",
                unmet_requirement="Kafka", made_up_for="six hours of Kafka practice")
    assert parse_debrief_form(debrief_form(interview(), d)) == d


def test_debrief_form_has_every_heading_and_names_to_check():
    """The form carries every question heading and lists interviewers to check (as comments)."""
    text = debrief_form(interview(), None)
    for _, heading in DEBRIEF_QUESTIONS:
        assert heading in text.splitlines()
    assert "# " in text and "Jane Doe <jane@acme.example>" in text


def test_parse_debrief_form_ignores_comments_and_accepts_same_line_answers():
    """'#' lines are ignored; 'Heading: answer' on one line is read."""
    text = ("# a comment\nTopics covered: caching\n# What went well?\n"
            "what went well?\n  the design part  \n")
    assert parse_debrief_form(text) == Debrief(topics="caching", went_well="the design part")


def test_debrief_from_mapping_reads_known_keys():
    """A TOML table with Debrief field names becomes a Debrief."""
    d = debrief_from_mapping({"went_well": "design ", "wish_said": ["one", "two"]})
    assert d == Debrief(went_well="design", wish_said="one\ntwo")


def test_debrief_from_mapping_rejects_unknown_key():
    """An unknown key is a ValueError naming the key."""
    with pytest.raises(ValueError, match="went_wel"):
        debrief_from_mapping({"went_wel": "typo"})


@pytest.mark.parametrize("text, news", [
    ("We are pleased to offer you the position.", "an offer"),
    ("Unfortunately we have decided to move forward with other candidates for the role.",
     "a rejection"),
    ("We'd love to set up a second interview with the team.", "next steps"),
    ("Thanks Sam, great talking to you!", None),
])
def test_company_news_reads_the_new_text_only(text, news):
    """Offer, rejection or next steps in what the company wrote; quoted text does not count."""
    from followup.replies import company_news

    quoted = "\r\n\r\nOn Tue, Dec 1, 2026 Sam wrote:\r\n> hoping for a second interview\r\n"
    raw = (f"From: a@acme.example\r\nSubject: Re: Thank you\r\n\r\n{text}{quoted}").encode()
    assert company_news(raw) == news
