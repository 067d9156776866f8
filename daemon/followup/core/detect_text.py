"""Text helpers for detection: company/role, people, phone numbers and video links
(dates and zones in prose are in detect_dates).

Pure: no I/O, no clock. Every function takes plain strings and returns plain data;
callers (detect.py) catch exceptions, but these functions try not to raise anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

import phonenumbers

from .mailtext import normalise_space

# Scanning is linear, but cap the text anyway so a huge body costs little.
MAX_TEXT_CHARS = 200_000
MAX_TITLE_CHARS = 1_000  # a subject or SUMMARY read for company and role

# ------------------------------------------------------------- caseless words

# Lower-cased, a text without these finds with a lower-case pattern what IGNORECASE finds
# in it: IGNORECASE also takes "ı" for "i" and "ſ" for "s", and lower() writes "İ" as two
# characters (every other letter lower-cases to one, as IGNORECASE compares them).
_CASE_TWINS = ("ı", "ſ", "İ")


def has_case_twin(text: str) -> bool:
    """A letter of _CASE_TWINS in `text` (three `in` tests: a generator over the tuple
    costs more than the tests, and this runs for every word list and line)."""
    return "ı" in text or "ſ" in text or "İ" in text


_UPPER_ESCAPE_RE = re.compile(r"\\[A-Z]")


class Words:
    """An IGNORECASE word list, searched without the flag on lower-cased text: 3x
    faster, the same answers (found or not, how many).

    `needles`: lower-case literals of which every match of the lower-cased pattern
    holds one (tests/test_detect.py checks them). A text without any is not searched:
    a few `in` tests cost less than a pattern tried at every position. Worth it only
    for needles rare in mail: with dozens of common ones the tests cost what the
    pattern does (NEGATIVE_WORDS, NOT_FOR_A_JOB have none)."""

    def __init__(self, pattern: str, flags: int = 0, needles: tuple[str, ...] = ()) -> None:
        if _UPPER_ESCAPE_RE.search(pattern):
            raise ValueError("\\S, \\W and their kind change meaning lower-cased")
        if any(needle != needle.lower() or not needle for needle in needles):
            raise ValueError("needles are found in lower-cased text")
        self.caseless = re.compile(pattern, flags | re.IGNORECASE)
        self.lower = re.compile(pattern.lower(), flags & ~re.IGNORECASE)
        self.needles = needles

    def _has_no_needle(self, low: str) -> bool:
        return bool(self.needles) and not any(needle in low for needle in self.needles)

    def found(self, text: str) -> bool:
        if has_case_twin(text):
            return self.caseless.search(text) is not None
        return self.found_lowered(text.lower())  # lower() writes no twin letter

    def found_lowered(self, low: str) -> bool:
        """found() for a text the caller lower-cased: lower() changes nothing twice
        (for every character), and keeps "ı" and "ſ" (a lower-cased "İ" is "i̇")."""
        if has_case_twin(low):
            return self.caseless.search(low) is not None
        return not self._has_no_needle(low) and self.lower.search(low) is not None

    def count(self, text: str) -> int:
        if has_case_twin(text):
            return len(self.caseless.findall(text))
        low = text.lower()
        return 0 if self._has_no_needle(low) else len(self.lower.findall(low))


# ------------------------------------------------------------- company and role

_IW = r"(?:interview|phone\s+screen|screening(?:\s+call)?|onsite|on-site|technical\s+screen)"
_PREFIX_RE = re.compile(
    r"^\s*+(?:(?:re|fwd?|aw|tr|sv|wg|rv|res|enc|antw|doorst)\s*+:\s*+|\[[^\]]{0,40}\]\s*+|"
    r"(?:updated\s+)?invitation\s*+:\s*+|"
    r"invitation\s+updated\s*+:\s*+|(?:new\s+)?event\s*+:\s*+|canceled\s*+(?:event\s*+)?:\s*+|"
    r"cancelled\s*+(?:event\s*+)?:\s*+|accepted\s*+:\s*+|confirmed\s*+:\s*+|reminder\s*+:\s*+|"
    # Outlook and Google in German, French, Spanish, Dutch, Portuguese.
    r"(?:aktualisierte\s+)?einladung\s*+:\s*+|abgesagt(?:er\s+termin|es\s+ereignis)?\s*+:\s*+|"
    r"aktualisiert\s*+:\s*+|angenommen\s*+:\s*+|erinnerung\s*+:\s*+|"
    r"invitation\s+mise\s+à\s+jour\s*+:\s*+|annulé(?:e)?\s*+:\s*+|événement\s+annulé\s*+:\s*+|"
    r"mis\s+à\s+jour\s*+:\s*+|accepté\s*+:\s*+|rappel\s*+:\s*+|"
    r"invitación(?:\s+actualizada)?\s*+:\s*+|evento\s+cancelado\s*+:\s*+|cancelad[oa]\s*+:\s*+|"
    r"actualizad[oa]\s*+:\s*+|aceptad[oa]\s*+:\s*+|recordatorio\s*+:\s*+|"
    r"(?:bijgewerkte\s+)?uitnodiging\s*+:\s*+|geannuleerd(?:e?\s+(?:evenement|afspraak))?\s*+:\s*+|"
    r"bijgewerkt\s*+:\s*+|geaccepteerd\s*+:\s*+|herinnering\s*+:\s*+|"
    r"convite(?:\s+atualizado)?\s*+:\s*+|atualizad[oa]\s*+:\s*+|aceit[oa]\s*+:\s*+|lembrete\s*+:\s*+)+",
    re.IGNORECASE,
)
# A lazy group next to blanks, `\s+(?P<x>.{2,80}?)\s+`, tries every length of the
# group and rescans the blanks for each: 80 x a run of spaces. These read
# normalised titles (single spaces), so `\s?`/`\s` before a group and
# `(?<!\s)\s++` after one find the same matches, and read each blank once.
_SUBJECT_PATTERNS = [
    # "Acme <> Jane Smith - Backend Engineer Interview"
    re.compile(
        r"^(?P<company>[^<>]{2,60}?)(?<!\s)\s*+<>\s?[^-–|:]{2,60}?(?<!\s)\s*+[-–|:]\s?"
        r"(?P<role>.{2,80}?)(?<!\s)\s++" + _IW + r"\b",
        re.I,
    ),
    # "Interview: Backend Engineer at Acme", "Phone Screen - Backend Engineer @ Acme"
    re.compile(
        _IW + r"(?:\s+confirmation|\s+invitation|\s+scheduled|\s+confirmed)?\s*+[:\-–|]\s?"
        r"(?P<role>.{2,80}?)(?<!\s)\s++(?:at|@|with)\s(?P<company>[^-–|()]{2,60}?)(?<!\s)"
        r"(?:\s++[-–|(].*)?\s*+$",
        re.I,
    ),
    # "Interview with Acme for Backend Engineer"
    re.compile(
        _IW + r"\s++with\s(?P<company>.{2,60}?)(?<!\s)\s++for\s(?:the\s|a\s|an\s)?"
        r"(?P<role>.{2,80}?)(?<!\s)(?:\s++(?:role|position|opening))?\s*+$",
        re.I,
    ),
    # "Backend Engineer interview at Acme" / "... with Acme"
    re.compile(
        r"^(?:your\s)?(?P<role>.{2,80}?)(?<!\s)\s++"
        + _IW
        + r"\s++(?:at|with)\s(?P<company>.{2,60}?)(?<!\s)\s*+$",
        re.I,
    ),
    # "Hiring manager interview - Staff Engineer" / "Onsite interview - Pied Piper"
    re.compile(_IW + r"(?:\s+day)?\s*+[:\-–|]\s?(?P<either>[^@:()]{2,80}?)(?<!\s)\s*+$", re.I),
    # "Interview with Acme is confirmed", "Your interview with Acme"
    re.compile(
        _IW + r"\s++with\s(?P<company>[^,.!:;()]{2,60}?)"
        r"(?:(?<!\s)\s++(?:is|has|on|for|-)\b|[,.!:;(]|(?<!\s)\s*+$)",
        re.I,
    ),
    # "Hooli Technical Interview - Sam Seeker": a capitalised name before the interview words
    re.compile(
        r"^(?P<either>[A-Z][\w&.']{0,30}(?:\s[A-Z][\w&.']{0,30}){0,3}?)\s++(?:technical\s+|final\s+|onsite\s+|"
        r"phone\s+|first\s+|second\s+|round\s+\d\s+)?" + _IW + r"\b",
        re.I,
    ),
]
_SEPARATORS = (":", "-", "–", "|")
# What each subject pattern above needs in the lower-cased title, in their order (a title
# with a case twin is tried against all): most titles skip most patterns.
_SUBJECT_NEEDS: tuple[Callable[[str], bool], ...] = (
    lambda low: "<>" in low,
    lambda low: any(s in low for s in _SEPARATORS) and ("at" in low or "@" in low or "with" in low),
    lambda low: "with" in low and "for" in low,
    lambda low: "at" in low or "with" in low,
    lambda low: any(s in low for s in _SEPARATORS),
    lambda low: "with" in low,
    lambda low: True,
)
_BODY_ROLE_RE = re.compile(
    r"\b(?:for|about)\s++(?:the|our|a|an)\s++(?P<role>[A-Z][\w/&+.,' -]{2,60}?)(?<!\s)\s++"
    r"(?:role|position|opening)\b"
    r"(?:\s++(?:at|with)\s++(?P<company>[A-Z][\w&.'-]{0,30}(?:\s[A-Z][\w&.'-]{0,30}){0,4}))?"
)
_GENERIC_COMPANY = {"us", "me", "you", "our team", "the team", "the hiring team", "hiring manager"}


# Google writes the weekday in the user's language ("@ Di. 8. Dez.", "@ vie 11 dic"):
# a short word then a number, or a number, after " @ " is a date, never a company.
_GOOGLE_DATE_SUFFIX_RE = re.compile(
    r"(?<!\s)\s+@\s+(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*\b|[^\W\d_]{2,4}\.?,?\s\d|\d).*$",
    re.IGNORECASE,
)
_CORP_SUFFIX_RE = re.compile(r",?(?<!\s)\s+(?:inc|llc|ltd|gmbh|corp)\.?$", re.IGNORECASE)


def clean_title(title: str) -> str:
    """Drop mail prefixes and Google's " @ Tue Dec 1 ... (addr)" suffix."""
    t = _PREFIX_RE.sub("", normalise_space(title))
    if "@" in t:  # every suffix holds " @ "
        t = _GOOGLE_DATE_SUFFIX_RE.sub("", t)
    return t.strip()


def _tidy(s: str | None) -> str | None:
    if not s:
        return None
    s = normalise_space(s).strip(" -–|:,.;\"'")
    s = _CORP_SUFFIX_RE.sub("", s)
    return s or None


ROLE_WORDS = re.compile(
    r"\b(?:engineer|developer|designer|analyst|manager|scientist|lead|architect|director|"
    r"specialist|consultant|accountant|editor|intern|administrator|coordinator|representative|"
    r"associate|officer|head|vp|programmer|researcher|writer|technician|sre|devops|"
    r"product|sales|marketing|support|tester|qa)\b|工程师",
    re.IGNORECASE,
)
# Words that name the kind of interview, not the job.
_NOT_A_ROLE = re.compile(
    r"(?:your|an?|the|recruiter|technical|hiring manager|final|final round|first round|"
    r"second round|onsite|on-site|phone|video|virtual|panel|initial|intro|\d+ minute)",
    re.IGNORECASE,
)
_COMPANY_TAIL = re.compile(
    r"(?<!\s)\s+(?:is|has\s+been|have\s+been|was|on|at|@)\s+(?:confirmed|scheduled|set|booked|updated|"
    r"rescheduled|cancel\w*|mon|tue|wed|thu|fri|sat|sun|\d).*$",
    re.IGNORECASE,
)


def company_role_from_title(
    title: str, not_company: Collection[str] = ()
) -> tuple[str | None, str | None]:
    """Company and role from a summary or subject; names in `not_company` (people) are dropped."""
    return company_role_from_clean_title(clean_title(title), not_company)


# Every subject pattern holds an _IW word: a title without one is not read seven times.
_IW_NEEDLES = ("interview", "screen", "onsite", "on-site")


def _may_hold_interview_word(title: str) -> bool:
    """False only when no _IW word can match (IGNORECASE): none of its needles in the
    lower-cased title, and no letter that IGNORECASE but not lower() takes for i or s."""
    if has_case_twin(title):
        return True
    low = title.lower()
    return any(needle in low for needle in _IW_NEEDLES)


def company_role_from_clean_title(
    title: str, not_company: Collection[str] = ()
) -> tuple[str | None, str | None]:
    """`company_role_from_title` of a title `clean_title` has already cleaned."""
    # The patterns try up to 80 x 60 splits at every interview word: fine for a
    # subject line, 2 s for a 2 MB one. No real title is near this long.
    t = title[:MAX_TITLE_CHARS]
    if not _may_hold_interview_word(t):
        return None, None
    twin, low = has_case_twin(t), t.lower()
    for pattern, needs in zip(_SUBJECT_PATTERNS, _SUBJECT_NEEDS, strict=True):
        if not (twin or needs(low)):
            continue  # it cannot match: no need to try it
        m = pattern.search(t)
        if not m:
            continue
        groups = m.groupdict()
        company, role = groups.get("company"), groups.get("role")
        if groups.get("either"):
            # Ambiguous "X interview - Y": Y is a role if it reads like a job title.
            if ROLE_WORDS.search(groups["either"]):
                role = groups["either"]
            else:
                company = groups["either"]
        company = _tidy(_COMPANY_TAIL.sub("", company or ""))
        role = _tidy(role)
        if company and (
            company.lower() in _GENERIC_COMPANY
            or company.lower() in {n.lower() for n in not_company}
        ):
            company = None
        if role and _NOT_A_ROLE.fullmatch(role):
            role = None
        if company and _NOT_A_ROLE.fullmatch(company):
            company = None  # "Recruiter Phone Screen": a kind of interview, not a firm
        if company or role:
            return company, role
        # everything this pattern found was filtered out: try the next one
    return None, None


# `^[^\S\n]*`, not `^\s*`: that one runs across blank lines from every line start.
_LABELLED_ROLE_RE = re.compile(
    r"^[^\S\n]*(?:position|role|job(?:\s+title)?|job\s+opening|requisition)\s*+:\s*+"
    r"(?P<role>[^\n]{2,80}?)(?<!\s)[^\S\n]*+$",
    re.IGNORECASE | re.MULTILINE,
)
# Read with .match: everything before the first "(" of a role ending in ")".
_TRAILING_PAREN_RE = re.compile(r"([^(]*)\([^\n]*\)\s*$")
_INTERVIEW_WITH_RE = re.compile(r"\binterview\s+with\b", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s")


def _drop_trailing_parenthesis(role: str) -> str:
    """ "Designer (Remote)" → "Designer"; the role has no line break."""
    m = _TRAILING_PAREN_RE.match(role)
    return m.group(1).rstrip() if m else role


def _may_label_a_role(text: str) -> bool:
    """False only when _LABELLED_ROLE_RE (IGNORECASE) cannot match: no ":", or none of
    its label words in the lower-cased text and no letter IGNORECASE takes for i or s."""
    if ":" not in text:
        return False
    if has_case_twin(text):
        return True
    low = text.lower()
    return "position" in low or "role" in low or "job" in low or "requisition" in low


def company_role_from_body(text: str) -> tuple[str | None, str | None]:
    text = text[:MAX_TEXT_CHARS]
    m = _BODY_ROLE_RE.search(text)
    if m:
        return _tidy(_COMPANY_TAIL.sub("", m.group("company") or "")), _tidy(m.group("role"))
    # Scheduling tools often write the job as a labelled line: "Position: Product Designer",
    # and the company in a sentence: "Your interview with Globex is confirmed for …".
    role = None
    labelled = _LABELLED_ROLE_RE.search(text) if _may_label_a_role(text) else None
    if labelled:
        role = _tidy(_drop_trailing_parenthesis(labelled.group("role")))
    company = None
    # A line's "interview with" is the text's too: without one, no line is searched.
    lines = text.splitlines()[:80] if _INTERVIEW_WITH_RE.search(text) else []
    for line in lines:
        if _INTERVIEW_WITH_RE.search(line):
            sentence = _SENTENCE_END_RE.split(line.strip())[0]
            company, _ = company_role_from_title(sentence)
            if company:
                break
    return company, role


FREEMAIL = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.de",
    "web.de",
    "mail.com",
    "yandex.ru",
    "fastmail.com",
    "zoho.com",
    "qq.com",
    "163.com",
}
# Scheduling vendors: their domain says nothing about the employer.
VENDOR_DOMAINS = {
    "greenhouse.io",
    "lever.co",
    "hire.lever.co",
    "myworkday.com",
    "workday.com",
    "goodtime.io",
    "calendly.com",
    "ashbyhq.com",
    "zoom.us",
    "google.com",
    "microsoft.com",
    "smartrecruiters.com",
    "icims.com",
    "jobvite.com",
    "gem.com",
    "modernloop.io",
    "prelude.co",
    "onmicrosoft.com",
    "meetup.com",
    "example.net",
    "example.com",
    "example.org",
}


# A domain that is one of these or below one names no employer: one set lookup and one
# endswith over the tuple, not a loop over both sets per address.
_NO_EMPLOYER_DOMAINS = frozenset(FREEMAIL | VENDOR_DOMAINS)
_NO_EMPLOYER_TAILS = tuple(sorted("." + d for d in _NO_EMPLOYER_DOMAINS))


def company_from_domain(email: str) -> str | None:
    """acme.com → "Acme"; careers.acme.co.uk → "Acme"; freemail and vendors → None."""
    domain = email.rpartition("@")[2].lower().strip(">. ")
    if not domain or "." not in domain:
        return None
    if domain in _NO_EMPLOYER_DOMAINS or domain.endswith(_NO_EMPLOYER_TAILS):
        return None
    labels = domain.split(".")
    # Skip second-level public suffixes like co.uk / com.au.
    second_level = {"co", "com", "ac", "org", "net", "gov", "edu"}
    if len(labels) >= 3 and labels[-2] in second_level and len(labels[-1]) == 2:
        name = labels[-3]
    else:
        name = labels[-2]
    if not name or name in {"mail", "email", "calendar"}:
        return None
    return name.capitalize()


# ------------------------------------------------------------------ people

_EMAIL = r"[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}"
_NAME = (
    r"[A-ZÀ-ÖØ-Þ\u4e00-\u9fff][\w'’.\-\u4e00-\u9fff]{0,30}"
    r"(?:[ \t]{1,2}[A-ZÀ-ÖØ-Þ][\w'’.\-]{0,30}){0,3}"
)
# The same with atomic word pieces, for a search at every capital: a name is
# followed by a blank or a bracket, which no piece holds, so giving back part of
# a word never helps, and a failed name costs one read of it instead of 30 x 4.
_NAME_ATOMIC = (
    r"[A-ZÀ-ÖØ-Þ\u4e00-\u9fff](?>[\w'’.\-\u4e00-\u9fff]{0,30})"
    r"(?:[ \t]{1,2}[A-ZÀ-ÖØ-Þ](?>[\w'’.\-]{0,30})){0,3}"
)
_PERSON_RE = re.compile(
    r"(?P<name>" + _NAME_ATOMIC + r")[ \t]{0,2}[(<\[][ \t]{0,2}(?:mailto:)?"
    r"(?P<email>" + _EMAIL + r")[ \t]{0,2}[)>\]]"
)
_INTERVIEWER_LINE_RE = re.compile(
    r"(?:interviewers?|meeting with|you(?:'ll| will) (?:be )?(?:meet|speak|talk)(?:ing)? with|"
    r"speaking with|interview(?:ing)? with|hosted by)[ \t]*(?::[ \t]*)?"
    r"(?P<rest>(?:[^\n]|\n(?![ \t]*\n)){2,400})",
    re.IGNORECASE,
)
_NAME_ONLY_RE = re.compile(r"^\s*(?P<name>" + _NAME + r")\s*(?:[,(–-].*)?$")
_NAME_FULL_RE = re.compile(_NAME)
_LIST_SEPARATOR_RE = re.compile(r",|\band\b|;")
# `[ \t]*(?::[ \t]*)?`, not `[ \t]*:?[ \t]*`: two quantifiers over the same blanks
# share out a long run in O(n^2) ways before failing.
_INTERVIEWER_BLOCK_RE = re.compile(
    r"interviewers?[ \t]*(?::[ \t]*)?\n(?P<block>(?:[^\n]{0,200}\n?){1,16})", re.IGNORECASE
)


def _drop_parenthesis(piece: str) -> str:
    r"""`re.sub(r"\s*\(.*$", "", piece)` without its restarts in runs of blanks (O(n^2)):
    cut at the first "(" whose line is the last one (a final newline is kept)."""
    start = piece.find("(")
    while start != -1:
        newline = piece.find("\n", start)
        if newline == -1 or newline == len(piece) - 1:
            return (
                piece[:start].rstrip() + piece[newline:]
                if newline != -1
                else piece[:start].rstrip()
            )
        start = piece.find("(", newline)
    return piece


# Every match of _INTERVIEWER_LINE_RE and _INTERVIEWER_BLOCK_RE starts with one of these.
_INTERVIEWER_NEEDLES = (
    *("interviewer", "interview with", "interviewing with", "meeting with", "speaking with"),
    *("you'll", "you will", "hosted by"),
)


def _first_interviewer_phrase(text: str) -> int:
    """Where the first match of either interviewer pattern (IGNORECASE) may start: the
    first needle in the lower-cased text, -1 if none; 0 if a letter IGNORECASE but not
    lower() takes for i or s (or "İ", which lower() makes two) is in it."""
    if has_case_twin(text):
        return 0
    low = text.lower()
    return min((i for i in map(low.find, _INTERVIEWER_NEEDLES) if i != -1), default=-1)


def people_in_text(text: str) -> list[tuple[str, str]]:
    """(name, email) pairs the body names as interviewers.

    "Jane Doe (jane@acme.com)" and "Jane Doe <jane@acme.com>" anywhere in an
    interviewer sentence or list; email "" when only a name is given.
    """
    text = text[:MAX_TEXT_CHARS]
    found: list[tuple[str, str]] = []
    start = _first_interviewer_phrase(text)
    if start == -1:
        return found
    for sentence in _INTERVIEWER_LINE_RE.finditer(text, start):
        rest = sentence.group("rest")
        pairs = [
            (normalise_space(m.group("name")), m.group("email")) for m in _PERSON_RE.finditer(rest)
        ]
        if not pairs and not found:
            # "Interviewers: Jane Doe, John Roe" without addresses; a list may follow on next lines
            chunk = rest if rest.strip() else ""
            for piece in _LIST_SEPARATOR_RE.split(chunk):
                piece = _drop_parenthesis(piece).strip(" .")
                if _NAME_FULL_RE.fullmatch(piece) and 2 <= len(piece.split()) <= 4:
                    pairs.append((piece, ""))
        found.extend(pairs)
    # Bulleted "Name (email) – Title" lines after an "Interviewers:" heading.
    for m in _INTERVIEWER_BLOCK_RE.finditer(text, start):
        for line in m.group("block").splitlines():
            line = line.strip(" \t-*•·")
            if not line:
                continue  # HTML lists come out with blank lines between items
            pm = _PERSON_RE.search(line)
            name_only = _NAME_ONLY_RE.match(line)
            if pm:
                found.append((normalise_space(pm.group("name")), pm.group("email")))
            elif name_only and 2 <= len(name_only.group("name").split()) <= 4:
                found.append((name_only.group("name").strip(), ""))
            else:
                break  # the list has ended
    return found


# The fewest digits a number the matcher takes can have: a country code and the shortest
# valid national number (Germany's and Austria's have 4 digits, a US one 10); the test
# reads it again from the metadata phonenumbers ships.
MIN_PHONE_DIGITS = 6
# Between a number's digits the matcher allows only spaces and punctuation ("x" too:
# 555x0100), never a letter, a ",", ";" or ":" (dates and times), nor a line break.
_PHONE_GAP = r"(?:[^\w,;:\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|x)*"
_PHONE_SHAPE_RE = re.compile(rf"\d(?:{_PHONE_GAP}\d){{{MIN_PHONE_DIGITS - 1}}}")


def may_hold_phone(text: str) -> bool:
    """Whether `text` has a run of digits the phone matcher could read as a number: it
    costs a parse and a validation per run of digits it tries, every date and time."""
    return _PHONE_SHAPE_RE.search(text[:MAX_TEXT_CHARS]) is not None


# A number goes to a key at most 300 characters before it (phones_near), and its digits
# begin within a few characters of its start: lead "(" or "+" and at most 4 punctuation
# marks a block, at most 21 blocks of at most 20 digits. A key with no number shape in
# the 900 characters after it owns no number. The gaps here are every character the
# matcher reads between digits (its punctuation: "x", "X" and "ー" are word characters).
KEY_REACH = 300
_OWNED_SPAN = KEY_REACH + 600
_NUMBER_GAP = r"(?:[^\w,;:\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|[xXー])*"
_NUMBER_SHAPE_RE = re.compile(rf"\d(?:{_NUMBER_GAP}\d){{{MIN_PHONE_DIGITS - 1}}}")
MAX_KEY_HITS = 200  # more places a key is named than this: let the matcher read them all


def _key_may_own_a_number(text: str, lowered: str, keys: list[str]) -> bool:
    """Whether a number may start where phones_near would give it to a key: a cheap,
    exact gate before the matcher (a parse and a validation per run of digits)."""
    hits = 0
    for key in keys:
        needle = key.lower() if key else ""
        if not needle:
            continue
        pos = lowered.find(needle)
        while pos != -1:
            hits += 1
            if hits > MAX_KEY_HITS:
                return True
            start = pos + len(needle)
            if _NUMBER_SHAPE_RE.search(text, start, pos + _OWNED_SPAN):
                return True
            pos = lowered.find(needle, pos + 1)
    return False


def number_shape_from(text: str, start: int) -> bool:
    """Whether a run of digits shaped like a phone number (any the matcher can read)
    starts at or after `start` in the first MAX_TEXT_CHARS of `text`."""
    return _NUMBER_SHAPE_RE.search(text, start, MAX_TEXT_CHARS) is not None


class _ShapedMatcher(phonenumbers.PhoneNumberMatcher):
    """The matcher, parsing only candidates with a number's shape: the others (dates,
    times, short runs) it would parse and reject, at a parse and a validation each.
    Skipping them leaves what it finds, and where it looks next, as they were."""

    def _parse_and_verify(
        self, candidate: str, offset: int
    ) -> phonenumbers.PhoneNumberMatch | None:
        if _NUMBER_SHAPE_RE.search(candidate) is None:
            return None
        return super()._parse_and_verify(candidate, offset)


def phones_near(text: str, keys: list[str]) -> dict[str, str]:
    """Phone numbers in `text`, each given to the nearest key (name or email) before it.

    Returns key → E.164 number. Region "US" lets national US numbers parse;
    +-prefixed international numbers parse regardless.
    """
    text = text[:MAX_TEXT_CHARS]
    result: dict[str, str] = {}
    lowered = text.lower()
    if not any(key and key.lower() in lowered for key in keys) or not may_hold_phone(text):
        return result  # a number goes only to a key before it: no key, no need to look
    if not _key_may_own_a_number(text, lowered, keys):
        return result  # every number is too far from (or before) every key
    try:
        matches = list(
            _ShapedMatcher(text, "US", leniency=phonenumbers.Leniency.VALID, max_tries=200)
        )
    except Exception:
        return result
    for match in matches:
        best, best_pos = None, -1
        for key in keys:
            if not key:
                continue
            pos = lowered.rfind(key.lower(), max(0, match.start - KEY_REACH), match.start)
            if pos > best_pos:
                best, best_pos = key, pos
        if best and best not in result:
            result[best] = phonenumbers.format_number(
                match.number, phonenumbers.PhoneNumberFormat.E164
            )
    return result


# ---------------------------------------------------------------- video links

_URL_RE = re.compile(r"https?://[^\s<>\"'()\[\]{}|\\^`]{3,500}", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^https?://", re.IGNORECASE)
VIDEO_HOSTS = (
    "zoom.us",
    "zoom.com",
    "meet.google.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
    "whereby.com",
    "chime.aws",
    "bluejeans.com",
    "gotomeeting.com",
    "meet.jit.si",
)


def find_video_link(*texts: str) -> str | None:
    for text in texts:
        if not text or "://" not in text:
            continue  # no link: _URL_RE is not tried at every position
        for m in _URL_RE.finditer(text[:MAX_TEXT_CHARS]):
            url = m.group(0).rstrip(".,;:>")
            host = _SCHEME_RE.sub("", url).split("/")[0].split("?")[0].lower()
            if any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS):
                return url
    return None
