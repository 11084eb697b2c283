import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.services import user_create
from vigie.core.commands import TranslatedCommand
from vigie.core.errors import DomainError
from vigie.core.models import Organisation
from vigie.core.permissions import Role


class Command(TranslatedCommand):
    help = gettext_lazy("Crée un utilisateur dans une organisation avec un rôle.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--agency", action="append", default=[], help=_("pour agency_staff"))
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("lit le mot de passe sur l'entrée standard"),
        )

    def handle(self, *args, username, org, role, agency, email, password_stdin, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(_("Organisation inconnue : « %(org)s ».") % {"org": org})
        password = sys.stdin.readline().rstrip("\n") if password_stdin else None
        try:
            user_create(
                username=username,
                organisation=organisation,
                role=role,
                password=password,
                email=email,
                agency_names=agency,
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            _("Utilisateur %(username)s : rôle %(role)s chez %(org)s.")
            % {"username": username, "role": role, "org": org}
        )
