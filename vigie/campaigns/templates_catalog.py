"""Campaign templates for the crises that come back: lockdown, heatwave, cold spell.

A template fills in the waves and the call script; the manager adjusts them before building.
Questions are asked so that "oui" means a need: the answer raises it without retyping.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from vigie.campaigns.choices import NeedKind, QuestionKind
from vigie.housing.choices import Cohort

# People living alone (plan canicule): one adult, no child.
LIVING_ALONE = {"adults_min": 1, "adults_max": 1, "children_max": 0}

_COMMON_QUESTIONS: list[dict[str, Any]] = [
    {
        "text": gettext_lazy("Avez-vous besoin de courses ?"),
        "kind": QuestionKind.YES_NO,
        "maps_to_need": NeedKind.GROCERIES,
    },
    {
        "text": gettext_lazy("Avez-vous besoin de portage de repas ?"),
        "kind": QuestionKind.YES_NO,
        "maps_to_need": NeedKind.MEAL_DELIVERY,
    },
    {
        "text": gettext_lazy("Avez-vous besoin de médicaments ?"),
        "kind": QuestionKind.YES_NO,
        "maps_to_need": NeedKind.MEDICATION,
    },
    {
        "text": gettext_lazy("Vous sentez-vous isolé·e ?"),
        "kind": QuestionKind.YES_NO,
        "maps_to_need": NeedKind.ISOLATION,
    },
    {
        "text": gettext_lazy("Un problème dans votre logement ou votre immeuble ?"),
        "kind": QuestionKind.YES_NO,
        "maps_to_need": NeedKind.HOUSING_PROBLEM,
    },
]

_CLOSING_QUESTION = {
    "text": gettext_lazy("Autre chose à signaler ?"),
    "kind": QuestionKind.TEXT,
    "maps_to_need": "",
}

TEMPLATES: dict[str, dict[str, Any]] = {
    "lockdown": {
        "label": gettext_lazy("Confinement"),
        "name": gettext_lazy("Confinement — appels aux locataires fragiles"),
        "purpose": gettext_lazy(
            "Prendre des nouvelles des locataires les plus fragiles pendant le confinement, "
            "repérer les besoins (courses, repas, médicaments, isolement) et les problèmes "
            "d'immeuble, et les orienter vers le CCAS, une association ou l'agence."
        ),
        "waves": [
            {"name": gettext_lazy("75 ans et plus"), "cohorts": [Cohort.OVER_75], "priority": 1},
            {"name": gettext_lazy("70 à 74 ans"), "cohorts": [Cohort.AGE_70_74], "priority": 2},
            {
                "name": gettext_lazy("Familles monoparentales"),
                "cohorts": [Cohort.SINGLE_PARENT],
                "priority": 2,
            },
            {
                "name": gettext_lazy("Situation de handicap"),
                "cohorts": [Cohort.DISABILITY],
                "priority": 2,
            },
        ],
        "questions": [*_COMMON_QUESTIONS, _CLOSING_QUESTION],
    },
    "heatwave": {
        "label": gettext_lazy("Canicule"),
        "name": gettext_lazy("Plan canicule — appels de veille"),
        "purpose": gettext_lazy(
            "Plan canicule : appeler les personnes âgées, en situation de handicap ou "
            "vivant seules, vérifier qu'elles se protègent de la chaleur et proposer "
            "l'inscription au registre canicule du CCAS."
        ),
        "waves": [
            {"name": gettext_lazy("75 ans et plus"), "cohorts": [Cohort.OVER_75], "priority": 1},
            {
                "name": gettext_lazy("Situation de handicap"),
                "cohorts": [Cohort.DISABILITY],
                "priority": 2,
            },
            {
                "name": gettext_lazy("Personnes vivant seules"),
                "cohorts": [],
                "filters": LIVING_ALONE,
                "priority": 3,
            },
        ],
        "questions": [
            *_COMMON_QUESTIONS,
            {
                "text": gettext_lazy(
                    "Votre logement reste-t-il trop chaud malgré les volets fermés ?"
                ),
                "kind": QuestionKind.YES_NO,
                "maps_to_need": NeedKind.HOUSING_PROBLEM,
            },
            {
                "text": gettext_lazy(
                    "Souhaitez-vous être inscrit·e au registre canicule de votre mairie ?"
                ),
                "kind": QuestionKind.YES_NO,
                "maps_to_need": NeedKind.ISOLATION,
            },
            _CLOSING_QUESTION,
        ],
    },
    "cold_spell": {
        "label": gettext_lazy("Grand froid"),
        "name": gettext_lazy("Grand froid — appels de veille"),
        "purpose": gettext_lazy(
            "Vague de froid : s'assurer que les locataires fragiles sont chauffés, "
            "repérer les pannes de chauffage et les difficultés à payer l'énergie."
        ),
        "waves": [
            {"name": gettext_lazy("75 ans et plus"), "cohorts": [Cohort.OVER_75], "priority": 1},
            {
                "name": gettext_lazy("Situation de handicap"),
                "cohorts": [Cohort.DISABILITY],
                "priority": 2,
            },
            {
                "name": gettext_lazy("Personnes vivant seules"),
                "cohorts": [],
                "filters": LIVING_ALONE,
                "priority": 3,
            },
        ],
        "questions": [
            *_COMMON_QUESTIONS,
            {
                "text": gettext_lazy("Votre chauffage fonctionne-t-il mal ou pas du tout ?"),
                "kind": QuestionKind.YES_NO,
                "maps_to_need": NeedKind.HOUSING_PROBLEM,
            },
            {
                "text": gettext_lazy("Avez-vous du mal à payer le chauffage ou l'énergie ?"),
                "kind": QuestionKind.YES_NO,
                "maps_to_need": NeedKind.FINANCIAL_HARDSHIP,
            },
            _CLOSING_QUESTION,
        ],
    },
}


def template_choices() -> list[tuple[str, str]]:
    return [(key, t["label"]) for key, t in TEMPLATES.items()]
