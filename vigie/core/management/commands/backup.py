"""`vigie backup PATH`: a consistent backup of the database, while the app keeps running."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.backup import BackupError, backup_database, prune_backups
from vigie.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Sauvegarde la base (SQLite : API de sauvegarde en ligne ; PostgreSQL : pg_dump -Fc). "
        "PATH est un fichier, ou un dossier où la sauvegarde reçoit un nom daté."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help=_("fichier ou dossier de destination (défaut : VIGIE_BACKUP_DIR)"),
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help=_(
                "dans un dossier, ne garder que les N sauvegardes datées les plus récentes "
                "(défaut : VIGIE_BACKUP_KEEP ; 0 = tout garder)"
            ),
        )

    def handle(self, *args, path, keep, **options):
        target = Path(path) if path else Path(settings.VIGIE_BACKUP_DIR)
        if not path:
            target.mkdir(parents=True, exist_ok=True)
        try:
            written = backup_database(target)
        except BackupError as exc:
            raise CommandError(exc.message)
        size_mb = written.stat().st_size / 1_000_000
        self.stdout.write(
            _("Sauvegarde écrite : %(path)s (%(size)s Mo)")
            % {"path": written, "size": f"{size_mb:.1f}"}
        )
        if target.is_dir():
            keep = settings.VIGIE_BACKUP_KEEP if keep is None else keep
            for old in prune_backups(target, keep=keep):
                self.stdout.write(
                    _("Ancienne sauvegarde supprimée : %(name)s") % {"name": old.name}
                )
