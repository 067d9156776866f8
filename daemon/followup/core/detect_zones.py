"""Time zones as mail writes them, read to an IANA name: "CST", "MEZ", "Pacific",
"(GMT-06:00) Central Time", "(UTC+01:00) Amsterdam, Berlin", "heure de Paris",
"horário de Brasília"; and the zone a company's country domain implies.

A wall time "14:00 MEZ" means the zone's local time on that day, so every name maps
to an IANA zone (its offset for that date), never to a fixed offset.

Pure: no I/O, no clock. Every pattern runs in linear time over capped text.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from .mailtext import normalise_space

MAX_ZONE_TEXT = 200_000

# Abbreviations people write in mail.
ZONE_ABBREVIATIONS = {
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "ET": "America/New_York",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "AST": "America/Halifax",
    "ADT": "America/Halifax",
    "NST": "America/St_Johns",
    # Québec writes the North American zones in French.
    "HNE": "America/Toronto",
    "HAE": "America/Toronto",
    "HNC": "America/Winnipeg",
    "HAC": "America/Winnipeg",
    "HNP": "America/Vancouver",
    "HAP": "America/Vancouver",
    "GMT": "Europe/London",
    "BST": "Europe/London",
    "UTC": "UTC",
    "UT": "UTC",
    "WET": "Europe/Lisbon",
    "WEST": "Europe/Lisbon",
    "WEZ": "Europe/Lisbon",
    "WESZ": "Europe/Lisbon",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "MEZ": "Europe/Berlin",
    "MESZ": "Europe/Berlin",
    "EET": "Europe/Helsinki",
    "EEST": "Europe/Helsinki",
    "OEZ": "Europe/Helsinki",
    "OESZ": "Europe/Helsinki",
    "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata",
    "PKT": "Asia/Karachi",
    "ICT": "Asia/Bangkok",
    "WIB": "Asia/Jakarta",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "PHT": "Asia/Manila",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "GST": "Asia/Dubai",
    "AWST": "Australia/Perth",
    "ACST": "Australia/Adelaide",
    "ACDT": "Australia/Adelaide",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "AET": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "BRT": "America/Sao_Paulo",
    "BRST": "America/Sao_Paulo",
    "ART": "America/Argentina/Buenos_Aires",
    "CLT": "America/Santiago",
    "COT": "America/Bogota",
    "PET": "America/Lima",
    "SAST": "Africa/Johannesburg",
    "WAT": "Africa/Lagos",
    "CAT": "Africa/Maputo",
    "EAT": "Africa/Nairobi",
}

# The same letters name other zones in some countries: the sender's country decides.
AMBIGUOUS_ABBREVIATIONS = {
    "IST": {"ie": "Europe/Dublin", "il": "Asia/Jerusalem"},
    "CST": {"cn": "Asia/Shanghai", "tw": "Asia/Taipei", "cu": "America/Havana"},
    "BST": {"bd": "Asia/Dhaka"},
    "AST": {"sa": "Asia/Riyadh", "kw": "Asia/Kuwait", "qa": "Asia/Qatar", "bh": "Asia/Bahrain"},
    "EST": {"au": "Australia/Sydney"},
    "GST": {"gs": "Atlantic/South_Georgia"},
}

# Zone names in English and the languages followup reads: "Central European Time",
# "Mitteleuropäische Zeit", "heure d'Europe centrale", "hora de Europa Central".
ZONE_NAMES = {
    "eastern": "America/New_York",
    "central": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
    "central european": "Europe/Berlin",
    "western european": "Europe/Lisbon",
    "eastern european": "Europe/Helsinki",
    "british": "Europe/London",
    "greenwich mean": "Europe/London",
    "india": "Asia/Kolkata",
    "indian": "Asia/Kolkata",
    "japan": "Asia/Tokyo",
    "singapore": "Asia/Singapore",
    "australian eastern": "Australia/Sydney",
    "mitteleuropäische": "Europe/Berlin",
    "mitteleuropäischer": "Europe/Berlin",
    "deutsche": "Europe/Berlin",
    "deutscher": "Europe/Berlin",
    "europe centrale": "Europe/Paris",
    "l'europe centrale": "Europe/Paris",
    "france": "Europe/Paris",
    "europa central": "Europe/Madrid",
    "peninsular": "Europe/Madrid",
    "españa": "Europe/Madrid",
    "del centro": "America/Mexico_City",
    "centro de méxico": "America/Mexico_City",
    "brasil": "America/Sao_Paulo",
    "portugal": "Europe/Lisbon",
    "nederlandse": "Europe/Amsterdam",
    "belgische": "Europe/Brussels",
    "midden-europese": "Europe/Amsterdam",
}

# Cities that name a zone: "heure de Paris", "Berlin time", "(UTC+01:00) Amsterdam, …".
CITY_ZONES = {
    "paris": "Europe/Paris",
    "berlin": "Europe/Berlin",
    "amsterdam": "Europe/Amsterdam",
    "brussels": "Europe/Brussels",
    "bruxelles": "Europe/Brussels",
    "brussel": "Europe/Brussels",
    "madrid": "Europe/Madrid",
    "lisbon": "Europe/Lisbon",
    "lisboa": "Europe/Lisbon",
    "london": "Europe/London",
    "londres": "Europe/London",
    "dublin": "Europe/Dublin",
    "zurich": "Europe/Zurich",
    "zürich": "Europe/Zurich",
    "vienna": "Europe/Vienna",
    "wien": "Europe/Vienna",
    "rome": "Europe/Rome",
    "roma": "Europe/Rome",
    "stockholm": "Europe/Stockholm",
    "copenhagen": "Europe/Copenhagen",
    "oslo": "Europe/Oslo",
    "warsaw": "Europe/Warsaw",
    "prague": "Europe/Prague",
    "helsinki": "Europe/Helsinki",
    "athens": "Europe/Athens",
    "istanbul": "Europe/Istanbul",
    "moscow": "Europe/Moscow",
    "brasília": "America/Sao_Paulo",
    "brasilia": "America/Sao_Paulo",
    "são paulo": "America/Sao_Paulo",
    "sao paulo": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "santiago": "America/Santiago",
    "bogotá": "America/Bogota",
    "bogota": "America/Bogota",
    "lima": "America/Lima",
    "méxico": "America/Mexico_City",
    "mexico city": "America/Mexico_City",
    "ciudad de méxico": "America/Mexico_City",
    "guadalajara": "America/Mexico_City",
    "new york": "America/New_York",
    "chicago": "America/Chicago",
    "denver": "America/Denver",
    "los angeles": "America/Los_Angeles",
    "toronto": "America/Toronto",
    "montréal": "America/Toronto",
    "montreal": "America/Toronto",
    "québec": "America/Toronto",
    "vancouver": "America/Vancouver",
    "sydney": "Australia/Sydney",
    "canberra": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "tokyo": "Asia/Tokyo",
    "osaka": "Asia/Tokyo",
    "singapore": "Asia/Singapore",
    "mumbai": "Asia/Kolkata",
    "kolkata": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "dubai": "Asia/Dubai",
    "abu dhabi": "Asia/Dubai",
    "tel aviv": "Asia/Jerusalem",
    "jerusalem": "Asia/Jerusalem",
    "johannesburg": "Africa/Johannesburg",
    "lagos": "Africa/Lagos",
    "nairobi": "Africa/Nairobi",
    "auckland": "Pacific/Auckland",
    "wellington": "Pacific/Auckland",
    "beijing": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
}

# A country domain of one zone: where a company writing "14:00" with no zone is.
# Countries of several zones (us, ca, au, ru, mx is mostly one) and TLDs used as
# brands (.co, .io, .ai, .me, .tv) are left out.
COUNTRY_ZONES = {
    "de": "Europe/Berlin",
    "at": "Europe/Vienna",
    "ch": "Europe/Zurich",
    "fr": "Europe/Paris",
    "be": "Europe/Brussels",
    "nl": "Europe/Amsterdam",
    "lu": "Europe/Luxembourg",
    "es": "Europe/Madrid",
    "pt": "Europe/Lisbon",
    "it": "Europe/Rome",
    "uk": "Europe/London",
    "ie": "Europe/Dublin",
    "se": "Europe/Stockholm",
    "dk": "Europe/Copenhagen",
    "no": "Europe/Oslo",
    "fi": "Europe/Helsinki",
    "pl": "Europe/Warsaw",
    "cz": "Europe/Prague",
    "br": "America/Sao_Paulo",
    "ar": "America/Argentina/Buenos_Aires",
    "cl": "America/Santiago",
    "pe": "America/Lima",
    "mx": "America/Mexico_City",
    "in": "Asia/Kolkata",
    "jp": "Asia/Tokyo",
    "sg": "Asia/Singapore",
    "il": "Asia/Jerusalem",
    "za": "Africa/Johannesburg",
    "nz": "Pacific/Auckland",
}

# Countries that write 12/08/2026 for December 8th.
MONTH_FIRST_COUNTRIES = frozenset({"us", "ph", "fm", "pw", "mh"})
# A user in these zones (the US and Canada) reads an English 12/08/2026 month first.
MONTH_FIRST_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Phoenix", "America/Anchorage", "America/Detroit", "America/Indiana",
    "America/Boise", "America/Toronto", "America/Vancouver", "America/Edmonton",
    "America/Winnipeg", "America/Halifax", "Pacific/Honolulu",
)  # fmt: skip

_LETTER = r"[^\W\d_]"
_ZONE_RE = re.compile(
    r"(?P<iana>\b(?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_]{2,30}(?:/[A-Za-z_]{2,30})?)"
    r"|(?P<named>\b(?:Central European|Western European|Eastern European|Australian Eastern|"
    r"Greenwich Mean|Eastern|Central|Mountain|Pacific|British|India|Indian|Japan|Singapore)"
    r"\s(?:Standard\s|Daylight\s|Summer\s)?Time\b)"
    r"|\((?P<gmtoff>(?:GMT|UTC)\s?[+-]\d{1,2}(?::?\d\d)?)\)"
    r"|(?P<bareoff>\b(?:GMT|UTC)\s?[+-]\d{1,2}(?::?\d\d)?)(?![\d:])"
    r"|\b(?P<abbr>[A-Z]{2,4})\b"
    # "heure de Paris", "horário de Brasília", "hora de Madrid", "hora del centro"
    r"|(?P<local>\b(?i:heure|horário|horario|hora|zeit|tijd)\s(?i:de\s|d'|del\s|in\s|van\s)?"
    r"(?i:l'|la\s)?(?P<place>" + _LETTER + r"[\w'-]{1,20}(?:\s" + _LETTER + r"[\w-]{1,20})?))"
    # "Paris time", "Mitteleuropäische Zeit", "Nederlandse tijd", "New York time"
    r"|(?P<before>\b(?P<place2>" + _LETTER + r"[\w'-]{1,20}(?:\s" + _LETTER + r"[\w-]{1,20})?)"
    r"\s(?i:sommerzeit|zeit|tijd|time)\b)"
)
_TIME_WORD_RE = re.compile(r"(?<!\s)\s+(?:(?:standard|daylight|summer)\s*)?time$")
_OFFSET_RE = re.compile(r"([+-])(\d{1,2})(?::?(\d\d))?")
# "2pm Pacific", "10 AM Eastern": a bare region name right after the time.
_LEADING_REGION_RE = re.compile(r"[ \t]{0,3}\(?(eastern|central|mountain|pacific)\b", re.IGNORECASE)
_CITY_LIST_RE = re.compile(
    r"[ \t]{0,3}(" + _LETTER + r"[\w.'-]{1,20}(?:[ \t]" + _LETTER + r"[\w-]{1,20})?)"
)


def valid_zone(name: str | None) -> str | None:
    """The IANA name if zoneinfo knows it, else None."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        ZoneInfo(name)
        return name
    except Exception:
        return None


def _place_zone(place: str) -> str | None:
    """A city or a zone's name ("Paris", "Brasília", "Europe centrale") as a zone."""
    key = normalise_space(place.lower())
    for candidate in (key, key.split(" ")[0]):
        if candidate in CITY_ZONES:
            return CITY_ZONES[candidate]
        if candidate in ZONE_NAMES:
            return ZONE_NAMES[candidate]
    return None


def _abbreviation(abbr: str, country: str | None) -> str | None:
    if country and country in AMBIGUOUS_ABBREVIATIONS.get(abbr, {}):
        return AMBIGUOUS_ABBREVIATIONS[abbr][country]
    return ZONE_ABBREVIATIONS.get(abbr)


def find_zone(text: str, country: str | None = None) -> str | None:
    """First time-zone mention in `text`, as an IANA name. `country`: the sender's
    two-letter domain, which says what an ambiguous "IST" or "CST" means."""
    text = text[:MAX_ZONE_TEXT]
    pos = 0
    while m := _ZONE_RE.search(text, pos):
        zone = _zone_of(m, text, country)
        if zone:
            return zone
        pos = m.end()
        if m.group("local") or m.group("before"):
            # "PM Central Time" read as a place: try again from its second word.
            space = text.find(" ", m.start(), m.end())
            pos = space + 1 if space != -1 else m.end()
    return None


def _zone_of(m: re.Match[str], text: str, country: str | None) -> str | None:
    if m.group("iana"):
        return valid_zone(m.group("iana"))
    if m.group("named"):
        key = normalise_space(_TIME_WORD_RE.sub("", m.group("named").lower()))
        return ZONE_NAMES.get(key)
    if m.group("gmtoff"):
        # "(GMT-05:00) Eastern Time", "(UTC+01:00) Amsterdam, Berlin": the name after wins.
        tail = text[m.end() : m.end() + 60]
        return find_zone_named_only(tail) or _fixed_offset_zone(m.group("gmtoff"))
    if m.group("bareoff"):
        return _fixed_offset_zone(m.group("bareoff"))
    if m.group("local"):
        return _place_zone(m.group("place"))
    if m.group("before"):
        return _place_zone(m.group("place2"))
    return _abbreviation(m.group("abbr"), country)


def find_zone_named_only(text: str) -> str | None:
    """A zone's name or a city at the start of `text` (what follows "(GMT-06:00)")."""
    for m in _ZONE_RE.finditer(text):
        if m.group("named") or m.group("iana") or m.group("local") or m.group("before"):
            return _zone_of(m, text, None)
        break
    city = _CITY_LIST_RE.match(text)
    return _place_zone(city.group(1)) if city else None


def leading_region(text: str) -> str | None:
    """ "Pacific" right at the start of `text` (just after a clock time)."""
    m = _LEADING_REGION_RE.match(text)
    return ZONE_NAMES[m.group(1).lower()] if m else None


def _fixed_offset_zone(s: str) -> str | None:
    """GMT-05:00 → Etc/GMT+5 (POSIX sign is inverted); only whole hours exist there."""
    m = _OFFSET_RE.search(s)
    if not m or (m.group(3) and m.group(3) != "00"):
        return None
    hours = int(m.group(2))
    if hours == 0:
        return "UTC"
    sign = "-" if m.group(1) == "+" else "+"
    return valid_zone(f"Etc/GMT{sign}{hours}")


def country_of(address: str) -> str | None:
    """The two-letter country domain of an address ("jane@acme.de" → "de"), or None."""
    domain = address.rpartition("@")[2].lower().strip(">. ")
    tld = domain.rpartition(".")[2]
    return tld if len(tld) == 2 and tld.isascii() and tld.isalpha() else None


def country_zone(country: str | None) -> str | None:
    return COUNTRY_ZONES.get(country or "")
