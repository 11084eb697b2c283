"""`vigie import_stock FILE --org SLUG`: import an ERP export of the landlord's stock."""

import json
import sys
from pathlib import Path
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandError

from vigie.core.errors import DomainError
from vigie.core.models import Organisation
from vigie.housing.importing import ImportReport, import_stock, load_mapping


class Command(BaseCommand):
    help = (
        "Importe un export du patrimoine (CSV ou XLSX, une ligne par occupant·e) ; "
        "voir docs/import.md. Code de sortie 0 si le fichier est importé, 1 s'il est refusé."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV ou XLSX")
        parser.add_argument("--org", required=True, help="identifiant (slug) du bailleur")
        parser.add_argument("--mapping", help="fichier de correspondance TOML d'un autre ERP")
        parser.add_argument("--dry-run", action="store_true", help="simuler sans rien écrire")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="importer les baux valides et rejeter les autres (sinon : tout ou rien)",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="import partiel : ne pas marquer partis les baux absents du fichier",
        )
        parser.add_argument(
            "--allow-departures",
            type=int,
            metavar="N",
            help="import complet : accepter jusqu'à N baux marqués partis au-delà du seuil "
            "(VIGIE_IMPORT_MAX_DEPARTURES_PERCENT / VIGIE_IMPORT_MAX_DEPARTURES)",
        )
        parser.add_argument("--json", action="store_true", help="résultat en JSON")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            self._refuse(options, f"Organisation inconnue : « {options['org']} ».")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._refuse(options, f"Fichier « {path} » illisible : {exc.strerror}.")
        mapping = None
        if options["mapping"]:
            try:
                mapping = load_mapping(Path(options["mapping"]))
            except DomainError as exc:
                self._refuse(options, exc.message)
        report = import_stock(
            organisation=organisation,
            data=data,
            file_name=path.name,
            mapping=mapping,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            full=not options["partial"],
            allow_departures=options["allow_departures"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, default=str))
        else:
            self._summary(report, options["dry_run"])
        if options["dry_run"]:
            # What the real run would do: refuse on any error, or on a file-level one
            # (no row read) even with --skip-invalid.
            refused = report.departures_refused or (
                bool(report.errors) and (not options["skip_invalid"] or not report.rows)
            )
        else:
            refused = not report.imported
        if refused:
            sys.exit(1)

    def _refuse(self, options, message: str) -> NoReturn:
        """A refusal before the file is read (organisation, file, mapping): with --json, the
        report of a refused import on stdout, as for any other refusal; exit code 1."""
        if not options["json"]:
            raise CommandError(message)
        report = ImportReport(errors=[{"line": 0, "column": "", "value": "", "message": message}])
        self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, default=str))
        sys.exit(1)

    def _summary(self, report, dry_run):
        out = self.stdout
        if dry_run:
            title = "Simulation (rien n'a été écrit)"
        elif report.imported:
            title = "Fichier importé"
        else:
            title = "Fichier refusé : rien n'a été écrit"
        out.write(f"{title} — {report.rows} ligne(s) lue(s).")
        out.write(
            f"  baux créés : {report.created}, mis à jour : {report.updated}, "
            f"inchangés : {report.unchanged}, marqués partis : {report.departed}, "
            f"rejetés : {report.rejected}"
        )
        if report.errors:
            out.write(f"Erreurs ({len(report.errors)}) :")
            for e in report.errors[:200]:
                out.write(f"  {e['message']}")
            if len(report.errors) > 200:
                out.write(f"  … et {len(report.errors) - 200} autres")
        if report.warnings:
            out.write(f"Avertissements ({len(report.warnings)}) :")
            for w in report.warnings[:200]:
                out.write(f"  {w['message']}")
            if len(report.warnings) > 200:
                out.write(f"  … et {len(report.warnings) - 200} autres")
        if report.run_id:
            out.write(f"Import n° {report.run_id} enregistré.")
