from django.core.management.base import BaseCommand, CommandError

from vigie.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un utilisateur et l'affiche (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--name", default="")

    def handle(self, *args, username, days, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Utilisateur inconnu ou inactif : « {username} ».")
        _token, raw = ApiToken.issue(user=user, name=name, days=days)
        self.stdout.write(raw)
