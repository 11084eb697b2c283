"""The projects' forms (French labels; the services check the rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.projects.choices import DocumentKind, ProjectKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PageForm(forms.Form):
    """A form sharing a page with others: its own ids (`tranche-amount`), so labels point at
    the right field."""

    id_prefix = "f"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class ProjectForm(PageForm):
    id_prefix = "project"
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    kind = forms.ChoiceField(label=_("Type de projet"), choices=ProjectKind.choices)
    residences = forms.ModelMultipleChoiceField(
        label=_("Résidences"), queryset=None, required=False
    )
    neighbourhood = forms.CharField(label=_("Quartier"), max_length=150, required=False)
    priority_neighbourhood = forms.BooleanField(
        label=_("Quartier prioritaire de la politique de la ville (QPV)"), required=False
    )
    starts_on = forms.DateField(label=_("Début"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Fin"), required=False, widget=DATE)
    summary = forms.CharField(
        label=_("Présentation de l'action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, residences=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residences"].queryset = residences


class ProjectEditForm(PageForm):
    id_prefix = "edit"
    summary = forms.CharField(
        label=_("Présentation de l'action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    starts_on = forms.DateField(label=_("Début"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Fin"), required=False, widget=DATE)


class CoFunderForm(PageForm):
    id_prefix = "cofunder"
    # By slug: the list of funder organisations is the platform's, not the landlord's (another
    # landlord's funders are none of its business); the datalist offers those it already works with.
    funder = forms.SlugField(
        label=_("Identifiant du financeur (par exemple caf-31)"),
        max_length=60,
        widget=forms.TextInput(attrs={"list": "known-funders", "autocomplete": "off"}),
    )
    requested = forms.DecimalField(label=_("Montant demandé (€)"), min_value=0, decimal_places=2)
    committed = forms.DecimalField(
        label=_("Montant accordé (€)"), min_value=0, decimal_places=2, required=False
    )
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=2000)


class FunderOrgForm(PageForm):
    id_prefix = "funderorg"
    name = forms.CharField(label=_("Nom du financeur"), max_length=200)
    slug = forms.SlugField(label=_("Identifiant (lettres, chiffres, tirets)"), max_length=60)


class TrancheForm(PageForm):
    id_prefix = "tranche"
    funder = forms.ChoiceField(label=_("Co-financeur"))
    amount = forms.DecimalField(label=_("Montant (€)"), min_value=0, decimal_places=2)
    due_on = forms.DateField(label=_("Attendue le"), widget=DATE)
    received_on = forms.DateField(label=_("Reçue le"), required=False, widget=DATE)

    def __init__(self, *args, co_funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(c.funder.slug, c.funder.name) for c in co_funders]


class ReceivedForm(PageForm):
    id_prefix = "received"
    received_on = forms.DateField(label=_("Reçue le"), widget=DATE)


class ConditionForm(PageForm):
    id_prefix = "condition"
    funder = forms.ChoiceField(label=_("Co-financeur"))
    text = forms.CharField(label=_("Condition"), max_length=300)

    def __init__(self, *args, co_funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(c.funder.slug, c.funder.name) for c in co_funders]


class DeadlineForm(PageForm):
    id_prefix = "deadline"
    funder = forms.ChoiceField(label=_("Co-financeur"))
    label = forms.CharField(label=_("Compte rendu attendu"), max_length=200)
    due_on = forms.DateField(label=_("À rendre le"), widget=DATE)

    def __init__(self, *args, co_funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [(c.funder.slug, c.funder.name) for c in co_funders]


class SubmittedForm(PageForm):
    id_prefix = "submitted"
    submitted_on = forms.DateField(label=_("Rendu le"), widget=DATE)


class MilestoneForm(PageForm):
    id_prefix = "milestone"
    label = forms.CharField(label=_("Jalon"), max_length=200)
    due_on = forms.DateField(label=_("Prévu le"), widget=DATE)
    done_on = forms.DateField(label=_("Atteint le"), required=False, widget=DATE)


class PartnerForm(PageForm):
    id_prefix = "partner"
    name = forms.CharField(label=_("Partenaire opérationnel"), max_length=200)
    role = forms.CharField(label=_("Son rôle"), max_length=200)


class DocumentForm(PageForm):
    id_prefix = "document"
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    funder = forms.ChoiceField(label=_("Co-financeur concerné"), required=False)
    file = forms.FileField(label=_("Fichier"))

    def __init__(self, *args, co_funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [("", _("le projet entier"))] + [
            (c.funder.slug, c.funder.name) for c in co_funders
        ]


class BudgetLineForm(PageForm):
    id_prefix = "line"
    year = forms.IntegerField(label=_("Exercice"), min_value=2000, max_value=2100)
    account = forms.CharField(label=_("Compte"), max_length=6)
    label = forms.CharField(label=_("Libellé"), max_length=200)
    forecast = forms.DecimalField(label=_("Prévisionnel (€)"), min_value=0, decimal_places=2)
    actual = forms.DecimalField(
        label=_("Réalisé (€)"), min_value=0, decimal_places=2, required=False
    )
    funder = forms.ChoiceField(label=_("Financeur (ligne 74…)"), required=False)

    def __init__(self, *args, co_funders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].choices = [("", "—")] + [
            (c.funder.slug, c.funder.name) for c in co_funders
        ]


class ActualForm(PageForm):
    id_prefix = "actual"
    forecast = forms.DecimalField(label=_("Prévisionnel (€)"), min_value=0, decimal_places=2)
    actual = forms.DecimalField(label=_("Réalisé (€)"), min_value=0, decimal_places=2)


class IndicatorForm(PageForm):
    id_prefix = "indicator"
    computed = forms.ChoiceField(label=_("Calculé par Vigie"), required=False)
    label = forms.CharField(label=_("Indicateur (saisi)"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unité"), max_length=50, required=False)
    baseline = forms.DecimalField(label=_("Situation de départ"), required=False, min_value=0)
    target = forms.DecimalField(label=_("Cible"), required=False, min_value=0)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    headcount = forms.BooleanField(
        label=_("Effectif de personnes ou de ménages (masqué aux financeurs sous 11)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, computed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computed"].choices = [("", _("non : saisi à la main"))] + list(computed)


class MeasureForm(PageForm):
    id_prefix = "measure"
    value = forms.DecimalField(label=_("Valeur"), min_value=0)
    measured_on = forms.DateField(label=_("Mesurée le"), widget=DATE)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class StatusForm(PageForm):
    id_prefix = "status"
    to = forms.CharField()
    version = forms.IntegerField()
