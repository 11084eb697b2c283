from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.models import ApiToken, User
from vigie.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("Crée un jeton d'API pour un utilisateur et l'affiche (une seule fois).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--name", default="")

    def handle(self, *args, username, days, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("Utilisateur inconnu ou inactif : « %(username)s ».") % {"username": username}
            )
        _token, raw = ApiToken.issue(user=user, name=name, days=days)
        self.stdout.write(raw)
