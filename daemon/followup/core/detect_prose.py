"""A message without a calendar part → Detection: a confirmation email, read as
interview wording plus a date and time in prose. Pure.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from datetime import timedelta

from . import detect_dates as dates
from . import detect_people as people_
from . import detect_text as tx
from . import detect_zones as zones
from .detect_calendar import natural_order
from .detect_rules import (
    AVAILABILITY_ASK,
    MAX_YEAR,
    MIN_YEAR,
    SETTLED_WORDS,
    STRONG_WORDS,
    build_event,
    company_and_role,
    company_email,
    people_in_prose,
    score,
    sent_by_tool,
)
from .mailtext import Parts, normalise_space
from .model import Detection, InterviewEvent, Person
from .replies import without_quote_headers

_PROSE_CHARS = 50_000  # the body is searched for interview wording this far

# `[^\S\n]*`, not `\s*`: a leading `\s*` runs across blank lines, and a search
# restarting at each of them is O(n^2) on a body of newlines.
# The label in six languages ("Ort:", "Lieu :", "Lugar:", "Locatie:", "Local:").
_LOCATION_LINE_RE = re.compile(
    r"(?im)^[^\S\n]*(?:location|where|address|ort|adresse|lieu|lugar|dirección|ubicación|"
    r"locatie|adres|waar|local|endereço)[^\S\n]?:\s*(.{3,200})$"
)


def from_text(parts: Parts, my: set[str], default_tz: str) -> Detection:
    """A confirmation email: interview wording plus a date and time in prose."""
    body, subject = parts.body, parts.subject
    if not STRONG_WORDS.search(subject.lower()) and not STRONG_WORDS.search(
        body[:_PROSE_CHARS].lower()
    ):
        return Detection(None, "no calendar part and no interview wording")
    if AVAILABILITY_ASK.found(body[:_PROSE_CHARS]) and not SETTLED_WORDS.found(
        subject + "\n" + body[:_PROSE_CHARS]
    ):
        return Detection(None, "availability request without a time")
    ref = parts.date.date() if parts.date else None
    locale = locale_of(parts, default_tz)
    # The dates of quoted and forwarded headers are when mail was written, not the interview.
    text = without_quote_headers(body[:_PROSE_CHARS])
    # The body's later dates only tell a move: read them when the mail says it moved.
    mentions: list[dates.Found] | None = None
    moved = None
    if RESCHEDULE_WORDS.found(subject + "\n" + text):
        mentions = dates.find_datetimes(text, ref, default_tz, locale)
        moved = reschedule(text, mentions)
    old: dates.Found | None = None
    if moved is not None:
        found, old = moved
    else:
        first = dates.find_datetimes(subject, ref, default_tz, locale, limit=1) or (
            mentions[:1]
            if mentions is not None
            else dates.find_datetimes(text, ref, default_tz, locale, limit=1)
        )
        if not first:
            return Detection(None, "interview wording but no date and time")
        found = first[0]
    if not MIN_YEAR <= found.start.year <= MAX_YEAR:
        return Detection(None, "date out of range")
    event = _prose_event(parts, found, my)
    if old is not None:
        event = dataclasses.replace(event, reschedule_of=old.start)
        return Detection(event, "rescheduled by email")
    return Detection(event, "confirmation email")


# "has been rescheduled to …", "wurde auf … verschoben", "reprogramada para …"
RESCHEDULE_WORDS = tx.Words(
    r"\bre-?scheduled?\b|\bre-?scheduling\b|\bmoved\s+(?:your|the|our)?\s*(?:interview|call|meeting)?"
    r"\s*(?:to|from)\b|\bnew\s+(?:date|time)\b|\bverschoben\b|\bverlegt\b|\bneuer\s+termin\b|"
    r"\breprogramad[ao]\b|\breagendad[ao]\b|\bremarcad[ao]\b|\bnueva\s+fecha\b|\bnova\s+data\b|"
    r"\bnouvelle\s+date\b|\breport[ée]e?\b|\bdéplac[ée]e?\b|\bverplaatst\b|\bnieuwe\s+(?:datum|tijd)\b",
    needles=(
        *("reschedul", "re-schedul", "moved", "new", "verschoben", "verlegt", "neuer"),
        *("reprogramad", "reagendad", "remarcad", "nueva", "nova", "nouvelle", "report"),
        *("déplac", "verplaatst", "nieuwe"),
    ),
)
# Words just before a date that say it is the old time, or the new one.
_OLD_CUE = re.compile(
    r"\b(?:originally|previously|instead\s+of|was\s+(?:scheduled|planned|set)|from|"
    r"ursprünglich|statt|anstatt|anstelle|bisher|vom|initialement|au\s+lieu\s+d[eu]|prévu|"
    r"originalmente|inicialmente|anteriormente|en\s+lugar\s+de|en\s+vez\s+de|em\s+vez\s+de|"
    r"marcad[ao]\s+para|oorspronkelijk|in\s+plaats\s+van|eerder|gepland)\b",
    re.IGNORECASE,
)
_NEW_CUE = re.compile(
    r"\b(?:to|now|new|auf|neue[rnms]?|au|para|naar|nieuwe|nouvelle|nueva|nova)\b",
    re.IGNORECASE,
)
_CUE_CHARS = 40


def reschedule(text: str, mentions: list[dates.Found]) -> tuple[dates.Found, dates.Found] | None:
    """(new, old) when the text names two different times and says the interview moved."""
    distinct: list[dates.Found] = []
    for found in mentions:
        if all(found.start != d.start for d in distinct):
            distinct.append(found)
    if len(distinct) < 2:
        return None
    previous_stop = 0
    old: dates.Found | None = None
    new: dates.Found | None = None
    for found in distinct:
        cue = text[max(previous_stop, found.at - _CUE_CHARS) : found.at]
        previous_stop = found.stop
        if old is None and _OLD_CUE.search(cue):
            old = found
        elif new is None and _NEW_CUE.search(cue):
            new = found
    if old is None and new is None:
        return distinct[1], distinct[0]  # "your interview on A … B": the first is the old
    if old is None:
        old = next(d for d in distinct if d is not new)
    if new is None:
        new = next(d for d in distinct if d is not old)
    return new, old


def locale_of(parts: Parts, default_tz: str) -> dates.Locale:
    """How the sender writes dates, from the country of its domain, the language of
    the text, else the user's zone; and the company's zone, for a time without one."""
    country = zones.country_of(parts.sender[1])
    english = _writes_english(parts.subject + "\n" + parts.body[:3000])
    if country is not None:
        day_first = country not in zones.MONTH_FIRST_COUNTRIES or not english
    else:
        day_first = not english or not default_tz.startswith(zones.MONTH_FIRST_ZONES)
    return dates.Locale(day_first=day_first, country=country, zone=zones.country_zone(country))


_ENGLISH_WORDS = (
    "the", "and", "you", "your", "we", "is", "are", "with", "for", "will", "be", "at", "on",
)  # fmt: skip
_OTHER_WORDS = (
    "und", "der", "die", "das", "Sie", "Ihr", "Ihre", "wir", "mit", "le", "la", "les", "vous",
    "votre", "nous", "avec", "est", "el", "los", "las", "usted", "su", "con", "para", "você",
    "seu", "sua", "não", "com", "uma", "het", "een", "uw", "wij", "u", "met", "is",
)  # fmt: skip
_ENGLISH_RE = tx.Words(r"\b(?:" + "|".join(_ENGLISH_WORDS) + r")\b")
_OTHER_RE = tx.Words(r"\b(?:" + "|".join(_OTHER_WORDS) + r")\b")
_ENGLISH_SET = frozenset(w.lower() for w in _ENGLISH_WORDS)
_OTHER_SET = frozenset(w.lower() for w in _OTHER_WORDS)
_WORD_RE = re.compile(r"\w+")


def _writes_english(text: str) -> bool:
    """More English function words than German, French, Spanish, Portuguese or Dutch ones."""
    english, other = function_word_counts(text)
    return english >= other


def function_word_counts(text: str) -> tuple[int, int]:
    """How many matches _ENGLISH_RE and _OTHER_RE count in `text`."""
    if tx.has_case_twin(text):  # lower() and IGNORECASE differ: count as the lists do
        return _ENGLISH_RE.count(text), _OTHER_RE.count(text)
    # A match of either list is a whole word (\b on both sides): the words are read
    # once and looked up in both, not searched for by two patterns.
    english = other = 0
    for word in _WORD_RE.findall(text.lower()):
        english += word in _ENGLISH_SET
        other += word in _OTHER_SET
    return english, other


def _prose_event(parts: Parts, found: dates.Found, my: set[str]) -> InterviewEvent:
    body, subject = parts.body, parts.subject
    start, end, zone, explicit = found.start, found.end, found.zone, found.explicit
    if end is None:
        end = start + (dates.find_duration(subject + "\n" + body) or timedelta(hours=1))
    sender_name, sender_addr = parts.sender
    interviewers, coordinators = _prose_people(parts, my)
    extra = body[:_PROSE_CHARS]
    if sent_by_tool(sender_addr, sender_name):
        extra += " greenhouse"  # sent by a scheduling tool: counts like a medium word
    conf = score(
        subject,
        extra,
        calendar=False,
        recurring=False,
        all_day=False,
        explicit_zone=explicit,
        bulk=parts.bulk,
    )
    names = {p.name for p in interviewers if p.name}
    company, role = company_and_role(
        subject, subject, body, company_email(sender_addr, interviewers), names, parts.sender
    )
    loc = _LOCATION_LINE_RE.search(body)
    event = build_event(
        parts,
        confidence=conf,
        method=None,
        uid="",
        seed=subject,
        sequence=0,
        title=tx.clean_title(subject),
        when=(start, end, zone),
        company_role=(company, role),
        location=normalise_space(loc.group(1)) if loc else None,
        video=tx.find_video_link(body, " ".join(parts.hrefs)),
        organizer=Person(sender_name, sender_addr) if sender_addr else None,
        interviewers=interviewers,
    )
    return replace(event, coordinators=coordinators)


def _prose_people(parts: Parts, my: set[str]) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    """(interviewers, coordinators) of a confirmation email: the people it names, and
    its sender when a person who names others (a recruiter confirming the slot)."""
    text = people_.own_text(parts.body)
    if parts.sender[1] in my:
        text += "\n" + people_.forwarded_text(parts.body)
    found = people_in_prose(text, my)
    extra = [p for p in people_.named_in_prose(text) if p.email not in my]
    forwarded = people_.forwarded_confirmation(parts.body) if not (found or extra) else ""
    if forwarded:  # a recruiter's short note above the company's confirmation
        text += "\n" + forwarded
        found = people_in_prose(text, my)
        extra = [p for p in people_.named_in_prose(text) if p.email not in my]
    named = people_.merge(found, extra, unaddressed=True) if found else extra
    named = [
        p if p.title else Person(p.name, p.email, p.phone, people_.signature_title(text, p.name))
        for p in named
    ]
    interviewers = people_.with_phones(named, text)
    coordinators: tuple[Person, ...] = ()
    sender_name, sender_addr = parts.sender
    known = {p.email for p in interviewers}
    a_person = not people_.is_mailbox(sender_addr) and not sent_by_tool(sender_addr)
    if interviewers and sender_addr and sender_addr not in my | known and a_person:
        name, title = people_.split_cn(natural_order(sender_name))
        title = title or people_.signature_title(text, name)
        sender = Person(name, sender_addr, None, title)
        if people_.says_will_join(text):  # "you will speak with me and Tobias Wolf"
            return (sender, *interviewers), ()
        coordinators = (sender,)
    return interviewers, coordinators
