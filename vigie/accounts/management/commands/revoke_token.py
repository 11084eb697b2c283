from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.services import api_tokens_revoke
from vigie.core.commands import TranslatedCommand
from vigie.core.errors import DomainError


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Révoque un jeton d'API par son préfixe (ses 10 premiers caractères, « vg_… »), "
        "ou tous les jetons d'un utilisateur avec --user."
    )

    def add_arguments(self, parser):
        parser.add_argument("prefix", nargs="?", default="")
        parser.add_argument("--user", default="", help=_("l'utilisateur dont révoquer les jetons"))
        parser.add_argument(
            "--all",
            action="store_true",
            help=_("révoquer tous les jetons du préfixe s'il y en a plusieurs"),
        )

    def handle(self, *args, prefix, user, all, **options):
        try:
            revoked = api_tokens_revoke(actor=None, prefix=prefix, username=user, all_matching=all)
        except DomainError as exc:
            raise CommandError(exc.message)
        for token in revoked:
            self.stdout.write(
                _("Jeton révoqué : %(prefix)s… de %(username)s")
                % {"prefix": token.prefix, "username": token.user.username}
            )
