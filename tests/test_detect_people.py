"""People in invites: coordinators apart from interviewers, names from prose headings,
titles, and phones that are a person's own (core/detect_people.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))

import phonenumbers  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from followup.core import detect_people as dp  # noqa: E402
from followup.core import detect_text as tx  # noqa: E402
from followup.core.model import Person  # noqa: E402


def names(text: str) -> list[tuple[str, str]]:
    return [(p.name, p.title) for p in dp.named_in_prose(text)]


def test_german_heading_with_courtesy_words_and_titles():
    text = (
        "Ihre Gesprächspartner: Frau Dr. Petra Lindner (Leitung Entwicklung) und Herr Tobias Brandt"
    )
    assert names(text) == [("Dr. Petra Lindner", "Leitung Entwicklung"), ("Tobias Brandt", "")]


def test_one_per_line_semicolons_and_bullets():
    assert names("Interviewers:\n- Tom Ford – Director of Sales\n\n- Ann Lee\n\nThanks") == [
        ("Tom Ford", "Director of Sales"),
        ("Ann Lee", ""),
    ]
    assert names("Je spreekt met: Sanne de Vries (Teamleider Data); Daan Janssen") == [
        ("Sanne de Vries", "Teamleider Data"),
        ("Daan Janssen", ""),
    ]


def test_a_city_is_no_person():
    assert names("You'll meet with Lucy Gray in New York.") == [("Lucy Gray", "")]
    assert names("Interviewers: New York, San Francisco") == []


def test_itinerary_names_every_session_and_lunch_nobody():
    text = "9:00 AM - 9:45 AM  Jane Doe, Engineering Manager - Design\n12:00 - 1:00 PM  Lunch\n"
    assert names(text) == [("Jane Doe", "Engineering Manager")]


def test_quoted_and_forwarded_people_are_not_read():
    text = (
        "You will meet with Ann Lee.\n\n"
        "On Mon, Dec 7 Bob <b@x.example> wrote:\n> Interviewers: Paul Gray"
    )
    assert names(text) == [("Ann Lee", "")]


def test_dial_in_numbers_are_nobodys_phone():
    text = "Jane Doe will host.\nJoin by phone\n(US) +1 347-555-0199\nPIN: 462 118 923#\n"
    (jane,) = dp.with_phones([Person("Jane Doe", "jane@acme.example")], text)
    assert jane.phone is None
    (jane,) = dp.with_phones([Person("Jane Doe", "jane@acme.example")], "Jane Doe\n(312) 555-0188")
    assert jane.phone == "+13125550188"


def test_every_countrys_example_number_passes_the_phone_gate():
    """may_hold_phone skips the matcher only where no valid number can be: each region's
    example numbers pass it, written with their country code (a national one only where
    the matcher, reading for the US, takes it: the +1 countries)."""
    fmt = phonenumbers.PhoneNumberFormat
    written = 0
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            national = (fmt.NATIONAL,) if number.country_code == 1 else ()
            for style in (fmt.INTERNATIONAL, fmt.E164, *national):
                text = f"Call me on {phonenumbers.format_number(number, style)}."
                assert tx.may_hold_phone(text), text
                written += 1
    assert written > 500


def test_dates_and_times_hold_no_phone():
    assert not tx.may_hold_phone("Wednesday, December 16, 2026 from 9:00 AM to 10:30 AM CST")
    assert not tx.may_hold_phone("9:45 AM - 10:30 AM  Lisa Chen\n10:30 AM - 11:15 AM  Omar")
    assert tx.may_hold_phone("Lisa Chen, +49 30 901820")
    people = [Person("Lisa Chen", "lisa@globex.example")]
    assert dp.with_phones(people, "Lisa Chen at 10:30 - 11:15, Dec 16, 2026") == tuple(people)


def test_recruiter_is_a_coordinator_only_beside_other_interviewers():
    nora = Person("Nora Quinn", "nora@fjord.example", None, "Talent Acquisition")
    kw = {"cn": "Nora Quinn", "text": "", "writer": True, "attends": None}
    assert dp.is_coordinator(nora, others=0, **kw) is False
    assert dp.is_coordinator(nora, others=2, **kw) is True
    joins = dict(kw, text="Tom Becker and I will be on the call.")
    assert dp.is_coordinator(nora, others=2, **joins) is False


def test_mailboxes_rooms_and_cn_titles():
    assert dp.is_mailbox("recrutement@lumiere.example") and dp.is_mailbox(
        "naoresponda@gupy.example"
    )
    assert not dp.is_mailbox("claire.dubois@lumiere.example")
    assert dp.is_room("Besprechungsraum Alster", "alster@elbe.example")
    assert dp.is_room("HH-2-Elbblick (8)", "elbblick@elbe.example")
    assert dp.split_cn("Ana Ruiz (Recruiting)") == ("Ana Ruiz", "Recruiting")
    assert dp.split_cn("Jean-Luc Picard (he/him)") == ("Jean-Luc Picard (he/him)", "")


# --- the fast paths read what the slow ones read ------------------------------------------

_PHONE_PIECES = [
    *("312", "555", "0147", "49", "30", "901820", "20 7946 0958", "1", "12", "2026", "9"),
    *(" ", "-", ".", "/", "(", ")", "+", "x", "X", "ー", "\xa0", "\u3000", "－", ":", ",", "\n"),
    *(" ext. ", " x", "#", "Jane Doe", "jane@acme.example", "Tel: ", "a", "Dec 16, "),
    *(" " * 90, "lorem ipsum dolor " * 8, "10:30 AM", "16/12/2026", "Raj Patel", "+1 "),
]


def _plain_matches(text: str) -> list[tuple[int, str, str]]:
    fmt = phonenumbers.PhoneNumberFormat.E164
    return [
        (m.start, m.raw_string, phonenumbers.format_number(m.number, fmt))
        for m in phonenumbers.PhoneNumberMatcher(
            text, "US", leniency=phonenumbers.Leniency.VALID, max_tries=200
        )
    ]


def _shaped_matches(text: str) -> list[tuple[int, str, str]]:
    fmt = phonenumbers.PhoneNumberFormat.E164
    return [
        (m.start, m.raw_string, phonenumbers.format_number(m.number, fmt))
        for m in tx._ShapedMatcher(text, "US", leniency=phonenumbers.Leniency.VALID, max_tries=200)
    ]


def _phones_near_reference(text: str, keys: list[str]) -> dict[str, str]:
    """phones_near without its gates: the matcher over the whole text."""
    text = text[: tx.MAX_TEXT_CHARS]
    lowered = text.lower()
    result: dict[str, str] = {}
    for start, _, number in _plain_matches(text):
        best, best_pos = None, -1
        for key in keys:
            pos = lowered.rfind(key.lower(), max(0, start - 300), start) if key else -1
            if pos > best_pos:
                best, best_pos = key, pos
        if best and best not in result:
            result[best] = number
    return result


def test_the_shaped_matcher_finds_every_countrys_example_number():
    """Candidates without a number's shape are never parsed: every region's example
    numbers, in every way they are written, are still found, and found alike."""
    fmt = phonenumbers.PhoneNumberFormat
    found = 0
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            for style in (fmt.INTERNATIONAL, fmt.E164, fmt.NATIONAL, fmt.RFC3966):
                written = phonenumbers.format_number(number, style)
                for text in (f"Jane Doe, {written}.", f"Tel ({written}) x12", written):
                    plain = _plain_matches(text)
                    assert _shaped_matches(text) == plain, text
                    found += bool(plain)
    assert found > 1000


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PHONE_PIECES), max_size=30).map("".join))
def test_the_phone_gates_skip_only_what_the_matcher_would_not_give_out(text):
    assert _shaped_matches(text) == _plain_matches(text)
    keys = ["Jane Doe", "jane@acme.example", "Raj Patel"]
    assert tx.phones_near(text, keys) == _phones_near_reference(text, keys)


_ADDRESS_PIECES = [
    *("Jane", "Doe", "Q.", "José", "李雷", "O'Brien", "jane.doe", "@", "acme.example", "x"),
    *(" ", "<", ">", ",", ", ", '"', "(", ")", "[", "]", ";", ":", "\\", ".", "\t", "\xa0"),
    *("<jane@acme.example>", "raj@acme.example", '"Doe, Jane" ', '"Acme via Greenhouse"'),
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ADDRESS_PIECES), max_size=12).map("".join), max_size=3))
def test_plain_addresses_read_as_the_email_package_reads_them(values):
    from email.utils import getaddresses, parseaddr

    from followup.core import mailtext

    values = [mailtext.normalise_space(v) for v in values]
    assert mailtext.addresses(values) == getaddresses(values)
    for value in values:
        assert mailtext.first_address(value) == parseaddr(value)


_LINE_PIECES = [
    *("Interviewers", "interview panel", "You'll meet with", "you will be speaking with"),
    *("Ihre Gesprächspartner", "GESPRACHSPARTNER", "vous rencontrerez", "Hosted by", "panel"),
    *("Join by phone", "Dial-in", "PIN", "Meeting ID", "zoom.us", "Kenncode", "tel:", "one tap"),
    *(" ", "  ", "\n", "\r\n", "\t", ":", "(", ")", "a", "Jane Doe", "x", "ı", "ſ", "İ", "Σ"),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=25).map("".join))
def test_one_search_of_the_text_finds_every_line_a_search_per_line_finds(text):
    lines = dp._lines(text)
    headings = set(dp._lines_holding(dp._HEADING_KEYS, lines))
    assert {i for i, line in enumerate(lines) if dp._PEOPLE_HEADING.search(line)} <= headings
    for words, keys in (
        (dp._DIAL_IN_LINE, dp._DIAL_IN_LINE_KEYS),
        (dp._DIAL_IN_HEADING, dp._DIAL_IN_HEADING_KEYS),
    ):
        found = set(dp._lines_holding(keys, lines))
        assert {i for i, line in enumerate(lines) if words.found(line)} <= found


def _with_phones_reference(people: list[Person], text: str) -> tuple[Person, ...]:
    """with_phones without its gates: the matcher over the text without its dial-ins."""

    def variants(p: Person) -> list[str]:
        last, comma, first = p.name.partition(",")
        return [
            k for k in (p.name, f"{first.strip()} {last.strip()}" if comma else "", p.email) if k
        ]

    phones = _phones_near_reference(
        dp.without_dial_ins(text), [k for p in people for k in variants(p)]
    )
    out = []
    for p in people:
        phone = p.phone or next((phones[k] for k in variants(p) if k in phones), None)
        out.append(Person(p.name, p.email, phone, p.title))
    return tuple(out)


_SIGNATURE_PIECES = [
    *_PHONE_PIECES,
    *("\nJoin by phone\n", "Meeting ID: ", "\n\n", "İ", "ΑΣ", "Jane Doe\n", "Doe, Jane", "\r\n"),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SIGNATURE_PIECES), max_size=30).map("".join))
def test_with_phones_skips_only_what_the_matcher_would_not_give_out(text):
    people = [
        Person("Jane Doe", "jane@acme.example"),
        Person("Patel, Raj", ""),
        Person("ΑΣ Lee", ""),
    ]
    assert dp.with_phones(people, text) == _with_phones_reference(people, text)


# --- mailtext.parse_whole builds the tree the email package's feed parser builds ----------


def _tree(msg) -> tuple:
    fields = vars(msg)
    payload = fields.get("_payload")
    return (
        list(fields["_headers"]),
        fields["_unixfrom"],
        fields["_default_type"],
        msg.preamble,
        msg.epilogue,
        [(type(d).__name__, str(d)) for d in msg.defects],
        [_tree(p) for p in payload] if isinstance(payload, list) else payload,
    )


_MIME_BOUNDARIES = ["b", "bb", "b c", "=_x", "b."]
_MIME_JUNK = ["", "hello", "--", "-- x", "From me", " indented", ":colon", "a: b", "\xe9", "--b"]
_MIME_JUNK += ["--b--", "--bb", "--b  ", "=?utf-8?q?x?="]


def _mime(rnd, depth: int = 0) -> str:
    """A random message of nested parts, with the faults the parser has to meet."""

    def nl() -> str:
        return rnd.choice(["\n", "\r\n", "\r"])

    def header(ctype: str | None) -> str:
        lines = ["From someone"] if rnd.random() < 0.1 else []
        lines += [" continuation"] if rnd.random() < 0.05 else []
        lines += rnd.sample(
            ["Subject: hi", ": nope", "From x", "X-A: 1\n folded"], rnd.randint(0, 2)
        )
        cte = rnd.choice(["7bit", "base64", "x"])
        lines += [f"Content-Transfer-Encoding: {cte}"] if rnd.random() < 0.2 else []
        lines += [f"Content-Type: {ctype}"] if ctype else []
        return "".join(line + nl() for line in lines) + (nl() if rnd.random() < 0.9 else "")

    kind = rnd.random() if depth < 4 else 0.0
    if kind < 0.4:
        ctype = rnd.choice([None, "text/plain", "text/calendar; method=REQUEST"])
        return header(ctype) + "".join(
            rnd.choice(_MIME_JUNK) + nl() for _ in range(rnd.randint(0, 3))
        )
    if kind < 0.75:
        b = rnd.choice(_MIME_BOUNDARIES)
        sub = rnd.choice(["mixed", "alternative", "digest"])
        out = header(f'multipart/{sub}; boundary="{b}"' if rnd.random() < 0.95 else "multipart/x")
        out += "".join(rnd.choice(_MIME_JUNK) + nl() for _ in range(rnd.randint(0, 2)))
        for _ in range(rnd.randint(0, 3)):
            out += "--" + b + rnd.choice(["", " ", "\t", "  x"]) + nl()
            out += ("--" + b + nl()) if rnd.random() < 0.1 else ""
            out += _mime(rnd, depth + 1) + (nl() if rnd.random() < 0.2 else "")
        out += ("--" + b + "--" + rnd.choice(["", " ", nl()])) if rnd.random() < 0.8 else ""
        return out + "".join(nl() + rnd.choice(_MIME_JUNK) for _ in range(rnd.randint(0, 2)))
    if kind < 0.9:
        return header("message/rfc822") + _mime(rnd, depth + 1)
    return header("message/delivery-status") + "".join(
        header(None) + nl() for _ in range(rnd.randint(0, 3))
    )


@settings(max_examples=500, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_whole_message_parse_builds_the_feed_parsers_tree(rnd):
    from followup.core import mailtext

    raw = _mime(rnd).encode("utf-8")
    assert _tree(mailtext.parse_whole(raw)) == _tree(mailtext.parse_bytes(raw))


def test_the_whole_message_parse_reads_every_fixture_as_the_feed_parser_does():
    from followup.core import mailtext

    fixtures = Path(__file__).parent / "fixtures"
    paths = [p for p in sorted(fixtures.rglob("*")) if p.is_file() and p.suffix in (".eml", ".ics")]
    assert len(paths) > 90
    for path in paths:
        raw = path.read_bytes()
        assert _tree(mailtext.parse_whole(raw)) == _tree(mailtext.parse_bytes(raw)), path
    deep = b"Content-Type: message/rfc822\n\n" * 200 + b"Subject: deep\n\nhi\n"
    assert _tree(mailtext.parse_whole(deep)) == _tree(mailtext.parse_bytes(deep))


_PARAM_PIECES = ["text/plain", "application/ics", ";", " ", "name", "NAME", "Name*0*", "na", "me"]
# raw 8-bit bytes reach a parsed header as surrogate escapes
_PARAM_PIECES += ["=", '"', "invite.ics", "filename", "utf-8''x%2Eics", "*", "\\", "\udce9"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_PARAM_PIECES), max_size=10).map("".join),
    st.sampled_from([None, "attachment", "attachment; filename=a.ics", "inline"]),
)
def test_a_part_said_to_have_no_name_has_none(content_type, disposition):
    from email.message import Message

    from followup.core import mailtext

    part = Message()
    part.set_raw("Content-Type", content_type)
    if disposition is not None:
        part.set_raw("Content-Disposition", disposition)
    if not mailtext._may_be_named(part):
        assert part.get_filename() is None


@settings(max_examples=500, deadline=None)
@given(
    st.from_regex(
        re.compile(dp._HEADING_WORDS.removeprefix(r"(?<!\w)"), re.IGNORECASE), fullmatch=True
    )
)
def test_every_heading_holds_one_of_its_keys(heading):
    lines = dp._lines(heading)
    assert {i for i, line in enumerate(lines) if dp._PEOPLE_HEADING.search(line)} <= set(
        dp._lines_holding(dp._HEADING_KEYS, lines)
    )


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_every_dial_in_line_and_heading_holds_one_of_its_keys(data):
    for words, keys in (
        (dp._DIAL_IN_LINE, dp._DIAL_IN_LINE_KEYS),
        (dp._DIAL_IN_HEADING, dp._DIAL_IN_HEADING_KEYS),
    ):
        lines = dp._lines(data.draw(st.from_regex(words.caseless, fullmatch=True)))
        found = set(dp._lines_holding(keys, lines))
        assert {i for i, line in enumerate(lines) if words.found(line)} <= found


def test_dial_in_phrases_in_every_language_hold_their_keys():
    phrases = ["ID de conférence : 123", "ID de réunion", "Número de acceso", "ID da reunião"]
    phrases += ["Kenncode: 1", "Rejoindre par téléphone", "Unirse por teléfono", "TEL:+1"]
    phrases += ["Vergadering-ID", "Besprechungs-ID", "Toll-free", "Dial by your location"]
    kinds = (
        (dp._DIAL_IN_LINE, dp._DIAL_IN_LINE_KEYS),
        (dp._DIAL_IN_HEADING, dp._DIAL_IN_HEADING_KEYS),
    )
    for phrase in phrases:
        assert any(words.found(phrase) for words, _ in kinds), phrase
        for words, keys in kinds:
            if words.found(phrase):
                assert list(dp._lines_holding(keys, [phrase])) == [0], phrase


_CONTENT_TYPE_PIECES = ["text/plain", "text/calendar", "a/b/c", ";", " ", "\r\n\t", "=", '"']
_CONTENT_TYPE_PIECES += ["charset", "CharSet", "method", "METHOD", "utf-8", "UTF-8", "REQUEST"]
_CONTENT_TYPE_PIECES += ["name*", "*0*", "''", "%2E", "\\", "<x>", "(c)", "\udce9", "x", ","]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_CONTENT_TYPE_PIECES), max_size=14).map("".join))
def test_plain_content_type_parameters_read_as_get_param_reads_them(content_type):
    from email.message import Message
    from email.utils import collapse_rfc2231_value

    from followup.core import mailtext

    part = Message()
    part.set_raw("Content-Type", content_type)
    assert mailtext._content_charset(part) == part.get_content_charset()
    method = part.get_param("method")
    method = collapse_rfc2231_value(method) if isinstance(method, tuple) else method
    assert mailtext._method_param(part) == method


_CTYPE_VALUES = ["text/plain", " TEXT/Calendar ; method=x", "text", "a/b/c", "", "x/\xe9", "  "]
_CTYPE_VALUES += ['multipart/digest; boundary="b"', "message/rfc822", "text/html;"]


def _walk(msg):
    yield msg
    payload = msg.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            yield from _walk(sub)


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_whole_parse_reads_each_parts_content_type_as_the_message_does(rnd):
    from followup.core import whole_parser

    def part() -> str:
        names = rnd.choices(["Content-Type", "content-TYPE", "X-A", "Content-Types"], k=2)
        head = "".join(f"{n}: {rnd.choice(_CTYPE_VALUES)}\n" for n in names)
        return head + rnd.choice(["", " folded\n"]) + "\nbody\n"

    parts = "".join(f"--b\n{part()}" for _ in range(rnd.randint(0, 3)))
    raw = part() if rnd.random() < 0.3 else ""
    raw += f'Content-Type: multipart/{rnd.choice(["mixed", "digest"])}; boundary="b"\n\n'
    raw += parts + "--b--\n"
    parsed = whole_parser.parse(raw.encode("utf-8"))
    assert parsed is not None
    msg, content_type = parsed
    for each in _walk(msg):
        assert content_type(each) == each.get_content_type()


def _own_text_reference(text: str) -> str:
    """own_text as it read every line with all three patterns."""
    from followup.core import detect_people as dp

    lines = dp._lines(text)
    kept: list[str] = []
    for i, line in enumerate(lines):
        if dp._QUOTE_MARKER.match(line):
            break
        if (
            dp._HEADER_FROM.match(line)
            and i + 1 < len(lines)
            and dp._HEADER_SENT.match(lines[i + 1])
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)


_OWN_TEXT_LINES = ["From: Ana", "**Von:** x", " de : y", "Sent: Monday", "Date: now", "ſent: x"]
_OWN_TEXT_LINES += ["> quoted", "-- Original Message", "On Mon, Ana wrote:", "\tEl lunes escribió:"]
_OWN_TEXT_LINES += ["Begin forwarded message:", "hello", "", "  ", "\u2028", "Léa", "FROM: Bo"]
_OWN_TEXT_LINES += ["Le 3 mai, x a écrit :", "Em 2, y escreveu:", "ſrom: z", "*from*: q"]
_OWN_TEXT_LINES += ["on Tue, b wrote:", " op 3, c schreef:", "am 1, d schrieb:", "vAN: e", "dE: f"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_OWN_TEXT_LINES), max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_own_text_cuts_where_every_pattern_read_on_every_line_cuts(lines, newline):
    from followup.core import detect_people as dp

    text = newline.join(lines)
    assert dp.own_text(text) == _own_text_reference(text)
    again = dp.own_text(text)
    assert dp.own_text(again) == _own_text_reference(again)


_SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2028"]
_SPACES += ["\u3000"]
_SPACES += ["\u200b", "\ufeff", "\u180e"]  # not whitespace to either


@given(st.text(alphabet=st.sampled_from(_SPACES + ["a", "é", "-"]), max_size=30))
def test_normalise_space_collapses_what_the_whitespace_pattern_collapses(text):
    import re

    from followup.core import mailtext

    assert mailtext.normalise_space(text) == re.sub(r"\s+", " ", text).strip()


def _lines_holding_reference(keys, lines):
    """_lines_holding as it mapped each hit to its line by a table of line starts."""
    import bisect
    import itertools

    from followup.core import detect_text

    joined = "\n".join(lines)
    if detect_text.has_case_twin(joined):
        return list(range(len(lines)))
    lowered = joined.lower()
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    found: set[int] = set()
    for key in keys:
        pos = lowered.find(key)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            found.add(i)
            pos = lowered.find(key, starts[i + 1])
    return sorted(found)


_HOLDING_PIECES = ["", "Panel", "interview", "INTERVIEWER", "x", " ", "ſ", "İ", "meet", "ß", "pan"]


@given(
    st.lists(st.lists(st.sampled_from(_HOLDING_PIECES), max_size=4).map("".join), max_size=8),
    st.lists(st.sampled_from(["interview", "panel", "meet", "el", "x", "ss"]), max_size=3),
)
def test_lines_holding_finds_the_lines_a_table_of_line_starts_finds(lines, keys):
    from followup.core import detect_people as dp

    assert list(dp._lines_holding(keys, lines)) == _lines_holding_reference(keys, lines)
