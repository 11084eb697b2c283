"""`vigie restore PATH`: replace the whole database with a backup made by `vigie backup`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.backup import (
    ENGINE_LABELS,
    BackupError,
    check_restorable,
    inspect_backup,
    restore_database,
)
from vigie.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Restaure une sauvegarde faite par « vigie backup » : remplace TOUTE la base actuelle. "
        "Arrêtez l'application et le worker avant."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("fichier de sauvegarde"))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("ne pas demander de confirmation (scripts)"),
        )

    def handle(self, *args, path, yes, **options):
        backup = Path(path)
        try:
            info = inspect_backup(backup)
            check_restorable(info)
        except BackupError as exc:
            raise CommandError(exc.message)
        database = connection.settings_dict["NAME"]
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    _(
                        "La restauration remplace toute la base actuelle : "
                        "relancez avec --yes pour confirmer."
                    )
                )
            answer = input(
                _(
                    "Remplacer TOUTE la base %(engine)s « %(database)s » par « %(backup)s » ? "
                    "Tapez « oui » pour confirmer : "
                )
                % {
                    "engine": ENGINE_LABELS[info.engine],
                    "database": database,
                    "backup": backup.name,
                }
            )
            if answer.strip().lower() not in {"oui", "o", "yes", "y"}:
                raise CommandError(_("Restauration annulée : la base n'a pas été modifiée."))
        try:
            restore_database(backup)
        except BackupError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            _(
                "Base restaurée depuis %(path)s. Lancez « vigie migrate » si cette sauvegarde "
                "précède la version installée, puis redémarrez l'application et le worker."
            )
            % {"path": backup}
        )
