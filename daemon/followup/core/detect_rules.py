"""What makes an interview, shared by the calendar and the prose readings: the
wording and its score, robots and rooms, people named in prose, company and role,
and the one builder of an InterviewEvent. Pure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from . import detect_company as co
from . import detect_text as tx
from .mailtext import Parts
from .model import InterviewEvent, Method, Person

INTERVIEW_THRESHOLD = 0.5
CONFIRMED_THRESHOLD = 0.75
# Below is_interview, but worth asking the user about (`followup confirm`), never acted on.
MAYBE_THRESHOLD = 0.4
MIN_YEAR, MAX_YEAR = 1970, 2100

# ------------------------------------------------------------------- wording

_URL_RE = re.compile(r"(?:https?://|www\.)\S{1,2000}", re.IGNORECASE)

STRONG_WORDS = re.compile(
    # Lower-case words, matched on lower-cased text: 5x faster than IGNORECASE.
    r"\b(?:interview\w*|phone[\s-]screen|screening\s+call|technical\s+screen|onsite\b|"
    r"on-site\b|hiring\s+manager|final\s+round|system\s+design|coding\s+(?:exercise|session)|"
    r"recruiter\s+(?:call|screen|chat)|panel\s+(?:interview|session)|entrevista|"
    # German, French (and Canadian French), Dutch; Spanish and Portuguese say "entrevista".
    r"vorstellungsgespr|bewerbungsgespr|kennenlerngespr|"
    r"(?:telefon|video|job|online|fach|erst|zweit|telefoon|tech)-?interview|"
    r"entretiens?\b(?!\s+(?:annuel|du\b|des\b|de\s+(?:la|votre|vos|l['’])))|entrevue|"
    r"sollicitatiegesprek|kennismakingsgesprek|selectiegesprek)"
)
MEDIUM_WORDS = re.compile(
    # Lower-case words, matched on lower-cased text: 5x faster than IGNORECASE.
    r"\b(?:recruit\w*|candidate|talent\s+acquisition|position\b|the\s+role\b|hiring\s+team|"
    r"greenhouse|lever\b|workday|goodtime|ashby|calendly|"
    r"bewerb\w*|stelle\b|kandidat\w*|candidat\w*|postulaci\w*|sollicit\w*|"
    r"poste\b|puesto\b|vacante\b|vacature|vaga\b|functie\b|"
    r"recrut\w*|reclut\w*|processo\s+seletivo|proceso\s+de\s+selecci|werving|"
    r"personio|teamtailor|recruitee|gupy|join\.com|smartrecruiters|workable|"
    r"softgarden|stepstone)"
)
NEGATIVE_WORDS = tx.Words(
    r"\bstand-?\s?up\b|\bdaily\s+scrum|\b1:1\b|\bone[\s-]on[\s-]one|\bdentist|\bdental|\bdoctor|"
    r"\bwebinar|\bnewsletter|\bmeetup(?![-\w])|\bparty\b|\bhappy\s+hour|\bretro(?:spective)?\b|"
    r"\bsprint\b|\ball[\s-]hands|\bbirthday|\bworkgroup|\bwork\s+group|\blearning\s+series|"
    r"\bwe(?:'|’)?re\s+hiring|\bjob\s+alert|\bapply\s+now|\bunsubscribe|\bappointment\s+reminder|"
    r"\bhaircut|\bcheck-?up\b|\bcleaning\b|\bbook\s+club",
)
# Interviews that are not for a job: research studies, media, interviewer training and
# practice. In the event's own name they rule it out; in the text they count against.
NOT_FOR_A_JOB = tx.Words(
    r"\bpodcast\s+(?:interview|recording|guest|episode)|\brecording\s+session|"
    r"\bbe\s+our\s+guest|\bepisode\s+\d|\bpress\s+interview|\bmedia\s+interview|"
    r"\binterviewer\s+training|\binterview(?:ing)?\s+(?:skills|tips|workshop|bootcamp)|"
    r"\bmock\s+interview|\bpractice\s+interview|\binterview\s+practice|"
    r"\bhow\s+to\s+(?:ace|nail|prepare\s+for)\s+(?:an?|your|the)\s+(?:\w+\s+){0,3}interview|"
    r"\bresearch\s+(?:study|interview|session|participant)|\buser\s+research\s+study|"
    r"\bstudy\s+participa|\bparticipants?\s+(?:incentive|compensation)|\bgift\s+card|"
    r"\b(?:ways|tips|steps|secrets|mistakes)\s+to\s+(?:ace|nail|prepare\s+for|crush)\b|"
    # press and media in the languages detection reads: "interview pour notre magazine",
    # "Interview für unseren Podcast", "entrevista para o podcast", "interview voor de krant"
    r"\b(?:interview|entrevista|entretien)s?\s+(?:pour|für|para|voor|for|with|in|en|no|na)\s+"
    r"(?:(?:notre|nos|le|la|l'|unser\w{0,2}|die|den|das|nuestr[ao]s?|el|la|nosso|nossa|o|a|het|de|onze|"
    r"our|the|a)\s+)?(?:magazine?|magazin|revista|journal|zeitung|krant|blog|podcast|radio|rádio|"
    r"programa|émission|show|article|artikel|artigo|artículo)\b|"
    r"\b(?:journaliste?|periodista|jornalista|redaktion|rédaction|redactie)\b",
)
# Job alerts: lists of openings, never one interview.
JOB_ALERT_WORDS = tx.Words(
    r"\bjob\s*alerts?\b|\bnew\s+(?:\w+\s+){0,3}jobs?\s+(?:for\s+you|matching)|\bjobs?\s+you\s+may\s+like|"
    r"\bjobagent\w*|\bneue\s+(?:jobs|stellen)|\bstellenangebote\b|\balertes?\s+(?:emploi|offres?)|"
    r"\boffres\s+d'emploi\b|\balertas?\s+de\s+(?:empleo|vagas?)|\bnovas\s+vagas\b|"
    r"\bvacature(?:melding|-?alert)s?\b|\beasy\s+apply\b|\bjetzt\s+bewerben\b",
    needles=(
        *("alert", "job", "neue", "stellenangebote", "d'emploi", "novas", "vacature"),
        *("apply", "bewerben"),
    ),
)
# Asking for the candidate's availability: no time is set yet.
AVAILABILITY_ASK = tx.Words(
    r"\b(?:share|send|let\s+(?:me|us)\s+know)\s+(?:me\s+|us\s+)?(?:your|a\s+few|some)\s+"
    r"(?:availability|available\s+times|times)\b|\bwhat\s+times?\s+(?:work|suit)s?\b|"
    r"\bwhen\s+(?:are\s+you|you\s+are|you're)\s+available\b|\bpick\s+a\s+(?:time|slot)\b|"
    r"\bIhre\s+Verfügbarkeit|\bwann\s+Sie\s+Zeit\s+haben|\bvos\s+disponibilités|"
    r"\btu\s+disponibilidad|\bsua\s+disponibilidade|\bje\s+beschikbaarheid",
    needles=(
        *("availab", "times", "what", "pick", "verfügbarkeit", "wann", "disponibili"),
        "beschikbaarheid",
    ),
)
# The time is settled: "is confirmed for", "has been scheduled", "bestätigt", "confirmé".
SETTLED_WORDS = tx.Words(
    r"\b(?:confirmed|scheduled|booked|set)\s+(?:for|on|at)\b|"
    r"\b(?:is|are|has\s+been|have\s+been)\s+(?:now\s+)?(?:confirmed|scheduled|booked)\b|"
    r"\bbestätigt|\bconfirmée?\b|\bconfirmad[ao]\b|\bagendad[ao]\b|\bbevestigd\b",
)
CONFIRM_WORDS = re.compile(
    # Lower-case words, matched on lower-cased text: 5x faster than IGNORECASE.
    r"\b(?:confirm\w*|scheduled\b|is\s+set\b|booked\b|invitation\b|calendar\s+invite|"
    r"looking\s+forward\s+to\s+(?:speaking|meeting|talking)|"
    # "confirm" starts confirmé, confirmado, confirmación, confirmação too.
    r"bestätig\w*|einladung\b|eingeplant|vereinbart|prévu|planifié|"
    r"invitación|programad[ao]|agendad[ao]|convite\b|marcad[ao]|"
    r"bevestig\w*|uitnodiging|ingepland|gepland)"
)
CANCEL_WORDS = re.compile(
    # Lower-case words, matched on lower-cased text: 5x faster than IGNORECASE.
    r"\b(?:cancel+ed\b|cancel+ation\b|has\s+been\s+cancel|"
    r"abgesagt|storniert|annulé|annulation|cancelad[ao]|cancelaci|cancelament|"
    r"geannuleerd|afgezegd)"
)

ROBOT_LOCALPARTS = re.compile(
    r"^(?:no-?reply|do-?not-?reply|donotreply|notifications?|calendar-notification|"
    r"calendar|mailer-daemon|postmaster|invites?|scheduling|scheduler|automated|bounce\w*|"
    # Team mailboxes organise interviews but are nobody you met or can thank by name.
    r"recruiting|recruitment|recruiters?|talent|careers?|jobs|hr|hiring|interviews?|people)"
    r"(?:[+.-].*)?$",
    re.IGNORECASE,
)
ROBOT_DOMAINS = (
    "greenhouse.io",
    "greenhouse-mail.io",
    "lever.co",
    "calendly.com",
    "goodtime.io",
    "myworkday.com",
    "ashbyhq.com",
    "zoom.us",
    "insideicloud.icloud.com",
    # Applicant tracking systems in Europe and Brazil: the mail is the tool's, not a person's.
    "personio.de",
    "personio.com",
    "teamtailor.com",
    "teamtailor-mail.com",
    "recruitee.com",
    "gupy.io",
    "join.com",
    "softgarden.io",
    "smartrecruiters.com",
    "workablemail.com",
)
RESOURCE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com")
# A domain is one of these or below one: str.endswith over the tuple, not a loop a domain.
_ROBOT_TAILS = tuple("." + d for d in ROBOT_DOMAINS)
ROOM_NAME = re.compile(r"\b(?:conference|meeting)\s+room\b|^room\b|\broom\s+\w*\d", re.IGNORECASE)
# Lower-case: use sent_by_tool().
SCHEDULING_TOOLS = re.compile(
    r"greenhouse|lever\.co|workday|goodtime|calendly|ashby|personio|teamtailor|recruitee|"
    r"gupy|join\.com|softgarden|smartrecruiters|workable"
)


def sent_by_tool(*texts: str) -> bool:
    """An address or From name of a scheduling tool or ATS (SCHEDULING_TOOLS is
    lower-case: matched on lower-cased text)."""
    return any(SCHEDULING_TOOLS.search(t.lower()) for t in texts)


def is_robot(addr: str) -> bool:
    local, _, domain = addr.lower().partition("@")
    if ROBOT_LOCALPARTS.match(local):
        return True
    return domain in ROBOT_DOMAINS or domain.endswith(_ROBOT_TAILS)


def is_resource(name: str, addr: str, cutype: str) -> bool:
    domain = addr.rpartition("@")[2]
    return (
        cutype in ("ROOM", "RESOURCE")
        or any(domain == d or domain.endswith("." + d) for d in RESOURCE_DOMAINS)
        or bool(ROOM_NAME.search(name))
    )


# --------------------------------------------------------------------- scoring


_MEDIUM_COUNTED = 2  # distinct medium words that count, 0.1 each, 0.2 at most


def score(
    title: str,
    extra: str,
    *,
    calendar: bool,
    recurring: bool,
    all_day: bool,
    explicit_zone: bool = True,
    has_time: bool = True,
    bulk: bool = False,
) -> float:
    """Confidence that this is a job interview; why each weight: see the comments."""
    conf = 0.3 if calendar else 0.25
    lowered = extra.lower()
    if "://" in extra or "www." in lowered:  # else _URL_RE finds no link
        lowered = _URL_RE.sub(" ", extra).lower()  # words inside links ("meetup-join") say nothing
    extra = lowered
    title = title.lower()  # the word lists are lower-case
    if STRONG_WORDS.search(title):
        conf += 0.5 if calendar else 0.35  # the event's own name says so
    elif STRONG_WORDS.search(extra):
        conf += 0.25 if calendar else 0.2  # said in the body only
    medium: set[str] = set()
    for m in MEDIUM_WORDS.finditer(extra + " " + title):
        medium.add(m.group(0).lower())
        if len(medium) == _MEDIUM_COUNTED:
            break  # more add nothing: the rest of the text is not read
    conf += min(0.2, 0.1 * len(medium))
    if not calendar and CONFIRM_WORDS.search(title + " " + extra):
        conf += 0.15
    if not calendar and explicit_zone:
        conf += 0.05
    if NEGATIVE_WORDS.found_lowered(title):
        conf -= 0.5
    elif NEGATIVE_WORDS.found_lowered(extra):
        conf -= 0.2
    if NOT_FOR_A_JOB.found_lowered(title):
        conf = min(conf, 0.3)  # "podcast interview", "mock interview": not a job's
    elif NOT_FOR_A_JOB.found_lowered(extra):
        conf -= 0.3
    if JOB_ALERT_WORDS.found_lowered(title) or JOB_ALERT_WORDS.found_lowered(extra):
        conf = min(conf, 0.3)  # a list of openings is no interview
    if bulk:
        conf -= 0.3  # mailing-list mail: newsletters and alerts, never one person's interview
    if recurring:
        conf -= 0.3  # interviews do not repeat
    if all_day:
        conf -= 0.25  # interviews have a clock time
    if not calendar and CANCEL_WORDS.search(title):
        conf -= 0.3  # a cancellation mail must not create an interview unasked
    if not has_time:
        conf = min(conf, 0.3)
    return round(min(0.99, max(0.01, conf)), 2)


# -------------------------------------------------------------------- people


def people_in_prose(text: str, my: set[str]) -> list[Person]:
    """Interviewers named in prose, without the user, robots and repeats."""
    people: list[Person] = []
    seen: set[str] = set()
    for name, addr in tx.people_in_text(text):
        addr = addr.lower()
        key = addr or name.lower()
        if key in seen or addr in my or (addr and is_robot(addr)):
            continue
        seen.add(key)
        people.append(Person(name, addr))
    return people


def with_phones(people: list[Person], text: str) -> tuple[Person, ...]:
    def variants(p: Person) -> list[str]:
        # "Doe, Jane" in a CN is written "Jane Doe" in a signature.
        last, comma, first = p.name.partition(",")
        flipped = f"{first.strip()} {last.strip()}" if comma else ""
        return [k for k in (p.name, flipped, p.email) if k]

    keys = [k for p in people for k in variants(p)]
    phones = tx.phones_near(text, keys)
    out = []
    for p in people:
        phone = next((phones[k] for k in variants(p) if k in phones), None)
        out.append(Person(p.name, p.email, phone) if phone else p)
    return tuple(out)


def company_and_role(
    title: str,
    subject: str,
    body: str,
    org_email: str,
    names: Collection[str] = (),
    sender: tuple[str, str] = ("", ""),
    mail_body: str = "",
) -> tuple[str | None, str | None]:
    """What the message says first, the domain last: the title, the subject (English,
    then the other languages), the body's sentences and labelled lines, the From name
    ("Acme via Greenhouse"), a signature's title line, then the organizer's domain.

    `names` are people (the user, interviewers): "Interview with Jane Doe" names no
    company. Every company passes `well_formed_company`: no sentence fragments.
    `mail_body`: the mail's own text beside a calendar's description, for the
    signature and the domain's spelling.
    """
    company, role = _company_and_role(title, subject, body, org_email, names, sender, mail_body)
    return company, _without_company(role, company)


_ROLE_COMPANY_SEPARATORS = (" - ", " – ", " — ", " | ", " @ ", ", ")


def _without_company(role: str | None, company: str | None) -> str | None:
    """ "Développeur Python - Lumière" is the role "Développeur Python" at Lumière."""
    if not role or not company:
        return role
    for sep in _ROLE_COMPANY_SEPARATORS:
        head, found, tail = role.rpartition(sep)
        if found and head.strip() and tail.strip().casefold() == company.casefold():
            return head.strip()
    return role


def _company_and_role(
    title: str,
    subject: str,
    body: str,
    org_email: str,
    names: Collection[str],
    sender: tuple[str, str],
    mail_body: str,
) -> tuple[str | None, str | None]:
    company: str | None = None
    role: str | None = None
    clean_title = tx.clean_title(title)
    clean_subject = clean_title if subject == title else tx.clean_title(subject)
    readings: list[Callable[[], tuple[str | None, str | None]]] = [
        lambda: tx.company_role_from_clean_title(clean_title, names),
        lambda: co.company_role_from_subject(clean_title, tx.ROLE_WORDS, names),
    ]
    if clean_subject != clean_title:  # a title read again finds nothing new
        readings += [
            lambda: tx.company_role_from_clean_title(clean_subject, names),
            lambda: co.company_role_from_subject(clean_subject, tx.ROLE_WORDS, names),
        ]
    readings += [
        lambda: tx.company_role_from_body(body),
        lambda: co.company_role_from_sentences(body, names),
    ]
    for reading in readings:
        c, r = reading()
        r, c_in_role = co.split_role_at_company(r, names)  # "Data Engineer bei Kessler"
        company = company or co.well_formed_company(c, names) or c_in_role
        role = role or r
        if company and role:
            return company, role
    sender_name, sender_addr = sender
    from_vendor = bool(sender_addr) and (is_robot(sender_addr) or sent_by_tool(sender_addr))
    company = (
        company
        or co.company_from_sender(sender_name, from_vendor, names)
        or co.company_from_signature(mail_body or body, names)
        or _company_from_domain(org_email, " ".join((sender_name, subject, body, mail_body)))
    )
    return company, role


def _company_from_domain(org_email: str, text: str) -> str | None:
    """ "orionfreight.com" is "Orion Freight" when the message spells it so."""
    from_domain = tx.company_from_domain(org_email) if org_email else None
    if not from_domain:
        return None
    return co.spelled_in_text(from_domain, text) or from_domain


# ------------------------------------------------------------------- the event


def build_event(
    parts: Parts,
    *,
    confidence: float,
    method: Method | None,
    uid: str,
    seed: str,
    sequence: int,
    title: str,
    when: tuple[datetime, datetime, str],
    company_role: tuple[str | None, str | None],
    location: str | None,
    video: str | None,
    organizer: Person | None,
    interviewers: Sequence[Person],
) -> InterviewEvent:
    """The one place an InterviewEvent is made, from what a calendar or prose reading
    found. `uid`: the event's own UID ("" if none); `seed` names it when neither it
    nor the message has an ID."""
    start, end, zone = when
    company, role = company_role
    return InterviewEvent(
        is_interview=confidence >= INTERVIEW_THRESHOLD,
        confidence=confidence,
        method=method,
        uid=uid or parts.message_id or _synthetic_uid(seed, start),
        sequence=sequence,
        title=title,
        company=company,
        role=role,
        start=start,
        end=end,
        timezone=zone,
        location=location,
        video_link=video,
        organizer=organizer,
        interviewers=tuple(interviewers),
        message_id=parts.message_id or None,
    )


def _synthetic_uid(title: str, start: datetime | None) -> str:
    seed = f"{title}|{start.isoformat() if start else ''}".encode("utf-8", "replace")
    return "followup-" + hashlib.sha1(seed).hexdigest()[:16]


def company_email(addr: str, people: Sequence[Person]) -> str:
    """The address whose domain may name the company: the organizer or sender, unless a
    robot, else the first interviewer with one."""
    if addr and not is_robot(addr):
        return addr
    return next((p.email for p in people if p.email), "")
