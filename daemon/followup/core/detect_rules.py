"""What makes an interview, shared by the calendar and the prose readings: the
wording and its score, robots and rooms, people named in prose, company and role,
and the one builder of an InterviewEvent. Pure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from datetime import datetime

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
    r"\binterview\w*|\bphone[\s-]screen|\bscreening\s+call|\btechnical\s+screen|\bonsite\b|"
    r"\bon-site\b|\bhiring\s+manager|\bfinal\s+round|\bsystem\s+design|\bcoding\s+(?:exercise|session)|"
    r"\brecruiter\s+(?:call|screen|chat)|\bpanel\s+(?:interview|session)|\bentrevista|\bvorstellungsgespr",
    re.IGNORECASE,
)
MEDIUM_WORDS = re.compile(
    r"\brecruit\w*|\bcandidate|\btalent\s+acquisition|\bposition\b|\bthe\s+role\b|\bhiring\s+team|"
    r"\bgreenhouse|\blever\b|\bworkday|\bgoodtime|\bashby|\bcalendly",
    re.IGNORECASE,
)
NEGATIVE_WORDS = re.compile(
    r"\bstand-?\s?up\b|\bdaily\s+scrum|\b1:1\b|\bone[\s-]on[\s-]one|\bdentist|\bdental|\bdoctor|"
    r"\bwebinar|\bnewsletter|\bmeetup(?![-\w])|\bparty\b|\bhappy\s+hour|\bretro(?:spective)?\b|"
    r"\bsprint\b|\ball[\s-]hands|\bbirthday|\bworkgroup|\bwork\s+group|\blearning\s+series|"
    r"\bwe(?:'|’)?re\s+hiring|\bjob\s+alert|\bapply\s+now|\bunsubscribe|\bappointment\s+reminder|"
    r"\bhaircut|\bcheck-?up\b|\bcleaning\b|\bbook\s+club",
    re.IGNORECASE,
)
# Interviews that are not for a job: research studies, media, interviewer training and
# practice. In the event's own name they rule it out; in the text they count against.
NOT_FOR_A_JOB = re.compile(
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
    re.IGNORECASE,
)
# Job alerts: lists of openings, never one interview.
JOB_ALERT_WORDS = re.compile(
    r"\bjob\s*alerts?\b|\bnew\s+(?:\w+\s+){0,3}jobs?\s+(?:for\s+you|matching)|\bjobs?\s+you\s+may\s+like|"
    r"\bjobagent\w*|\bneue\s+(?:jobs|stellen)|\bstellenangebote\b|\balertes?\s+(?:emploi|offres?)|"
    r"\boffres\s+d'emploi\b|\balertas?\s+de\s+(?:empleo|vagas?)|\bnovas\s+vagas\b|"
    r"\bvacature(?:melding|-?alert)s?\b|\beasy\s+apply\b|\bjetzt\s+bewerben\b",
    re.IGNORECASE,
)
# Asking for the candidate's availability: no time is set yet.
AVAILABILITY_ASK = re.compile(
    r"\b(?:share|send|let\s+(?:me|us)\s+know)\s+(?:me\s+|us\s+)?(?:your|a\s+few|some)\s+"
    r"(?:availability|available\s+times|times)\b|\bwhat\s+times?\s+(?:work|suit)s?\b|"
    r"\bwhen\s+(?:are\s+you|you\s+are|you're)\s+available\b|\bpick\s+a\s+(?:time|slot)\b|"
    r"\bIhre\s+Verfügbarkeit|\bwann\s+Sie\s+Zeit\s+haben|\bvos\s+disponibilités|"
    r"\btu\s+disponibilidad|\bsua\s+disponibilidade|\bje\s+beschikbaarheid",
    re.IGNORECASE,
)
# The time is settled: "is confirmed for", "has been scheduled", "bestätigt", "confirmé".
SETTLED_WORDS = re.compile(
    r"\b(?:confirmed|scheduled|booked|set)\s+(?:for|on|at)\b|"
    r"\b(?:is|are|has\s+been|have\s+been)\s+(?:now\s+)?(?:confirmed|scheduled|booked)\b|"
    r"\bbestätigt|\bconfirmée?\b|\bconfirmad[ao]\b|\bagendad[ao]\b|\bbevestigd\b",
    re.IGNORECASE,
)
CONFIRM_WORDS = re.compile(
    r"\bconfirm\w*|\bscheduled\b|\bis\s+set\b|\bbooked\b|\binvitation\b|\bcalendar\s+invite|"
    r"\blooking\s+forward\s+to\s+(?:speaking|meeting|talking)",
    re.IGNORECASE,
)
CANCEL_WORDS = re.compile(r"\bcancel+ed\b|\bcancel+ation\b|\bhas\s+been\s+cancel", re.IGNORECASE)

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
)
RESOURCE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com")
ROOM_NAME = re.compile(r"\b(?:conference|meeting)\s+room\b|^room\b|\broom\s+\w*\d", re.IGNORECASE)
SCHEDULING_TOOLS = re.compile(
    r"greenhouse|lever\.co|workday|goodtime|calendly|ashby", re.IGNORECASE
)


def is_robot(addr: str) -> bool:
    local, _, domain = addr.lower().partition("@")
    if ROBOT_LOCALPARTS.match(local):
        return True
    return any(domain == d or domain.endswith("." + d) for d in ROBOT_DOMAINS)


def is_resource(name: str, addr: str, cutype: str) -> bool:
    domain = addr.rpartition("@")[2]
    return (
        cutype in ("ROOM", "RESOURCE")
        or any(domain == d or domain.endswith("." + d) for d in RESOURCE_DOMAINS)
        or bool(ROOM_NAME.search(name))
    )


# --------------------------------------------------------------------- scoring


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
    extra = _URL_RE.sub(" ", extra)  # words inside links ("meetup-join") say nothing
    if STRONG_WORDS.search(title):
        conf += 0.5 if calendar else 0.35  # the event's own name says so
    elif STRONG_WORDS.search(extra):
        conf += 0.25 if calendar else 0.2  # said in the body only
    medium = {m.group(0).lower() for m in MEDIUM_WORDS.finditer(extra + " " + title)}
    conf += min(0.2, 0.1 * len(medium))
    if not calendar and CONFIRM_WORDS.search(title + " " + extra):
        conf += 0.15
    if not calendar and explicit_zone:
        conf += 0.05
    if NEGATIVE_WORDS.search(title):
        conf -= 0.5
    elif NEGATIVE_WORDS.search(extra):
        conf -= 0.2
    if NOT_FOR_A_JOB.search(title):
        conf = min(conf, 0.3)  # "podcast interview", "mock interview": not a job's
    elif NOT_FOR_A_JOB.search(extra):
        conf -= 0.3
    if JOB_ALERT_WORDS.search(title) or JOB_ALERT_WORDS.search(extra):
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
    title: str, subject: str, body: str, org_email: str, names: Collection[str] = ()
) -> tuple[str | None, str | None]:
    """From the title, then the subject, then the body; the organizer's domain last.

    `names` are people (the user, interviewers): "Interview with Jane Doe" names no company.
    """
    company, role = tx.company_role_from_title(title, names)
    if not company or not role:
        c2, r2 = tx.company_role_from_title(subject, names)
        company, role = company or c2, role or r2
    if not company or not role:
        c3, r3 = tx.company_role_from_body(body)
        company, role = company or c3, role or r3
    if not company and org_email:
        company = tx.company_from_domain(org_email)
    return company, role


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
