from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.services import organisation_create
from vigie.core.commands import TranslatedCommand
from vigie.core.errors import DomainError
from vigie.core.models import OrganisationKind


class Command(TranslatedCommand):
    help = gettext_lazy('Crée une organisation : vigie create_org SLUG --kind landlord --name "…"')

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--kind", required=True, choices=OrganisationKind.values)
        parser.add_argument("--name", default="")

    def handle(self, *args, slug, kind, name, **options):
        try:
            org = organisation_create(slug=slug, kind=kind, name=name)
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            _("Organisation créée : %(slug)s (%(kind)s)")
            % {"slug": org.slug, "kind": org.get_kind_display()}
        )
