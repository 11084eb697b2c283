"""Floors as people say them (core.text.floor_label / floor_short, filters floor_fr/floor_col)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from vigie.core.text import floor_label, floor_short


@pytest.mark.parametrize(
    ("raw", "long", "short"),
    [
        ("0", "rez-de-chaussée", "RDC"),
        ("00", "rez-de-chaussée", "RDC"),
        ("RDC", "rez-de-chaussée", "RDC"),
        ("rez-de-chaussée", "rez-de-chaussée", "RDC"),
        ("1", "1er étage", "1er"),
        ("3", "3e étage", "3e"),
        ("12", "12e étage", "12e"),
        ("-1", "sous-sol (-1)", "-1"),
        ("B", "étage B", "B"),
        ("", "", ""),
        (" 2 ", "2e étage", "2e"),
    ],
)
def test_floor_in_french(raw, long, short):
    with translation.override("fr"):
        assert floor_label(raw) == long
        assert floor_short(raw) == short


def test_floor_in_english():
    with translation.override("en"):
        assert floor_label("0") == "ground floor"
        assert floor_label("1") == "1st floor"
        assert floor_label("3") == "floor 3"
        assert floor_short("0") == "GF"


def test_template_filters():
    t = Template(
        "{% load vigie %}{{ f|floor_fr }}|{{ f|floor_col|default:'—' }}|{{ e|floor_col|default:'—' }}"
    )
    with translation.override("fr"):
        assert t.render(Context({"f": "0", "e": ""})) == "rez-de-chaussée|RDC|—"


def test_of_person_elides_before_a_vowel_and_never_reads_an_article():
    from vigie.core.text import of_person

    with translation.override("fr"):
        assert of_person("Émilie Durand") == "d'Émilie Durand"
        assert of_person("admin") == "d'admin"
        assert of_person("Paul Roy") == "de Paul Roy"
        assert of_person("Le Goff Yann") == "de Le Goff Yann"
    with translation.override("en"):
        assert of_person("Émilie Durand") == "Émilie Durand"


def test_de_before_a_place_name():
    t = Template("{% load vigie %}{{ p|de }}")
    with translation.override("fr"):
        got = [t.render(Context({"p": p})) for p in ("Toulouse", "Albi", "Le Havre", "Les Ulis")]
        assert got == ["de Toulouse", "d&#x27;Albi", "du Havre", "des Ulis"]
    with translation.override("en"):
        assert t.render(Context({"p": "Le Havre"})) == "Le Havre"
