"""Checks a thank-you draft before the user approves it.

The user writes part of every thank-you, so `check_draft` lists what would make
it read badly to an interviewer: misspellings, emoji, "!!", chat slang, words in
capitals, very long sentences, template placeholders left in, "today" sent on
another day, pushy phrases, and spellings from the other side of the Atlantic.
It flags and never corrects: the words stay the user's.

Pure: no clock (the caller passes the dates). The only reads are the word lists
shipped with the code (pyspellchecker's English list, tech_words.txt), each
loaded once per process, on first use.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spellchecker import SpellChecker

__all__ = [
    "check_draft",
    "FLAGGED_PHRASES",
    "phrase_warnings",
    "MAX_SUBJECT_CHARS",
    "MAX_BODY_CHARS",
]

# A thank-you is about 150 words; the caps bound every regex and loop below.
MAX_SUBJECT_CHARS = 1_000
MAX_BODY_CHARS = 20_000
MAX_KNOWN_WORDS = 200  # names, company, role: a handful in practice
MAX_WARNINGS = 40  # past this the list stops being read; one more line counts the rest
MAX_SENTENCE_WORDS = 40

# What kind of problem: a line's warnings are listed in this order.
(
    _K_PLACEHOLDER,
    _K_SPELLING,
    _K_CONVENTION,
    _K_CAPS,
    _K_SLANG,
    _K_EMOJI,
    _K_EXCLAMATION,
    _K_LONG_SENTENCE,
    _K_TIMING,
    _K_PUSHY,
) = range(10)

# (line order, kind, column, message); line order 0 is the subject, n the body's line n
_Finding = tuple[int, int, int, str]


def check_draft(
    subject: str,
    body: str,
    *,
    known_words: Iterable[str] = (),
    locale: str = "en_US",
    today: date | None = None,
    interview_day: date | None = None,
) -> tuple[str, ...]:
    """One line per problem in the subject and the plain-text body, by line and then
    kind: 'line 5: "recieve" looks misspelled (receive?)', 'subject: ...'.
    `known_words`: the interview's names, company and role (never flagged as
    misspellings). `locale`: en_US or en_GB spelling; any other, no convention check.
    `today` and `interview_day` (dates in the user's zone): both or no timing check."""
    findings: list[_Finding] = []
    if len(body) > MAX_BODY_CHARS:
        findings.append(
            (
                -1,
                0,
                0,
                f"over {MAX_BODY_CHARS} characters: only the first {MAX_BODY_CHARS} were checked",
            )
        )
    subject = " ".join(subject[:MAX_SUBJECT_CHARS].split())
    body = body[:MAX_BODY_CHARS]
    head = [_Line(0, subject)]
    lines = [_Line(n, text) for n, text in enumerate(body.replace("\r\n", "\n").split("\n"), 1)]
    allowed = _tech_words() | _split_known(known_words)
    convention = _CONVENTIONS.get(locale.replace("-", "_").lower(), {})
    for part in (head, lines):
        words = list(_words(part))
        findings += _spelling(words, allowed)
        findings += _conventions(words, convention)
        findings += _capitals(words)
        findings += _slang(words)
        for line in part:
            findings += _placeholders(line)
            findings += _emoji(line)
    findings += _exclamations(head + lines)
    findings += _long_sentences(lines)
    if today is not None and interview_day is not None:
        findings += _timing(head + lines, today, interview_day)
    findings += [(0, _K_PUSHY, 0, message) for _, message in _pushy_phrases(subject)]
    findings += [(n, _K_PUSHY, 0, message) for n, message in _pushy_phrases(body)]
    return _report(findings)


def _report(findings: list[_Finding]) -> tuple[str, ...]:
    out: list[str] = []
    for order, _kind, _column, message in sorted(findings):
        label = {-1: "text", 0: "subject"}.get(order, f"line {order}")
        line = f"{label}: {message}"
        if line not in out:  # the same word twice on a line is one warning
            out.append(line)
    if len(out) > MAX_WARNINGS:
        rest = len(out) - MAX_WARNINGS
        out = out[:MAX_WARNINGS] + [f"and {rest} more problem{'s' if rest > 1 else ''}"]
    return tuple(out)


# --------------------------------------------------------------------------- lines and words


@dataclass(frozen=True)
class _Line:
    order: int  # 0 for the subject, n for the body's line n
    raw: str

    @functools.cached_property
    def text(self) -> str:
        """The line with URLs and email addresses blanked out (same length): they are
        neither words to spell-check nor places for emoticons or placeholders."""
        return _CHUNK.sub(_blank_address, self.raw)

    @property
    def where(self) -> str:
        return "the subject" if self.order == 0 else f"line {self.order}"


@dataclass(frozen=True)
class _Word:
    line: _Line
    start: int
    text: str
    starts_sentence: bool

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_CHUNK = re.compile(r"\S+")
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_BULLET = re.compile(r"[ \t]{0,12}(?:[-*\u2022]|\d{1,3}[.)])\s")
_SENTENCE_END = re.compile(r"[.!?]")
_TRAILING = ".,;:!?)]}>\"'\u201d\u2019"
_DOMAIN_END = re.compile(r"[a-z0-9-]\.[a-z]{2,6}/?")


def _blank_address(m: re.Match[str]) -> str:
    chunk = m.group()
    core = chunk.rstrip(_TRAILING)
    lower = core.lower()
    if (
        "@" in core
        or "://" in core
        or lower.lstrip("(<[\"'").startswith("www.")
        or (core.islower() and _DOMAIN_END.search(core, max(0, len(core) - 9)))
    ):
        return " " * len(core) + chunk[len(core) :]
    return chunk


def _words(lines: Sequence[_Line]) -> Iterator[_Word]:
    """The words of consecutive lines, each knowing whether it starts a sentence
    (first word, after . ! ?, after a blank line, first of a bullet)."""
    at_start = True
    for line in lines:
        text = line.text
        if not text.strip() or _BULLET.match(text):
            at_start = True
        end = 0
        for m in _WORD.finditer(text):
            at_start = at_start or bool(_SENTENCE_END.search(text, end, m.start()))
            yield _Word(line, m.start(), m.group(), at_start)
            at_start = False
            end = m.end()
        at_start = at_start or bool(_SENTENCE_END.search(text, end))


def _same_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


# --------------------------------------------------------------------------- spelling


@functools.cache
def _checker() -> SpellChecker:
    # Imported here: loading the English list takes ~0.2 s, paid only once a draft is checked.
    from spellchecker import SpellChecker

    # distance 1: a suggestion costs ~1 ms; distance 2 can take a second on a long word
    return SpellChecker(distance=1)


@functools.lru_cache(maxsize=2048)
def _suggestion(word: str) -> str | None:
    if len(word) > 20:
        return None
    correction = _checker().correction(word)
    return correction if correction and correction != word else None


@functools.cache
def _tech_words() -> frozenset[str]:
    text = resources.files("followup.core").joinpath("tech_words.txt").read_text("utf-8")
    words = (line.strip().lower() for line in text.splitlines())
    # also allowed: the words other checks already report, so one word gets one warning
    return frozenset(w for w in words if w and not w.startswith("#")) | _NOT_SPELLING


def _split_known(phrases: Iterable[str]) -> frozenset[str]:
    """The interview's names, company and role as lower-case words ('Acme Robotics,
    Inc.' -> acme, robotics, inc)."""
    out: set[str] = set()
    for phrase in itertools.islice(phrases, MAX_KNOWN_WORDS):
        for m in _WORD.finditer(phrase[:MAX_SUBJECT_CHARS].replace("\u2019", "'")):
            word = m.group().lower()
            out.add(word)
            out.update(re.split(r"['-]", word))
    return frozenset(out)


_CONTRACTION = re.compile(r"'(?:s|m|d|ll|ve|re)$")


def _spelling(words: Iterable[_Word], allowed: frozenset[str]) -> Iterator[_Finding]:
    for word in words:
        text = word.text.replace("\u2019", "'")
        if not text.isascii() or any(c.isdigit() for c in text) or text.lower() in allowed:
            continue  # "k8s", "40"; accented words are mostly names the English list cannot judge
        column = word.start
        for i, part in enumerate(text.split("-")):  # "well-recieved": each part on its own
            if _is_misspelled(part, word.starts_sentence and i == 0, allowed):
                suggestion = _suggestion(part.lower())
                hint = f" ({_same_case(part, suggestion)}?)" if suggestion else ""
                yield (word.line.order, _K_SPELLING, column, f'"{part}" looks misspelled{hint}')
            column += len(part) + 1


def _is_misspelled(part: str, starts_sentence: bool, allowed: frozenset[str]) -> bool:
    letters = part.replace("'", "")
    if len(letters) < 2:
        return False
    if letters.isupper():
        if len(letters) <= 5:
            return False  # an acronym: AWS, NASA, SLO
    elif letters[1:] != letters[1:].lower():
        return False  # internal capitals: GitHub, gRPC, iPhone
    elif part[0].isupper() and not starts_sentence:
        return False  # a capital mid-sentence: most likely a name
    lower = part.lower()
    checker = _checker()
    if lower in allowed or lower in checker:
        return False
    stem = _CONTRACTION.sub("", lower)  # "Priya's", "Acme'll"
    return not (stem != lower and (stem in allowed or stem in checker))


# --------------------------------------------------------------------------- conventions


def _ize(stems: Sequence[str], endings: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(stem + us, stem + gb) for stem in stems for us, gb in endings]


# (American, British); every inflection listed, since words are looked up whole
_US_GB: tuple[tuple[str, str], ...] = (
    ("color", "colour"),
    ("colors", "colours"),
    ("colored", "coloured"),
    ("colorful", "colourful"),
    ("favorite", "favourite"),
    ("favorites", "favourites"),
    ("center", "centre"),
    ("centers", "centres"),
    ("centered", "centred"),
    ("behavior", "behaviour"),
    ("behaviors", "behaviours"),
    ("behavioral", "behavioural"),
    ("program", "programme"),
    ("programs", "programmes"),
    ("traveled", "travelled"),
    ("traveling", "travelling"),
    ("traveler", "traveller"),
    ("canceled", "cancelled"),
    ("canceling", "cancelling"),
    ("license", "licence"),
    ("defense", "defence"),
    ("catalog", "catalogue"),
    ("catalogs", "catalogues"),
    ("analyze", "analyse"),
    ("analyzed", "analysed"),
    ("analyzing", "analysing"),
    ("organizer", "organiser"),
    *_ize(
        ("organ", "real", "recogn", "priorit", "optim", "util", "summar", "apolog"),
        (("ize", "ise"), ("ized", "ised"), ("izes", "ises"), ("izing", "ising")),
    ),
    *_ize(
        ("organ", "real", "priorit", "optim", "util", "summar"),
        (("ization", "isation"), ("izations", "isations")),
    ),
)
# British English writes these American forms too: a computer program, to license
_ALSO_BRITISH = frozenset({"program", "programs", "license"})

_CONVENTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "en_us": {gb: (us, "British spelling: {} in American English") for us, gb in _US_GB},
    "en_gb": {
        us: (gb, "American spelling: {} in British English")
        for us, gb in _US_GB
        if us not in _ALSO_BRITISH
    },
}


def _conventions(
    words: Iterable[_Word], convention: dict[str, tuple[str, str]]
) -> Iterator[_Finding]:
    if not convention:
        return
    for word in words:
        hit = convention.get(word.text.lower())
        if hit:
            other, why = hit
            message = f'"{word.text}" is ' + why.format(f'"{_same_case(word.text, other)}"')
            yield (word.line.order, _K_CONVENTION, word.start, message)


# --------------------------------------------------------------------------- capitals


# Capitals that are fine: acronyms a thank-you may use, time zones. Short on purpose.
_ACRONYM_TEXT = """NASA HTML JSON REST AWS GCP API APIS SDK SDKS HTTP HTTPS SQL NOSQL CSS YAML XML
    CRUD GRPC OAUTH SAML SSO JWT UUID CPU GPU GPUS TPU RAM SSD DNS TCP UDP CDN VPN VPC
    IEEE CEO CTO CFO COO CPO CIO VP SVP EVP FAANG SAAS PAAS LLM LLMS MLOPS DEVOPS NLP
    SRE SLA SLO SLOS OKR OKRS KPI KPIS MVP ASAP FYI ETA USA NYC EMEA APAC LATAM AI ML
    UTC GMT EST EDT CST CDT PST PDT MST MDT BST CET CEST IST AM PM CI CD QA UI UX HR
    PR PRS ID OK TV USB PDF CSV AWS GCP IOS MACOS WASM ETL ELT B2B"""
_ACRONYMS = frozenset(_ACRONYM_TEXT.split())
_NOT_CAPS = frozenset({"TODO", "TBD", "XXX"})  # placeholders: reported as such


def _capitals(words: Sequence[_Word]) -> Iterator[_Finding]:
    """A word of 4+ letters in capitals, or a run of them ("THANK YOU"): shouting."""
    run: list[_Word] = []
    for word in [*words, None]:
        if word is not None and _is_caps(word):
            if run and (
                run[-1].line is not word.line or word.line.text[run[-1].end : word.start].strip()
            ):
                yield from _caps_run(run)
                run = []
            run.append(word)
        elif run:
            yield from _caps_run(run)
            run = []


def _is_caps(word: _Word) -> bool:
    letters = word.text.replace("'", "").replace("\u2019", "").replace("-", "")
    return letters.isalpha() and letters.isupper()


def _caps_run(run: list[_Word]) -> Iterator[_Finding]:
    loud = [w for w in run if len(w.text) >= 2 and w.text not in _ACRONYMS | _NOT_CAPS]
    if len(loud) >= 2:
        first, last = run[0], run[-1]
        snippet = first.line.raw[first.start : last.end]
        yield (first.line.order, _K_CAPS, first.start, _shouting(snippet))
        return
    for word in loud:
        if len(word.text) >= 4 and word.text.lower() not in _SLANG:
            yield (word.line.order, _K_CAPS, word.start, _shouting(word.text))


def _shouting(snippet: str) -> str:
    return f'"{snippet}" in capitals reads as shouting: write it in normal case'


# --------------------------------------------------------------------------- slang


_SLANG_TEXT = """lol idk gonna wanna gotta btw imo imho tbh thx pls plz u ur omg ya yeah yep nope
    cool awesome kinda sorta lemme dunno cuz haha lmk tysm thanx ppl"""
_SLANG = frozenset(_SLANG_TEXT.split())
# words other checks report: never also a misspelling
_NOT_SPELLING = (
    _SLANG
    | {w.lower() for w in _NOT_CAPS}
    | {"lorem", "ipsum"}
    | {w for pair in _US_GB for w in pair}
)


def _slang(words: Sequence[_Word]) -> Iterator[_Finding]:
    for i, word in enumerate(words):
        lower = word.text.lower().replace("\u2019", "'")
        text = word.line.text
        if lower == "u" and (
            text[word.end : word.end + 1] in (".", "-", "'")
            or text[word.start - 1 : word.start] in (".", "-")
        ):
            continue  # U.S., U-turn
        if lower == "super" and i + 1 < len(words) and words[i + 1].text.lower() == "excited":
            nxt = words[i + 1]
            snippet = f"{word.text} {nxt.text}"
            yield (word.line.order, _K_SLANG, word.start, _too_casual(snippet))
        elif lower in _SLANG:
            yield (word.line.order, _K_SLANG, word.start, _too_casual(word.text))


def _too_casual(snippet: str) -> str:
    return f'"{snippet}" is too casual for a thank-you'


# --------------------------------------------------------------------------- emoji


# Pictographs and emoji-presentation characters, the joiners and modifiers after
# them (one snippet per cluster), any character made emoji by U+FE0F.
_EMOJI = re.compile(
    "(?:[\U0001f000-\U0001faff\u2600-\u27bf\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55"
    "\u231a\u231b\u23e9-\u23f3\u23f8-\u23fa\u3030\u303d\u3297\u3299]|.\ufe0f)"
    "[\ufe0f\u200d\u20e3\U000e0020-\U000e007f\U0001f000-\U0001faff\u2600-\u27bf]*"
)
# :) :-) ;) :D :P =) :( and repeats; not 10:30, not http://
_EMOTICON = re.compile(r"(?<![\d:/])[:;=]-?(?:\)+|\(+|[DPp])(?!\w)")


def _emoji(line: _Line) -> Iterator[_Finding]:
    for pattern, text in ((_EMOJI, line.raw), (_EMOTICON, line.text)):
        for m in pattern.finditer(text):
            message = f'emoji "{m.group()}": leave emoji out of a thank-you'
            yield (line.order, _K_EMOJI, m.start(), message)


# --------------------------------------------------------------------------- exclamations


_BANGS = re.compile(r"!+")


def _exclamations(lines: Sequence[_Line]) -> Iterator[_Finding]:
    """ "!!" anywhere; "!" in more than one place in the whole note."""
    places: list[tuple[_Line, re.Match[str]]] = []
    for line in lines:
        for m in _BANGS.finditer(line.text):
            places.append((line, m))
            if len(m.group()) > 1:
                yield (line.order, _K_EXCLAMATION, m.start(), f'"{m.group()}": one "!" at most')
    if len(places) > 1:
        where = ", ".join(dict.fromkeys(line.where for line, _ in places))
        line, m = places[1]
        message = f'"!" in {len(places)} places ({where}): one in the whole note at most'
        yield (line.order, _K_EXCLAMATION, m.start(), message)


# --------------------------------------------------------------------------- long sentences


def _long_sentences(lines: Sequence[_Line]) -> Iterator[_Finding]:
    """A sentence over MAX_SENTENCE_WORDS words, reported on the line it starts on.
    Sentences end at . ! ?, a blank line or a bullet (lines wrapped mid-sentence go on)."""
    sentence: list[tuple[_Line, str]] = []
    for line in lines:
        if not line.raw.strip() or _BULLET.match(line.raw):
            yield from _too_long(sentence)
            sentence = []
        for m in _CHUNK.finditer(line.raw):
            chunk = m.group()
            if any(c.isalnum() for c in chunk):
                sentence.append((line, chunk))
            if chunk.rstrip(_TRAILING[4:])[-1:] in (".", "!", "?"):
                yield from _too_long(sentence)
                sentence = []
    yield from _too_long(sentence)


def _too_long(sentence: list[tuple[_Line, str]]) -> Iterator[_Finding]:
    if len(sentence) > MAX_SENTENCE_WORDS:
        line = sentence[0][0]
        opening = " ".join(chunk for _, chunk in sentence[:6])
        message = (
            f'a sentence of {len(sentence)} words starts here ("{opening} ..."): '
            f"split it; up to {MAX_SENTENCE_WORDS} read well"
        )
        yield (line.order, _K_LONG_SENTENCE, 0, message)


# --------------------------------------------------------------------------- placeholders


_PLACEHOLDER = re.compile(
    r"\{\{[^{}\n]{0,60}\}\}"  # {{ name }}
    r"|\{%[^{}\n]{0,60}%\}"  # {% if x %}
    r"|\[[^\[\]\n]{0,60}\]"  # [Company]
    r"|<[a-z][a-z _-]{0,30}>"  # <name>
    r"|\{\{|\}\}|\{%|%\}|\[|\]"
    r"|\b(?:TODO|TBD|XXX|lorem)\b",
    re.IGNORECASE,
)


def _placeholders(line: _Line) -> Iterator[_Finding]:
    for m in _PLACEHOLDER.finditer(line.text):
        message = f'placeholder "{m.group()}" left in: fill it in or take it out'
        yield (line.order, _K_PLACEHOLDER, m.start(), message)


# --------------------------------------------------------------------------- timing words


_TIMING_WORDS = re.compile(
    r"\b(?:earlier today|this morning|this afternoon|this evening|tonight|today|yesterday"
    r"|tomorrow)\b",
    re.IGNORECASE,
)


def _timing(lines: Sequence[_Line], today: date, interview_day: date) -> Iterator[_Finding]:
    """Words that date the note ("today", "yesterday") checked against the day it goes
    out: a thank-you approved the next morning must not say "this afternoon"."""
    when = f"{interview_day:%A}, {interview_day:%B} {interview_day.day}"
    for line in lines:
        for m in _TIMING_WORDS.finditer(line.text):
            word = m.group().lower()
            if word == "yesterday":
                fits = today == interview_day + timedelta(days=1)
            else:
                fits = today == interview_day
            if fits:
                continue
            if today > interview_day:
                why = f"no longer fits: the interview was on {when}"
            elif today == interview_day:
                why = f"does not fit: the interview is today, {when}"
            else:
                why = f"does not fit yet: the interview is on {when}"
            yield (line.order, _K_TIMING, m.start(), f'"{m.group()}" {why}')


# --------------------------------------------------------------------------- pushy phrases

# Pushy or needy phrases and their kin (the coach: never ask whether they have
# decided; keep pressing out of every message).
FLAGGED_PHRASES: tuple[str, ...] = (
    "have you made a decision",
    "made a decision yet",
    "has a decision been made",
    "have you decided",
    "decided yet",
    "any update",
    "any updates",
    "any news",
    "any word",
    "just checking in",
    "just following up",
    "just wanted to follow up",
    "touching base",
    "touch base",
    "circling back",
    "circle back",
    "still considering me",
    "still being considered",
    "still in the running",
    "when will I hear",
    "when can I expect to hear",
    "status of my application",
    "did I get the job",
    "sorry to bother",
    "sorry to bug",
    "I really need this job",
    "I need this job",
    "desperate",
    "begging",
)


def _tokens(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = line.lower().replace("'", "").replace("\u2019", "")
        out.extend((w, lineno) for w in re.findall(r"[a-z0-9]+", line))
    return out


_PHRASE_WORDS = [(p, re.findall(r"[a-z0-9]+", p.lower().replace("'", ""))) for p in FLAGGED_PHRASES]


def phrase_warnings(text: str) -> tuple[str, ...]:
    """One warning per pushy/needy phrase found (case, whitespace, line breaks and
    punctuation do not matter); each names the phrase and the line it starts on."""
    return tuple(f"line {lineno}: {message}" for lineno, message in _pushy_phrases(text))


def _pushy_phrases(text: str) -> list[tuple[int, str]]:
    """(line number, message) per pushy/needy phrase, in the order they start."""
    tokens = _tokens(text)
    words = [w for w, _ in tokens]
    lines = text.replace("\r\n", "\n").split("\n")
    matches: list[tuple[int, int, str]] = []
    for phrase, pw in _PHRASE_WORDS:
        n = len(pw)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == pw:
                matches.append((i, i + n, phrase))
    # overlapping matches ("have you made a decision yet") are reported once,
    # under the longest phrase that starts first
    matches.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for start, end, phrase in matches:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        lineno = tokens[start][1]
        snippet = " ".join(lines[lineno - 1].split())
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        found.append((lineno, f'"{phrase}" sounds pushy or needy: {snippet}'))
    return found
