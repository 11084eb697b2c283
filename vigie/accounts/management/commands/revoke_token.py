from django.core.management.base import BaseCommand, CommandError

from vigie.accounts.services import api_tokens_revoke
from vigie.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Révoque un jeton d'API par son préfixe (ses 10 premiers caractères, « vg_… »), "
        "ou tous les jetons d'un utilisateur avec --user."
    )

    def add_arguments(self, parser):
        parser.add_argument("prefix", nargs="?", default="")
        parser.add_argument("--user", default="", help="l'utilisateur dont révoquer les jetons")
        parser.add_argument(
            "--all",
            action="store_true",
            help="révoquer tous les jetons du préfixe s'il y en a plusieurs",
        )

    def handle(self, *args, prefix, user, all, **options):
        try:
            revoked = api_tokens_revoke(actor=None, prefix=prefix, username=user, all_matching=all)
        except DomainError as exc:
            raise CommandError(exc.message)
        for token in revoked:
            self.stdout.write(f"Jeton révoqué : {token.prefix}… de {token.user.username}")
