"""Company and role as the message says them, in six languages (core/detect_company)."""

from __future__ import annotations

import pytest

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
