"""`vigie seed_demo`: a demo landlord, loaded through the real ERP import, and a user per role."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vigie.accounts.models import User
from vigie.accounts.services import organisation_create, user_create
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.housing.demo import generate_export

# The documented demo accounts' password (README), for `make demo` only.
DEMO_PASSWORD = "Vigie-Demo-2026!"  # nosec B105


class Command(BaseCommand):
    help = "Crée un bailleur de démonstration (export ERP généré puis importé) et ses utilisateurs."

    def add_arguments(self, parser):
        parser.add_argument("--org", default="demo", help="identifiant du bailleur (défaut : demo)")
        parser.add_argument("--dwellings", type=int, default=12000)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--no-neighbour", action="store_true", help="sans second bailleur")

    def handle(self, *args, org: str, dwellings: int, seed: int, no_neighbour: bool, **options):
        from vigie.housing.importing import import_stock

        if dwellings < 1:
            raise CommandError("--dwellings doit être un entier positif.")
        landlord = self._org(org, OrganisationKind.LANDLORD, "Occitanie Habitat (démo)")
        t0 = time.monotonic()
        export = generate_export(dwellings=dwellings, seed=seed)
        report = import_stock(
            organisation=landlord, data=export.data, file_name=f"export-erp-{org}.csv"
        )
        if not report.imported:
            raise CommandError(f"L'import de démonstration a été refusé : {report.errors[:3]}")
        self.stdout.write(
            f"{landlord.name} : {export.rows} lignes importées en {time.monotonic() - t0:.1f} s "
            f"({report.created} baux créés, {report.updated} mis à jour, {report.unchanged} inchangés, "
            f"{len(report.warnings)} avertissements)."
        )
        users = [
            ("admin", landlord, Role.ADMIN, {}),
            ("responsable", landlord, Role.MANAGER, {}),
            ("appelant1", landlord, Role.CALLER, {}),
            ("appelant2", landlord, Role.CALLER, {}),
            ("appelant3", landlord, Role.CALLER, {}),
            ("agence", landlord, Role.AGENCY_STAFF, {"agency_names": [self._agency(landlord)]}),
            ("dpo", landlord, Role.DPO, {}),
        ]
        partner = self._org("ccas-toulouse", OrganisationKind.PARTNER, "CCAS de Toulouse")
        mediation = self._org(
            "amandier", OrganisationKind.MEDIATION_CENTRE, "L'Amandier, centre de médiation"
        )
        users += [
            ("ccas", partner, Role.PARTNER_WORKER, {}),
            ("mediation", mediation, Role.MEDIATOR, {}),
        ]
        if not no_neighbour and org == "demo":
            neighbour = self._org("voisin", OrganisationKind.LANDLORD, "Habitat Voisin (démo)")
            other = generate_export(dwellings=300, seed=seed + 1)
            import_stock(organisation=neighbour, data=other.data, file_name="export-voisin.csv")
            users.append(("voisin", neighbour, Role.MANAGER, {}))
        with transaction.atomic():
            for username, organisation, role, extra in users:
                existing = User.objects.filter(username=username).first()
                if (
                    existing
                    and existing.memberships.filter(organisation=organisation, role=role).exists()
                ):
                    continue
                user_create(
                    username=username,
                    organisation=organisation,
                    role=role,
                    password=DEMO_PASSWORD,
                    **extra,
                )
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, organisation, role, _extra in users:
            self.stdout.write(f"  {username:<12} {Role(role).label} — {organisation.name}")

    def _org(self, slug: str, kind: str, name: str) -> Organisation:
        existing = Organisation.objects.filter(slug=slug).first()
        if existing:
            if existing.kind != kind:
                raise CommandError(f"L'organisation « {slug} » existe déjà avec un autre type.")
            return existing
        return organisation_create(slug=slug, kind=kind, name=name)

    @staticmethod
    def _agency(landlord: Organisation) -> str:
        """Toulouse Nord; a small demo (a few hundred dwellings) may not draw it: then another."""
        from vigie.housing.models import Agency

        names = set(Agency.objects.filter(organisation=landlord).values_list("name", flat=True))
        return "Agence Toulouse Nord" if "Agence Toulouse Nord" in names else min(names)
