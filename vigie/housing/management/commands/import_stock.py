"""`vigie import_stock FILE --org SLUG`: import an ERP export of the landlord's stock."""

import json
import sys
from pathlib import Path
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigie.core.errors import DomainError
from vigie.core.models import Organisation
from vigie.housing.importing import ImportReport, import_stock, load_mapping

SHOWN = 200  # errors and warnings printed by the summary (--json gives them all)


class Command(BaseCommand):
    help = gettext_lazy(
        "Importe un export du patrimoine (CSV ou XLSX, une ligne par occupant·e) ; "
        "voir docs/import.md. Code de sortie 0 si le fichier est importé, 1 s'il est refusé."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)  # argparse wants a str: translated when the command runs
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("fichier CSV ou XLSX"))
        parser.add_argument("--org", required=True, help=_("identifiant (slug) du bailleur"))
        parser.add_argument("--mapping", help=_("fichier de correspondance TOML d'un autre ERP"))
        parser.add_argument("--dry-run", action="store_true", help=_("simuler sans rien écrire"))
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=_("importer les baux valides et rejeter les autres (sinon : tout ou rien)"),
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help=_("import partiel : ne pas marquer partis les baux absents du fichier"),
        )
        parser.add_argument(
            "--allow-departures",
            type=int,
            metavar="N",
            help=_(
                "import complet : accepter jusqu'à N baux marqués partis au-delà du seuil "
                "(VIGIE_IMPORT_MAX_DEPARTURES_PERCENT / VIGIE_IMPORT_MAX_DEPARTURES)"
            ),
        )
        parser.add_argument("--json", action="store_true", help=_("résultat en JSON"))

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            self._refuse(
                options, _("Organisation inconnue : « %(slug)s ».") % {"slug": options["org"]}
            )
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._refuse(
                options,
                _("Fichier « %(file)s » illisible : %(reason)s.")
                % {"file": path, "reason": exc.strerror},
            )
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
            title = _("Simulation (rien n'a été écrit)")
        elif report.imported:
            title = _("Fichier importé")
        else:
            title = _("Fichier refusé : rien n'a été écrit")
        out.write(
            ngettext(
                "%(title)s — %(rows)s ligne lue.", "%(title)s — %(rows)s lignes lues.", report.rows
            )
            % {"title": title, "rows": report.rows}
        )
        out.write(
            "  "
            + _(
                "baux créés : %(created)s, mis à jour : %(updated)s, inchangés : %(unchanged)s, "
                "marqués partis : %(departed)s, rejetés : %(rejected)s"
            )
            % report.counts
        )
        for issues, heading in (
            (report.errors, _("Erreurs (%(count)s) :")),
            (report.warnings, _("Avertissements (%(count)s) :")),
        ):
            if not issues:
                continue
            out.write(heading % {"count": len(issues)})
            for issue in issues[:SHOWN]:
                out.write(f"  {issue['message']}")
            if len(issues) > SHOWN:
                out.write("  " + _("… et %(rest)s autres") % {"rest": len(issues) - SHOWN})
        if report.run_id:
            out.write(_("Import n° %(run)s enregistré.") % {"run": report.run_id})
