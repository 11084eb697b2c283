"""Forms of the food-aid pages: they parse and label input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.foodaid.choices import DeliveryReason, Mode, PartnerRole

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class FrenchDateField(forms.DateField):
    def __init__(self, **kw):
        kw.setdefault("input_formats", DATE_INPUTS)
        kw.setdefault(
            "widget", forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "jj/mm/aaaa"})
        )
        kw.setdefault("help_text", _("jj/mm/aaaa"))
        super().__init__(**kw)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Nom du programme"), max_length=200)
    starts_on = FrenchDateField(label=_("Début"))
    ends_on = FrenchDateField(label=_("Fin"))
    sites = forms.MultipleChoiceField(
        label=_("Résidences desservies"), widget=forms.CheckboxSelectMultiple, required=False
    )
    place = forms.CharField(label=_("Autre lieu de distribution"), max_length=200, required=False)
    partner = forms.ChoiceField(label=_("Partenaire opérateur"), required=False)
    partner_role = forms.ChoiceField(
        label=_("Rôle de ce partenaire"), choices=PartnerRole.choices, required=False
    )
    partner_2 = forms.ChoiceField(label=_("Second partenaire"), required=False)
    partner_2_role = forms.ChoiceField(
        label=_("Rôle du second partenaire"), choices=PartnerRole.choices, required=False
    )
    funders = forms.CharField(
        label=_("Financeurs (un par ligne)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    basket = forms.CharField(
        label=_("Contenu du colis"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    parcels_per_household = forms.IntegerField(
        label=_("Colis par ménage"), min_value=0, max_value=50, initial=1
    )
    free = forms.BooleanField(label=_("Gratuit"), required=False, initial=True)
    contribution = forms.CharField(
        label=_("Participation demandée (si payant)"), max_length=100, required=False
    )
    places_limit = forms.IntegerField(
        label=_("Nombre de places (vide : sans limite)"), min_value=1, required=False
    )

    def __init__(self, *args, residences=(), partners=(), **kw):
        super().__init__(*args, **kw)
        self.fields["sites"].choices = [(r.pk, r.name) for r in residences]
        options = [("", "—")] + [(o.slug, o.name) for o in partners]
        self.fields["partner"].choices = options
        self.fields["partner_2"].choices = options


class EnrolForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)
    consent_on = FrenchDateField(label=_("Consentement recueilli le"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    delivery_reason = forms.ChoiceField(
        label=_("Motif de livraison"), choices=DeliveryReason.choices, required=False
    )
    share_disability = forms.BooleanField(
        label=_("Le ménage accepte que le livreur sache qu'il y a une situation de handicap"),
        required=False,
    )


class SessionForm(forms.Form):
    site = forms.ChoiceField(label=_("Résidence"))
    date = FrenchDateField(label=_("Date"))
    slots = forms.CharField(
        label=_("Créneaux (séparés par des virgules)"),
        required=False,
        help_text=_("Par exemple : 10:00-12:00, 14:00-16:00"),
    )

    def __init__(self, *args, sites=(), **kw):
        super().__init__(*args, **kw)
        self.fields["site"].choices = [(r.pk, r.name) for r in sites]


class ReportForm(forms.Form):
    start = FrenchDateField(label=_("Du"), required=False)
    end = FrenchDateField(label=_("Au"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)

    def __init__(self, *args, sites=(), **kw):
        super().__init__(*args, **kw)
        self.fields["site"].choices = [("", _("Tous"))] + [(r.pk, r.name) for r in sites]
