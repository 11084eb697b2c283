"""Every record that belongs to an organisation stands on `core.models.OrganisationOwned`
(issue #11 §2): its organisation key, timestamps and scoped manager are written once."""

from django.apps import apps
from django.db import models

from vigie.core.models import Organisation, OrganisationOwned, ScopedQuerySet

#: Models with an organisation key that are not tenant records, and why.
EXEMPT = {
    # Who belongs where: the structure the scoping reads, not a record scoped by it.
    "accounts.membership": "the membership itself defines the scope",
    "accounts.membershipagency": "the membership's agencies define the scope",
    # The organisation's own structure, reached from the organisation (related_name).
    "housing.agency": "an organisation's agencies (Organisation.agencies)",
    # The journal and the access log: append-only, written for anyone (organisation optional).
    "core.auditevent": "the journal: append-only, the organisation may be empty",
    "core.accesslog": "the access log: append-only, the organisation may be empty",
}


def _organisation_models():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                getattr(field, "name", None) == "organisation"
                and getattr(field, "related_model", None) is Organisation
                and field.concrete
            ):
                yield model


def test_every_model_with_an_organisation_inherits_the_base():
    wrong = sorted(
        model._meta.label_lower
        for model in _organisation_models()
        if not issubclass(model, OrganisationOwned)
        and model._meta.label_lower not in EXEMPT
        and model._meta.app_label not in ("django_tasks_db",)
    )
    assert not wrong, (
        "These models hold an organisation key but do not inherit core.models."
        f"OrganisationOwned (or say in EXEMPT why not): {wrong}"
    )


def test_the_exemptions_are_still_true():
    labels = {model._meta.label_lower for model in _organisation_models()}
    assert set(EXEMPT) <= labels, set(EXEMPT) - labels


def test_the_base_gives_the_scoped_manager_and_the_stamps():
    from vigie.housing.models import Occupant, Residence

    assert isinstance(Residence.objects.all(), ScopedQuerySet)
    names = {f.name for f in Residence._meta.get_fields()}
    assert {"organisation", "created_at", "updated_at"} <= names
    assert hasattr(Occupant.objects.all(), "visible_to")


def test_the_base_is_used_the_way_a_module_would(db):
    """Timestamps are set by the base, on save and by a set-based insert alike."""
    from vigie.core.models import OrganisationKind
    from vigie.housing.tests.factories import ResidenceFactory

    org = Organisation.objects.create(slug="b", name="B", kind=OrganisationKind.LANDLORD)
    residence = ResidenceFactory(organisation=org)
    assert residence.created_at is not None and residence.updated_at is not None
    before = residence.updated_at
    residence.name = "Résidence des Tilleuls"
    residence.save()
    residence.refresh_from_db()
    assert residence.updated_at >= before
    assert isinstance(residence._meta.get_field("created_at"), models.DateTimeField)
