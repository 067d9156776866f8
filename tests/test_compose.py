"""The composer: each row is an answer as people type it, the exact sentence it must
become (or "" for the generic sentence) and, for an answer left out, a piece of the
warning that says why. Property tests run over every row of the table."""

from __future__ import annotations

import re
import time

import pytest

from followup.core.compose import (
    Line,
    better_answer_line,
    content_words,
    first_name,
    fix_line,
    items,
    join_items,
    requirement_line,
    thank_you_line,
)

PRIYA = "Priya Sharma"
ANNA = "Anna Berg"
CHLOE = "Chloé Martin"
LONG = " ".join(["the long story about how we built the platform"] * 6)
EMPTY = dict(remember="", talked_about="", went_well="", topics="")

TY_ROWS = [
    pytest.param(
        dict(remember="she asked how I would cut build times"),
        ("You asked how I would cut build times, and I have kept thinking about it since."),
        "",
        id="asked-she",
    ),
    pytest.param(
        dict(remember="asked about my Kafka work"),
        ("You asked about my Kafka work, and I have kept thinking about it since."),
        "",
        id="asked-bare",
    ),
    pytest.param(
        dict(remember="his question on testing"),
        "You asked about testing, and I have kept thinking about it since.",
        "",
        id="asked-his-question",
    ),
    pytest.param(
        dict(remember="Priya asked me whether I had led a team"),
        ("You asked me whether I had led a team, and I have kept thinking about it since."),
        "",
        id="asked-own-name",
    ),
    pytest.param(
        dict(remember="he said the team is moving to Rust"),
        "I was glad to hear that the team is moving to Rust.",
        "",
        id="said-he",
    ),
    pytest.param(
        dict(remember="mentioned they ship daily"),
        "I was glad to hear that you ship daily.",
        "",
        id="said-mentioned-they",
    ),
    pytest.param(
        dict(remember="the remote-first culture"),
        "What you said about the remote-first culture stayed with me.",
        "",
        id="remember-noun-phrase",
    ),
    pytest.param(
        dict(remember="told me about the roadmap"),
        "What you said about the roadmap stayed with me.",
        "",
        id="remember-told-me-about",
    ),
    pytest.param(
        dict(remember="Priya's team is hiring"),
        "I was glad to hear that your team is hiring.",
        "",
        id="remember-possessive-name",
    ),
    pytest.param(
        dict(remember="I said I said I hate being on call"),
        "",
        "it is about you, not something they said or asked",
        id="remember-first-person-stutter",
    ),
    pytest.param(
        dict(remember="Anna asked about Go"),
        "",
        "it is about Anna, whose note is their own",
        id="remember-other-name",
    ),
    pytest.param(
        dict(remember="Ms. Sharma asked about my k8s setup"),
        "You asked about my k8s setup, and I have kept thinking about it since.",
        "",
        id="remember-title-surname",
    ),
    pytest.param(
        dict(remember="asked about asked about my C# work"),
        "You asked about my C# work, and I have kept thinking about it since.",
        "",
        id="remember-stutter",
    ),
    pytest.param(
        dict(remember="um, she said that they deploy 40 times a day"),
        "I was glad to hear that you deploy 40 times a day.",
        "",
        id="remember-filler-that",
    ),
    pytest.param(
        dict(remember="what was her name again?"), "", "it is a question", id="remember-question"
    ),
    pytest.param(
        dict(remember="nothing really"),
        "",
        "it says nothing that can be used",
        id="remember-nothing",
    ),
    pytest.param(
        dict(remember="[something she said]"),
        "",
        "it holds a placeholder",
        id="remember-placeholder",
    ),
    pytest.param(
        dict(remember="she asks what I would change in her team's CI"),
        (
            "You asked what I would change in your team's CI, and I have kept "
            "thinking about it since."
        ),
        "",
        id="remember-agreement",
    ),
    pytest.param(
        dict(remember="her question about gRPC streaming 😀"),
        ("You asked about gRPC streaming, and I have kept thinking about it since."),
        "",
        id="remember-emoji",
    ),
    pytest.param(
        dict(remember="- Kafka\n- testing"),
        "",
        "it lists several things; it should be one thing they said or asked",
        id="remember-list",
    ),
    pytest.param(
        dict(talked_about="Kafka, testing and CI"),
        "I enjoyed talking with you about Kafka, testing and CI.",
        "",
        id="talked-list-inline",
    ),
    pytest.param(
        dict(talked_about="- kafka\n- testing\n- Priya's team"),
        "I enjoyed talking with you about kafka, testing and your team.",
        "",
        id="talked-bullets-name",
    ),
    pytest.param(
        dict(talked_about="we discuss about the architecture and my experiences in Java"),
        ("I enjoyed talking with you about the architecture and my experiences in Java."),
        "",
        id="talked-non-native",
    ),
    pytest.param(
        dict(talked_about="her team's roadmap; their stack"),
        "I enjoyed talking with you about your team's roadmap and your stack.",
        "",
        id="talked-pronouns",
    ),
    pytest.param(
        dict(talked_about="the team is moving"),
        "",
        "it reads as a sentence, not a topic",
        id="talked-clause",
    ),
    pytest.param(
        dict(talked_about="* on-call\n* Anna's migration project"),
        "I enjoyed talking with you about on-call.",
        "",
        id="talked-other-dropped",
    ),
    pytest.param(
        dict(talked_about="talked about k8s lol"),
        "I enjoyed talking with you about k8s.",
        "",
        id="talked-lol",
    ),
    pytest.param(dict(talked_about="   \n  "), "", "", id="talked-whitespace"),
    pytest.param(
        dict(talked_about="we talked about we talked about observability"),
        "I enjoyed talking with you about observability.",
        "",
        id="talked-stutter",
    ),
    pytest.param(
        dict(talked_about="discussed Chloé's team"),
        "",
        "it is about Chloé, whose note is their own",
        id="talked-only-other",
    ),
    pytest.param(
        dict(went_well="nothing, it went badly"), "", "it reads as negative", id="well-negative"
    ),
    pytest.param(
        dict(went_well="the system design round"),
        "I especially enjoyed our conversation about the system design round.",
        "",
        id="well-topic",
    ),
    pytest.param(
        dict(went_well="I think the system design part went well"),
        "I especially enjoyed our conversation about the system design part.",
        "",
        id="well-i-think",
    ),
    pytest.param(
        dict(went_well="they liked my system design answer"),
        "I especially enjoyed our conversation about my system design answer.",
        "",
        id="well-they-liked",
    ),
    pytest.param(
        dict(went_well="maybe the coding part?"), "", "it sounds unsure", id="well-hedged-question"
    ),
    pytest.param(
        dict(went_well="I think it went ok?"), "", "it sounds unsure", id="well-hedged-ok"
    ),
    pytest.param(
        dict(went_well="we had a great chat about observability"),
        "I especially enjoyed our conversation about observability.",
        "",
        id="well-great-chat",
    ),
    pytest.param(
        dict(went_well="the part where we whiteboarded the cache"),
        "",
        "it reads as a sentence, not a topic",
        id="well-part-where",
    ),
    pytest.param(
        dict(went_well="I explained my project clearly"),
        "",
        "it reads as a sentence, not a topic",
        id="well-first-person",
    ),
    pytest.param(
        dict(went_well="talking about k8s and gRPC 🙂"),
        "I especially enjoyed our conversation about k8s and gRPC.",
        "",
        id="well-emoji-trailing",
    ),
    pytest.param(
        dict(went_well="it went well"), "", "it says nothing that can be used", id="well-it"
    ),
    pytest.param(
        dict(went_well="The coding part was fun"),
        "I especially enjoyed our conversation about the coding part.",
        "",
        id="well-was-fun",
    ),
    pytest.param(
        dict(went_well="our discussion of the 40% infra cost cut"),
        "I especially enjoyed our conversation about the 40% infra cost cut.",
        "",
        id="well-our-discussion",
    ),
    pytest.param(dict(went_well="it was awful"), "", "it reads as negative", id="well-awful"),
    pytest.param(dict(went_well=LONG), "", "it is over 40 words", id="well-too-long"),
    pytest.param(
        dict(went_well="The design round. Then we chatted about pets."),
        "",
        "it has several sentences",
        id="well-several-sentences",
    ),
    pytest.param(
        dict(went_well="the system design round, tbh"), "", "it has emoji or slang", id="well-slang"
    ),
    pytest.param(
        dict(went_well="she liked my answer on caching"),
        "I especially enjoyed our conversation about my answer on caching.",
        "",
        id="well-she-liked",
    ),
    pytest.param(dict(went_well="idk"), "", "it says nothing that can be used", id="well-idk"),
    pytest.param(dict(went_well="n/a"), "", "it says nothing that can be used", id="well-na"),
    pytest.param(dict(went_well="-"), "", "it says nothing that can be used", id="well-dash"),
    pytest.param(
        dict(went_well="the 🔥 design round"), "", "it has emoji or slang", id="well-emoji-middle"
    ),
    pytest.param(
        dict(topics="salary"), "I especially enjoyed talking about salary.", "", id="topics-salary"
    ),
    pytest.param(
        dict(topics="1. k8s\n2) gRPC\n3. C#"),
        "I especially enjoyed talking about k8s, gRPC and C#.",
        "",
        id="topics-numbered",
    ),
    pytest.param(
        dict(topics="Go; Kafka"),
        "I especially enjoyed talking about Go and Kafka.",
        "",
        id="topics-semicolons",
    ),
    pytest.param(
        dict(topics="discussed kafka"),
        "I especially enjoyed talking about kafka.",
        "",
        id="topics-lead-in",
    ),
    pytest.param(
        dict(topics="covered system design, SQL and a bit of Go"),
        "I especially enjoyed talking about system design, SQL and a bit of Go.",
        "",
        id="topics-covered",
    ),
    pytest.param(
        dict(topics="• testing • CI"),
        "I especially enjoyed talking about testing and CI.",
        "",
        id="topics-dots",
    ),
    pytest.param(
        dict(topics="we covered the Kafka pipeline; Anna's team"),
        "I especially enjoyed talking about the Kafka pipeline.",
        "",
        id="topics-other-dropped",
    ),
    pytest.param(
        dict(topics="her team and the roadmap"),
        "",
        "it says he or she and it is not clear who",
        id="topics-her",
    ),
    pytest.param(
        dict(topics="the architecture of there sytem"),
        "I especially enjoyed talking about the architecture of there sytem.",
        "",
        id="topics-typo",
    ),
    pytest.param(
        dict(topics="like, the database stuff"),
        "I especially enjoyed talking about the database stuff.",
        "",
        id="topics-like",
    ),
    pytest.param(
        dict(topics="{{ topics }}"), "", "it holds a placeholder", id="topics-placeholder"
    ),
    pytest.param(dict(topics="How do they deploy?"), "", "it is a question", id="topics-question"),
    pytest.param(
        dict(remember="she was super friendly"),
        "",
        "it describes them rather than something they said or asked",
        id="remember-describes-them",
    ),
    pytest.param(
        dict(remember="she mentions they ship daily"),
        "I was glad to hear that you ship daily.",
        "",
        id="remember-mentions-agreement",
    ),
    pytest.param(
        dict(went_well="they seemed to like my answer"),
        "I especially enjoyed our conversation about my answer.",
        "",
        id="well-seemed-to-like",
    ),
    pytest.param(
        dict(went_well="good rapport"),
        "",
        "it is a judgement, not a topic of the conversation",
        id="well-judgement",
    ),
    pytest.param(
        dict(went_well="everything"), "", "it says nothing that can be used", id="well-everything"
    ),
    pytest.param(
        dict(went_well="Chloé laughed at my joke; the Kafka deep dive"),
        "I especially enjoyed our conversation about the Kafka deep dive.",
        "",
        id="well-stranger-dropped",
    ),
    pytest.param(
        dict(topics="distributed systems; caching"),
        "I especially enjoyed talking about distributed systems and caching.",
        "",
        id="topics-participle-start",
    ),
    pytest.param(
        dict(talked_about="what I'd do in my first 90 days"),
        "I enjoyed talking with you about what I'd do in my first 90 days.",
        "",
        id="talked-wh",
    ),
    pytest.param(
        dict(remember="nothing", talked_about="Kafka"),
        "I enjoyed talking with you about Kafka.",
        "it says nothing that can be used",
        id="order-remember-skipped",
    ),
    pytest.param(dict(), "", "", id="order-all-empty"),
    pytest.param(
        dict(remember="it was awful", went_well="not sure", topics="Go"),
        "I especially enjoyed talking about Go.",
        "it sounds unsure",
        id="order-two-skipped",
    ),
    pytest.param(
        dict(remember="asked about Go", talked_about="Kafka", went_well="testing", topics="CI"),
        "You asked about Go, and I have kept thinking about it since.",
        "",
        id="order-remember-wins",
    ),
]

ANNA_ROWS = [
    pytest.param(
        dict(went_well="- Anna liked my answer\n- Chloé laughed at my joke"),
        "I especially enjoyed our conversation about my answer.",
        "",
        id="anna-own-note",
    ),
    pytest.param(
        dict(talked_about="- Anna's roadmap\n- Priya's hiring plans"),
        "I enjoyed talking with you about your roadmap.",
        "",
        id="anna-other-bullets",
    ),
]

FIX_ROWS = [
    pytest.param(
        dict(
            meant="I actually enjoy on-call when the rotation is fair",
            wish_not_said="I said I hate being on call",
        ),
        (
            "I want to put one thing better than I did: I actually enjoy on-call "
            "when the rotation is fair."
        ),
        "",
        id="fix-enjoy",
    ),
    pytest.param(
        dict(meant="that I like on-call if it's organised", wish_not_said="on call sucks"),
        ("I want to put one thing better than I did: I like on-call if it's organised."),
        "",
        id="fix-that",
    ),
    pytest.param(
        dict(
            meant="meant: on-call is fine with a good rotation",
            wish_not_said="I said my old team was better",
        ),
        ("Let me put one point more clearly: on-call is fine with a good rotation."),
        "",
        id="fix-meant-label",
    ),
    pytest.param(
        dict(meant="", wish_not_said="salary"),
        "",
        'call 1 needs "what did I mean instead" to say it better',
        id="fix-empty-meant",
    ),
    pytest.param(dict(meant="", wish_not_said=""), "", "", id="fix-both-empty"),
    pytest.param(
        dict(meant="idk", wish_not_said="I said I hate meetings"),
        "",
        "it says nothing that can be used",
        id="fix-idk",
    ),
    pytest.param(
        dict(meant="on-call", wish_not_said="I said I hate being on call"),
        "",
        "it is too bare to say on the phone",
        id="fix-bare",
    ),
    pytest.param(
        dict(
            meant="I meant I meant that I like pairing with juniors",
            wish_not_said="juniors slow me down",
        ),
        ("I want to put one thing better than I did: I like pairing with juniors."),
        "",
        id="fix-stutter",
    ),
    pytest.param(
        dict(
            meant="I am fine with on-call. I just want a fair rotation.",
            wish_not_said="on-call is unfair",
        ),
        "",
        "it has several sentences",
        id="fix-sentences",
    ),
    pytest.param(
        dict(
            meant="um what I meant was I want to grow into a lead role",
            wish_not_said="I said I don't want to manage people",
        ),
        ("I want to put one thing better than I did: I want to grow into a lead role."),
        "",
        id="fix-what-i-meant",
    ),
    pytest.param(
        dict(
            meant="Priya's team could use my Rust experience",
            wish_not_said="I said Rust is overrated",
            recipient="Priya Sharma",
        ),
        ("I want to put one thing better than I did: your team could use my Rust experience."),
        "",
        id="fix-name",
    ),
    pytest.param(
        dict(
            meant="I learned a lot at every job",
            wish_not_said="my last job was better, and that thing I put",
        ),
        "To be clear: I learned a lot at every job.",
        "",
        id="fix-frame-clash",
    ),
]

BETTER_ROWS = [
    pytest.param(
        dict(wish_said="should've mentioned the 40% infra cost cut"),
        ("After we spoke, it struck me that I had not told you about the 40% infra cost cut."),
        "",
        id="better-shouldve",
    ),
    pytest.param(
        dict(wish_said="that I led the migration"),
        ("After we spoke, it struck me that I had not mentioned that I led the migration."),
        "",
        id="better-that-i",
    ),
    pytest.param(
        dict(wish_said="my mentoring experience"),
        ("After we spoke, it struck me that I had not told you about my mentoring experience."),
        "",
        id="better-np",
    ),
    pytest.param(
        dict(wish_said="I never talked about my open source work"),
        ("After we spoke, it struck me that I had not told you about my open source work."),
        "",
        id="better-never-talked",
    ),
    pytest.param(
        dict(wish_said="salary"), "", "it is too bare to say on the phone", id="better-one-word"
    ),
    pytest.param(
        dict(wish_said="course"), "", "it is too bare to say on the phone", id="better-course"
    ),
    pytest.param(
        dict(wish_said="should've mentioned should've mentioned the 40% infra cost cut"),
        ("After we spoke, it struck me that I had not told you about the 40% infra cost cut."),
        "",
        id="better-stutter",
    ),
    pytest.param(
        dict(wish_said="how I cut infra costs by 40%"),
        (
            "After we spoke, it struck me that I had not told you about "
            "how I cut infra costs by 40%."
        ),
        "",
        id="better-how",
    ),
    pytest.param(
        dict(wish_said="wish I'd said I ran the k8s upgrade"),
        ("After we spoke, it struck me that I had not mentioned that I ran the k8s upgrade."),
        "",
        id="better-wish-id",
    ),
    pytest.param(dict(wish_said=""), "", "", id="better-empty"),
    pytest.param(
        dict(wish_said="forgot to mention my AWS certification"),
        ("After we spoke, it struck me that I had not told you about my AWS certification."),
        "",
        id="better-forgot",
    ),
    pytest.param(
        dict(wish_said="that I'm learning Rust"),
        "After we spoke, it struck me that I had not mentioned that I'm learning Rust.",
        "",
        id="better-contraction",
    ),
    pytest.param(
        dict(wish_said="what would I even say?"), "", "it is a question", id="better-question"
    ),
]

REQ_ROWS = [
    pytest.param(
        dict(unmet_requirement="no Go experience", made_up_for="took a Go course"),
        (
            "You mentioned the role calls for Go experience. After our interview, I "
            "took a Go course. It has given me a working start, and I will keep "
            "building on it."
        ),
        "",
        id="req-no",
    ),
    pytest.param(
        dict(
            unmet_requirement="lack of Kafka",
            made_up_for="I built a small Kafka pipeline with a friend who runs it in production",
        ),
        (
            "You mentioned the role calls for Kafka. After our interview, I built a "
            "small Kafka pipeline with a friend who runs it in production. It has "
            "given me a working start, and I will keep building on it."
        ),
        "",
        id="req-lack-of",
    ),
    pytest.param(
        dict(
            unmet_requirement="the role needs Terraform",
            made_up_for="spent 6 hours learning Terraform",
        ),
        (
            "You mentioned the role calls for Terraform. After our interview, I "
            "spent 6 hours learning Terraform. It has given me a working start, and "
            "I will keep building on it."
        ),
        "",
        id="req-role-needs",
    ),
    pytest.param(
        dict(
            unmet_requirement="I don't have Go experience", made_up_for="learning Go with a friend"
        ),
        (
            "You mentioned the role calls for Go experience. Since we met, I have "
            "been learning Go with a friend. It has given me a working start, and I "
            "will keep building on it."
        ),
        "",
        id="req-dont-have",
    ),
    pytest.param(
        dict(unmet_requirement="Go", made_up_for="a Go course on Udemy"),
        (
            "You mentioned the role calls for Go. Since we met, I have been working "
            "on it through a Go course on Udemy. It has given me a working start, "
            "and I will keep building on it."
        ),
        "",
        id="req-np-made-up",
    ),
    pytest.param(
        dict(unmet_requirement="Go", made_up_for="nothing yet"),
        "You mentioned the role calls for Go.",
        "it says nothing that can be used",
        id="req-nothing-yet",
    ),
    pytest.param(
        dict(unmet_requirement="Go", made_up_for="course"),
        "You mentioned the role calls for Go.",
        "it is too bare to say on the phone",
        id="req-one-word",
    ),
    pytest.param(dict(unmet_requirement="", made_up_for=""), "", "", id="req-empty"),
    pytest.param(
        dict(unmet_requirement="nothing", made_up_for="took a course"),
        "",
        "the requirement it answers was left out",
        id="req-nothing",
    ),
    pytest.param(
        dict(unmet_requirement="not enough k8s", made_up_for="I'm taking a CKA course"),
        (
            "You mentioned the role calls for k8s. Since we met, I have been taking "
            "a CKA course. It has given me a working start, and I will keep "
            "building on it."
        ),
        "",
        id="req-not-enough",
    ),
    pytest.param(
        dict(unmet_requirement="they wanted 5 years of Go", made_up_for="will take a course"),
        "You mentioned the role calls for 5 years of Go.",
        "it is not done yet",
        id="req-future",
    ),
    pytest.param(
        dict(unmet_requirement="requires production Kafka", made_up_for=""),
        "You mentioned the role calls for production Kafka.",
        "",
        id="req-alone",
    ),
    pytest.param(
        dict(unmet_requirement="", made_up_for="took a Go course"),
        "",
        "call 3 needs the requirement it answers",
        id="req-missing-need",
    ),
    pytest.param(
        dict(unmet_requirement="no no Go experience", made_up_for="did the Go tour"),
        (
            "You mentioned the role calls for Go experience. After our interview, I "
            "did the Go tour. It has given me a working start, and I will keep "
            "building on it."
        ),
        "",
        id="req-stutter",
    ),
    pytest.param(
        dict(
            unmet_requirement="limited AWS experience",
            made_up_for="I've passed the AWS Solutions Architect exam",
        ),
        (
            "You mentioned the role calls for AWS experience. Since we met, I have "
            "passed the AWS Solutions Architect exam. It has given me a working "
            "start, and I will keep building on it."
        ),
        "",
        id="req-limited",
    ),
    pytest.param(
        dict(
            unmet_requirement="they wanted someone with on-call experience",
            made_up_for="read the SRE book and shadowed a friend's on-call week",
        ),
        (
            "You mentioned the role calls for someone with on-call experience. "
            "After our interview, I read the SRE book and shadowed a friend's "
            "on-call week. It has given me a working start, and I will keep "
            "building on it."
        ),
        "",
        id="req-someone-with",
    ),
    pytest.param(
        dict(unmet_requirement="experience with Go (I have none)", made_up_for="took a Go course"),
        "",
        "the requirement it answers was left out",
        id="req-negation-left",
    ),
]


def priya(**answers: str) -> Line:
    return thank_you_line(**{**EMPTY, **answers}, recipient=PRIYA, others=(ANNA, CHLOE))


def anna(**answers: str) -> Line:
    return thank_you_line(**{**EMPTY, **answers}, recipient=ANNA, others=(PRIYA, CHLOE))


def check(line: Line, text: str, why: str) -> None:
    assert line.text == text
    if why:
        assert any(why in w for w in line.warnings), line.warnings
    else:
        assert line.warnings == ()


@pytest.mark.parametrize(("answers", "text", "why"), TY_ROWS)
def test_thank_you_line(answers: dict[str, str], text: str, why: str) -> None:
    check(priya(**answers), text, why)


@pytest.mark.parametrize(("answers", "text", "why"), ANNA_ROWS)
def test_thank_you_line_in_annas_own_note(answers: dict[str, str], text: str, why: str) -> None:
    check(anna(**answers), text, why)


@pytest.mark.parametrize(("answers", "text", "why"), FIX_ROWS)
def test_fix_line(answers: dict[str, str], text: str, why: str) -> None:
    check(fix_line(**answers), text, why)


@pytest.mark.parametrize(("answers", "text", "why"), BETTER_ROWS)
def test_better_answer_line(answers: dict[str, str], text: str, why: str) -> None:
    check(better_answer_line(**answers), text, why)


@pytest.mark.parametrize(("answers", "text", "why"), REQ_ROWS)
def test_requirement_line(answers: dict[str, str], text: str, why: str) -> None:
    check(requirement_line(**answers), text, why)


def test_the_table_is_big_enough() -> None:
    rows = TY_ROWS + ANNA_ROWS + FIX_ROWS + BETTER_ROWS + REQ_ROWS
    assert len(rows) >= 70
    assert len({r.id for r in rows}) == len(rows)


def test_warnings_name_the_answer_and_why() -> None:
    line = priya(went_well="nothing, it went badly", topics="Go")
    assert line.warnings == (
        'went well: left out, it reads as negative ("nothing, it went badly")',
    )
    assert (line.text, line.source) == ("I especially enjoyed talking about Go.", "topics")


# --------------------------------------------------------------------------- properties


def every_output() -> list[tuple[str, Line, tuple[str, ...]]]:
    """(row id, line, names that must not appear) for every row of the table."""
    out: list[tuple[str, Line, tuple[str, ...]]] = []
    for row in TY_ROWS:
        out += [(row.id, priya(**row.values[0]), ("Anna", "Berg", "Chloé", "Martin", "Priya"))]
    for row in ANNA_ROWS:
        out += [(row.id, anna(**row.values[0]), ("Anna", "Berg", "Chloé", "Martin", "Priya"))]
    for rows, compose in ((FIX_ROWS, fix_line), (BETTER_ROWS, better_answer_line)):
        out += [(row.id, compose(**row.values[0]), ()) for row in rows]
    out += [(row.id, requirement_line(**row.values[0]), ()) for row in REQ_ROWS]
    return out


OUTPUTS = every_output()
LEAD_INS = re.compile(
    r"\b(?:I said|should've|should have mentioned|wish I'd|we talked about|talked about"
    r"|discussed|um|uh|lol|meant:)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize(("row", "line", "names"), OUTPUTS, ids=[o[0] for o in OUTPUTS])
def test_no_output_is_garbled(row: str, line: Line, names: tuple[str, ...]) -> None:
    text = line.text
    for bad in ("[", "{{", "  ", "..", " ,", " .", "\n"):
        assert bad not in text
    assert not LEAD_INS.search(text)
    assert not re.search(r"\b(\w+(?: \w+)?) \1\b", text, re.IGNORECASE), "a stutter"
    for name in names:
        assert name not in text
    if text:
        assert text[0].isupper()
        assert text[-1] in ".?!"
        assert line.source
    else:
        assert line.source == ""


FIX_PAIRS = [row.values[0] for row in FIX_ROWS] + [
    dict(meant="I think better code reviews help", wish_not_said="reviews are a waste of time"),
    dict(meant="I want a clear thing to own", wish_not_said="I want one better thing, put simply"),
    dict(meant="I enjoy mentoring", wish_not_said="mentoring is better left to managers"),
]


@pytest.mark.parametrize("answers", FIX_PAIRS)
def test_fix_line_never_repeats_the_regretted_words(answers: dict[str, str]) -> None:
    said = content_words(fix_line(**answers).text)
    regretted = content_words(answers["wish_not_said"]) - content_words(answers["meant"])
    assert not said & regretted


def test_fix_line_picks_a_frame_without_the_regretted_words() -> None:
    line = fix_line(meant="I enjoy mentoring people", wish_not_said="mentoring is better left out")
    assert line.text == "Let me put one point more clearly: I enjoy mentoring people."


# --------------------------------------------------------------------------- variants

VARIANTS = [
    (
        dict(remember="asked about my Kafka work"),
        (
            "You asked about my Kafka work, and I have kept thinking about it since.",
            "I have been thinking about it ever since you asked about my Kafka work.",
            "When you asked about my Kafka work, it gave me a lot to think about.",
        ),
    ),
    (
        dict(remember="he said the team is moving to Rust"),
        (
            "I was glad to hear that the team is moving to Rust.",
            "It was good to hear that the team is moving to Rust.",
            "I was pleased to learn that the team is moving to Rust.",
        ),
    ),
    (
        dict(remember="the remote-first culture"),
        (
            "What you said about the remote-first culture stayed with me.",
            "I have been thinking about what you said about the remote-first culture.",
            "I keep coming back to what you said about the remote-first culture.",
        ),
    ),
    (
        dict(talked_about="- Kafka\n- testing\n- CI"),
        (
            "I enjoyed talking with you about Kafka, testing and CI.",
            "It was a pleasure to talk with you about Kafka, testing and CI.",
            "I really enjoyed our conversation about Kafka, testing and CI.",
        ),
    ),
    (
        dict(went_well="the system design round"),
        (
            "I especially enjoyed our conversation about the system design round.",
            "Our conversation about the system design round was a highlight of the day for me.",
            "I particularly enjoyed the part of our conversation about the system design round.",
        ),
    ),
    (
        dict(topics="Go; Kafka"),
        (
            "I especially enjoyed talking about Go and Kafka.",
            "I enjoyed our discussion of Go and Kafka.",
            "It was a pleasure to talk about Go and Kafka.",
        ),
    ),
]


@pytest.mark.parametrize(("answers", "texts"), VARIANTS)
def test_variants_are_different_sentences(answers: dict[str, str], texts: tuple[str, ...]) -> None:
    got = tuple(
        thank_you_line(**{**EMPTY, **answers}, recipient=PRIYA, variant=v).text for v in range(3)
    )
    assert got == texts
    assert thank_you_line(**{**EMPTY, **answers}, recipient=PRIYA, variant=3).text == texts[0]


@pytest.mark.parametrize(
    ("answers", "recipient", "others"),
    [pytest.param(r.values[0], PRIYA, (ANNA, CHLOE), id=r.id) for r in TY_ROWS if r.values[1]]
    + [pytest.param(r.values[0], ANNA, (PRIYA, CHLOE), id=r.id) for r in ANNA_ROWS if r.values[1]],
)
def test_every_variant_of_every_row_reads_well(
    answers: dict[str, str], recipient: str, others: tuple[str, ...]
) -> None:
    texts = [
        thank_you_line(**{**EMPTY, **answers}, recipient=recipient, others=others, variant=v).text
        for v in range(3)
    ]
    assert len(set(texts)) == 3
    for text in texts:
        assert text[0].isupper() and text.endswith(".")
        assert "  " not in text and ".." not in text and " ," not in text


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b", ["a", "b"]),
        ("1. a\n2) b", ["a", "b"]),
        ("a; b", ["a", "b"]),
        ("a\nb", ["a", "b"]),
        ("• a", ["a"]),
        ("• a • b", ["a", "b"]),
        ("* kafka.\n* testing,\n", ["kafka", "testing"]),
        ("- the Kafka\n  pipeline\n- CI", ["the Kafka pipeline", "CI"]),
        ("3.5 years of Go", ["3.5 years of Go"]),
        ("-5% latency", ["-5% latency"]),
        ("", []),
        ("  \n \n", []),
    ],
)
def test_items(text: str, expected: list[str]) -> None:
    assert items(text) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join_items(parts: list[str], expected: str) -> None:
    assert join_items(parts) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dr. Klaus Becker", "Klaus"),
        ("Becker, Klaus", "Klaus"),
        ("Klaus Becker, PhD", "Klaus"),
        ("priya", "Priya"),
        ("anne-marie smith", "Anne-Marie"),
        ("Chloé Martin", "Chloé"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_first_name(name: str, expected: str) -> None:
    assert first_name(name) == expected


def test_huge_answers_are_capped_and_left_out_quickly() -> None:
    huge = "talked about " + "kafka and " * 50_000
    start = time.monotonic()
    line = priya(remember=huge, talked_about=huge, went_well=huge, topics=huge)
    assert time.monotonic() - start < 1.0
    assert line.text == ""
    assert len(line.warnings) == 4
    assert all("over 40 words" in w for w in line.warnings)
