"""Forms of the campaign pages: they parse and label input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.campaigns.choices import NeedKind, QuestionKind
from vigie.campaigns.templates_catalog import TEMPLATES
from vigie.housing.choices import Cohort
from vigie.housing.models import Agency

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "jj/mm/aaaa"}),
        error_messages={"invalid": _("Saisissez une date au format jj/mm/aaaa.")},
    )


TRI = [("", _("indifférent")), ("yes", _("oui")), ("no", _("non"))]


class TemplateCampaignForm(forms.Form):
    """One click: a crisis template, a name (optional) and the as-of date of the cohorts."""

    template = forms.ChoiceField(
        label=_("Modèle"),
        choices=[(k, t["label"]) for k, t in TEMPLATES.items()],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Nom (facultatif)"), max_length=200, required=False)
    as_of = _date_field(_("Date de référence des cohortes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()


class ScratchCampaignForm(forms.Form):
    """A campaign from scratch: a name, a date and a first wave (more can be added after)."""

    name = forms.CharField(label=_("Nom de la campagne"), max_length=200)
    purpose = forms.CharField(
        label=_("Objet"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    as_of = _date_field(_("Date de référence des cohortes"))
    wave_name = forms.CharField(label=_("Nom de la première vague"), max_length=150, required=False)
    cohorts = forms.MultipleChoiceField(
        label=_("Cohortes de la première vague"),
        choices=Cohort.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cohorte cochée : tous les ménages en place."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()


class WaveForm(forms.Form):
    """A wave: its cohorts, custom filters on the register, and its priority."""

    name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    priority = forms.IntegerField(
        label=_("Priorité (1 = appelée en premier)"), min_value=1, max_value=99, initial=1
    )
    cohorts = forms.MultipleChoiceField(
        label=_("Cohortes"),
        choices=Cohort.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Un ménage entre s'il est dans l'une d'elles ; aucune : tous les ménages."),
    )
    age_min = forms.IntegerField(label=_("Âge minimum (adulte le plus âgé)"), required=False)
    age_max = forms.IntegerField(label=_("Âge maximum (adulte le plus âgé)"), required=False)
    adults_min = forms.IntegerField(label=_("Adultes, au moins"), required=False, min_value=0)
    adults_max = forms.IntegerField(label=_("Adultes, au plus"), required=False, min_value=0)
    children_min = forms.IntegerField(label=_("Enfants, au moins"), required=False, min_value=0)
    children_max = forms.IntegerField(label=_("Enfants, au plus"), required=False, min_value=0)
    disability = forms.ChoiceField(label=_("Situation de handicap"), choices=TRI, required=False)
    priority_neighbourhood = forms.ChoiceField(
        label=_("Quartier prioritaire (QPV)"), choices=TRI, required=False
    )
    without_phone = forms.ChoiceField(label=_("Sans téléphone"), choices=TRI, required=False)
    agency_ids = forms.ModelMultipleChoiceField(
        label=_("Agences"), queryset=Agency.objects.none(), required=False
    )
    communes = forms.CharField(
        label=_("Communes (codes INSEE séparés par des virgules)"), required=False
    )

    INT_KEYS = ("age_min", "age_max", "adults_min", "adults_max", "children_min", "children_max")
    TRI_KEYS = ("disability", "priority_neighbourhood", "without_phone")

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_ids"].queryset = Agency.objects.filter(organisation_id=organisation_id)

    @classmethod
    def initial_from(cls, wave: Any) -> dict[str, Any]:
        f = wave.filters or {}
        initial: dict[str, Any] = {
            "name": wave.name,
            "priority": wave.priority,
            "cohorts": wave.cohorts,
            "agency_ids": f.get("agency_ids", []),
            "communes": ", ".join(f.get("communes", [])),
        }
        for key in cls.INT_KEYS:
            initial[key] = f.get(key)
        for key in cls.TRI_KEYS:
            initial[key] = "" if key not in f else ("yes" if f[key] else "no")
        return initial

    def to_wave(self) -> dict[str, Any]:
        """The wave as the services take it: {name, priority, cohorts, filters}."""
        d = self.cleaned_data
        filters: dict[str, Any] = {}
        for key in self.INT_KEYS:
            if d.get(key) is not None:
                filters[key] = d[key]
        for key in self.TRI_KEYS:
            if d.get(key):
                filters[key] = d[key] == "yes"
        if d.get("agency_ids"):
            filters["agency_ids"] = [a.pk for a in d["agency_ids"]]
        communes = [c.strip() for c in (d.get("communes") or "").split(",") if c.strip()]
        if communes:
            filters["communes"] = communes
        return {
            "name": d.get("name") or "",
            "priority": d["priority"],
            "cohorts": list(d.get("cohorts") or []),
            "filters": filters,
        }


class QuestionForm(forms.Form):
    """One question of the call script."""

    position = forms.IntegerField(label=_("Ordre"), min_value=1, required=False)
    text = forms.CharField(label=_("Question"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    choices = forms.CharField(label=_("Choix (séparés par « ; »)"), max_length=500, required=False)
    maps_to_need = forms.ChoiceField(
        label=_("Un « oui » signale le besoin"),
        choices=[("", "—"), *NeedKind.choices],
        required=False,
    )


QuestionFormSet = forms.formset_factory(QuestionForm, extra=3)


def questions_from_formset(formset: Any) -> list[dict[str, Any]]:
    """Non-empty questions, in the order the manager numbered them."""
    rows = []
    for i, form in enumerate(formset.forms):
        d = form.cleaned_data
        if not d or not (d.get("text") or "").strip():
            continue
        rows.append(
            (
                d.get("position") or 1000 + i,
                i,
                {
                    "text": d["text"],
                    "kind": d["kind"],
                    "choices": [
                        c.strip() for c in (d.get("choices") or "").split(";") if c.strip()
                    ],
                    "maps_to_need": d.get("maps_to_need") or "",
                },
            )
        )
    return [row for _p, _i, row in sorted(rows, key=lambda r: (r[0], r[1]))]


class PlannerForm(forms.Form):
    """The wave planner's assumptions."""

    callers = forms.IntegerField(
        label=_("Nombre d'appelant·es"), min_value=1, max_value=500, initial=3
    )
    call_minutes = forms.DecimalField(
        label=_("Durée moyenne d'un appel (minutes)"),
        min_value=0.5,
        max_value=120,
        initial=6,
        decimal_places=1,
        localize=True,  # "1,5" shown and typed the French way
    )
    hours_per_day = forms.DecimalField(
        label=_("Heures d'appel par jour et par personne"),
        min_value=0.5,
        max_value=24,
        initial=6,
        decimal_places=1,
        localize=True,  # "1,5" shown and typed the French way
    )
    attempts = forms.DecimalField(
        label=_("Appels par ménage (relances comprises)"),
        min_value=1,
        max_value=5,
        initial=1.3,
        decimal_places=1,
        localize=True,
    )
    start = _date_field(_("Premier jour d'appels"), required=False)
