"""Company and role as the message says them, in six languages (core/detect_company)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup.core import detect_company as co
from followup.core import detect_text as tx
from followup.core.detect_rules import company_and_role


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Acme. You'll", "Acme"),
        ("Massive Dynamic. The", "Massive Dynamic"),
        ("Orion Freight's", "Orion Freight"),
        ("Orion Freight GmbH & Co. KG", "Orion Freight"),
        ("Acme, Inc.", "Acme"),
        ("eBay", "eBay"),
        ("Banco do Brasil", "Banco do Brasil"),
        ("free webinar", None),
        ("Your research", None),
        ("Einladung zum", None),
        ("00 PM CST", None),
        ("Tuesday, December 8", None),
        ("the team at our office in Berlin and more words", None),
    ],
)
def test_only_well_formed_names_come_out(raw, name):
    assert co.well_formed_company(raw) == name


def test_a_persons_name_is_not_a_company():
    assert co.well_formed_company("Jane Doe", ["Jane Doe"]) is None


@pytest.mark.parametrize(
    ("subject", "company", "role"),
    [
        (
            "Einladung zum Vorstellungsgespräch: Backend Engineer (m/w/d) bei Orion Freight",
            "Orion Freight",
            "Backend Engineer",
        ),
        ("Entretien avec Maison Brume pour le poste de Développeur", "Maison Brume", "Développeur"),
        ("Entrevista técnica - Analista de Dados", None, "Analista de Dados"),
        (
            "Tu candidatura para Analista de Producto en Pampa Seguros",
            "Pampa Seguros",
            "Analista de Producto",
        ),
        (
            "Sollicitatiegesprek - Product Owner bij Dijkstra Energie",
            "Dijkstra Energie",
            "Product Owner",
        ),
        ("Entrevista: próximos pasos", None, None),
    ],
)
def test_localized_subjects(subject, company, role):
    assert co.company_role_from_subject(subject, tx.ROLE_WORDS) == (company, role)


@pytest.mark.parametrize(
    ("name", "from_vendor", "company"),
    [
        ("Orion Freight via Greenhouse", False, "Orion Freight"),
        ("Massive Dynamic Recruiting", True, "Massive Dynamic"),
        ("Talent Team Orion", True, "Orion"),
        ("Dana Reyes", True, None),  # a recruiter's own name
        ("Massive Dynamic Recruiting", False, None),  # a person's mail: no guess
    ],
)
def test_company_from_the_from_name(name, from_vendor, company):
    assert co.company_from_sender(name, from_vendor) == company


@pytest.mark.parametrize(
    ("signature", "company"),
    [
        ("Best,\nCarol Diaz\nRecruiting Coordinator | Umbrella", "Umbrella"),
        ("Cordialement,\nClaire\nChargée de recrutement chez Maison Brume", "Maison Brume"),
        ("Maya\nCo-founder & CEO, Halcyon Health", "Halcyon Health"),
        ("Groet,\nSanne\nTulpwerk B.V.", "Tulpwerk"),
        ("Thanks,\nJane Doe | Recruiter", None),
        ("Best,\nSam\n\n> On Monday, Jo wrote:\n> Head of Talent | Quoted Corp", None),
    ],
)
def test_company_from_a_signature(signature, company):
    assert co.company_from_signature(signature) == company


def test_the_body_names_the_company_before_the_domain():
    body = "Thanks for your interest in Orion Freight. You'll meet the team on Monday."
    assert company_and_role("Interview", "Interview", body, "ava@orionfreight.com") == (
        "Orion Freight",
        None,
    )


def test_a_run_together_domain_is_spelled_as_the_mail_spells_it():
    body = "Merci de votre intérêt. L'équipe de Boréal Assurances"
    assert co.spelled_in_text("borealassurances", body) == "Boréal Assurances"
    assert co.spelled_in_text("borealassurances", "nothing here") is None


def test_a_dash_splits_role_and_company_whichever_comes_first():
    """The side that names a job is the role: 'Globex - Product Designer' (Greenhouse's
    order) and 'Desenvolvedor Backend - Sabor' (Gupy's); a work mode is no company."""
    from followup.core.detect_company import split_role_at_company

    assert split_role_at_company("Globex - Product Designer") == ("Product Designer", "Globex")
    assert split_role_at_company("Desenvolvedor Backend - Sabor") == (
        "Desenvolvedor Backend",
        "Sabor",
    )
    assert split_role_at_company("Senior Backend Engineer - Remote") == (
        "Senior Backend Engineer - Remote",
        None,
    )


_SIGNATURE_PIECES = [
    "Recruiting Coordinator", "Talent Partner", "Jane Doe", "Orion Freight", "HEAD", "Σ",
    "ΣΣ", "İ", "lead", "x", " | ", " - ", ", ", " at ", " bei ", "@", "·", " ", "Managerσ",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SIGNATURE_PIECES), max_size=8).map("".join))
def test_a_signature_line_without_a_title_word_has_none_left_of_a_separator(line):
    """_company_after_title skips a line whose lower case holds no title word: no
    part left of a separator can hold one either (Σ lower-cases by its context)."""
    left_has_title = any(
        co._SIGNATURE_TITLE_RE.search(line[: sep.start()].lower())
        for sep in co._SIGNATURE_SPLIT_RE.finditer(line)
    )
    assert not left_has_title or co._SIGNATURE_TITLE_RE.search(line.lower())


def _sentences_read_in_full(text, not_company=()):
    """company_role_from_sentences before its passes stopped early: every lead-in listed."""
    text = text[: co.MAX_TEXT_CHARS]
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text
    company = role = None
    for lead_re in co._ROLE_LEAD_RES:
        for lead in list(lead_re.finditer(lowered))[: co._MAX_LEADS]:
            if role:
                break
            m = co._ROLE_THEN_COMPANY_RE.match(text, lead.end())
            if m:
                role = co.tidy_role(m.group("role"))
                company = company or co.well_formed_company(m.group("company"), not_company)
    for m in co._LABEL_LINE_RE.finditer(text):
        label = m.group("label").lower().split()
        if not role and label[-1] in co._ROLE_LABEL_WORDS:
            role = co.tidy_role(m.group("value"))
        elif not company and label[-1] in co._COMPANY_LABEL_WORDS:
            company = co.well_formed_company(m.group("value"), not_company)
        if company and role:
            break
    for lead in list(co._COMPANY_LEAD_RE.finditer(lowered))[: co._MAX_LEADS]:
        if company:
            break
        m = co._COMPANY_NAME_RE.match(text, lead.end())
        company = co.well_formed_company(m.group("company"), not_company) if m else None
    return company, role


_SENTENCE_PIECES = [
    "for the position of ", "für die Stelle als ", "application for ", "Bewerbung als ",
    "Backend Engineer", "Data Analyst", " at ", " bei ", "Orion Freight", "Kessler", "your ",
    "interest in ", "Company: ", "Role: ", "Unternehmen: ", "Position: ", "the team", ". ",
    "\n", " ", "İ", "we",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=16).map("".join))
def test_sentences_read_lazily_find_what_a_full_read_finds(text):
    assert co.company_role_from_sentences(text) == _sentences_read_in_full(text)


_DOMAIN_LABELS = ["gmail", "com", "lever", "co", "hire", "acme", "uk", "mail", "x", "greenhouse"]
_DOMAIN_LABELS += ["io", "example", "net", "googlemail", "onmicrosoft", "orionfreight", "de"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DOMAIN_LABELS), min_size=1, max_size=4).map(".".join))
def test_freemail_and_vendor_domains_and_those_below_them_name_no_employer(domain):
    """company_from_domain checks one set and one tuple of tails: what checking each
    freemail and vendor domain found."""
    no_employer = tx.FREEMAIL | tx.VENDOR_DOMAINS
    below = any(domain == d or domain.endswith("." + d) for d in no_employer)
    fast = domain in tx._NO_EMPLOYER_DOMAINS or domain.endswith(tx._NO_EMPLOYER_TAILS)
    assert fast == below
    if below:
        assert tx.company_from_domain(f"jane@{domain}") is None


def _six_readings(title, subject, body, names):
    """_company_and_role's readings before a repeated title was skipped: all six."""
    readings = (
        lambda: tx.company_role_from_title(title, names),
        lambda: co.company_role_from_subject(tx.clean_title(title), tx.ROLE_WORDS, names),
        lambda: tx.company_role_from_title(subject, names),
        lambda: co.company_role_from_subject(tx.clean_title(subject), tx.ROLE_WORDS, names),
        lambda: tx.company_role_from_body(body),
        lambda: co.company_role_from_sentences(body, names),
    )
    company = role = None
    for reading in readings:
        c, r = reading()
        r, c_in_role = co.split_role_at_company(r, names)
        company = company or co.well_formed_company(c, names) or c_in_role
        role = role or r
        if company and role:
            return company, role
    return company or co.company_from_signature(body, names), role


_TITLE_PIECES = [
    "Interview", "Re: ", "Fwd: ", "Phone Screen", " with ", " for ", " at ", "Acme", "Jane Doe",
    "Backend Engineer", " - ", ": ", "Einladung zum Vorstellungsgespräch", " bei ", "Orion",
    "Entretien", " avec ", "  ", " @ Tue Dec 1", "ınterview",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_TITLE_PIECES), max_size=8).map("".join),
    st.lists(st.sampled_from(_TITLE_PIECES), max_size=8).map("".join),
    st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=10).map("".join),
    st.booleans(),
)
def test_a_subject_that_cleans_to_the_title_is_not_read_again(title, subject, body, same):
    """company_and_role reads a cleaned title once (the prose reading passes the subject
    as both): what reading all six found (no sender nor domain here)."""
    from followup.core import detect_rules

    subject = title if same else subject
    names = {"Jane Doe"}
    got = detect_rules._company_and_role(title, subject, body, "", names, ("", ""), "")
    assert got == _six_readings(title, subject, body, names)


_LINE_PIECES = ["Interview", "interview", " with", "with ", "\n", "\u2028", "\x85", " ", "X", "İ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=10).map("".join))
def test_a_line_that_says_interview_with_is_in_a_text_that_says_it(text):
    """company_role_from_body searches its lines only when the whole text matches."""
    pattern = tx._INTERVIEW_WITH_RE
    if any(pattern.search(line) for line in text.splitlines()):
        assert pattern.search(text)
