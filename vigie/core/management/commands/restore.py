"""`vigie restore PATH`: replace the whole database with a backup made by `vigie backup`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from vigie.core.backup import (
    ENGINE_LABELS,
    BackupError,
    check_restorable,
    inspect_backup,
    restore_database,
)


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par « vigie backup » : remplace TOUTE la base actuelle. "
        "Arrêtez l'application et le worker avant."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier de sauvegarde")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="ne pas demander de confirmation (scripts)",
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
                    "La restauration remplace toute la base actuelle : "
                    "relancez avec --yes pour confirmer."
                )
            answer = input(
                f"Remplacer TOUTE la base {ENGINE_LABELS[info.engine]} « {database} » par "
                f"« {backup.name} » ? Tapez « oui » pour confirmer : "
            )
            if answer.strip().lower() not in {"oui", "o", "yes", "y"}:
                raise CommandError("Restauration annulée : la base n'a pas été modifiée.")
        try:
            restore_database(backup)
        except BackupError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            f"Base restaurée depuis {backup}. Lancez « vigie migrate » si cette sauvegarde "
            "précède la version installée, puis redémarrez l'application et le worker."
        )
