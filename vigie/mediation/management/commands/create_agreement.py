from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.commands import TranslatedCommand
from vigie.core.dates import parse_date
from vigie.core.errors import DomainError
from vigie.core.models import Organisation
from vigie.mediation.choices import Terms
from vigie.mediation.services import agreement_create


class Command(TranslatedCommand):
    help = gettext_lazy("Lie un centre de médiation à un bailleur qu'il sert (convention).")

    def add_arguments(self, parser):
        parser.add_argument("--centre", required=True, help=_("identifiant du centre"))
        parser.add_argument("--landlord", required=True, help=_("identifiant du bailleur"))
        parser.add_argument("--terms", default=Terms.PER_CASE, choices=Terms.values)
        parser.add_argument("--starts-on", default="", help=_("début (jj/mm/aaaa)"))

    def handle(self, *args, centre, landlord, terms, starts_on, **options):
        orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=[centre, landlord])}
        for slug in (centre, landlord):
            if slug not in orgs:
                raise CommandError(_("Organisation inconnue : « %(org)s ».") % {"org": slug})
        start = parse_date(starts_on) if starts_on else None
        if starts_on and start is None:
            raise CommandError(
                _("--starts-on : « %(v)s » n'est pas une date (jj/mm/aaaa).") % {"v": starts_on}
            )
        try:
            agreement_create(
                actor=None,
                centre=orgs[centre],
                landlord=orgs[landlord],
                starts_on=start,
                terms=terms,
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            _("Convention créée : %(centre)s sert %(landlord)s.")
            % {"centre": orgs[centre].name, "landlord": orgs[landlord].name}
        )
