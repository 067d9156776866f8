"""Company and role in six languages, beyond the English subject patterns of
detect_text: localized subjects and sentences ("Bewerbung als X bei Y", "au poste
de X chez Y"), labelled lines ("Unternehmen: Y"), the From name ("Y via Greenhouse",
"Y Recruiting" from an ATS), a signature's title line ("Recruiter | Y"), and the one
test every company name passes: a well-formed name, never a sentence fragment.

Pure: no I/O, no clock. Inputs are capped before any pattern runs; every pattern is
linear (no nested quantifiers over the same characters).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from itertools import islice

from .detect_text import ROLE_WORDS
from .mailtext import normalise_space

MAX_TEXT_CHARS = 20_000  # a mail names its company and job near the top
MAX_TITLE_CHARS = 1_000
_SIGNATURE_CHARS = 4_000  # a signature sits in the last few lines of the body
_SIGNATURE_LINES = 25
_MAX_LINE = 120

# ------------------------------------------------------------------ well-formed


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that start sentences or name the mail, not a firm ("Acme. You'll", "Your
# interview", "Einladung zum ..."), in the six languages.
_NOT_NAME_WORDS = _word_set(
    """
    you you'll you're your we we're we'll our us i i'm my the a an this that it is are
    will be has have was thanks thank hi hello dear please re fwd invitation invite
    interview interviews meeting call event update updated cancelled canceled reminder
    ihr ihre ihren sie wir unser unsere der die das ein eine zum zur einladung
    vorstellungsgespräch bewerbung termin absage abgesagt aktualisiert
    vous votre vos nous notre le la les un une invitation entretien candidature annulé
    tu su sus usted nosotros nuestro el los las una invitación entrevista cancelado
    je jouw uw wij ons onze de het een uitnodiging sollicitatie gesprek geannuleerd
    você seu sua nós nosso nossa o os um uma convite candidatura
    monday tuesday wednesday thursday friday saturday sunday today tomorrow
    montag dienstag mittwoch donnerstag freitag samstag sonntag heute morgen
    lundi mardi mercredi jeudi vendredi samedi dimanche demain
    lunes martes miércoles jueves viernes sábado domingo mañana hoy
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag morgen vandaag
    segunda terça quarta quinta sexta sábado domingo amanhã hoje
    january february march april june july august september october november december
    """
)
# Lower-case words a company name may hold between capitalised ones.
_NAME_JOINERS = _word_set("& and of de du des der und et y e van von da do dos la le")
_SENTENCE_CUT_RE = re.compile(r"[.!?;:,](?:\s|$)|\s[-–—|·]\s|\s\(")
_POSSESSIVE_RE = re.compile(r"['’]s$")
_LEGAL_SUFFIXES = _word_set(
    "inc llc ltd gmbh corp ag se sa s.a sas sarl s.l b.v bv n.v nv ltda oy ab plc kg"
)


def _drop_legal_suffix(name: str) -> str:
    """ "Orion Freight GmbH & Co. KG" → "Orion Freight"; "Acme, Inc." → "Acme"."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().strip(".,") in _LEGAL_SUFFIXES:
        words = words[:-1]
    return " ".join(words).rstrip(",")


def well_formed_company(raw: str | None, not_company: Collection[str] = ()) -> str | None:
    """A company name as a person would write it, or None.

    Cut at a sentence end ("Acme. You'll" → "Acme"); drop a possessive and a legal
    suffix; then at most five words, each capitalised (or a joiner like "&", "de"),
    the first not a sentence word, and not one of `not_company` (people's names).
    """
    if not raw:
        return None
    s = normalise_space(raw[:200]).strip(" \"'“”‘’«»")
    if s.lower() in VENDORS:  # the tool that sent it, never the company hiring
        return None
    if s.lower().endswith(" & co. kg"):
        s = s[: -len(" & co. kg")]  # before the cut at ". ": "GmbH & Co. KG"
    s = _SENTENCE_CUT_RE.split(s, maxsplit=1)[0].strip(" ,-–")
    s = _POSSESSIVE_RE.sub("", s)
    s = _drop_legal_suffix(s) if s else s
    words = s.split()
    if not words or len(words) > 5 or len(s) < 2:
        return None
    if words[0].lower().strip(",") in _NOT_NAME_WORDS or words[-1].lower() in _NAME_JOINERS:
        return None
    if not any(c.isalpha() for c in words[0]):
        return None  # "00 PM CST": a clock time, never a name
    for word in words:
        if word.lower() in _NAME_JOINERS:
            continue
        if not (word[0].isupper() or word[0].isdigit() or _has_inner_capital(word)):
            return None  # "Acme is", "Orion freight team": a phrase, not a name
    if s.lower() in {n.lower() for n in not_company}:
        return None
    return s


def _has_inner_capital(word: str) -> bool:
    """ "eBay", "iCIMS": a lower-case first letter, then a capital."""
    return any(c.isupper() for c in word[1:4])


# ------------------------------------------------------------------ word lists

# "interview" in six languages, as a subject or sentence writes it.
# ATS and scheduling tools: the sender of the mail, never the company hiring.
VENDORS = frozenset(
    {
        "gupy", "personio", "teamtailor", "recruitee", "greenhouse", "lever", "workday",
        "ashby", "goodtime", "modernloop", "calendly", "cal.com", "join", "smartrecruiters",
        "workable", "softgarden", "bamboohr", "icims", "jobvite", "taleo", "successfactors",
        "breezy", "pinpoint", "jazzhr", "homerun", "recruitcrm",
    }
)  # fmt: skip
# What follows a dash in a job title without being a company: "Engineer - Remote".
_WORK_MODES = frozenset(
    {
        "remote", "hybrid", "onsite", "on-site", "full-time", "part-time", "full time",
        "part time", "contract", "freelance", "internship", "télétravail", "remoto",
        "híbrido", "hibrido", "teletrabajo", "presencial", "thuiswerk", "homeoffice",
        "home office", "vollzeit", "teilzeit", "temps plein", "cdi", "cdd",
    }
)  # fmt: skip
INTERVIEW_WORDS = (
    r"(?:[a-zäöü]{0,12}interview|vorstellungsgespräch|bewerbungsgespräch|kennenlerngespräch|"
    r"entretien(?:\s+d['’]embauche)?|entrevue|entrevista|sollicitatiegesprek|"
    r"kennismakingsgesprek|selectiegesprek|gesprek|phone\s+screen|onsite)"
)
APPLICATION_WORDS = r"(?:application|bewerbung|candidature|candidatura|postulación|sollicitatie)"
# "at Acme": English, German, French, Spanish, Dutch, Portuguese.
AT_WORDS = r"(?:at|@|bei|chez|en|bij|na|no|em|à)"
WITH_WORDS = r"(?:with|mit|avec|con|met|com)"
# What may stand between a preposition and the job's name: "die Position als",
# "le poste de", "el puesto de", "de functie van", "a vaga de".
_ROLE_INTRO = (
    r"(?:(?:the|die|der|le|au|el|la|de|a|o|um|une?)\s)?"
    r"(?:position|stelle|rolle|poste|puesto|vacante|posición|functie|vacature|vaga|cargo|role)"
    r"(?:\s(?:of|als|as|de|van|como|para)\s|\sd['’]|\s)"
)
_FOR_WORDS = r"(?:for|für|pour|para|voor|por|als|as|au|à|a)"
# A name in running text: capitalised words (case-sensitive), up to four.
_BODY_NAME = (
    r"(?P<company>[A-ZÀ-Ý0-9][\w&'’-]{0,30}(?:\.[a-z]{2,4}\b)?"
    r"(?:[ ](?:&[ ])?[A-ZÀ-Ý0-9][\w&'’-]{0,30}){0,3})"
)
# A role in running text: capitalised, then up to 60 characters to a stop.
_BODY_ROLE = r"(?P<role>[A-ZÀ-Ý][\w/&+'’ -]{1,60}?)"
_ROLE_STOP = r"(?=\s*(?:[.,;:!?\n(]|$)|\s" + AT_WORDS + r"\s|\s(?:in|im|und|et|y|e)\s)"

# A subject is read in steps (find the interview word, then split what follows at
# "with"/"for"/"at" words) rather than by one pattern of lazy groups: each step is a
# plain scan, and the subject is capped anyway.
_INTERVIEW_WORD_RE = re.compile(r"\b" + INTERVIEW_WORDS)
_APPLICATION_FOR_RE = re.compile(r"\b" + APPLICATION_WORDS + r"\s" + _FOR_WORDS + r"\s")
_WITH_LEAD_RE = re.compile(r"\s" + WITH_WORDS + r"\s(?:(?:la|le|a|o|de)\s)?")
# Right after the interview word: "Interview: X", "Entrevista (online) – X", "Gesprek - X".
_SEPARATOR_LEAD_RE = re.compile(
    r"(?:\s[^\W\d_]{2,15}){0,2}\s?(?:\([^()]{0,30}\)\s?)?(?:[:–|]|-\s)\s?"
)  # "Entretien technique - X", "Entrevista (online) – X"
_FOR_LEAD_RE = re.compile(
    r"\s(?:for|für|pour|para|voor)\s(?:(?:the|a|an|die|le|el|la|de|a|o|een)\s)?"
)  # "Interview for Senior Backend Engineer"
_ROLE_INTRO_RE = re.compile(_ROLE_INTRO)
_AT_SPLIT_RE = re.compile(r"\s" + AT_WORDS + r"\s")
_FOR_SPLIT_RE = re.compile(r"\s(?:for|für|pour|para|voor|por)\s")
# Jobs as the five other languages name them (German compounds: no \b before).
LOCAL_ROLE_WORDS = re.compile(
    r"entwickler|ingenieur|berater|leiter|referent|werkstudent|praktikant|"
    r"développeu|chargée?\sde|chef\sde|responsable|stagiaire|"
    r"desarrollador|ingenier[oa]|analist|analyst|gerente|jef[ea]\sde|becari|ingénieu|"
    r"ontwikkelaar|adviseur|medewerker|beheerder|stagiair|"
    r"desenvolvedor|engenheir|estagiári|coordenador|especialista"
)


def _split_last(pattern: re.Pattern[str], low: str) -> tuple[int, int] | None:
    """(start, end) of the last match of `pattern` in `low` (a capped subject)."""
    matches = list(pattern.finditer(low))
    return (matches[-1].start(), matches[-1].end()) if matches else None


def _after_role_intro(low: str, pos: int) -> int:
    m = _ROLE_INTRO_RE.match(low, pos)
    return m.end() if m else pos


_AT_LEAD_RE = re.compile(r"\s(?:" + AT_WORDS + r")\s")


def _subject_parts(t: str) -> tuple[str | None, str | None, str | None]:
    """(company, role, either) as the subject's shape puts them. Words are found in
    the lower-cased subject (no IGNORECASE: several times faster), text cut from `t`."""
    low = t.lower()
    if len(low) != len(t):
        return None, None, None  # positions would not line up
    app = _APPLICATION_FOR_RE.search(low)
    if app:
        start = _after_role_intro(low, app.end())
        split = _split_last(_AT_SPLIT_RE, low[start:])
        if not split:
            return None, t[start:], None
        return t[start + split[1] :], t[start : start + split[0]], None
    word = _INTERVIEW_WORD_RE.search(low)
    if not word:
        return None, None, None
    with_lead = _WITH_LEAD_RE.match(low, word.end())
    if with_lead:
        start = with_lead.end()
        split = _split_last(_FOR_SPLIT_RE, low[start:])
        if not split:
            return None, None, t[start:]
        role_at = _after_role_intro(low, start + split[1])
        return t[start : start + split[0]], t[role_at:], None
    at_lead = _AT_LEAD_RE.match(low, word.end())
    if at_lead:  # "Ihr Interview bei Kessler", "Entretien chez Brioche"
        return t[at_lead.end() :], None, None
    lead = _SEPARATOR_LEAD_RE.match(low, word.end()) or _FOR_LEAD_RE.match(low, word.end())
    if lead:
        start = _after_role_intro(low, lead.end())
        split = _split_last(_AT_SPLIT_RE, low[start:])
        if not split:
            return None, None, t[start:]
        return t[start + split[1] :], t[start : start + split[0]], None
    return None, None, None


# Sentences are found on the lower-cased text by their lower-case lead-in words (a
# case-insensitive pattern tries every word at every position, several times slower),
# then the role and company are read, case-sensitive, in the original from there.
_ROLE_LEAD_RES = (
    re.compile(r"\b" + _FOR_WORDS + r"\s" + _ROLE_INTRO),
    re.compile(r"\b" + APPLICATION_WORDS + r"\s(?:for|als|as|para|voor|pour)\s(?:(?:the|a|an)\s)?"),
)
# Lower-case literals one of which every match of the lead-in above holds (its job
# words, its application words): a text with none is not scanned for it.
_ROLE_LEAD_NEEDLES = (
    (
        *("position", "stelle", "rolle", "poste", "puesto", "vacante", "posición"),
        *("functie", "vacature", "vaga", "cargo", "role"),
    ),
    ("application", "bewerbung", "candidatur", "postulación", "sollicitatie"),
)
_ROLE_THEN_COMPANY_RE = re.compile(
    _BODY_ROLE + _ROLE_STOP + r"(?:\s(?i:" + AT_WORDS + r")\s" + _BODY_NAME + r")?"
)
# "your interest in Orion Freight", "application to Orion", "Bewerbung bei Orion",
# "candidature chez Orion", "el equipo de Orion", "sollicitatie bij Orion", "time da Orion"
_COMPANY_LEAD_RE = re.compile(
    r"\b(?:interest\s+in(?:\s+joining|\s+working\s+(?:at|for|with))?|"
    r"(?:application|applying)\s+to|applied\s+to|team\s+at|here\s+at|on\s+behalf\s+of|"
    r"interesse\s+an|bewerbung\s+bei|interview\s+bei|gespräch\s+bei|"
    r"intérêt\s+pour|candidature\s+chez|entretien\s+chez|"
    r"interés\s+en|postulación\s+a|equipo\s+de|"
    r"interesse\s+in|sollicitatie\s+bij|gesprek\s+bij|"
    r"interesse\s+(?:na|no|pela|pelo)|candidatura\s+(?:na|no)|(?:time|equipe)\s+(?:da|do))\s"
)
_COMPANY_NAME_RE = re.compile(_BODY_NAME)
_MAX_LEADS = 20  # lead-ins read per body: the first few say it
_LABEL_LINE_RE = re.compile(
    r"^[^\S\n]*(?P<label>[^\W\d_][^\W\d_ ]{1,20}(?:[ ][^\W\d_]{1,12})?)[^\S\n]?:[^\S\n]*"
    r"(?P<value>[^\n]{2,80})$",
    re.MULTILINE,
)
_ROLE_LABEL_WORDS = _word_set(
    "position role job stelle stellenbezeichnung rolle poste puesto cargo vacante functie "
    "vacature vaga posição posición"
)
_COMPANY_LABEL_WORDS = _word_set(
    "company employer unternehmen firma arbeitgeber entreprise société employeur empresa "
    "bedrijf organisatie werkgever"
)
_GENDER_TAG_RE = re.compile(r"\s?\((?:[mwfdxhv*]\s?/\s?){1,3}[mwfdxhv*]\)$", re.IGNORECASE)


def tidy_role(role: str | None) -> str | None:
    """ "Backend Engineer (m/w/d)" → "Backend Engineer"; blanks and stray marks gone."""
    if not role:
        return None
    role = normalise_space(role[:200]).strip(" -–|:,.;\"'«»“”")
    role = _GENDER_TAG_RE.sub("", role).strip(" -–,")
    if role.endswith(")") and "(" in role:
        role = role[: role.rindex("(")].rstrip(" -–,")  # "(R-004521)", "(Remote)"
    words = role.split()
    if not words or len(words) > 8 or words[0].lower() in _NOT_NAME_WORDS:
        return None
    return role


def company_role_from_subject(
    title: str, role_words: re.Pattern[str], not_company: Collection[str] = ()
) -> tuple[str | None, str | None]:
    """Company and role from a (cleaned) localized subject or SUMMARY: "Einladung zum
    Vorstellungsgespräch: Backend Engineer bei Orion", "Entretien avec Orion pour le
    poste de Développeur", "Tu candidatura para Analista de Datos en Orion"."""
    t = normalise_space(title[:MAX_TITLE_CHARS]).strip()
    company, role, either = _subject_parts(t)
    if either:
        if _is_role(either, role_words):
            role = either
        else:
            company = either
    company, role = well_formed_company(company, not_company), tidy_role(role)
    if role and not _is_role(role, role_words):
        role = None  # "Entrevista: próximos pasos" names no job
    return company, role


def split_role_at_company(
    role: str | None, not_company: Collection[str] = ()
) -> tuple[str | None, str | None]:
    """ "Data Engineer bei Kessler Logistik" → ("Data Engineer", "Kessler Logistik");
    a role without an "at" word comes back as it is, with no company."""
    if not role:
        return role, None
    low = role.lower()
    split = _split_last(_AT_SPLIT_RE, low) if len(low) == len(role) else None
    if not split:
        return _split_at_dash(role, not_company)
    company = well_formed_company(role[split[1] :], not_company)
    return (tidy_role(role[: split[0]]), company) if company else (role, None)


def _split_at_dash(role: str, not_company: Collection[str]) -> tuple[str | None, str | None]:
    """ "Desenvolvedor Backend - Sabor" and "Globex - Product Designer": the side that
    names a job is the role, the other the company (neither, or both: no split)."""
    head, dash, tail = role.rpartition(" - ")
    if not dash or not head.strip() or not tail.strip():
        return role, None
    head_role, tail_role = _is_role(head, ROLE_WORDS), _is_role(tail, ROLE_WORDS)
    if head_role == tail_role:
        return role, None
    job, name = (head, tail) if head_role else (tail, head)
    if name.strip().lower() in _WORK_MODES or len(name.split()) > 3:
        return role, None
    company = well_formed_company(name, not_company)
    return (tidy_role(job), company) if company else (role, None)


def _is_role(text: str, role_words: re.Pattern[str]) -> bool:
    return bool(role_words.search(text) or LOCAL_ROLE_WORDS.search(text.lower()))


def company_role_from_sentences(
    text: str, not_company: Collection[str] = ()
) -> tuple[str | None, str | None]:
    """ "für die Position als X bei Y", "your interest in Y", "Unternehmen: Y"."""
    text = text[:MAX_TEXT_CHARS]
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # a letter whose lower case is longer: positions would not line up
    company = role = None
    # Each pass stops at what it looks for (lazily: no list of every lead-in first).
    for lead_re, needles in zip(_ROLE_LEAD_RES, _ROLE_LEAD_NEEDLES, strict=True):
        if role or not any(needle in lowered for needle in needles):
            continue
        for lead in islice(lead_re.finditer(lowered), _MAX_LEADS):
            m = _ROLE_THEN_COMPANY_RE.match(text, lead.end())
            if m:
                role = tidy_role(m.group("role"))
                company = company or well_formed_company(m.group("company"), not_company)
                if role:
                    break
    if not (company and role) and ":" in text:
        for m in _LABEL_LINE_RE.finditer(text):
            label = m.group("label").lower().split()
            value = m.group("value")
            if not role and label[-1] in _ROLE_LABEL_WORDS:
                role = tidy_role(value)
            elif not company and label[-1] in _COMPANY_LABEL_WORDS:
                company = well_formed_company(value, not_company)
            if company and role:
                break
    if not company:
        for lead in islice(_COMPANY_LEAD_RE.finditer(lowered), _MAX_LEADS):
            m = _COMPANY_NAME_RE.match(text, lead.end())
            company = well_formed_company(m.group("company"), not_company) if m else None
            if company:
                break
    return company, role


# ------------------------------------------------------------------ the sender

_VIA_RE = re.compile(r"^(?P<company>[^()<>@]{2,60}?)\s(?:via|through|über|par|por|vía)\s\S")
# An ATS sends as "Orion Freight Recruiting" or "Talent Team Orion": team words around
# the employer's name.
_TEAM_WORDS = _word_set(
    """
    recruiting recruitment recruiter recruiters talent acquisition hiring careers career
    jobs team hr people personal personalabteilung karriere recrutement rh reclutamiento
    selección equipo recrutamento seleção werving selectie en & and de der des do da du
    das the team: -
    """
)


def company_from_sender(
    name: str, from_vendor: bool, not_company: Collection[str] = ()
) -> str | None:
    """ "Orion Freight via Greenhouse" → "Orion Freight"; from an ATS address,
    "Orion Freight Recruiting" → "Orion Freight" (a bare person's name says nothing)."""
    name = normalise_space(name[:200]).strip(" \"'")
    m = _VIA_RE.match(name)
    if m:
        return well_formed_company(m.group("company"), not_company)
    if not from_vendor:
        return None
    words = name.split()
    kept = [w for w in words if w.lower().strip(":,") not in _TEAM_WORDS]
    if len(kept) == len(words) or not kept:
        return None  # no team word: a recruiter's own name, or nothing but team words
    start = next(i for i, w in enumerate(words) if w in kept)
    end = max(i for i, w in enumerate(words) if w in kept) + 1
    return well_formed_company(" ".join(words[start:end]), not_company)


# --------------------------------------------------------------- the signature

_SIGNATURE_TITLE_RE = re.compile(
    r"\b(?:recruit\w{0,8}|talent|hiring|founder|co-?founder|ceo|cto|coo|cfo|vp|head|"
    r"manager\w{0,4}|director\w{0,4}|lead|engineer\w{0,4}|partner\w{0,4}|coordinator|"
    r"specialist|people|hr|personal\w{0,12}|leiter\w{0,4}|geschäftsführer\w{0,4}|"
    r"recrut\w{0,8}|chargée?|responsable|directeur\w{0,4}|directrice|fondat\w{0,4}|"
    r"reclut\w{0,8}|gerente|jefe|jefa|directora?|fundador\w{0,2}|diretora?|"
    r"analista|werving\w{0,4}|oprichter|adviseur|consultant\w{0,4})\b"
)
_SIGNATURE_SPLIT_RE = re.compile(
    r"\s?[|@·,–—]\s?|\s-\s|\s(?:at|bei|chez|en|bij|na|no|em|à)\s", re.IGNORECASE
)
_QUOTE_START_RE = re.compile(
    r"^(?:>|on\s.{0,200}\swrote:$|-{2,}\s?original|am\s.{0,200}schrieb)", re.IGNORECASE
)
_LEGAL_NAME_RE = re.compile(
    r"^[A-ZÀ-Ý0-9][\w&'’ .-]{0,60}\s(?:Inc|LLC|Ltd|GmbH|AG|SE|SAS|SARL|S\.A|S\.L|B\.V|BV|N\.V|"
    r"Ltda|Oy|AB|plc)\.?$"
)


def company_from_signature(text: str, not_company: Collection[str] = ()) -> str | None:
    """The employer in a signature: "Recruiting Coordinator | Umbrella", "Talent
    Partner bei Orion Freight", or a legal name on its own line ("Orion Freight GmbH")."""
    lines = []
    for line in text[-_SIGNATURE_CHARS:].splitlines():
        line = line.strip(" \t*_-•")
        if _QUOTE_START_RE.match(line):
            break  # what follows is someone else's mail
        if line and len(line) <= _MAX_LINE:
            lines.append(line)
    for line in lines[-_SIGNATURE_LINES:]:
        if _LEGAL_NAME_RE.match(line):
            company = well_formed_company(line, not_company)
            if company:
                return company
        company = _company_after_title(line, not_company)
        if company:
            return company
    return None


def _company_after_title(line: str, not_company: Collection[str]) -> str | None:
    """ "Chargée de recrutement chez Orion": try each separator, left to right, until
    a job title stands on the left and a name with no title words on the right."""
    if not _SIGNATURE_TITLE_RE.search(line.lower()):
        return None  # no title word in the line: none left of a separator either
    for sep in list(_SIGNATURE_SPLIT_RE.finditer(line))[:6]:
        left, right = line[: sep.start()], line[sep.end() :]
        if not _SIGNATURE_TITLE_RE.search(left.lower()) or _SIGNATURE_TITLE_RE.search(
            right.lower()
        ):
            continue  # "Jane Doe | Recruiter": the title is on the right
        company = well_formed_company(right, not_company)
        if company:
            return company
    return None


# ------------------------------------------------------------------ the domain

_DOMAIN_WORD_RE = re.compile(r"^[a-z0-9]{2,30}$")
# A domain has no accents: "boreal" is spelled "Boréal" in the mail.
_ACCENTED = {
    "a": "[aàáâãä]",
    "c": "[cç]",
    "e": "[eèéêë]",
    "i": "[iìíîï]",
    "n": "[nñ]",
    "o": "[oòóôõö]",
    "u": "[uùúûü]",
}


def spelled_in_text(domain_word: str, text: str) -> str | None:
    """How the message spells a domain's run-together word: "orionfreight" →
    "Orion Freight" when the text writes it so; None when it never does."""
    word = domain_word.lower().replace("-", "")
    if not _DOMAIN_WORD_RE.match(word):
        return None
    # Each letter, then at most one blank, hyphen or "&" between: linear, and bounded
    # by the word's 30 letters.
    pattern = r"\b" + r"[ \-&]?".join(_ACCENTED.get(c, re.escape(c)) for c in word) + r"\b"
    for m in re.finditer(pattern, text[:MAX_TEXT_CHARS], re.IGNORECASE):
        name = well_formed_company(m.group(0))
        if name and name != name.lower():
            return name
    return None
