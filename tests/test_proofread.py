"""check_draft: the checks a thank-you passes before the user approves it."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from followup.core import proofread, render
from followup.core.proofread import MAX_BODY_CHARS, check_draft, phrase_warnings

DAY = date(2026, 12, 1)  # a Tuesday
KNOWN = ("Priya Raman", "Acme Robotics", "Senior Platform Engineer", "Sam Lee")

# A real, well-written thank-you of 150 words: names, company, k8s, 40%, gRPC,
# on-call, contractions, a URL and an email address. Must give no warning.
CLEAN = """Dear Priya,

Thank you for meeting with me today about the Senior Platform Engineer role at Acme Robotics. \
I enjoyed hearing how your team moved its k8s clusters to gRPC services and cut their deploy \
times by 40%.

I'm excited about the on-call rotation you described. Priya, your point about blameless \
postmortems stayed with me; it's how I've run incidents at my current job, and I don't think \
a team can learn without it. Raman's question about rollbacks was a good one, and I'd like \
to give it a fuller answer.

The design I mentioned is at https://github.com/sam-lee/rollout-notes, and I'd be glad to \
walk through it with you and the team. You can reach me at sam.lee@example.com or 555-0142.

I am confident I can do the work you need done. We'll talk soon, I hope. Thank you again for \
your time and for a thoughtful conversation.

Best regards,
Sam Lee
"""
CLEAN_SUBJECT = "Thank you for today's conversation about the Senior Platform Engineer role"


def check(body: str, subject: str = "Thank you", **kwargs: object) -> tuple[str, ...]:
    return check_draft(subject, body, **kwargs)  # type: ignore[arg-type]


def test_clean_note_has_150_words_and_no_warning():
    assert len(CLEAN.split()) == 150
    assert check_draft(CLEAN_SUBJECT, CLEAN, known_words=KNOWN, today=DAY, interview_day=DAY) == ()


# (subject, body, exact warnings); the body is one line unless it says otherwise
CASES = [
    # 1. misspellings
    (
        "Thank you",
        "I hope to recieve your notes.",
        ['line 1: "recieve" looks misspelled (receive?)'],
    ),
    ("Thank you", "Recieve my thanks.", ['line 1: "Recieve" looks misspelled (Receive?)']),
    ("Thnak you", "Thanks.", ['subject: "Thnak" looks misspelled (Thank?)']),
    (
        "Thank you",
        "Our talk was well-recieved.",
        ['line 1: "recieved" looks misspelled (received?)'],
    ),
    ("Thank you", "Thanks.\n\nThe tema was kind.", ['line 3: "tema" looks misspelled (team?)']),
    # skipped: names mid-sentence, internal capitals, acronyms, digits, URLs, email, contractions
    ("Thank you", "I met Zorblax and Quenby at GitHub about AWS, EKS and v2 of k8s.", []),
    ("Thank you", "I'm sure we'll talk; I don't doubt it, and they'd agree it's true.", []),
    ("Thank you", "See https://exampel.com/qwzx or write to qwzx@exampel.com today.", []),
    ("Thank you", "Terraform, Kafka, grpc, graphql, postgres, devops and microservices.", []),
    ("Thank you", "Priyanka asked me.", ['line 1: "Priyanka" looks misspelled']),
    # 2. emoji and emoticons
    ("Thank you", "Thanks 🙂", ['line 1: emoji "🙂": leave emoji out of a thank-you']),
    ("Thank you", "Great team 👍🏽 here", ['line 1: emoji "👍🏽": leave emoji out of a thank-you']),
    ("Thank you", "Thanks :)", ['line 1: emoji ":)": leave emoji out of a thank-you']),
    (
        "Thank you",
        "Thanks :-) and ;)",
        [
            'line 1: emoji ":-)": leave emoji out of a thank-you',
            'line 1: emoji ";)": leave emoji out of a thank-you',
        ],
    ),
    ("Thank you", "Loved it :D", ['line 1: emoji ":D": leave emoji out of a thank-you']),
    ("Thank you ❤️", "Thanks.", ['subject: emoji "❤️": leave emoji out of a thank-you']),
    ("Thank you", "We met at 10:30 (room 2:1) for the note: Dear team.", []),
    # 3. exclamation marks
    ("Thank you", "Thank you!!", ['line 1: "!!": one "!" at most']),
    (
        "Thank you!",
        "It was great!",
        ['line 1: "!" in 2 places (the subject, line 1): one in the whole note at most'],
    ),
    (
        "Thank you",
        "Thanks!\n\nGreat talk!!!",
        [
            'line 3: "!!!": one "!" at most',
            'line 3: "!" in 2 places (line 1, line 3): one in the whole note at most',
        ],
    ),
    ("Thank you", "Thank you for your time!", []),
    # 4. slang
    (
        "Thank you",
        "I'm gonna study it, lol.",
        [
            'line 1: "gonna" is too casual for a thank-you',
            'line 1: "lol" is too casual for a thank-you',
        ],
    ),
    (
        "Thank you",
        "I am super excited about it.",
        ['line 1: "super excited" is too casual for a thank-you'],
    ),
    (
        "Thank you",
        "Thank u for the talk, it was Awesome.",
        [
            'line 1: "u" is too casual for a thank-you',
            'line 1: "Awesome" is too casual for a thank-you',
        ],
    ),
    ("Thank you", "The U.S. team and the coolest demo.", []),
    (
        "Thank you",
        "BTW, yeah.",
        [
            'line 1: "BTW" is too casual for a thank-you',
            'line 1: "yeah" is too casual for a thank-you',
        ],
    ),
    # 5. capitals
    (
        "Thank you",
        "I REALLY enjoyed it.",
        ['line 1: "REALLY" in capitals reads as shouting: write it in normal case'],
    ),
    (
        "THANK YOU",
        "Thanks.",
        ['subject: "THANK YOU" in capitals reads as shouting: write it in normal case'],
    ),
    ("Thank you", "We use REST, JSON and HTML at NASA on AWS GCP.", []),
    # 6. long sentences
    (
        "Thank you",
        "I enjoyed " + "the talk and " * 15 + "the demo.",
        [
            'line 1: a sentence of 49 words starts here ("I enjoyed the talk and the ..."): '
            "split it; up to 40 read well"
        ],
    ),
    (
        "Thank you",
        "Thanks.\n\nI enjoyed\n" + "the talk and\n" * 14 + "more.",
        [
            'line 3: a sentence of 45 words starts here ("I enjoyed the talk and the ..."): '
            "split it; up to 40 read well"
        ],
    ),
    ("Thank you", "I enjoyed " + "the talk. " * 30, []),
    # 7. placeholders
    (
        "Thank you",
        "I would love to join [Company].",
        ['line 1: placeholder "[Company]" left in: fill it in or take it out'],
    ),
    (
        "Thank you",
        "Dear {{ name }},",
        ['line 1: placeholder "{{ name }}" left in: fill it in or take it out'],
    ),
    (
        "Thank you",
        "Dear <name>, TODO add the part about TBD.",
        [
            'line 1: placeholder "<name>" left in: fill it in or take it out',
            'line 1: placeholder "TODO" left in: fill it in or take it out',
            'line 1: placeholder "TBD" left in: fill it in or take it out',
        ],
    ),
    (
        "Thank you {% if role %}",
        "Lorem ipsum dolor.",
        [
            'subject: placeholder "{% if role %}" left in: fill it in or take it out',
            'line 1: placeholder "Lorem" left in: fill it in or take it out',
        ],
    ),
    (
        "Thank you",
        "See XXX for details ] and more",
        [
            'line 1: placeholder "XXX" left in: fill it in or take it out',
            'line 1: placeholder "]" left in: fill it in or take it out',
        ],
    ),
    # 9. pushy phrases (phrase_warnings' own format)
    (
        "Thank you",
        "Thanks.\nJust checking in on the role.",
        ['line 2: "just checking in" sounds pushy or needy: Just checking in on the role.'],
    ),
    ("Any update?", "Thanks.", ['subject: "any update" sounds pushy or needy: Any update?']),
    # 10. spelling convention (en_US by default)
    (
        "Thank you",
        "My favourite part was the colour scheme.",
        [
            'line 1: "favourite" is British spelling: "favorite" in American English',
            'line 1: "colour" is British spelling: "color" in American English',
        ],
    ),
    (
        "Thank you",
        "Organised and prioritising, I realised it.",
        [
            'line 1: "Organised" is British spelling: "Organized" in American English',
            'line 1: "prioritising" is British spelling: "prioritizing" in American English',
            'line 1: "realised" is British spelling: "realized" in American English',
        ],
    ),
    (
        "Thank you",
        "The programme travelled to the centre.",
        [
            'line 1: "programme" is British spelling: "program" in American English',
            'line 1: "travelled" is British spelling: "traveled" in American English',
            'line 1: "centre" is British spelling: "center" in American English',
        ],
    ),
    # several kinds on one line: by kind, then column
    (
        "Thank you",
        "I wanna recieve it!! 🙂",
        [
            'line 1: "recieve" looks misspelled (receive?)',
            'line 1: "wanna" is too casual for a thank-you',
            'line 1: emoji "🙂": leave emoji out of a thank-you',
            'line 1: "!!": one "!" at most',
        ],
    ),
]


@pytest.mark.parametrize(("subject", "body", "expected"), CASES)
def test_check_draft_table(subject, body, expected):
    assert check(body, subject) == tuple(expected)


def test_table_has_enough_cases():
    assert len(CASES) >= 40


def test_spell_checker_really_runs_and_suggests():
    warnings = check("I am very intrested in the role.")
    assert warnings == ('line 1: "intrested" looks misspelled (interested?)',)
    assert "interested?" in warnings[0]


def test_known_words_are_split_and_allowed():
    body = "Zorblax said Quenbyco is hiring.\n\nZorblax-Smith agreed."
    assert len(check(body)) == 2
    assert check(body, known_words=["Zorblax-Smith", "Quenbyco, Inc."]) == ()


# --------------------------------------------------------------------------- timing


TIMING = "Thank you for today's conversation. I enjoyed this morning."


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DAY, ()),
        (
            DAY + timedelta(days=1),
            (
                'subject: "today" no longer fits: the interview was on Tuesday, December 1',
                'line 1: "today" no longer fits: the interview was on Tuesday, December 1',
                'line 1: "this morning" no longer fits: the interview was on Tuesday, December 1',
            ),
        ),
        (
            DAY - timedelta(days=1),
            (
                'subject: "today" does not fit yet: the interview is on Tuesday, December 1',
                'line 1: "today" does not fit yet: the interview is on Tuesday, December 1',
                'line 1: "this morning" does not fit yet: the interview is on Tuesday, December 1',
            ),
        ),
    ],
)
def test_same_day_words(today, expected):
    assert check_draft("Thanks for today", TIMING, today=today, interview_day=DAY) == expected


@pytest.mark.parametrize(
    ("days_after", "expected"),
    [
        (0, ('line 1: "Yesterday" does not fit: the interview is today, Tuesday, December 1',)),
        (1, ()),
        (2, ('line 1: "Yesterday" no longer fits: the interview was on Tuesday, December 1',)),
    ],
)
def test_yesterday(days_after, expected):
    today = DAY + timedelta(days=days_after)
    assert check("Yesterday was a good talk.", today=today, interview_day=DAY) == expected


def test_tomorrow_fits_only_on_the_day():
    body = "I will send the notes tomorrow."
    assert check(body, today=DAY, interview_day=DAY) == ()
    later = check(body, today=DAY + timedelta(days=1), interview_day=DAY)
    assert later == ('line 1: "tomorrow" no longer fits: the interview was on Tuesday, December 1',)


def test_earlier_today_is_one_warning():
    warnings = check("As I said earlier today, thanks.", today=date(2026, 12, 2), interview_day=DAY)
    assert warnings == (
        'line 1: "earlier today" no longer fits: the interview was on Tuesday, December 1',
    )


def test_timing_needs_both_dates():
    assert check("Thanks for today.", today=DAY + timedelta(days=3)) == ()
    assert check("Thanks for today.", interview_day=DAY) == ()


# --------------------------------------------------------------------------- locale


def test_british_locale_flags_american_forms():
    body = "My favorite part: we organized the program and I analyzed the color data."
    assert check(body, locale="en_GB") == (
        'line 1: "favorite" is American spelling: "favourite" in British English',
        'line 1: "organized" is American spelling: "organised" in British English',
        'line 1: "analyzed" is American spelling: "analysed" in British English',
        'line 1: "color" is American spelling: "colour" in British English',
    )
    # British forms are right there and never misspellings
    assert check("My favourite colour; we organised it and I apologise.", locale="en_GB") == ()


def test_other_locales_have_no_convention_check():
    assert check("My favourite color.", locale="de_DE") == ()
    assert len(check("My favourite color.", locale="en-US")) == 1


# --------------------------------------------------------------------------- bounds


def test_long_body_is_capped_and_says_so():
    body = "Thanks for the talk. " * (MAX_BODY_CHARS // 10)
    warnings = check(body)
    assert (
        warnings[0]
        == f"text: over {MAX_BODY_CHARS} characters: only the first {MAX_BODY_CHARS} were checked"
    )


def test_warnings_are_capped():
    body = "\n".join(f"wanna {i}." for i in range(100))
    warnings = check(body)
    assert len(warnings) == proofread.MAX_WARNINGS + 1
    assert warnings[-1] == "and 60 more problems"


@pytest.mark.parametrize(
    "unit",
    ["!", "[", "{{", "a'", "a-", ":)", "🙂", "Aa ", "AA ", "x@", "http://", "-\n", "u.", " "],
)
def test_hostile_text_stays_fast(unit):
    body = unit * (MAX_BODY_CHARS // len(unit) + 1)
    start = time.perf_counter()
    check_draft(body, body, known_words=[body], today=DAY, interview_day=DAY + timedelta(days=1))
    assert time.perf_counter() - start < 2.0


def test_speed_after_warm_up():
    check_draft(CLEAN_SUBJECT, CLEAN, known_words=KNOWN)  # loads the dictionary once
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        check_draft(CLEAN_SUBJECT, CLEAN, known_words=KNOWN, today=DAY, interview_day=DAY)
    assert (time.perf_counter() - start) / runs < 0.05


# --------------------------------------------------------------------------- the move


def test_render_still_exports_the_phrase_check():
    assert render.phrase_warnings is phrase_warnings
    assert render.FLAGGED_PHRASES is proofread.FLAGGED_PHRASES


# --------------------------------------------------------------------------- built-in drafts


def test_builtin_thank_you_passes_on_the_interview_day():
    """The built-in template must not make `approve --all` skip every draft."""
    from followup.core.template_checks import sample_context

    s = sample_context()
    env = render.make_environment()
    for debrief in (s.debrief, None):
        e = render.render_thank_you(
            env, interview=s.interview, person=s.person, debrief=debrief, me=s.me
        )
        known = (s.person.name, s.me.name, s.interview.company, s.interview.role)
        day = s.interview.start.date()
        assert check_draft(e.subject, e.body, known_words=known, today=day, interview_day=day) == ()


# --------------------------------------------------------------------------- linear time


def _proofread_patterns():
    from test_linear_time import _inline_patterns, _module_patterns

    found = [(name, p, "search") for name, p in _module_patterns(proofread)]
    return found + _inline_patterns(proofread)


@pytest.mark.parametrize(
    ("name", "pattern", "method"),
    _proofread_patterns(),
    ids=[name for name, _, _ in _proofread_patterns()],
)
def test_pattern_is_linear_on_adversarial_input(name, pattern, method):
    """test_linear_time's 2 MB inputs on this module's patterns (it guards the mail readers)."""
    from test_linear_time import BOUND, _run, adversarial_inputs, elapsed

    slow = []
    for text in adversarial_inputs(pattern):
        took = elapsed(lambda text=text: _run(pattern, method, text))
        if took >= BOUND:
            slow.append(f"{took:.1f} s on {text[:40]!r}")
    assert not slow, f"{name}: " + "; ".join(slow)
