"""Who is in an interview, read from an invite's attendees and the text beside them:
the interviewers (the people to thank), the coordinators who arranged it but do not
sit in it, titles, and phones from a person's own signature. Pure.

Every regex here reads one line (lines are capped) or a capped text, and none has
nested quantifiers: the cost stays linear in the input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import detect_text as tx
from .detect_rules import is_robot
from .mailtext import normalise_space
from .model import Person, list_like_address

MAX_TEXT_CHARS = 50_000  # text read for names, titles and phones
MAX_LINES = 2_000
MAX_LINE_CHARS = 400
MAX_LIST_LINES = 16  # a one-per-line list of interviewers is read this far


@dataclass(frozen=True)
class Attendee:
    """An ORGANIZER or ATTENDEE as the calendar gives it (address lower-case)."""

    name: str
    email: str
    cutype: str = ""
    role: str = ""  # REQ-PARTICIPANT, OPT-PARTICIPANT, NON-PARTICIPANT, CHAIR
    partstat: str = ""


def _lines(text: str) -> list[str]:
    return [line[:MAX_LINE_CHARS] for line in text[:MAX_TEXT_CHARS].splitlines()[:MAX_LINES]]


def _lines_holding(keys: Sequence[str], lines: list[str]) -> Iterable[int]:
    """The lines (indices, in order) that may hold one of these lower-case words in some
    case, found by str.find over the whole lower-cased text. IGNORECASE takes "ı" for
    "i" and "ſ" for "s", which lower() does not: with those, every line."""
    joined = "\n".join(lines)
    if tx.has_case_twin(joined):
        return range(len(lines))
    # Lines hold no line break, and lower() keeps every length but "İ"'s (a twin): a
    # hit's line starts after the "\n" before it. Counting the breaks between the
    # starts, in order, gives the indices in one pass (no table of every line's start).
    lowered = joined.lower()
    starts: set[int] = set()
    for key in keys:
        pos = lowered.find(key)
        while pos != -1:
            starts.add(lowered.rfind("\n", 0, pos) + 1)
            end = lowered.find("\n", pos)
            if end == -1:
                break
            pos = lowered.find(key, end + 1)  # the next line: one hit a line is enough
    found: list[int] = []
    index = prev = 0
    for start in sorted(starts):
        index += lowered.count("\n", prev, start)
        found.append(index)
        prev = start
    return found


# --------------------------------------------------------- mailboxes and rooms

# Words in a mailbox's local part that make it a team's or a tool's, not a person's
# ("recruiting@", "talent-team@", "AcmeInterviews@", "bookings@", "recrutement@").
_TEAM_LOCAL_WORD = re.compile(
    r"recruit|recrut|reclut|talent|interview|booking|schedul|hiring|career|karriere|"
    r"bewerb|werving|sollicit|entrevista|entretien|vagas|staffing|coordinat",
    re.IGNORECASE,
)
_TEAM_LOCALS = frozenset(
    {"hr", "rh", "rrhh", "ta", "people", "jobs", "job", "emploi", "empleo", "personal"}
    # "do not reply" in the languages robots write it
    | {"naoresponda", "nao-responda", "noresponder", "no-responder", "nepasrepondre"}
    | {"ne-pas-repondre", "nichtantworten", "keine-antwort", "geen-antwoord", "noreply"}
)
# Rooms by name: the word, a building-floor code ("CHI-4-Boardroom"), a capacity "(8)".
_ROOM_NAME = re.compile(
    r"\b(?:room|rm|conf(?:erence)?|boardroom|meeting\s?room|raum|besprechungsraum|"
    r"konferenzraum|salle|sala|zaal|vergaderruimte|vergaderzaal)\b|"
    r"^[A-Z]{2,6}[-_ ]\d{1,3}[-_ ]|\(\d{1,3}\)$",
    re.IGNORECASE,
)
_ROOM_LOCAL = re.compile(
    r"^(?:room|rm|conf|conference|meetingroom|salle|sala|raum|zaal|resource)(?:[-_.]|\d|$)",
    re.IGNORECASE,
)


def is_mailbox(email: str) -> bool:
    """A robot, a list, or a team or scheduling mailbox: nobody to thank by name."""
    local = email.lower().rpartition("@")[0]
    return (
        is_robot(email)
        or list_like_address(email)
        or local in _TEAM_LOCALS
        or bool(_TEAM_LOCAL_WORD.search(local))
    )


def is_room(name: str, email: str, cutype: str = "") -> bool:
    local = email.lower().rpartition("@")[0]
    return cutype in ("ROOM", "RESOURCE") or bool(
        _ROOM_NAME.search(name.strip()) or _ROOM_LOCAL.match(local)
    )


# ------------------------------------------------------------ coordinator words

# Recruiting and scheduling work, in the languages the invites come in.
COORDINATOR_WORDS = re.compile(
    r"\b(?:recruit\w*|talent\s+acquisition|talent\s+partner|talent\s+team|sourc(?:er|ing)|"
    r"(?:interview|recruiting)\s+coordinat\w*|coordinat(?:or|ion)|scheduler|scheduling|"
    r"people\s+(?:ops|operations|partner|team)|human\s+resources|hr|"
    r"personal(?:abteilung|referent\w*|wesen)|personalmanagement|recruiterin|"
    r"recrutement|recruteur|recruteuse|chargée?\s+de\s+recrutement|ressources\s+humaines|rh|"
    r"werving|wervingsadviseur|hr-adviseur|"
    r"reclutamiento|reclutador\w*|selecci[oó]n|recursos\s+humanos|rrhh|"
    r"recrutamento|recrutador\w*|sele[cç][aã]o|gente\s+e\s+gest[aã]o|"
    r"hiring\s+team|talent)\b",
    re.IGNORECASE,
)
# The writer says they will not sit in the interview. (Word lists, searched lower-cased:
# read once per attendee, over the whole text.)
_WONT_JOIN = tx.Words(
    r"\b(?:I\s+(?:won'?t|will\s+not|shan'?t)\s+be\s+(?:joining|attending|on\s+the\s+call|there|present)|"
    r"I\s+(?:won'?t|will\s+not)\s+(?:join|attend)|I'?m\s+not\s+(?:joining|attending)|"
    r"ich\s+(?:selbst\s+)?(?:werde|bin)\s+nicht\s+(?:dabei|teilnehmen|anwesend)|"
    r"ich\s+nehme\s+(?:selbst\s+)?nicht\s+teil|"
    r"je\s+ne\s+(?:serai|participerai|pourrai\s+pas\s+être)\s+pas|je\s+ne\s+serai\s+pas\s+présente?|"
    r"ik\s+(?:ben|zal)\s+(?:zelf\s+)?niet\s+(?:aanwezig|aansluiten|bij)|ik\s+sluit\s+niet\s+aan|"
    r"no\s+(?:estar[ée]|participar[ée]|asistir[ée])|"
    r"n[ãa]o\s+(?:estarei|participarei|vou\s+participar))"
)
# The writer says they will (a recruiter's own screen).
_WILL_JOIN = tx.Words(
    r"\b(?:and\s+I\s+will\s+be|and\s+I'?ll\s+be|I\s+will\s+be\s+(?:joining|on\s+the\s+call|there)|"
    r"I'?ll\s+be\s+(?:joining|on\s+the\s+call|there)|I\s+will\s+(?:join|interview)|"
    r"und\s+ich\s+(?:werden|sind)|ich\s+bin\s+(?:auch\s+)?dabei|"
    r"et\s+moi-même|je\s+serai\s+(?:présente?|là)|"
    r"en\s+ik\s+(?:zijn|zullen)|"
    r"y\s+yo\s+(?:estaremos|participaremos)|e\s+eu\s+(?:estaremos|participaremos)|"
    # "you will speak with me and Tobias": the writer is one of the interviewers
    r"(?:with|mit|avec|con|com|met)\s+(?:me|mir|moi|mij|mim)\s+(?:and|und|et|y|e|en)\b|"
    r"(?:and|und|et|y|e|en)\s+(?:me|mir|moi|mij|mim)\b(?=[\s.,;])|"
    r"\b(?:conmigo|comigo)\b)"
)


def says_wont_join(text: str) -> bool:
    return _WONT_JOIN.found(own_text(text)[:MAX_TEXT_CHARS])


def says_will_join(text: str) -> bool:
    return _WILL_JOIN.found(own_text(text)[:MAX_TEXT_CHARS])


# --------------------------------------------------------- quotes and forwards

_QUOTE_MARKER = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:original\s+message|forwarded\s+message|weitergeleitete\s+nachricht|"
    r"urspr[üu]ngliche\s+nachricht|message\s+d'origine|message\s+transf[ée]r[ée]|"
    r"mensaje\s+original|mensaje\s+reenviado|mensagem\s+original|mensagem\s+encaminhada|"
    r"oorspronkelijk\s+bericht|doorgestuurd\s+bericht)|begin\s+forwarded\s+message\s*:|"
    r"(?:on|am|le|op|el|em)\s[^\n]{4,300}(?:wrote|schrieb|a\s+[ée]crit|schreef|escribi[oó]|escreveu)\s*:)",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^[ \t]*\**(?:from|von|de|van)\**\s*:\s", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^[ \t]*\**(?:sent|gesendet|envoy[ée]|verzonden|enviado|date|datum)\**\s*:\s", re.IGNORECASE
)


# The first character after a line's spaces and tabs that each can start with: no other
# character matches these letters in IGNORECASE (only "s" has a twin, "ſ", and it is not
# first in either). A line starting with anything else is tested no further.
_QUOTE_MARKER_STARTS = frozenset("-bBoOaAlLeE")
_HEADER_FROM_STARTS = frozenset("*fFvVdD")


@functools.lru_cache(maxsize=8)  # one message asks for it 3-4 times (is_coordinator, …)
def own_text(text: str) -> str:
    """The text its writer wrote: quoted lines ("> ") dropped, and everything from an
    inline forward or a quoted reply ("On … wrote:", an Outlook "From:/Sent:" block) on
    cut: the people named there wrote or were named in another message."""
    lines = _lines(text)
    kept: list[str] = []
    for i, line in enumerate(lines):
        head = line.lstrip(" \t")[:1]
        if head in _QUOTE_MARKER_STARTS and _QUOTE_MARKER.match(line):
            break
        if (
            head in _HEADER_FROM_STARTS
            and _HEADER_FROM.match(line)
            and i + 1 < len(lines)
            and _HEADER_SENT.match(lines[i + 1])
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)


_FORWARD_MARKER = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:forwarded\s+message|weitergeleitete\s+nachricht|"
    r"message\s+transf[ée]r[ée]|mensaje\s+reenviado|mensagem\s+encaminhada|"
    r"doorgestuurd\s+bericht)|begin\s+forwarded\s+message\s*:)",
    re.IGNORECASE,
)
MAX_FORWARD_NOTE_LINES = 6


def forwarded_confirmation(text: str) -> str:
    """A confirmation someone forwarded with a short note above it ("forwarding the
    confirmation below"): the forwarded text, whose people are the interview's. ""
    for a quoted reply or a long message around the forward."""
    lines = _lines(text)
    for i, line in enumerate(lines):
        if _QUOTE_MARKER.match(line) or (
            _HEADER_FROM.match(line) and i + 1 < len(lines) and _HEADER_SENT.match(lines[i + 1])
        ):
            note = sum(1 for ln in lines[:i] if ln.strip())
            if _FORWARD_MARKER.match(line) and note <= MAX_FORWARD_NOTE_LINES:
                return "\n".join(lines[i + 1 :])
            return ""
    return ""


def forwarded_text(text: str) -> str:
    """What follows the first forward or quote marker ("" if none): read when the user
    forwarded an invite to themselves."""
    lines = _lines(text)
    for i, line in enumerate(lines):
        if _QUOTE_MARKER.match(line) or (
            _HEADER_FROM.match(line) and i + 1 < len(lines) and _HEADER_SENT.match(lines[i + 1])
        ):
            return "\n".join(ln.lstrip("> ") for ln in lines[i + 1 :])
    return ""


# ------------------------------------------------------------- names in prose

# A heading or phrase that introduces the interviewers, in the languages invites use.
_HEADING_WORDS = (
    r"(?<!\w)(?:interviewers?|interview\s+panel|your\s+panel|panel(?:ists)?|"
    r"you(?:'ll|\s+will)\s+(?:be\s+)?(?:meet|speak|talk)(?:ing)?\s+with|meeting\s+with|"
    r"speaking\s+with|hosted\s+by|"
    r"(?:ihre|deine|eure)?\s?gespr[äa]chspartner(?:in|innen)?|interviewer(?:in|innen)|"
    r"sie\s+(?:sprechen|treffen\s+sich)\s+mit|"
    r"(?:vos|votre|tes)\s+interlocut(?:eur|rice)s?|interlocut(?:eur|rice)s?|"
    r"vous\s+(?:rencontrerez|[ée]changerez\s+avec|serez\s+re[çc]ue?\s+par)|"
    r"gesprekspartners?|(?:je|u)\s+spreekt\s+met|(?:je|u)\s+hebt\s+een\s+gesprek\s+met|"
    r"entrevistador(?:a|es|as)?|te\s+reunir[áa]s\s+con|hablar[áa]s\s+con|"
    r"voc[êe]\s+(?:conversar[áa]|vai\s+conversar|falar[áa])\s+com)"
)
_PEOPLE_HEADING = re.compile(
    _HEADING_WORDS + r"[ \t]*(?:\([^)\n]{0,40}\))?[ \t]*(?::[ \t]*)?(?P<rest>[^\n]*)",
    re.IGNORECASE,
)
# A word every heading above holds, lower-case: the lines that hold none hold no heading.
_HEADING_KEYS = (
    *("interview", "panel", "meet", "speak", "talk", "hosted", "gespr", "sprechen", "treffen"),
    *("interlocut", "rencontrerez", "changerez", "serez", "spreekt", "entrevistador", "reunir"),
    *("hablar", "conversar", "falar"),
)
_COURTESY = re.compile(
    r"^(?:frau|herr|mr|mrs|ms|mx|miss|m|mme|mlle|mevr|mevrouw|dhr|de\s+heer|sr|sra|srta|"
    r"don|doña|dña)\.?\s",
    re.IGNORECASE,
)
_ACADEMIC = re.compile(r"^(?:dr|prof|ing|dipl\.-ing|mag)\.?$", re.IGNORECASE)
_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "da", "das", "dos", "del", "della", "di", "du", "le", "la"}
    | {"ten", "ter", "zu", "y", "e", "bin", "al", "el"}
)
_NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’\-]{0,30}\.?")
# Places read as names: a city, or a word that makes a place ("Berlin Office").
_PLACES = frozenset(
    {
        "new york",
        "san francisco",
        "los angeles",
        "san diego",
        "san jose",
        "new jersey",
        "hong kong",
        "tel aviv",
        "mexico city",
        "são paulo",
        "sao paulo",
        "rio de janeiro",
        "buenos aires",
        "cape town",
        "kuala lumpur",
        "las vegas",
        "salt lake city",
        "washington dc",
        "new delhi",
        "frankfurt am main",
    }
)
_PLACE_WORDS = frozenset(
    {"office", "hq", "headquarters", "campus", "building", "floor", "street", "avenue"}
    | {"büro", "standort", "bureau", "kantoor", "oficina", "escritório", "sede", "remote"}
)
_PREPOSITION_TAIL = re.compile(
    r"\s(?:in|at|from|im|aus|am|à|au|en|uit|op|em|no|na)\s.*$", re.IGNORECASE
)
_PARENS = re.compile(r"\(([^()\n]{0,120})\)")
_SPLIT_PEOPLE = re.compile(
    r";|\s(?:and|und|et|en|y|e|&|sowie)\s|,|\s[–—]\s|\s-\s|\s\|\s", re.IGNORECASE
)
_SEPARATOR_KIND = re.compile(r"\s[–—]\s|\s-\s|\s\|\s|,")  # may also lead a title
_EMAIL_RE = re.compile(
    r"<?(?:mailto:)?([A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24})>?"
)
_BULLET = " \t-*•·–—▪◦"
_TITLE_EXTRA = re.compile(
    r"\b(?:head|leitung|leiter(?:in)?|teamlead|teamleiter(?:in)?|gesch[äa]ftsf[üu]hrer(?:in)?|"
    r"entwickl\w*|responsable|directeur|directrice|chef|cheffe|ing[ée]nieur\w*|"
    r"hoofd|teamleider|ontwikkelaar|gerente|jefe|jefa|desenvolvedor\w*|diretor\w*|"
    r"ceo|cto|cfo|coo|founder|co-founder|partner|vp|svp|evp)\b",
    re.IGNORECASE,
)


def is_title(text: str) -> bool:
    """A job title as invites write one ("Engineering Manager", "Leitung Entwicklung")."""
    t = text.strip()
    return (
        0 < len(t) <= 80
        and "@" not in t
        and not any(c.isdigit() for c in t)
        and bool(tx.ROLE_WORDS.search(t) or _TITLE_EXTRA.search(t) or COORDINATOR_WORDS.search(t))
    )


def clean_name(text: str) -> str:
    """A person's name from a list item, or "": courtesy words dropped ("Frau Dr.
    Petra Lindner" → "Dr. Petra Lindner"), a trailing place cut ("… in New York")."""
    t = normalise_space(text).strip(" .:;,\"'")
    while (m := _COURTESY.match(t + " ")) and len(t) > m.end():
        t = t[m.end() :].strip()
    t = _PREPOSITION_TAIL.sub("", t)
    words = t.split()
    academic = [w for w in words[:2] if _ACADEMIC.match(w)]
    core = words[len(academic) :]
    if not 2 <= len(core) <= 5 or t.lower() in _PLACES:
        return ""
    if any(w.lower().strip(".") in _PLACE_WORDS for w in core):
        return ""
    for w in core:
        if w.lower() in _PARTICLES:
            continue
        if not _NAME_WORD.fullmatch(w):
            return ""
    if core[0].lower() in _PARTICLES or core[-1].lower() in _PARTICLES:
        return ""
    if is_title(" ".join(core)):
        return ""  # "Engineering Manager", not a person
    return " ".join(academic + core)


def _person_from_piece(piece: str) -> Person | None:
    """ "Frau Dr. Petra Lindner (Leitung Entwicklung) <petra@x.de>" → Person."""
    email = ""
    m = _EMAIL_RE.search(piece)
    if m:
        email = m.group(1).lower()
        piece = piece[: m.start()] + piece[m.end() :]
    title = ""
    for paren in _PARENS.finditer(piece):
        inner = paren.group(1).strip()
        if inner and is_title(inner):
            title = inner
    name = clean_name(_PARENS.sub(" ", piece).replace("()", " "))
    if not name:
        return None
    return Person(name, email, None, normalise_space(title))


def _pieces(text: str) -> list[str]:
    """A line split into list items, parentheses kept whole."""
    saved: list[str] = []

    def hide(m: re.Match[str]) -> str:
        saved.append(m.group(0))
        return f"\x00{len(saved) - 1}\x00"

    hidden = _PARENS.sub(hide, text)
    out = []
    for piece in _SPLIT_PEOPLE.split(hidden)[:40]:
        for i, kept in enumerate(saved):
            piece = piece.replace(f"\x00{i}\x00", kept)
        out.append(piece.strip(_BULLET + " ."))
    return out


def _people_in_line(line: str) -> tuple[list[Person], bool]:
    """The people one line names, and whether it named anybody or a title (a list
    goes on while its lines do)."""
    people: list[Person] = []
    any_found = False
    for piece in _pieces(line):
        if not piece:
            continue
        person = _person_from_piece(piece)
        if person is not None:
            people.append(person)
            any_found = True
        elif people and is_title(piece) and not people[-1].title:
            last = people[-1]
            people[-1] = Person(last.name, last.email, None, normalise_space(piece))
            any_found = True
    return people, any_found


# An itinerary line: a time range, then who (and what): "9:00 - 9:45 AM  Jane Doe,
# Engineering Manager (System design)". A line with nobody (Lunch) names nobody.
_T = r"\d{1,2}(?:[:.h]\d\d)?[ \t]?(?:[ap]\.?m\.?)?"
_SESSION_LINE = re.compile(
    rf"^[ \t*•·-]*{_T}[ \t]?(?:[-–—]|to|bis|à|a|tot|até)[ \t]?{_T}"
    r"(?:[ \t]?(?:[A-Z]{2,4}\b|uhr\b))?[ \t]*[:|\-–—]?[ \t]*(?P<rest>[^\n]*)$",
    re.IGNORECASE,
)
_SESSION_TOPIC = re.compile(r"\s[–—-]\s|:\s|\s\|\s")


_SESSION_LEAD = " \t*•·-"  # what _SESSION_LINE lets come before its first digit


def itinerary_people(text: str) -> list[Person]:
    """Everyone an itinerary's time-slot lines name, each session's interviewers."""
    return _itinerary_people(_lines(own_text(text)))


def _itinerary_people(lines: list[str]) -> list[Person]:
    found: list[Person] = []
    for line in lines:
        if not line.lstrip(_SESSION_LEAD)[:1].isdecimal():
            continue  # no time first: no session line (\d is a decimal digit)
        m = _SESSION_LINE.match(line)
        if not m:
            continue
        rest = m.group("rest").strip()
        who = _SESSION_TOPIC.split(rest)[0] if rest else ""
        people, _ = _people_in_line(who.replace(" with ", ", ").replace(" mit ", ", "))
        found.extend(people)
    return _unique(found)


def named_in_prose(text: str) -> list[Person]:
    """Interviewers a text names after a heading ("Interviewers:", "Ihre
    Gesprächspartner:", "Vos interlocuteurs :", "You'll meet with …"): inline lists
    split by commas, ";", "and"/"und"/"et"/"y", or one person a line (bullets too)."""
    lines = _lines(own_text(text))
    found: list[Person] = []
    for i in _lines_holding(_HEADING_KEYS, lines):
        line = lines[i]
        m = _PEOPLE_HEADING.search(line)
        if not m:
            continue
        rest = m.group("rest").strip()
        people, _ = _people_in_line(rest) if rest else ([], False)
        found.extend(people)
        if rest and not rest.endswith(":"):
            continue
        blank_run = 0
        for follow in lines[i + 1 : i + 1 + MAX_LIST_LINES]:
            item = follow.strip(_BULLET)
            if not item:
                blank_run += 1  # HTML lists come out with one blank line between items
                if blank_run > 1:
                    break
                continue
            blank_run = 0
            if _PEOPLE_HEADING.search(item) or _person_from_piece(_pieces(item)[0]) is None:
                break  # a list goes on only while each line starts with a person
            people, _ = _people_in_line(item)
            found.extend(people)
    return _unique(found + _itinerary_people(lines))


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: set[str] = set()
    out = []
    for p in people:
        key = p.email or p.name.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


# ------------------------------------------------------------------ signatures

_SIGNATURE_SPLIT = re.compile(r"\s[|–—-]\s|,\s")


def signature_title(text: str, name: str) -> str:
    """The title under (or beside) a person's name in a signature: "Maria Lindqvist"
    then "Talent Acquisition, Globex" → "Talent Acquisition"."""
    if not name:
        return ""
    lines = _lines(text)
    key = name.lower()
    for i, line in enumerate(lines):
        stripped = line.strip(_BULLET)
        if not stripped.lower().startswith(key):
            continue
        tail = stripped[len(key) :].strip()
        if tail:
            first = _SIGNATURE_SPLIT.split(" " + tail if tail[0] in "|–—-" else tail)
            candidate = next((p.strip(" ,|–—-") for p in first if p.strip(" ,|–—-")), "")
            if is_title(candidate):
                return candidate
            continue
        if i + 1 < len(lines):
            nxt = lines[i + 1].strip()
            candidate = _SIGNATURE_SPLIT.split(nxt)[0].strip()
            if is_title(candidate):
                return candidate
    return ""


# --------------------------------------------------------------------- phones

# Lines of a conference's dial-in block: their numbers belong to no person.
_DIAL_IN_LINE = tx.Words(
    r"dial[- ]?in|join\s+by\s+phone|call[- ]in|conference\s+id|meeting\s+id|\bpin\b|"
    r"passcode|access\s+code|kenncode|konferenz-?id|besprechungs-?id|code\s+secret|"
    r"id\s+de\s+(?:conf[ée]rence|r[ée]union)|audio\s+only|nur\s+audio|audio\s+uniquement|"
    r"toll[- ]free|tel:|one\s+tap\s+mobile|local\s+numbers?|phone\s+numbers?\s+for|"
    r"more\s+phone\s+numbers|weitere\s+telefonnummern|inbelnummer|vergadering-?id|"
    r"n[úu]mero\s+de\s+(?:acceso|acesso)|id\s+de\s+la\s+reuni[oó]n|id\s+da\s+reuni[aã]o|"
    r"meet\.google|teams\.microsoft|zoom\.us|webex|gotomeeting|bluejeans",
)
# Headings whose following lines (to the next blank one) are all dial-in numbers.
_DIAL_IN_HEADING = tx.Words(
    r"join\s+by\s+phone|dial\s+by\s+your\s+location|or\s+call\s+in|call\s+in\s+\(audio|"
    r"one\s+tap\s+mobile|telefonisch\s+teilnehmen|per\s+telefon|rejoindre\s+par\s+t[ée]l[ée]phone|"
    r"participer\s+par\s+t[ée]l[ée]phone|inbellen|unirse\s+por\s+tel[ée]fono|"
    r"participar\s+por\s+telefone|entrar\s+por\s+telefone|dial[- ]in",
)
# A word each of those holds, lower-case: a line holding none is neither.
_DIAL_IN_LINE_KEYS = (
    *("dial", "join", "call", "conference", "meeting", "pin", "passcode", "access", "kenncode"),
    *("konferenz", "besprechungs", "secret", "rence", "union", "audio", "toll", "tel:", "tap"),
    *("local", "phone", "telefonnummern", "inbelnummer", "vergadering", "mero", "reuni"),
    *("meet.google", "teams.microsoft", "zoom.us", "webex", "gotomeeting", "bluejeans"),
)
_DIAL_IN_HEADING_KEYS = (
    *("join", "dial", "call", "tap", "telefon", "rejoindre", "participer", "inbellen"),
    *("unirse", "participar", "entrar"),
)


def without_dial_ins(text: str) -> str:
    """The text with every conference dial-in line and block blanked out."""
    lines = _lines(text)
    headings = {
        i for i in _lines_holding(_DIAL_IN_HEADING_KEYS, lines) if _DIAL_IN_HEADING.found(lines[i])
    }
    dial_ins = {
        i for i in _lines_holding(_DIAL_IN_LINE_KEYS, lines) if _DIAL_IN_LINE.found(lines[i])
    }
    kept: list[str] = []
    in_block = False
    for i, line in enumerate(lines):
        if not line.strip():
            in_block = False
            kept.append("")
            continue
        if i in headings:
            in_block = True
        if in_block or i in dial_ins:
            kept.append("")
            continue
        kept.append(line)
    return "\n".join(kept)


def _sigma_free_lower(text: str) -> str:
    return text.lower().replace("ς", "σ")  # lower() writes a final sigma by context


def _number_after_a_key(keys: Sequence[str], text: str) -> bool:
    """Whether a number's shape may follow a key in some text cut from `text` by lines:
    phones_near gives a number only to a key before it, and a cut keeps the order (and
    the insides) of the lines it keeps. No key in the text: no. Yes where positions cannot
    be compared: a key holding a line break (it could span two kept lines), or a text
    that lower() lengthens ("İ")."""
    lowered = _sigma_free_lower(text)
    first_end = -1
    for key in keys:
        if not key:
            continue
        if key.splitlines() != [key]:
            return True
        needle = _sigma_free_lower(key)
        pos = lowered.find(needle)
        if pos != -1 and (first_end == -1 or pos + len(needle) < first_end):
            first_end = pos + len(needle)
    if first_end == -1:
        return False
    return len(lowered) != len(text) or tx.number_shape_from(text, first_end)


def with_phones(people: Sequence[Person], text: str) -> tuple[Person, ...]:
    """Each person's phone from the text near their own name, dial-ins never."""

    def variants(p: Person) -> list[str]:
        last, comma, first = p.name.partition(",")
        flipped = f"{first.strip()} {last.strip()}" if comma else ""
        return [k for k in (p.name, flipped, p.email) if k]

    keys = [k for p in people for k in variants(p)]
    if all(p.phone for p in people) or not tx.may_hold_phone(text):
        return tuple(people)  # no number: skip dial-ins and the matcher
    if not _number_after_a_key(keys, text):
        return tuple(people)  # nobody to give one to, or every number before every name
    phones = tx.phones_near(without_dial_ins(text), keys)
    out = []
    for p in people:
        phone = p.phone or next((phones[k] for k in variants(p) if k in phones), None)
        out.append(Person(p.name, p.email, phone, p.title) if phone != p.phone else p)
    return tuple(out)


# ------------------------------------------------------------------ merging

_LOCAL_SPLIT = re.compile(r"[._+-]")


def _matches_local_part(name: str, email: str) -> bool:
    """ "Jane Doe" ↔ jane.doe@, jdoe@, doe.jane@, janed@."""
    words = [w.lower().strip(".") for w in name.split() if not _ACADEMIC.match(w)]
    if len(words) < 2:
        return False
    local = email.lower().rpartition("@")[0]
    first, last = words[0], words[-1]
    parts = set(_LOCAL_SPLIT.split(local))
    compact = local.replace(".", "").replace("_", "").replace("-", "")
    return (
        {first, last} <= parts
        or compact in (first + last, last + first, first[0] + last, first + last[0])
        or (last in parts and first[:1] in parts)
    )


def merge(
    calendar: Sequence[Person], prose: Sequence[Person], *, unaddressed: bool = False
) -> list[Person]:
    """Calendar attendees completed from the names the text gives: by address, by
    name, or an address-only attendee by the name its address spells. Prose people
    no attendee matches are added when they come with an address (or, `unaddressed`,
    a confirmation email's, without one)."""
    out = list(calendar)
    for p in prose:
        idx = _match(out, p)
        if idx is None:
            if (p.email or unaddressed) and (not p.email or p.email not in {q.email for q in out}):
                out.append(p)
            continue
        q = out[idx]
        out[idx] = Person(
            q.name or p.name, q.email or p.email, q.phone or p.phone, q.title or p.title
        )
    return out


def _match(people: Sequence[Person], p: Person) -> int | None:
    for i, q in enumerate(people):
        if p.email and q.email == p.email:
            return i
    for i, q in enumerate(people):
        if q.name and _same_name(q.name, p.name):
            return i
    for i, q in enumerate(people):
        if not q.name and q.email and _matches_local_part(p.name, q.email):
            return i
    return None


def _same_name(a: str, b: str) -> bool:
    def core(n: str) -> list[str]:
        return [w.lower() for w in n.split() if not _ACADEMIC.match(w)]

    return core(a) == core(b)


# ------------------------------------------------------------------- roles


def is_coordinator(
    person: Person,
    *,
    cn: str,
    text: str,
    writer: bool,
    others: int,
    attends: bool | None,
) -> bool:
    """Whether this person arranged the interview without sitting in it.

    `cn`: the name as the calendar gives it ("Ana Ruiz (Recruiting)"); `writer`: the
    text is theirs (they sent the mail or organised the invite); `others`: how many
    other interviewers there are; `attends`: what the calendar says (False: listed as
    a non-participant or declined, or missing where the producer lists the organizer;
    None: it does not say)."""
    if attends is False:
        return True
    if writer and says_wont_join(text):
        return True
    if others == 0:
        return False  # a recruiter's own screen: the only one there
    if writer and says_will_join(text):
        return False
    recruiting = bool(COORDINATOR_WORDS.search(cn)) or bool(
        person.title and COORDINATOR_WORDS.search(person.title)
    )
    return recruiting


def split_cn(cn: str) -> tuple[str, str]:
    """ "Ana Ruiz (Recruiting)", "Ana Ruiz - Talent Acquisition" → ("Ana Ruiz", title);
    the name alone otherwise."""
    cn = cn.strip()[:160]
    name, extra = cn, ""
    if cn.endswith(")") and "(" in cn:
        cut = cn.rfind("(")
        name, extra = cn[:cut], cn[cut + 1 : -1]
    else:
        for sep in (" | ", " - ", " – ", " — "):
            if sep in cn:
                name, _, extra = cn.partition(sep)
                break
    name, extra = name.strip(), extra.strip()
    if len(name) < 2 or not is_title(extra):
        return cn, ""
    return name, extra
