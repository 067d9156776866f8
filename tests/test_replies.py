"""Unit tests for followup.replies: reply parsing, authorization, debrief forms."""

from __future__ import annotations

import base64
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

from followup.core.model import Debrief, Interview, InterviewState, Person
from followup.core.replies import (
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


def message(
    body: str,
    *,
    sender: str = "Sam Rivera <sam@example.org>",
    subject: str = f"Re: Approve your thank-you {format_token(TOKEN)}",
    extra_headers: str = "",
) -> bytes:
    head = (
        f"From: {sender}\nTo: sam@example.org\nSubject: {subject}\n"
        f"Message-ID: <m1@example.org>\nIn-Reply-To: <req@followup.local>\n"
        f"{extra_headers}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
    )
    return (head + body).encode("utf-8")


def interview() -> Interview:
    start = datetime(2026, 12, 1, 14, 0, tzinfo=ZoneInfo("America/Chicago"))
    return Interview(
        id=4,
        company="Acme",
        role="Backend Engineer",
        start=start,
        end=start + timedelta(hours=1),
        timezone="America/Chicago",
        state=InterviewState.ACTIVE,
        interviewers=(Person("Jane Doe", "jane@acme.example"),),
    )


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
    assert r.sender_problem == ""
    assert [h.authserv_id for h in r.auth] == ["mx.example.org"]


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


@pytest.mark.parametrize(
    "word,action",
    [
        ("approve", Action.APPROVE),
        ("Send", Action.APPROVE),
        ("YES!", Action.APPROVE),
        ("ok.", Action.APPROVE),
        ("reject", Action.REJECT),
        ("No", Action.REJECT),
        ("Don't send", Action.REJECT),
        ("cancel", Action.REJECT),
        ("done", Action.DONE),
        ("Called", Action.DONE),
    ],
)
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
    body = (
        "Yes\n\nDear Jane, thank you so much for the time you spent with me today, "
        "I really enjoyed hearing about the payments migration and the team culture.\n"
        "I hope we can talk again soon about the next steps for the role.\n"
        "Another line of text here.\nAnd one more line to be sure.\n"
    )
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
    body = (
        "Dear Jane,\n\nThank you for today. I enjoyed our talk about caching.\n\n"
        "Best,\nSam\n-- \nSam Rivera | +1 312 555 0100\n\n"
        "On Tue, Dec 1, 2026 at 3:30 PM Sam <sam@example.org> wrote:\n> old draft\n"
    )
    r = parse_reply(message(body))
    assert r.action is Action.EDIT
    assert r.edited_text == (
        "Dear Jane,\n\nThank you for today. I enjoyed our talk about caching.\n\nBest,\nSam\n"
    )


def test_token_found_in_quoted_body_when_subject_lacks_it():
    """The token is found in the quoted part of the body when the subject was changed."""
    body = f"approve\n\n> Reference: {format_token(TOKEN)}\n"
    r = parse_reply(message(body, subject="Re: my thank you"))
    assert r.token == TOKEN


def test_html_only_reply_is_parsed():
    """An HTML-only reply: blockquoted original is ignored, the new text decides."""
    raw = (
        f"From: sam@example.org\nSubject: Re: x {format_token(TOKEN)}\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        "<div>reject</div><blockquote>Your draft: approve</blockquote>"
    ).encode()
    r = parse_reply(raw)
    assert r.action is Action.REJECT


def test_auto_reply_is_ignored():
    """An out-of-office auto-reply from the user's own address never edits a draft."""
    raw = message(
        "I am away until Monday.\nI will answer your message when I return.\n",
        extra_headers="Auto-Submitted: auto-replied\n",
    )
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
    assert r.debrief == Debrief(
        topics="Payments migration", went_well="The whiteboard exercise on caching"
    )


# ------------------------------------------------------------------ authorize


def test_authorize_accepts_own_address_with_right_token():
    """A reply from one of my addresses (any case) with the right token may act."""
    r = parse_reply(fixture("gmail_approve.eml"))
    assert authorize(r, my_addresses=["SAM@example.org"], expected_token=TOKEN) is None


def test_authorize_accepts_alias():
    """Aliases in my_addresses are accepted like the main address."""
    r = parse_reply(message("approve\n", sender="Sam <Sam.Rivera@work.example>"))
    assert authorize(r, my_addresses=ME, expected_token=TOKEN) is None


@pytest.mark.parametrize(
    "sender",
    [
        "Sam Rivera <sam@examp1e.org>",  # look-alike domain
        "Sam Rivera <sam@example.org.evil.example>",  # suffix trick
        "Sam Rivera <xsam@example.org>",  # prefix trick
        "Sam Rivera <attacker@evil.example>",  # my display name, foreign address
        "Sam Rivera <sam@xn--exmple-4nf.org>",  # punycode look-alike
    ],
)
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


# ------------------------------------------------------------------ strict sender

B64_ME = base64.b64encode(b"sam@example.org").decode()

FORGED_FROM = [
    # the four forms the stdlib read as the user's address (issue 10, item 3)
    "sam@example.org <eve@evil.example>",
    "sam@example.org)<eve@evil.example>",
    "<sam@example.org>@evil.example",
    f"=?utf-8?b?{B64_ME}?=",
    # more encoded-words in or around the address
    "=?utf-8?q?sam=40example=2Eorg?=",
    "Sam <=?utf-8?q?sam=40example.org?=>",
    f"Sam < =?utf-8?b?{B64_ME}?= >",
    "sam@example.org =?utf-8?q?=3Ceve=40evil.example=3E?=",
    "=?utf-8?q?sam=40example.org?= <eve@evil.example>",  # decoded display name = my address
    # display names and comments holding an address
    '"sam@example.org" <eve@evil.example>',
    "eve@evil.example (sam@example.org)",
    "sam@example.org (eve@evil.example)",
    "Sam <sam@example.org> eve@evil.example",
    # groups, lists, route addresses, quoted local parts
    "Team: sam@example.org;",
    "Team: sam@example.org, eve@evil.example;",
    "sam@example.org, eve@evil.example",
    "<@evil.example:sam@example.org>",
    '"sam@example.org"@evil.example',
    '"sam@example.org <"@evil.example',
    # IDN look-alike (Cyrillic 'а', raw UTF-8 in the header)
    "Sam Rivera <sam@exаmple.org>",
]


@pytest.mark.parametrize("sender", FORGED_FROM)
def test_forged_from_is_refused(sender):
    """Every From form that only looks like (or partly holds) my address is refused,
    even with the right token."""
    r = parse_reply(message("approve\n", sender=sender))
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN)
    assert reason is not None and reason.startswith("sender refused"), reason
    assert r.sender == "" and r.action is Action.UNKNOWN


def test_two_from_headers_both_mine_are_refused():
    """Two From headers are refused even when both hold my addresses."""
    r = parse_reply(message("approve\n", extra_headers="From: Sam <sam.rivera@work.example>\n"))
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN)
    assert reason is not None and "2 From headers" in reason


@pytest.mark.parametrize(
    "sender, name",
    [
        ("Sam Rivera <sam@example.org>", "Sam Rivera"),
        ("sam@example.org", ""),
        ('"Rivera, Sam" <sam@example.org>', "Rivera, Sam"),
        ("=?utf-8?q?Zo=C3=AB_Rivera?= <sam@example.org>", "Zoë Rivera"),
        ("SAM@Example.ORG (Sam)", ""),
        ("Sam Rivera\n <sam@example.org>", "Sam Rivera"),
    ],
)
def test_plain_from_forms_are_accepted(sender, name):
    """The From forms mail clients really write are read as my address."""
    r = parse_reply(message("approve\n", sender=sender))
    assert (r.sender, r.sender_name, r.sender_problem) == ("sam@example.org", name, "")
    assert authorize(r, my_addresses=ME, expected_token=TOKEN) is None


# ------------------------------------------------------------------ Authentication-Results

TRUSTED = "mx.example.org"
GOOD_AR = (
    "Authentication-Results: mx.example.org; dkim=pass header.i=@example.org "
    "header.s=s1 header.b=abc; spf=pass (domain of sam@example.org designates 192.0.2.1 "
    "as permitted sender) smtp.mailfrom=sam@example.org;\n dmarc=pass (p=NONE sp=NONE "
    "dis=NONE) header.from=example.org\n"
)


def ar_reply(*headers: str, body: str = "approve\n"):
    return parse_reply(message(body, extra_headers="".join(headers)))


@pytest.mark.parametrize(
    "header",
    [
        "Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=example.org; dkim=none; "
        "dmarc=none\n",
        "Authentication-Results: mx.example.org; dmarc=permerror header.from=example.org\n",
        "Authentication-Results: mx.example.org; dmarc=temperror header.from=example.org\n",
        "Authentication-Results: mx.example.org; dkim=pass header.d=evil.example; spf=pass; "
        "dmarc=pass header.from=evil.example\n",
        "Authentication-Results: mx.example.org; dkim=pass header.d=org; dmarc=none\n",
        "Authentication-Results: mx.example.org; spf=fail; dkim=fail (bad signature) "
        "header.d=example.org; dmarc=pass\n",
        "Authentication-Results: mx.example.org;\n dkim=pass header.d=example.org; dmarc = FAIL\n",
        "Authentication-Results: mx.example.org; dmarc=fail (dmarc=pass header.from=example.org) "
        "header.from=example.org\n",
        "Authentication-Results: mx.example.org; none\n",
        "Authentication-Results: mx.example.org; dkim=fail header.d=example.org; "
        "dmarc=pass header.from=example.org\n",
    ],
)
def test_trusted_server_without_a_pass_for_my_domain_refuses(header):
    """With trusted_authserv_id set, anything but DMARC/aligned-DKIM pass for my domain
    from that server refuses: fail, none, permerror, a pass for another domain."""
    reason = authorize(
        ar_reply(header), my_addresses=ME, expected_token=TOKEN, trusted_authserv_id=TRUSTED
    )
    assert reason is not None and reason.startswith("authentication failed"), reason


def test_pass_from_an_untrusted_server_does_not_count():
    """Anyone can write an Authentication-Results header: only the trusted server's counts."""
    r = ar_reply(GOOD_AR.replace("mx.example.org", "mx.evil.example"))
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN, trusted_authserv_id=TRUSTED)
    assert reason is not None and "no Authentication-Results from mx.example.org" in reason


def test_forged_pass_beside_the_real_verdict_does_not_win():
    """A forged 'pass' header under the trusted id next to the server's real 'fail': refused."""
    real = "Authentication-Results: mx.example.org; dkim=none; dmarc=fail header.from=example.org\n"
    reason = authorize(
        ar_reply(real, GOOD_AR), my_addresses=ME, expected_token=TOKEN, trusted_authserv_id=TRUSTED
    )
    assert reason is not None and "DMARC fail" in reason


@pytest.mark.parametrize(
    "header",
    [
        GOOD_AR,
        GOOD_AR.replace("mx.example.org", "MX.Example.ORG"),
        "Authentication-Results: mx.example.org; dkim=pass header.d=example.org\n",
        "Authentication-Results: mx.example.org; dkim=pass header.i=sam@mail.example.org\n",
    ],
)
def test_pass_from_the_trusted_server_accepts(header):
    """DMARC pass for my domain, or DKIM pass aligned with it, from the trusted server."""
    other = "Authentication-Results: mx.evil.example; dkim=fail; dmarc=fail\n"
    r = ar_reply(other, header)
    assert authorize(r, my_addresses=ME, expected_token=TOKEN, trusted_authserv_id=TRUSTED) is None


def test_without_trusted_server_authentication_results_are_ignored():
    """Not configured: no header is trusted, so none decides; the token is the proof."""
    r = ar_reply("Authentication-Results: mx.example.org; dkim=fail; dmarc=fail\n")
    assert authorize(r, my_addresses=ME, expected_token=TOKEN) is None


def test_parse_auth_results_reads_methods_and_properties():
    """RFC 8601 parsing: authserv-id, method=result, properties, comments dropped."""
    from followup.core.replies import parse_auth_results

    h = parse_auth_results(
        'mx.example.org 1; dkim = pass (good) header.d="example.org"; '
        "spf=softfail smtp.mailfrom=a@b.example; dmarc=pass header.from=Ex.ORG"
    )
    assert h.authserv_id == "mx.example.org"
    assert [(r.method, r.result) for r in h.results] == [
        ("dkim", "pass"),
        ("spf", "softfail"),
        ("dmarc", "pass"),
    ]
    assert h.results[0].prop("header.d") == "example.org"
    assert h.results[2].prop("header.from") == "ex.org"


# ------------------------------------------------------------------ edits need our quoted request

EDIT = (
    "Dear Jane,\n\nThank you for the deep dive on the billing system today. I enjoyed it.\n\nSam\n"
)
REQUEST = (
    "Your thank-you draft for the Backend Engineer role at Acme is ready. Nothing is "
    "sent until you approve it.\n\n----- draft begins -----\nDear Jane Doe,\n\n"
    "Thank you for taking the time to meet with me today.\n----- draft ends -----\n\n"
    f"Reference: {format_token(TOKEN)}\n"
)
GMAIL_ATTRIBUTION = "On Tue, Dec 1, 2026 at 3:30 PM Sam Rivera <sam@example.org> wrote:\n"


def quote(text: str, prefix: str = "> ") -> str:
    return "".join(prefix + ln + "\n" for ln in text.splitlines())


def test_edit_quoting_the_request_is_accepted_without_trusted_server():
    r = parse_reply(message(EDIT + "\n" + GMAIL_ATTRIBUTION + quote(REQUEST)))
    assert r.action is Action.EDIT and r.edited_text == EDIT
    assert authorize(r, my_addresses=ME, expected_token=TOKEN) is None


FORWARD = (
    "---------- Forwarded message ---------\nFrom: Sam Rivera <sam@example.org>\n"
    "Date: Tue, Dec 1, 2026 at 3:30 PM\nSubject: Approve your thank-you "
    f"{format_token(TOKEN)}\nTo: <eve@evil.example>\n\n"
)


@pytest.mark.parametrize(
    "case", ["no_quote", "forwarded_copy", "fwd_subject", "quoted_twice", "reference_changed"]
)
def test_edit_without_our_unchanged_quoted_request_is_refused(case):
    """Without trusted_authserv_id the token alone counts; an edit (text we would send)
    must also quote the request's Reference line unchanged, in a reply to the request
    itself: a forged edit built on a forwarded request sends nothing."""
    subject = f"Re: Approve your thank-you {format_token(TOKEN)}"
    body = EDIT + "\n" + GMAIL_ATTRIBUTION
    if case == "no_quote":
        body = EDIT
    elif case == "forwarded_copy":
        body += quote(FORWARD + REQUEST)
    elif case == "fwd_subject":
        subject = f"Re: Fwd: Approve your thank-you {format_token(TOKEN)}"
        body += quote(REQUEST)
    elif case == "quoted_twice":
        body += quote(quote(REQUEST))
    elif case == "reference_changed":
        body += quote(REQUEST.replace("Reference: ", "Reference (edited): "))
    r = parse_reply(message(body, subject=subject))
    assert r.action is Action.EDIT
    reason = authorize(r, my_addresses=ME, expected_token=TOKEN)
    assert reason is not None and "Reference: [fu-" in reason, reason


def test_edit_with_trusted_pass_needs_no_quoted_request():
    """The trusted server's DMARC pass proves the sender: an edit needs no quote then."""
    r = parse_reply(message(EDIT, extra_headers=GOOD_AR))
    assert r.action is Action.EDIT
    assert authorize(r, my_addresses=ME, expected_token=TOKEN, trusted_authserv_id=TRUSTED) is None


# ------------------------------------------------------------------ quoted text in every shape

OUTLOOK_BLOCKS = {
    "en_markdown_bold": "**From:** Sam Rivera <sam@example.org>\n**Sent:** Tuesday, December 1, "
    "2026 3:30 PM\n**To:** Sam Rivera <sam@example.org>\n**Subject:** Approve",
    "en_date_no_sent": "From: Sam Rivera <sam@example.org>\nTo: Sam Rivera <sam@example.org>\n"
    "Subject: Approve your thank-you",
    "fr": "De : Sam Rivera <sam@example.org>\nEnvoyé : mardi 1 décembre 2026 15:30\n"
    "À : Sam Rivera <sam@example.org>\nObjet : Approve your thank-you",
    "fr_nbsp_bold_rule": "________________________________\n*De\u00a0:* Sam Rivera "
    "<sam@example.org>\n*Envoyé\u00a0:* mardi 1 décembre 2026 15:30\n"
    "*À\u00a0:* Sam Rivera\n*Objet\u00a0:* Approve",
    "de": "Von: Sam Rivera <sam@example.org>\nGesendet: Dienstag, 1. Dezember 2026 15:30\n"
    "An: Sam Rivera <sam@example.org>\nBetreff: Approve your thank-you",
    "es": "De: Sam Rivera <sam@example.org>\nEnviado: martes, 1 de diciembre de 2026 15:30\n"
    "Para: Sam Rivera <sam@example.org>\nAsunto: Approve your thank-you",
    "es_new_outlook": "De: Sam Rivera <sam@example.org>\nEnviado el: martes, 1 de diciembre de "
    "2026 15:30\nPara: Sam Rivera <sam@example.org>\nAsunto: Approve",
    "es_no_sent_line": "De: Sam Rivera <sam@example.org>\nPara: Sam Rivera <sam@example.org>\n"
    "Asunto: Approve your thank-you",
    "nl": "Van: Sam Rivera <sam@example.org>\nVerzonden: dinsdag 1 december 2026 15:30\n"
    "Aan: Sam Rivera <sam@example.org>\nOnderwerp: Approve your thank-you",
    "pt": "De: Sam Rivera <sam@example.org>\nEnviada em: terça-feira, 1 de dezembro de 2026 15:30"
    "\nPara: Sam Rivera <sam@example.org>\nAssunto: Approve your thank-you",
}


@pytest.mark.parametrize("block", OUTLOOK_BLOCKS.values(), ids=OUTLOOK_BLOCKS.keys())
def test_outlook_header_block_without_quote_marks_ends_the_new_text(block):
    """An Outlook reply (no '>' at all) in any of the languages: only the text above
    the header block is the edit; our request below it is not."""
    r = parse_reply(message(EDIT + "\n" + block + "\n\n" + REQUEST))
    assert r.action is Action.EDIT, r.reason
    assert r.edited_text == EDIT
    assert r.quoted_tokens == (TOKEN,)
    assert authorize(r, my_addresses=ME, expected_token=TOKEN) is None


ATTRIBUTIONS = {
    "de_gmail": "Am Di., 1. Dez. 2026 um 15:30 Uhr schrieb Sam Rivera <sam@example.org>:",
    "de_apple": "Am 01.12.2026 um 15:30 schrieb Sam Rivera <sam@example.org>:",
    "de_wrapped": "Am Di., 1. Dez. 2026 um 15:30 Uhr schrieb Sam Rivera <\nsam@example.org>:",
    "fr": "Le mar. 1 déc. 2026 à 15:30, Sam Rivera <sam@example.org> a écrit :",
    "fr_wrapped_nbsp": "Le mar. 1 déc. 2026 à 15:30, Sam Rivera\n<sam@example.org> a\nécrit\u00a0:",
    "es": "El mar, 1 dic 2026 a las 15:30, Sam Rivera (<sam@example.org>)\nescribió:",
    "nl": "Op di 1 dec. 2026 om 15:30 schreef Sam Rivera <sam@example.org>:",
    "pt": "Em ter., 1 de dez. de 2026 às 15:30, Sam Rivera <sam@example.org> escreveu:",
    "it": "Il giorno mar 1 dic 2026 alle ore 15:30 Sam Rivera <sam@example.org> ha\nscritto:",
}


@pytest.mark.parametrize("line", ATTRIBUTIONS.values(), ids=ATTRIBUTIONS.keys())
def test_attribution_lines_in_each_language_end_the_new_text(line):
    """Gmail/Apple 'On … wrote:' in each language, wrapped or not, is not part of the edit."""
    r = parse_reply(message(EDIT + "\n" + line + "\n\n" + quote(REQUEST)))
    assert r.action is Action.EDIT, r.reason
    assert r.edited_text == EDIT


def test_spanish_outlook_reply_is_taken_only_for_its_new_text():
    """The issue's case: De:/Enviado:/Para:/Asunto: with no '>' — the new text only,
    never the approval instructions or the token."""
    block = OUTLOOK_BLOCKS["es"]
    r = parse_reply(message(EDIT + "\n" + block + "\n\n" + REQUEST))
    assert r.edited_text == EDIT
    assert "[fu-" not in r.edited_text and "Nothing is sent" not in r.edited_text


def test_prose_starting_with_on_is_not_an_attribution():
    """'On … wrote:' needs a date or an address; a sentence of the edit is kept."""
    body = (
        "Dear Jane,\n\nOn reflection, here is what I wrote:\nI enjoyed the billing "
        "deep dive.\n\nSam\n"
    )
    r = parse_reply(message(body))
    assert r.action is Action.EDIT and "On reflection" in r.edited_text


@pytest.mark.parametrize(
    "new_text, held",
    [
        (EDIT + "\n" + REQUEST, "the approval instructions"),  # a quote the parser did not see
        (EDIT + f"\nReference: {format_token(TOKEN)}\n", "the reference"),
        (
            EDIT + "\n----- draft begins -----\nDear Jane Doe,\n----- draft ends -----\n",
            "the draft markers",
        ),
    ],
)
def test_edit_still_holding_our_request_is_refused(new_text, held):
    """New text that still holds the token or the request's instructions is not the
    user's edit: UNKNOWN, with what it holds."""
    r = parse_reply(message(new_text))
    assert r.action is Action.UNKNOWN and r.edited_text is None
    assert held in r.echo and held in r.reason


@pytest.mark.parametrize(
    "body",
    [
        "On 1 " * 400_000,
        ("On " + "1 " * 2000 + "\n") * 500,
        ("Am 1 schrieb " * 100 + "\n") * 2000,
        "From: x\n" * 200_000,
        ("-" * 10_000 + " Original Message\n") * 200,
        "**From" + " " * 2_000_000,
        ("a écrit " + "\u00a0" * 1000) * 2000,
        "Reference: [fu-" + "A" * 2_000_000,
    ],
)
def test_quote_parsing_is_fast_on_hostile_bodies(body):
    """Two megabytes of text built to make a backtracking pattern crawl: well under a second."""
    import time

    from followup.core.replies import _split_reply

    started = time.perf_counter()
    _split_reply(body)
    parse_reply(message(body[:2_000_000]))
    assert time.perf_counter() - started < 2.0


# ------------------------------------------------------------------ debrief form


def test_debrief_form_round_trip():
    """A debrief written into the form and parsed back is the same debrief, its
    people and their notes included."""
    from followup.core.model import DebriefPerson

    d = Debrief(
        topics="caching\nteam size",
        went_well="the design exercise",
        wish_not_said="on-call is tedious",
        meant="on-call is fine with a fair rotation",
        wish_said="mentoring",
        unmet_requirement="Kafka",
        made_up_for="six hours of Kafka practice",
        people=(
            DebriefPerson(
                "Jane Doe",
                "jane@acme.example",
                title="CTO",
                talked_about="the roadmap",
                remember="she asked about caching",
                call=True,
            ),
        ),
    )
    assert parse_debrief_form(debrief_form(interview(), d)) == d


def test_debrief_form_has_every_heading_and_names_to_check():
    """The form carries every question heading and lists interviewers to check (as comments)."""
    text = debrief_form(interview(), None)
    for _, heading in DEBRIEF_QUESTIONS:
        assert heading in text.splitlines()
    assert "# " in text and "Jane Doe <jane@acme.example>" in text


def test_parse_debrief_form_ignores_comments_and_accepts_same_line_answers():
    """'#' lines are ignored; 'Heading: answer' on one line is read."""
    text = (
        "# a comment\nTopics covered: caching\n# What went well?\n"
        "what went well?\n  the design part  \n"
    )
    assert parse_debrief_form(text) == Debrief(topics="caching", went_well="the design part")


def test_debrief_from_mapping_reads_known_keys():
    """A TOML table with Debrief field names becomes a Debrief."""
    d = debrief_from_mapping({"went_well": "design ", "wish_said": ["one", "two"]})
    assert d == Debrief(went_well="design", wish_said="one\ntwo")


def test_debrief_from_mapping_rejects_unknown_key():
    """An unknown key is a ValueError naming the key."""
    with pytest.raises(ValueError, match="went_wel"):
        debrief_from_mapping({"went_wel": "typo"})


@pytest.mark.parametrize(
    "text, news",
    [
        ("We are pleased to offer you the position.", "an offer"),
        (
            "Unfortunately we have decided to move forward with other candidates for the role.",
            "a rejection",
        ),
        ("We'd love to set up a second interview with the team.", "next steps"),
        ("Thanks Sam, great talking to you!", None),
    ],
)
def test_company_news_reads_the_new_text_only(text, news):
    """Offer, rejection or next steps in what the company wrote; quoted text does not count."""
    from followup.core.replies import company_news

    quoted = "\r\n\r\nOn Tue, Dec 1, 2026 Sam wrote:\r\n> hoping for a second interview\r\n"
    raw = (f"From: a@acme.example\r\nSubject: Re: Thank you\r\n\r\n{text}{quoted}").encode()
    assert company_news(raw) == news


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Went well: the system design part\nRegret: salary talk too early",
         {"went_well": "the system design part", "wish_not_said": "salary talk too early"}),
        ("went well - no wait\nGood: whiteboard round", {"good_only": "whiteboard round"}),
        ("1. k8s migration, on-call\n2. my build-times story\n3) nothing really\n"
         "6 - Go experience\n7: did a Go course",
         {"topics": "k8s migration, on-call", "went_well": "my build-times story",
          "wish_not_said": "nothing really", "unmet_requirement": "Go experience",
          "made_up_for": "did a Go course"}),
        ("Talked about: the team\nand the roadmap", {"topics": "the team\nand the roadmap"}),
        ("the roadmap and the team\n\nmy caching answer went well",
         {"topics": "the roadmap and the team", "went_well": "my caching answer went well"}),
        ("What went well? The live coding", {"went_well": "The live coding"}),
        ("3-4 days from now I will call", None),
        ("ok", None),
        ("", None),
    ],
)  # fmt: skip
def test_loose_debrief_answers_as_typed_on_a_phone(text, expected):
    from followup.core.debrief import loose_answers

    result = loose_answers(text)
    if expected is None:
        assert result is None
        return
    if "good_only" in expected:  # a label nobody uses is not an answer; "Good:" is
        assert result is not None and result.went_well == expected["good_only"]
        return
    assert result is not None
    got = {f: getattr(result, f) for f in Debrief.FIELDS if getattr(result, f)}
    assert got == expected


@pytest.mark.parametrize(
    "text, back",
    [
        ("I am out of the office until Monday, December 7.", (2026, 12, 7)),
        ("I will be back on Dec 14th, with limited access to email.", (2026, 12, 14)),
        ("Ich bin bis zum 07.12.2026 nicht im Büro.", (2026, 12, 7)),
        ("Je serai de retour le 7 décembre.", (2026, 12, 7)),
        ("Estaré fuera hasta el 9 de diciembre.", (2026, 12, 9)),
        ("Ik ben terug op 8 december.", (2026, 12, 8)),
        ("Estarei de volta em 10 de dezembro.", (2026, 12, 10)),
        ("Thanks, until next time!", None),
        ("Back on March 3.", None),  # more than 60 days away: not a return date we trust
    ],
)
def test_the_return_date_an_out_of_office_names(text, back):
    from datetime import date

    from followup.core.replies import return_date

    found = return_date(text, sent=date(2026, 12, 2))
    assert found == (date(*back) if back else None)
