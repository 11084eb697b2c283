"""Forms of the administration pages: a person, a role."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.permissions import Role


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Pour recevoir le lien qui choisit ou réinitialise le mot de passe."),
    )


class NewUserForm(PersonForm):
    username = forms.SlugField(
        label=_("Identifiant"),
        max_length=150,
        help_text=_(
            "Lettres sans accents, chiffres, tirets : ce que la personne tape pour se connecter."
        ),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("La personne y reçoit le lien pour choisir son mot de passe."),
    )


class RoleForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agences (personnel d'agence)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations, **kwargs):
        from vigie.accounts.models import Membership

        Agency = Membership._meta.get_field("agencies").related_model  # accounts is below housing
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # Only the roles these organisations can hold (a landlord has no funder viewer): the
        # service refuses the others, the list should not offer them.
        from vigie.accounts.services import ROLES_BY_KIND

        kinds = {o.kind for o in organisations}
        possible = set().union(*(ROLES_BY_KIND.get(k, set()) for k in kinds))
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in possible]
        self.fields["agencies"].queryset = (
            Agency.objects.filter(organisation__in=organisations)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        if len({o.pk for o in organisations}) > 1:
            self.fields["agencies"].label_from_instance = lambda a: (
                f"{a.name} ({a.organisation.name})"
            )
