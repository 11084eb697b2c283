"""Forms of the actions pages: they parse and label input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.actions.choices import SERVICE_CHOICES, PartnerKind, TicketCategory

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class FrenchDateField(forms.DateField):
    def __init__(self, **kw):
        kw.setdefault("input_formats", DATE_INPUTS)
        kw.setdefault(
            "widget", forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "jj/mm/aaaa"})
        )
        kw.setdefault("help_text", _("jj/mm/aaaa"))
        super().__init__(**kw)


class PartnerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=PartnerKind.choices)
    services = forms.MultipleChoiceField(
        label=_("Services proposés"),
        choices=SERVICE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    communes = forms.CharField(
        label=_("Communes couvertes (codes INSEE séparés par des virgules)"),
        required=False,
        help_text=_("Par exemple : 31555, 31069"),
    )
    address = forms.CharField(
        label=_("Adresse"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail de contact"), required=False)
    notification_email = forms.EmailField(
        label=_("E-mail des notifications (nouvelle orientation)"), required=False
    )
    contacts = forms.CharField(
        label=_("Contacts (nom, fonction, téléphone)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    opening_hours = forms.CharField(
        label=_("Horaires d'ouverture"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    active = forms.BooleanField(label=_("Actif"), required=False, initial=True)

    def commune_codes(self) -> list[str]:
        raw = self.cleaned_data.get("communes", "") or ""
        return [c.strip() for c in raw.replace(";", ",").split(",") if c.strip()]


class ReferralForm(forms.Form):
    partner = forms.TypedChoiceField(
        label=_("Partenaire"),
        coerce=int,
        error_messages={
            "required": _("Choisissez un partenaire dans la liste."),
            "invalid_choice": _("Choisissez un partenaire dans la liste."),
        },
    )
    note = forms.CharField(
        label=_("Note pour le partenaire (300 caractères au plus)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        error_messages={
            "max_length": _(
                "La note pour le partenaire tient en %(limit_value)d caractères au plus "
                "(elle en compte %(show_value)d) : raccourcissez-la."
            )
        },
    )
    share_cohorts = forms.BooleanField(
        label=_("Transmettre les cohortes (âge, famille…)"), required=False
    )
    share_disability = forms.BooleanField(
        label=_("Transmettre la situation de handicap"), required=False
    )
    extra_notes = forms.CharField(
        label=_("Informations complémentaires"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent = forms.BooleanField(
        label=_("Le ménage a donné son accord pour transmettre ces informations"), required=False
    )
    send = forms.BooleanField(
        label=_("Envoyer tout de suite au partenaire"), required=False, initial=True
    )

    def __init__(self, *args, partners=(), prefix=None, **kw):
        super().__init__(*args, prefix=prefix, **kw)
        partners = list(partners)
        suggested = [p for p, is_suggested in partners if is_suggested]
        # A partner serving the household's commune is chosen for you; otherwise nobody is,
        # rather than the first of the list (another town's CCAS).
        self.fields["partner"].choices = [("", _("— choisir un partenaire —"))] + [
            (p.pk, _("%(name)s — suggéré") % {"name": p.name} if is_suggested else p.name)
            for p, is_suggested in partners
        ]
        if suggested and not self.is_bound:
            self.initial.setdefault("partner", suggested[0].pk)


class TicketFromNeedForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Catégorie"),
        choices=[("", _("— choisir une catégorie —")), *TicketCategory.choices],
        error_messages={"required": _("Choisissez la catégorie du problème.")},
    )
    note = forms.CharField(
        label=_("Précision (sans donnée de santé)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TicketForm(TicketFromNeedForm):
    residence = forms.TypedChoiceField(label=_("Résidence"), coerce=int)

    def __init__(self, *args, residences=(), **kw):
        super().__init__(*args, **kw)
        self.fields["residence"].choices = [(r.pk, r.name) for r in residences]
        self.order_fields(["residence", "category", "note"])


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Tâche"), max_length=200)
    due_on = FrenchDateField(label=_("Échéance"))
    owner = forms.TypedChoiceField(
        label=_("Responsable"), coerce=int, required=False, empty_value=None
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, owners=(), **kw):
        super().__init__(*args, **kw)
        self.fields["owner"].choices = [("", _("— à attribuer —"))] + [
            (u.pk, u.get_full_name() or u.username) for u in owners
        ]


class MoveForm(forms.Form):
    to = forms.CharField()
    version = forms.IntegerField(required=False)
    note = forms.CharField(required=False, max_length=500)


class TicketLocationForm(forms.Form):
    """Where the problem is (prefilled from the register)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    address = forms.CharField(
        label=_("Adresse"),
        max_length=250,
        error_messages={"required": _("Indiquez l'adresse où se trouve le problème.")},
    )
    building = forms.CharField(label=_("Bâtiment"), max_length=50, required=False)
    staircase = forms.CharField(label=_("Escalier"), max_length=20, required=False)
    floor = forms.CharField(label=_("Étage"), max_length=20, required=False)


class TicketAssignForm(forms.Form):
    """To whom the ticket is given: a person of the agency and/or a contractor."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assignee = forms.TypedChoiceField(
        label=_("Personne de l'agence"), coerce=int, required=False, empty_value=None
    )
    contractor_name = forms.CharField(label=_("Entreprise"), max_length=150, required=False)
    contractor_contact = forms.CharField(
        label=_("Contact de l'entreprise (téléphone, e-mail)"), max_length=200, required=False
    )

    def __init__(self, *args, assignees=(), **kw):
        super().__init__(*args, **kw)
        self.fields["assignee"].choices = [("", _("— personne —"))] + [
            (u.pk, u.get_full_name() or u.username) for u in assignees
        ]


class TicketAttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo ou document (JPEG, PNG, WebP ou PDF)"),
        error_messages={"required": _("Choisissez le fichier à joindre.")},
    )
