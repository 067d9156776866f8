"""Header values from hostile text (pure): decoded, cleaned, never decodable again;
addresses from one addr-spec only; built messages read back as meant."""

from __future__ import annotations

import base64
import email
import quopri
from datetime import UTC, datetime
from email import policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.app import outbox
from followup.core.headers import (
    WIRE_POLICY,
    UnsafeHeader,
    address,
    check_read_back,
    header_text,
)
from followup.core.model import FollowupError, Person

NOW = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
ME = Person("Sam Seeker", "sam.seeker@example.net")


def b64(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode()).decode()}?="


def qp(text: str) -> str:
    encoded = quopri.encodestring(text.encode(), header=True).decode()
    return "=?utf-8?q?" + encoded.replace("\r", "=0D").replace("\n", "=0A") + "?="


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Jane Doe", "Jane Doe"),
        ("  Jane \t Doe  ", "Jane Doe"),
        ("Zoë Smith, MBA", "Zoë Smith, MBA"),
        (b64("Bob <evil@attacker.com>,"), "Bob <evil@attacker.com>,"),
        (b64("x\r\nBcc: evil@attacker.com"), "x Bcc: evil@attacker.com"),
        (qp("x\r\nReply-To: evil@attacker.com"), "x Reply-To: evil@attacker.com"),
        (b64("Raj\r\nX-A: b"), "Raj X-A: b"),
        # double and triple encoded: decoded until stable, CR/LF never survive
        (b64(b64("x\r\nBcc: evil@attacker.com")), "x Bcc: evil@attacker.com"),
        (b64(qp(b64("x\r\nBcc: evil@attacker.com"))), "x Bcc: evil@attacker.com"),
        ("Hello " + b64("Zoë") + " world", "Hello Zoë world"),
        ("Zoë " + b64("x") + " 李", "Zoë x 李"),
        ("=?iso-8859-1?q?J=FCrgen?= M=?utf-8?q?=C3=BC?=ller", "Jürgen Müller"),
        ("=?x-no-such-charset?q?Hi_there?=", "Hi there"),  # unknown charset: read as UTF-8
        ("Ja\u202ene\u200b Doe\u2028X\x00\x1b]0;t\x07", "Ja ne Doe X ]0;t"),  # controls, bidi
        ("a\rb\nc\r\nd", "a b c d"),
        ("", ""),
        (None, ""),
    ],
)
def test_header_text_decodes_and_cleans(raw, expected):
    assert header_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        b64(b64(b64(b64("x\r\nBcc: evil@attacker.com")))),  # more rounds than we decode
        "=?utf-8?b?!!!notbase64?= " + b64("x\r\nBcc: e@a.example"),  # undecodable mix
        "=?utf-8?q?x=0D=0ABcc:_e@a.example",  # unterminated
    ],
)
def test_leftover_encoded_words_can_never_be_decoded_later(raw):
    text = header_text(raw)
    assert "=?" not in text and "\r" not in text and "\n" not in text
    assert header_text(text) == text  # stable: nothing left to decode
    msg = outbox.build_message(
        sender=ME,
        to=[Person(text, "jane@acme.example")],
        subject=text,
        body="hi",
        message_id="<fu.1@example.net>",
        date=NOW,
        kind="thank_you",
    )
    assert [a.addr_spec for a in msg["To"].addresses] == ["jane@acme.example"]
    assert "bcc" not in {k.lower() for k in msg}


def test_header_text_is_bounded():
    assert len(header_text("=?utf-8?q?" + "a" * 1_000_000)) <= 1000


@pytest.mark.parametrize(
    "email",
    [
        "jane@acme.example, evil@attacker.com",
        "Jane <jane@acme.example>",
        "jane@acme.example\r\n",
        "<jane@acme.example>@evil.com",
        "=?utf-8?q?evil=40attacker.com?=@acme.example",
        "jane@acme.example\nBcc: evil@attacker.com",
        "",
        "jane",
        "jané@acme.example",
    ],
)
def test_address_refuses_anything_but_one_plain_addr_spec(email):
    with pytest.raises(UnsafeHeader):
        address("Jane", email)
    assert issubclass(UnsafeHeader, FollowupError)


def test_address_drops_a_name_that_holds_an_address():
    assert address(b64("Bob <evil@attacker.com>,"), "jane@acme.example").display_name == ""
    assert str(address("Zoë Smith, MBA", "zoe@example.com")) == '"Zoë Smith, MBA" <zoe@example.com>'


def build(to_name: str, subject: str = "Thank you", email: str = "zoe@example.com"):
    return outbox.build_message(
        sender=ME,
        to=[Person(to_name, email)],
        subject=subject,
        body="Thank you.",
        message_id="<fu.ab12@example.net>",
        date=NOW,
        kind="thank_you",
    )


def test_a_name_with_a_comma_is_one_quoted_address():
    msg = build("Zoë Smith, MBA")
    parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
    (addr,) = parsed["To"].addresses
    assert (addr.display_name, addr.addr_spec) == ("Zoë Smith, MBA", "zoe@example.com")
    assert b"Smith, MBA" not in msg.as_bytes().split(b"\n\n", 1)[0]  # never an unquoted comma


@pytest.mark.parametrize(
    "name, subject",
    [
        (b64("Bob <evil@attacker.com>,"), "Thank you"),
        ("Jane", b64("x\r\nBcc: evil@attacker.com")),
        ("Jane", "Thanks " + b64(b64("\r\nReply-To: evil@attacker.com"))),
        (b64("Raj\r\nX-A: b"), "Thank you, " + qp("Raj\r\nCc: evil@attacker.com")),
        ("Jane\r\nBcc: evil@attacker.com", "Thank you\r\nBcc: evil@attacker.com"),
    ],
)
def test_built_messages_carry_only_the_approved_recipient(name, subject):
    raw = build(name, subject).as_bytes()
    head = raw.split(b"\n\n", 1)[0].lower()
    assert b"\nbcc:" not in head and b"\ncc:" not in head and b"\nreply-to:" not in head
    assert b"\nx-a:" not in head and b"evil@attacker.com>" not in head


def test_long_non_ascii_subjects_and_names_still_build():
    subject = "Thank you — Müller-Lüdenscheidt GmbH, Ingénieur logiciel, José Núñez 李 " * 3
    msg = build("José Núñez-Müller Lüdenscheidt, PhD", subject)
    assert [a.addr_spec for a in msg["To"].addresses] == ["zoe@example.com"]


def test_bad_recipient_or_message_id_is_a_followup_error_not_a_value_error():
    with pytest.raises(UnsafeHeader, match="not one plain email address"):
        build("Li", email="li@acme.example, evil@attacker.com")
    with pytest.raises(UnsafeHeader, match="Message-ID"):
        outbox.build_message(
            sender=ME,
            to=[Person("Li", "li@acme.example")],
            subject="x",
            body="x",
            message_id="<a@b>\r\nBcc: evil@attacker.com",
            date=NOW,
            kind="thank_you",
        )


def test_read_back_refuses_a_header_or_recipient_we_did_not_set():
    msg = build("Jane", email="jane@acme.example")
    check_read_back(msg, sender=ME.email, recipients=["jane@acme.example"], subject="Thank you")
    with pytest.raises(UnsafeHeader, match="recipients"):
        check_read_back(msg, sender=ME.email, recipients=["li@acme.example"], subject="Thank you")
    with pytest.raises(UnsafeHeader, match="subject"):
        check_read_back(
            msg, sender=ME.email, recipients=["jane@acme.example"], subject="Something else"
        )
    msg["Bcc"] = "evil@attacker.com"
    with pytest.raises(UnsafeHeader, match="bcc"):
        check_read_back(msg, sender=ME.email, recipients=["jane@acme.example"], subject="Thank you")


def wire_subject(subject: str) -> tuple[bytes, str]:
    """The Subject lines of a built message as sent, and the subject a reader gets."""
    msg = outbox.build_message(
        sender=ME,
        to=[Person("Jane Doe", "jane@acme.example")],
        subject=subject,
        body="Hello",
        message_id="<fu.0123456789abcdef0123@example.net>",
        date=NOW,
        kind="approval_request",
    )
    raw = msg.as_bytes(policy=WIRE_POLICY)
    head = raw.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
        end += 1
    read = email.message_from_bytes(raw, policy=policy.default)["Subject"]
    return b"\r\n".join(lines[start:end]), str(read)


@pytest.mark.parametrize(
    "subject",
    [
        "Approve your thank-you notes to Priya Raman, Tobias Brandt, Chloé Martin, Anna "
        "Kowalski [fu-0l14f4kQJHXTYor-sXIOnA]",
        "Debrief now: Backend Engineer interview at Acme [fu-CEYj8x5Ni8bG4n1wKjpKFQ]",
        ("Entretien confirmé : Ingénieur·e logiciel chez Société Générale " * 3).strip(),
        "Thank you",
    ],
)
def test_a_folded_subject_reads_back_exactly_with_no_empty_first_line_or_double_space(subject):
    """Python 3.11's own folder opened some subjects with an empty line and left a space
    before an encoded-word (a double space on screen): the Subject is folded by us."""
    folded, read = wire_subject(subject)
    assert read == subject
    assert not folded.startswith(b"Subject:\r\n")
    assert all(len(line) <= 78 for line in folded.split(b"\r\n"))
    assert not any(line.endswith(b" ") for line in folded.split(b"\r\n"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_subject_reads_back_as_the_text_we_meant(text):
    subject = header_text(text)
    folded, read = wire_subject(subject)
    assert read == subject
    assert all(len(line) <= 998 for line in folded.split(b"\r\n"))
