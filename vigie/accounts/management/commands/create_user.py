import sys

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.services import user_create
from vigie.accounts.signals import user_created_by_command
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
            "--discipline",
            action="append",
            default=[],
            help=_("pour un·e praticien·ne de médiation (répétable)"),
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("lit le mot de passe sur l'entrée standard"),
        )

    def handle(
        self, *args, username, org, role, agency, email, password_stdin, discipline, **options
    ):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(_("Organisation inconnue : « %(org)s ».") % {"org": org})
        password = sys.stdin.readline().rstrip("\n") if password_stdin else None
        try:
            with transaction.atomic():
                user = user_create(
                    username=username,
                    organisation=organisation,
                    role=role,
                    password=password,
                    email=email,
                    agency_names=agency,
                )
                # Module options (the mediation app's disciplines) go to the apps that own them.
                results = user_created_by_command.send(
                    sender=self.__class__,
                    user=user,
                    organisation=organisation,
                    role=role,
                    options={"discipline": discipline},
                )
                if discipline and not any(handled for _r, handled in results):
                    raise DomainError(_("--discipline ne s'applique qu'à la médiation."))
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            _("Utilisateur %(username)s : rôle %(role)s chez %(org)s.")
            % {"username": username, "role": role, "org": org}
        )
