"""The composer: debrief answers, as people type them, turned into finished
sentences for the thank-you (one per interviewer) and the three call scripts.

Answers come as fragments, first person, bullets, one word or nothing. Each is
cleaned (lead-ins, fillers, stutters and list markers dropped, names of the
recipient turned into "you") and then either fitted into a frame or left out
with a warning that says why. Precision over recall: when an answer cannot be
fitted with confidence, the line is "" and the template says its generic
sentence; a garbled or meaning-reversing sentence would be worse.

Pure: no I/O, stdlib only. Every input is capped at MAX_INPUT characters before
any regex runs, and no pattern nests quantifiers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MAX_INPUT = 2000
MAX_WORDS = 40
_EXCERPT = 60


@dataclass(frozen=True)
class Line:
    """One composed sentence (or "") and why answers were left out."""

    text: str = ""
    warnings: tuple[str, ...] = ()
    source: str = ""


class _Unusable(Exception):
    """An answer that cannot be fitted; the message is the reason, as a clause."""


# --------------------------------------------------------------------------- words


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words: never "content", and safe to lower-case at a fragment's start.
_STOPWORDS = _set(
    """a an the and or but so if then than that this these those there here of to in on at
    by for with about from into onto over under as up out off down again also just very
    really quite too more most much many some any all both each few other such only own
    same not no nor never i me my mine myself we us our ours you your yours he him his she
    her hers they them their theirs it its what which who whom whose when where why how
    whether is am are was were be been being have has had having do does did doing will
    would shall should can could may might must let lets i'm i've i'd i'll we're we've
    it's that's don't didn't doesn't isn't wasn't aren't weren't haven't hasn't won't
    can't couldn't shouldn't wouldn't one"""
)
# Words a fragment may start with that are plainly not names: lower-cased mid-sentence.
_COMMON_START = _STOPWORDS | _set(
    """took built spent learning taking doing building reading writing working studying
    practising practicing started finished completed joined did made wrote read ran set
    system design coding testing team teams code architecture culture roadmap product
    project projects experience experiences question questions answer answers part
    whiteboard live pair pairing remote hiring salary on-call deployment deployments
    performance scaling debugging onboarding interview conversation discussion chat talk
    technical behavioural behavioral round rounds problem problems case study
    infrastructure infra migration mentoring leadership tooling data database
    databases api apis cloud security reliability monitoring observability"""
)
_AUX = _set(
    """is are was were am will would can could should shall has have had does do did may
    might must isn't aren't wasn't weren't won't can't couldn't shouldn't hasn't haven't
    hadn't doesn't don't didn't went felt seemed got"""
)
# Verbs that make a fragment a clause ("they ship daily") rather than a topic.
_CLAUSE_VERBS = _AUX | _set("ships hires deploys offers expects prefers likes loves wants")
_WH = _set("how what why when where which who whom whose whether if that")
_SUBJECTS = _set(
    "i you we they he she it there i'm i've i'd we're we've they're you're it's there's"
)
_FIRST_PERSON = _set("i i'm i've i'd i'll me my we we're we've our us")
_THIRD_SINGULAR = _set("he she him her his hers himself herself")
_TITLES = _set("dr mr mrs ms mx miss prof professor sir madam dame herr frau mme mlle")
_SUFFIXES = _set("phd md jr sr ii iii iv mba msc bsc esq")

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#%'\u2019-]*")


def _key(word: str) -> str:
    return word.lower().strip(".,;:!?\"'()").replace("\u2019", "'")


def _stem(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    """The lower-cased words of `text` that carry meaning (no function words)."""
    words = (w.lower().replace("\u2019", "'") for w in _WORD.findall(text[:MAX_INPUT]))
    return {w for w in words if w not in _STOPWORDS and len(w) > 1}


def _collapse(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r" ([,;:.!?])", r"\1", text)  # spaces are single after the join
    return re.sub(r"\.{2,}|\u2026", ".", text)


def _decap(fragment: str) -> str:
    """A fragment's first word in lower case when it is a common word that was only
    capitalised because the answer started with it ("The Kafka part" -> "the Kafka
    part"); names and technical words ("Go", "Kafka") keep their case."""
    head, sep, rest = fragment.partition(" ")
    low = head.lower()
    if head[:1].isupper() and head[1:].islower() and low in _COMMON_START - _FIRST_PERSON:
        return low + sep + rest
    return fragment


def _sentence(text: str) -> str:
    """Capitalised, whitespace collapsed, ending with exactly one '.'."""
    text = _collapse(text).rstrip(" .,;:")
    if not text:
        return ""
    return text[0].upper() + text[1:] + "."


def _excerpt(answer: str) -> str:
    text = " ".join(answer[:MAX_INPUT].split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1].rstrip() + "\u2026"


def _warning(field: str, reason: str, answer: str) -> str:
    return f'{field.replace("_", " ")}: left out, {reason} ("{_excerpt(answer)}")'


# --------------------------------------------------------------------------- lists


_MARKER = re.compile(
    r"^(?:[-*+\u2013\u2014]|\(?\d{1,3}[.)]|\(?[a-z]\))(?:\s+|$)|^[\u2022\u00b7]\s*"
)


def items(text: str) -> list[str]:
    """The entries of a list answer: bullets, numbers, semicolons or one per line.
    A line without a marker after a marked line continues that entry."""
    entries: list[str] = []
    marked_before = False
    for raw in text[:MAX_INPUT].splitlines():
        line = raw.strip()
        if not line:
            continue
        marker = _MARKER.match(line)
        if marker:
            line = line[marker.end() :]
            marked_before = True
        elif marked_before and entries:
            entries[-1] += " " + line
            continue
        entries.extend(part.strip() for part in re.split(r"[;\u2022]", line))
    cleaned = (_collapse(e).strip(" ,.;:!") for e in entries)
    return [e for e in cleaned if e]


def join_items(parts: Sequence[str]) -> str:
    """ "a" / "a and b" / "a, b and c"."""
    kept = [p for p in parts if p]
    if len(kept) <= 1:
        return "".join(kept)
    return ", ".join(kept[:-1]) + " and " + kept[-1]


# --------------------------------------------------------------------------- names


def _name_tokens(name: str) -> list[str]:
    """The parts of a name that identify the person: titles and suffixes dropped,
    "Becker, Klaus" read as "Klaus Becker"."""
    name = " ".join(name[:200].split())
    if "@" in name:
        return []
    head, comma, tail = name.partition(",")
    if comma:
        tail_words = [w.strip(".").lower() for w in tail.split()]
        name = head if all(w in _SUFFIXES for w in tail_words) else f"{tail} {head}"
    tokens = [t.strip(".,") for t in name.split()]
    return [t for t in tokens if t and t.lower().strip(".") not in _TITLES | _SUFFIXES]


def first_name(name: str) -> str:
    """'Dr. Klaus Becker' -> 'Klaus', 'Becker, Klaus' -> 'Klaus', 'priya' -> 'Priya'."""
    tokens = _name_tokens(name)
    if not tokens:
        return ""
    token = tokens[0]
    if token.islower():
        token = "-".join(part[:1].upper() + part[1:] for part in token.split("-"))
    return token


def _name_pattern(tokens: Sequence[str]) -> re.Pattern[str] | None:
    """Any of the tokens (a run of up to three, with an optional title before and
    "'s" after). A token that is also an English word ("Will") must be capitalised."""
    words = sorted({t for t in tokens if len(t) > 1}, key=len, reverse=True)
    if not words:
        return None
    plain = "|".join(re.escape(w) for w in words if w.lower() not in _COMMON_START)
    cased = "|".join(re.escape(w) for w in words if w.lower() in _COMMON_START)
    alternatives = []
    if plain:
        alternatives.append(f"(?i:{plain})")
    if cased:
        alternatives.append(cased)
    one = "(?:" + "|".join(alternatives) + ")"
    title = r"(?:(?i:dr|mr|mrs|ms|mx|prof)\.?\s)?"
    return re.compile(rf"\b{title}{one}(?:\s{one}){{0,2}}(?P<poss>['\u2019]s\b)?(?![\w'])")


@dataclass(frozen=True)
class _People:
    recipient: re.Pattern[str] | None
    others: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, recipient: str, others: Sequence[str]) -> _People:
        own = _name_tokens(recipient)
        own_lower = {t.lower() for t in own}
        named: list[tuple[str, re.Pattern[str]]] = []
        for other in others:
            tokens = [t for t in _name_tokens(other) if t.lower() not in own_lower]
            pattern = _name_pattern(tokens)
            if pattern is not None:
                named.append((first_name(other) or other, pattern))
        return cls(_name_pattern(own), tuple(named))

    def to_you(self, text: str) -> str:
        """The recipient's name, as written anywhere, becomes "you" / "your"."""
        if self.recipient is None:
            return text
        return self.recipient.sub(lambda m: "your" if m.group("poss") else "you", text)

    def other_named(self, text: str) -> str:
        for name, pattern in self.others:
            if pattern.search(text):
                return name
        return ""


_SUBJECT_VERB = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't"}
_SUBJECT_VERB |= {"wasn't": "weren't", "hasn't": "haven't", "doesn't": "don't"}
_OBJECT_AFTER = _WH | _set("about and to for at in on with from of by or but as than , . ; :")


def _second_person(text: str) -> str:
    """he/she/they -> you, him/them -> you, his/their/her -> your, with the verb
    after "he"/"she" agreeing ("she asks" -> "you ask", "he is" -> "you are")."""
    words = text.split()
    out: list[str] = []
    after_singular = False
    for i, word in enumerate(words):
        low, tail = _key(word), word[len(word.rstrip(".,;:!?")) :]
        nxt = _key(words[i + 1]) if i + 1 < len(words) else "."
        if after_singular:
            out.append(_agree(word))
            after_singular = False
            continue
        if low in ("he", "she"):
            out.append("you" + tail)
            after_singular = not tail
        elif low in ("they", "him", "them"):
            out.append("you" + tail)
        elif low in ("his", "their") or (low == "her" and not tail and nxt not in _OBJECT_AFTER):
            out.append("your" + tail)
        elif low == "her":
            out.append("you" + tail)
        elif low in ("himself", "herself", "themselves"):
            out.append("yourself" + tail)
        elif low in ("he's", "she's", "they're"):
            out.append("you're" + tail)
        else:
            out.append(word)
    return " ".join(out)


def _agree(verb: str) -> str:
    """A third-person singular verb in its "you" form."""
    low = verb.lower()
    if low in _SUBJECT_VERB:
        return _SUBJECT_VERB[low]
    if not verb.isalpha() or low in _AUX or low.endswith("ss") or len(low) < 3:
        return verb
    if low.endswith("ies"):
        return verb[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes", "zes")):
        return verb[:-2]
    if low.endswith("s") and not low.endswith(("us", "is")):
        return verb[:-1]
    return verb


# --------------------------------------------------------------------------- cleaning

_EMPTY = frozenset(
    """nothing|nothing really|not much|nothing much|not really|n/a|na|none|-|--|idk|
    no idea|nope|no|nah|meh|dunno|nil|null|x|tbd|todo|skip|pass|same|see above|
    nothing yet|not yet|none yet|nothing so far|no clue|i don't know|i dont know|
    everything|all of it|the whole thing|all good|good|fine|ok|okay|great|well|
    it went well|went well|it was good|it was fine|overall good""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)
_NEGATIVE = re.compile(
    r"\b(?:nothing|badly|bad|awful|terrible|terribly|horrible|horribly|bombed|disaster"
    r"|disastrous|worst|poorly|hated|sucked|rough|failed|blew it|messed up|not great"
    r"|not well|went wrong|embarrassing)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:not sure|unsure|maybe|perhaps|i guess|i suppose|hard to say|hopefully|i hope"
    r"|probably|kind of|kinda|sort of|sorta|dunno|idk|no idea|i think it went"
    r"|i think so|not certain)\b",
    re.IGNORECASE,
)
_SLANG = re.compile(
    r"\b(?:lol|lmao|rofl|omg|tbh|ngl|imo|imho|idk|dunno|gonna|wanna|gotta|kinda|sorta"
    r"|u|ur|pls|plz|thx|cuz|smh|af|yolo|bruh|dude|tho|lowkey|deffo|defo|legit|vibes?)\b",
    re.IGNORECASE,
)
_TRAILING_NOISE = re.compile(
    r"(?:\s|^)(?:lol|lmao|haha|hahaha|hehe|rofl|[:;]-?[()DPp]|<3|xd)[.!]?$", re.IGNORECASE
)
_FILLERS = re.compile(r"(?:^|(?<=\s))(?:u+m+|u+h+|e+r+m+)\b,?\s?", re.IGNORECASE)
_MID_LIKE = re.compile(r",\s?like,", re.IGNORECASE)


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return (
        code >= 0x1F000
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0xFE0F, 0x200D)
        or unicodedata.category(char) == "So"
    )


def _drop_trailing_noise(text: str) -> str:
    """A trailing emoji, emoticon or "lol" says nothing: drop it (a few of them)."""
    for _ in range(8):
        stripped = text.rstrip(" .!")
        while stripped and _is_emoji(stripped[-1]):
            stripped = stripped[:-1].rstrip()
        stripped = _TRAILING_NOISE.sub("", stripped).rstrip()
        if stripped == text.rstrip(" .!"):
            return text
        text = stripped
    return text


def _destutter(text: str) -> str:
    """A run of words typed twice ("I said I said") once."""
    out: list[str] = []
    for word in text.split():
        out.append(word)
        for n in (1, 2, 3, 4):
            if len(out) >= 2 * n and [_key(w) for w in out[-n:]] == [
                _key(w) for w in out[-2 * n : -n]
            ]:
                del out[-n:]
                break
    return " ".join(out)


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9/'\u2019-]+", text.lower())).replace("\u2019", "'")


def _screen(answer: str, *, hedges: bool = False, negatives: bool = True) -> str:
    """The answer cleaned of noise, or _Unusable with the reason it cannot be said."""
    lines = answer[:MAX_INPUT].replace("\u2019", "'").splitlines()
    text = "\n".join(c for c in (_collapse(line) for line in lines) if c)
    if "[" in text or "{{" in text or "{%" in text:
        raise _Unusable("it holds a placeholder")
    text = _drop_trailing_noise(text)
    if _plain(text) in _EMPTY or not re.search(r"[A-Za-z0-9]", text):
        raise _Unusable("it says nothing that can be used")
    if hedges and _HEDGE.search(text):
        raise _Unusable("it sounds unsure")
    if "?" in text:
        raise _Unusable("it is a question")
    if negatives and _NEGATIVE.search(text):
        raise _Unusable("it reads as negative")
    if any(_is_emoji(c) for c in text) or _SLANG.search(text):
        raise _Unusable("it has emoji or slang")
    if len(text.split()) > MAX_WORDS:
        raise _Unusable(f"it is over {MAX_WORDS} words")
    return re.sub(r"\bi(?=[\s']|$)", "I", text)


# Lead-ins that say how the answer was given, not what it is about. Anchored at the
# start; stripped repeatedly (a few passes), case-insensitively.
_LEAD_INS = [
    r"(?:um+|uh+|erm|like|well|so|ok|okay|oh|honestly|basically|and|also)\b,?",
    r"(?:went well|topics?|meant|remember|talked about|note|notes)\s?[:-]",
    r"(?:i|we|you and i)\s(?:really\s|also\s|mostly\s|mainly\s)?"
    r"(?:talked|talk|discussed|discuss|spoke|chatted|went over|went through|covered)"
    r"(?:\s(?:a lot|a bit|mostly|mainly|at length|in depth))?(?:\s(?:about|of|on))*\b",
    r"(?:talked|talking|discussed|discussing|spoke|chatted|covered|went over)"
    r"(?:\s(?:a lot|a bit|mostly|mainly))?(?:\s(?:about|of|on))?\b",
    r"i\s(?:told|asked)\s(?:them|her|him|you|the team|the panel)(?:\sabout|\sthat)?\b",
    r"told\s(?:them|her|him|you)(?:\sabout|\sthat)?\b",
    r"i\s(?:said|mentioned)(?:\sthat)?\b",
    r"i\s(?:really\s)?(?:should've|should have|shoulda)\s(?:mentioned|said|talked about"
    r"|brought up|told (?:them|her|him|you) about)(?:\sthat)?\b",
    r"(?:should've|should have|shoulda)\s(?:mentioned|said|talked about|brought up"
    r"|told (?:them|her|him|you) about)(?:\sthat)?\b",
    r"(?:i\s)?wish\si(?:'d|\shad|\sd)\s(?:said|mentioned|talked about|brought up)(?:\sthat)?\b",
    r"(?:i\s)?never\s(?:mentioned|talked about|brought up|said|got to mention)(?:\sthat)?\b",
    r"(?:i\s)?forgot\sto\s(?:mention|say|bring up|talk about)(?:\sthat)?\b",
    r"i\s(?:didn't|did not)\s(?:mention|say|bring up|talk about|get to mention)(?:\sthat)?\b",
    r"mentioned that\b",
    r"(?:said|says)\b(?:\sthat\b)?",
    r"about\b",
    r"that(?=\s(?:i|we|they|he|she|you|it|my|our|the|a|an)\b)",
]
_LEAD_IN = re.compile(r"^(?:" + "|".join(_LEAD_INS) + r")[\s,:;-]*", re.IGNORECASE)


def _strip(pattern: re.Pattern[str], text: str, passes: int = 6) -> str:
    for _ in range(passes):
        shorter = pattern.sub("", text, count=1).strip()
        if shorter == text:
            break
        text = shorter
    return text


def _lead_ins(text: str) -> str:
    text = _MID_LIKE.sub(",", _FILLERS.sub("", text))
    return _destutter(_strip(_LEAD_IN, _destutter(text)))


def _one_sentence(text: str) -> None:
    if re.search(r"[.!?;]\s+\S", text):
        raise _Unusable("it has several sentences")


def _words(text: str) -> list[str]:
    return [_key(w) for w in text.split()]


def _is_clause(text: str) -> bool:
    """Has a subject and a verb of its own ("the team is moving to Rust", "they ship
    daily"), rather than naming a topic ("the on-call rotation")."""
    words = _words(text)
    if len(words) > 1 and words[0] in _SUBJECTS:
        return True
    if len(words) > 1 and words[0] not in _STOPWORDS and _is_past(words[1]):
        return True  # "Chloé laughed at my joke"; "distributed systems" starts with it
    for word in words:
        if word in _WH:
            return False
        if word in _CLAUSE_VERBS:
            return True
    return False


def _topic(item: str) -> str:
    """An entry as a topic to say "about …", or _Unusable."""
    item = _decap(item)
    words = _words(item)
    if not words or not content_words(item):
        raise _Unusable("it does not name a topic")
    if words[0] in _SUBJECTS | _FIRST_PERSON - {"my", "our"} or _is_clause(item):
        raise _Unusable("it reads as a sentence, not a topic")
    return item


def _no_third_person(entry: str) -> str:
    """In interview-wide answers "she" could be anyone on the panel."""
    if any(w in _THIRD_SINGULAR for w in _words(entry)):
        raise _Unusable("it says he or she and it is not clear who")
    return entry


def _entries(text: str, people: _People, *, about_them: bool = False) -> list[str]:
    """The answer's list entries, cleaned, the recipient turned into "you", entries that
    name another interviewer left out (their note is their own). `about_them`: the
    answer is about the recipient, so he/she/they become "you"."""
    kept: list[str] = []
    named = ""
    for entry in items(text):
        entry = _lead_ins(people.to_you(entry))
        _one_sentence(entry)
        other = people.other_named(entry)
        if other:
            named = named or other
            continue
        if about_them:
            entry = _second_person(entry)
        if entry:
            kept.append(entry)
    if not kept and named:
        raise _Unusable(f"it is about {named}, whose note is their own")
    if not kept:
        raise _Unusable("it says nothing that can be used")
    return kept


MAX_COMMA_ITEM_WORDS = 6


def _comma_topics(entries: list[str]) -> list[str]:
    """Notes-style "k8s migration, on-call, build times" is a list of topics: split
    it so it reads "a, b and c" (a clause with commas stays whole)."""
    out: list[str] = []
    for entry in entries:
        parts = [p.strip() for p in entry.split(",") if p.strip()]
        head, sep, tail = parts[-1].rpartition(" and ") if len(parts) > 1 else ("", "", "")
        if sep and head:  # "a, b and c": the last part holds two
            parts[-1:] = [head, tail]
        if (
            len(parts) > 1
            and not _is_clause(entry)
            and all(len(p.split()) <= MAX_COMMA_ITEM_WORDS for p in parts)
        ):
            out.extend(re.sub(r"^(?:and|or)\s+", "", p) for p in parts)
        else:
            out.append(entry)
    return out


def _one_point(text: str) -> str:
    """A list answer (bullets, lines) as one point for a spoken sentence."""
    return join_items(items(text)) or text


def _pick(frames: Sequence[str], variant: int, **parts: str) -> str:
    return _sentence(frames[variant % len(frames)].format(**parts))


# --------------------------------------------------------------------------- thank-you

_ASKED = re.compile(
    r"^(?:you\s)?(?:(?P<q>(?:your\s|his\s|her\s|their\s|the\s|a\s)?(?:question|questions)\s(?:on|about|of|around))"
    r"|(?P<verb>asked|asks|ask|asking|wanted to know|was curious about|were curious about))\b\s?",
    re.IGNORECASE,
)
_SAID = re.compile(
    r"^(?:you\s)?(?P<verb>said|says|say|mentioned|mentions|mention|told me|told us|tells me"
    r"|tell me|explained|explains|explain|shared|noted|pointed out|described|talked about"
    r"|talk about|spoke about|brought up|talked a lot about)(?P<that>\sthat)?\b\s?",
    re.IGNORECASE,
)
_ASKED_FRAMES = (
    "You {x}, and I have kept thinking about it since",
    "I have been thinking about it ever since you {x}",
    "When you {x}, it gave me a lot to think about",
)
_HEARD_FRAMES = (
    "I was glad to hear that {x}",
    "It was good to hear that {x}",
    "I was pleased to learn that {x}",
)
_SAID_ABOUT_FRAMES = (
    "What you said about {x} stayed with me",
    "I have been thinking about what you said about {x}",
    "I keep coming back to what you said about {x}",
)
_TALKED_FRAMES = (
    "I enjoyed talking with you about {x}",
    "It was a pleasure to talk with you about {x}",
    "I really enjoyed our conversation about {x}",
)
_WENT_WELL_FRAMES = (
    "I especially enjoyed our conversation about {x}",
    "Our conversation about {x} was a highlight of the day for me",
    "I particularly enjoyed the part of our conversation about {x}",
)
_TOPICS_FRAMES = (
    "I especially enjoyed talking about {x}",
    "I enjoyed our discussion of {x}",
    "It was a pleasure to talk about {x}",
)


_ME_ABOUT = re.compile(r"^(?:(?:me|us)\s)?(?:about\s)?", re.IGNORECASE)
_THAT = re.compile(r"^that\s", re.IGNORECASE)


_RAISED_FRAMES = (
    "I have kept thinking about {x} since we spoke.",
    "Our exchange about {x} stayed with me.",
    "I keep coming back to our discussion of {x}.",
)


def _remember(answer: str, people: _People, variant: int) -> str:
    text = _screen(answer)
    if len(items(text)) > 1:
        raise _Unusable("it lists several things; it should be one thing they said or asked")
    (entry,) = _entries(text, people)
    entry = _second_person(entry)  # "she asks" -> "you ask", "her team" -> "your team"
    asked = _ASKED.match(entry)
    if asked:
        rest = entry[asked.end() :]
        if not content_words(rest):
            raise _Unusable("it does not say what they asked")
        verb = "asked about" if asked.group("q") else asked.group("verb").lower()
        if verb in ("ask", "asks", "asking"):
            verb = "asked"
        return _pick(_ASKED_FRAMES, variant, x=f"{verb} {_decap(rest)}")
    said = _SAID.match(entry)
    rest = entry[said.end() :] if said else entry
    that = bool(said and said.group("that")) or bool(_THAT.match(rest))
    rest = _decap(_THAT.sub("", _ME_ABOUT.sub("", rest, count=1), count=1))
    if not content_words(rest):
        raise _Unusable("it does not say what they said")
    if not said and not that and _words(rest)[0] in _WH - {"that", "if"}:
        # "how I would split the monolith": a question they raised, not words they said
        return _pick(_RAISED_FRAMES, variant, x=rest)
    if that or _is_clause(rest):
        if not said and _words(rest)[0] in _FIRST_PERSON:
            raise _Unusable("it is about you, not something they said or asked")
        if not said and _words(rest)[0] in ("you", "you're"):
            raise _Unusable("it describes them rather than something they said or asked")
        return _pick(_HEARD_FRAMES, variant, x=rest)
    return _pick(_SAID_ABOUT_FRAMES, variant, x=_topic(rest))


def _talked_about(answer: str, people: _People, variant: int) -> str:
    entries = _comma_topics(_entries(_screen(answer), people, about_them=True))
    return _pick(_TALKED_FRAMES, variant, x=join_items([_topic(e) for e in entries]))


_LIKED = re.compile(
    r"^(?:you|they|she|he|the interviewers?|the panel|the team|everyone|both)\s"
    r"(?:really\s|seemed to\s|seemed to really\s|clearly\s)?"
    r"(?:liked|loved|enjoyed|appreciated|like|love|enjoy|appreciate"
    r"|were impressed by|was impressed by"
    r"|responded well to|were interested in|was interested in)\s(?=my\s|our\s)",
    re.IGNORECASE,
)
_WELL_LEAD = re.compile(
    r"^(?:i think|i feel like|i feel|definitely|honestly|overall|for sure"
    r"|the part where|the part about|the part on|the bit where|the bit about"
    r"|when we talked about|when we discussed|talking about|discussing"
    r"|(?:our|the)\s(?:discussion|conversation|chat|talk)\s(?:of|about|on|around)"
    r"|we had a\s(?:really\s)?(?:great|good|nice|long|fun|interesting)?\s?"
    r"(?:chat|talk|conversation|discussion)\s(?:about|on|around)"
    r"|(?:a\s)?(?:really\s)?(?:great|good|nice|fun|interesting)\s"
    r"(?:chat|talk|conversation|discussion)\s(?:about|on|around))\b[\s,:-]*",
    re.IGNORECASE,
)
_WELL_TAIL = re.compile(
    r"\s(?:went|was|were|felt|seemed|is)\s(?:really\s|very\s|pretty\s|quite\s|super\s)?"
    r"(?:well|great|good|fine|ok|okay|nice|fun|excellent|amazing|smooth|smoothly|strong"
    r"|positive|interesting)$",
    re.IGNORECASE,
)


_JUDGEMENT = re.compile(
    r"^(?:good|great|nice|strong|solid|positive|friendly|fun|easy|excellent|amazing)\b",
    re.IGNORECASE,
)


def _went_well(answer: str, people: _People, variant: int) -> str:
    text = _screen(answer, hedges=True)
    topics = []
    for entry in _entries(text, people):
        entry = _strip(_LIKED, _strip(_WELL_LEAD, entry))
        entry = _lead_ins(_WELL_TAIL.sub("", entry))
        if _JUDGEMENT.match(entry):
            raise _Unusable("it is a judgement, not a topic of the conversation")
        topics.append(_topic(_no_third_person(entry)))
    return _pick(_WENT_WELL_FRAMES, variant, x=join_items(topics))


def _topics(answer: str, people: _People, variant: int) -> str:
    entries = _comma_topics(_entries(_screen(answer), people))
    topics = [_topic(_no_third_person(e)) for e in entries]
    return _pick(_TOPICS_FRAMES, variant, x=join_items(topics))


def thank_you_line(
    *,
    remember: str,
    talked_about: str,
    went_well: str,
    topics: str,
    recipient: str,
    others: Sequence[str] = (),
    variant: int = 0,
) -> Line:
    """THE personal sentence of a thank-you to one interviewer, from the first answer
    that fits: their `remember`, their `talked_about`, then `went_well`, `topics`."""
    people = _People.of(recipient, others)
    builders: tuple[tuple[str, str, Callable[[str, _People, int], str]], ...] = (
        ("remember", remember, _remember),
        ("talked_about", talked_about, _talked_about),
        ("went_well", went_well, _went_well),
        ("topics", topics, _topics),
    )
    warnings: list[str] = []
    for field, answer, build in builders:
        if not answer.strip():
            continue
        try:
            text = build(answer, people, max(variant, 0))
        except _Unusable as why:
            warnings.append(_warning(field, str(why), answer))
            continue
        return Line(text, tuple(warnings), field)
    return Line("", tuple(warnings), "")


# --------------------------------------------------------------------------- call 1

_MEANT_LEAD = re.compile(
    r"^(?:meant\s?[:-]|what i (?:really\s)?meant (?:was|is)"
    r"|i (?:really\s)?meant(?:\sthat|\sto say)?"
    r"|i wanted to say(?:\sthat)?|i should have said(?:\sthat)?|i should've said(?:\sthat)?"
    r"|what i should have said is|that)\b[\s,:-]*",
    re.IGNORECASE,
)
_FIX_FRAMES = (
    "I want to put one thing better than I did: {x}",
    "Let me put one point more clearly: {x}",
    "To be clear: {x}",
    "{x}",
)


def _same_root(words: set[str], other: set[str]) -> set[str]:
    roots = {_stem(w) for w in other}
    return {w for w in words if _stem(w) in roots or w in other}


def fix_line(*, meant: str, wish_not_said: str, recipient: str = "") -> Line:
    """Call 1: the point as the user meant it, never repeating the regretted words."""
    if not meant.strip():
        if not wish_not_said.strip():
            return Line()
        return Line(
            warnings=(
                _warning(
                    "wish_not_said",
                    'call 1 needs "what did I mean instead" to say it better',
                    wish_not_said,
                ),
            )
        )
    try:
        text = _one_point(_screen(meant, negatives=False))
        text = _strip(_MEANT_LEAD, _lead_ins(_People.of(recipient, ()).to_you(text)))
        text = text.strip(" .!,;:")
        _one_sentence(text)
        if len(content_words(text)) < 2 or len(text.split()) < 3:
            raise _Unusable("it is too bare to say on the phone")
        regretted = content_words(wish_not_said) - content_words(meant)
        for frame in _FIX_FRAMES:
            line = _sentence(frame.format(x=_decap(text) if frame != "{x}" else text))
            if not _same_root(content_words(line), regretted) - content_words(meant):
                return Line(line, (), "meant")
        raise _Unusable("every way of saying it would repeat what you regret saying")
    except _Unusable as why:
        return Line(warnings=(_warning("meant", str(why), meant),))


# --------------------------------------------------------------------------- call 2


def better_answer_line(*, wish_said: str, recipient: str = "") -> Line:
    """Call 2: the answer the user wishes they had given."""
    if not wish_said.strip():
        return Line()
    try:
        text = _one_point(_screen(wish_said, negatives=False))
        text = _lead_ins(_People.of(recipient, ()).to_you(text)).strip(" .!,;:")
        _one_sentence(text)
        if len(content_words(text)) < 2:
            raise _Unusable("it is too bare to say on the phone")
        if _is_clause(text):
            line = f"After we spoke, it struck me that I had not mentioned that {_decap(text)}"
        else:
            line = f"After we spoke, it struck me that I had not told you about {_decap(text)}"
        return Line(_sentence(line), (), "wish_said")
    except _Unusable as why:
        return Line(warnings=(_warning("wish_said", str(why), wish_said),))


# --------------------------------------------------------------------------- call 3

_NEED_LEAD = re.compile(
    r"^(?:(?:the role|the job|the position|the team|they|it|role|job)\s)?"
    r"(?:needs|needed|requires|required|wants|wanted|want|need|asks for|asked for"
    r"|calls for|called for|is looking for|was looking for|were looking for|expects"
    r"|expected)\b[\s,:-]*"
    r"|^(?:i\s)?(?:don't|do not|didn't|did not|haven't|have not)\s(?:have|had|got)"
    r"(?:\s(?:much|enough|any|a lot of))?\b\s*"
    r"|^(?:i\s)?(?:haven't|have not|have never|never|didn't)\s(?:used|worked with|done)\b\s*"
    r"|^(?:i have no|i had no|i lack|i lacked|i'm missing|i am missing|missing|lack of"
    r"|lacking|not enough|not much|too little|no real|no|little|limited|only some"
    r"|only basic|only a little|only)\b[\s,:-]*",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:no|not|never|without|lack|lacking|none)\b|n't\b", re.IGNORECASE)
_PAST_IRREGULAR = _set(
    """took built did made wrote read spent began got set ran taught learnt bought sat
    found gave met led drew put kept sought thought went rewrote rebuilt redid"""
)
_NOT_DONE = re.compile(
    r"\b(?:will|plan|plans|planning|going to|gonna|want to|intend|hope to|yet)\b",
    re.IGNORECASE,
)
_DONE_LEAD = re.compile(
    r"^(?:since (?:the|our) (?:interview|call|chat)|after (?:the|our) (?:interview|call)"
    r"|since then|so far|already|recently)\b[\s,:-]*",
    re.IGNORECASE,
)
_CLOSING = "It has given me a working start, and I will keep building on it."


def _requirement(answer: str) -> str:
    text = _lead_ins(_one_point(_screen(answer, negatives=False)))
    text = _strip(_NEED_LEAD, text).strip(" .!,;:")
    _one_sentence(text)
    if not content_words(text):
        raise _Unusable("it does not name the requirement")
    if _NEGATION.search(text) or _is_clause(text):
        raise _Unusable("it does not read as the requirement itself")
    return _sentence(f"You mentioned the role calls for {_decap(text)}")


def _is_past(word: str) -> bool:
    return word in _PAST_IRREGULAR or (
        word.endswith("ed") and not word.endswith("eed") and len(word) > 3
    )


def _made_up(answer: str) -> str:
    text = _one_point(_screen(answer))
    if _NOT_DONE.search(text):
        raise _Unusable("it is not done yet")
    text = _strip(_DONE_LEAD, _lead_ins(text)).strip(" .!,;:")
    _one_sentence(text)
    if len(content_words(text)) < 2:
        raise _Unusable("it is too bare to say on the phone")
    text = re.sub(r"^(?:i'm|i am)\s(?=\w+ing\b)", "I have been ", text, flags=re.IGNORECASE)
    text = re.sub(r"^i've\s", "I have ", text, flags=re.IGNORECASE)
    words = _words(text)
    if words[0] == "i" and len(words) > 1:
        if _is_past(words[1]):
            return _sentence(f"After our interview, {text}")
        if words[1] == "have":
            return _sentence(f"Since we met, {text}")
        raise _Unusable("it does not say clearly what you have done")
    if _is_past(words[0]):
        return _sentence(f"After our interview, I {_decap(text)}")
    if words[0].endswith("ing") and len(words[0]) > 4:
        return _sentence(f"Since we met, I have been {_decap(text)}")
    if words[0] in ("a", "an", "the", "my", "some", "two", "three", "one") or words[0].isdigit():
        return _sentence(f"Since we met, I have been working on it through {_decap(text)}")
    raise _Unusable("it does not say clearly what you have done")


def requirement_line(*, unmet_requirement: str, made_up_for: str, recipient: str = "") -> Line:
    """Call 3: the requirement the user did not meet and what they have done since."""
    del recipient  # the requirement and the work are the user's; no names to turn
    warnings: list[str] = []
    if not unmet_requirement.strip():
        if made_up_for.strip():
            warnings.append(
                _warning("made_up_for", "call 3 needs the requirement it answers", made_up_for)
            )
        return Line(warnings=tuple(warnings))
    try:
        need = _requirement(unmet_requirement)
    except _Unusable as why:
        warnings.append(_warning("unmet_requirement", str(why), unmet_requirement))
        if made_up_for.strip():
            warnings.append(
                _warning("made_up_for", "the requirement it answers was left out", made_up_for)
            )
        return Line(warnings=tuple(warnings))
    if not made_up_for.strip():
        return Line(need, (), "unmet_requirement")
    try:
        done = _made_up(made_up_for)
    except _Unusable as why:
        warnings.append(_warning("made_up_for", str(why), made_up_for))
        return Line(need, tuple(warnings), "unmet_requirement")
    return Line(f"{need} {done} {_CLOSING}", (), "unmet_requirement")
