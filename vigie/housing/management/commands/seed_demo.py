"""`vigie seed_demo`: a demo landlord, loaded through the real ERP import, and a user per role."""

from __future__ import annotations

import time

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.models import User
from vigie.accounts.services import organisation_create, user_create
from vigie.core.commands import TranslatedCommand
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.housing.demo import DEMO_NAMES, generate_export

# The documented demo accounts' password (README), for `make demo` only.
DEMO_PASSWORD = "Vigie-Demo-2026!"  # nosec B105


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Crée un bailleur de démonstration (export ERP généré puis importé) et ses utilisateurs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--org", default="demo", help=_("identifiant du bailleur (défaut : demo)")
        )
        parser.add_argument("--dwellings", type=int, default=12000)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--no-neighbour", action="store_true", help=_("sans second bailleur"))

    def handle(self, *args, org: str, dwellings: int, seed: int, no_neighbour: bool, **options):
        from vigie.housing.importing import import_stock

        if dwellings < 1:
            raise CommandError(_("--dwellings doit être un entier positif."))
        landlord = self._org(org, OrganisationKind.LANDLORD, "Occitanie Habitat (démo)")
        t0 = time.monotonic()
        export = generate_export(dwellings=dwellings, seed=seed)
        report = import_stock(
            organisation=landlord, data=export.data, file_name=f"export-erp-{org}.csv"
        )
        if not report.imported:
            raise CommandError(
                _("L'import de démonstration a été refusé : %(errors)s")
                % {"errors": report.errors[:3]}
            )
        self.stdout.write(
            _(
                "%(org)s : %(rows)s lignes importées en %(seconds)s s (%(created)s baux créés, "
                "%(updated)s mis à jour, %(unchanged)s inchangés, %(warnings)s avertissements)."
            )
            % {
                "org": landlord.name,
                "rows": export.rows,
                "seconds": f"{time.monotonic() - t0:.1f}",
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "warnings": len(report.warnings),
            }
        )
        users = [
            ("admin", landlord, Role.ADMIN, {}),
            ("responsable", landlord, Role.MANAGER, {}),
            ("appelant1", landlord, Role.CALLER, {}),
            ("appelant2", landlord, Role.CALLER, {}),
            ("appelant3", landlord, Role.CALLER, {}),
            (
                "agence",
                landlord,
                Role.AGENCY_STAFF,
                {"agency_names": [self._agency_name(landlord)]},
            ),
            ("dpo", landlord, Role.DPO, {}),
        ]
        mediation = self._org(
            "amandier", OrganisationKind.MEDIATION_CENTRE, "L'Amandier, centre de médiation"
        )
        users += [
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
        partner_users = self._partners(landlord)
        users += partner_users
        # Each module seeds its own part of the demo (its `demo.py`: `seed(landlord=…, stdout=…,
        # password=…)` returning its accounts as (username, organisation, role, extra)).
        for module in demo_modules():
            users += module.seed(landlord=landlord, stdout=self.stdout, password=DEMO_PASSWORD)
        self._identities([u for u, *_r in users])
        self.stdout.write(
            "\n"
            + _("Comptes de démonstration (mot de passe : %(password)s) :")
            % {"password": DEMO_PASSWORD}
        )
        for username, organisation, role, _extra in users:
            self.stdout.write(f"  {username:<12} {Role(role).label} — {organisation.name}")

    def _identities(self, usernames: list[str]) -> None:
        """Every demo account a name and an address (`.invalid`: no mail ever leaves; `make
        demo` prints e-mails on the console), so the users list reads like a team and "mot de
        passe oublié" can be tried. Synthetic people: no real person's data."""
        for i, username in enumerate(dict.fromkeys(usernames)):
            first, last = DEMO_NAMES[i % len(DEMO_NAMES)]
            User.objects.filter(username=username, first_name="", last_name="").update(
                first_name=first, last_name=last
            )
            User.objects.filter(username=username, email="").update(
                email=f"{username}@demo.invalid"
            )

    def _agency_name(self, landlord: Organisation) -> str:
        """Toulouse Nord when the stock has it (the full demo does), else the first agency."""
        from vigie.housing.models import Agency

        names = list(Agency.objects.filter(organisation=landlord).values_list("name", flat=True))
        return "Agence Toulouse Nord" if "Agence Toulouse Nord" in names else sorted(names)[0]

    def _org(self, slug: str, kind: str, name: str) -> Organisation:
        existing = Organisation.objects.filter(slug=slug).first()
        if existing:
            if existing.kind != kind:
                raise CommandError(
                    _("L'organisation « %(slug)s » existe déjà avec un autre type.")
                    % {"slug": slug}
                )
            return existing
        return organisation_create(slug=slug, kind=kind, name=name)

    def _partners(self, landlord: Organisation) -> list[tuple]:
        """The landlord's partner directory: Toulouse's CCAS, a grocery association, a régie."""
        from vigie.actions.choices import PartnerKind
        from vigie.actions.models import Partner
        from vigie.actions.services import partner_create, partner_create_ccas
        from vigie.housing.models import Commune

        manager = User.objects.get(username="responsable")
        toulouse = Commune.objects.get(insee_code="31555")
        out = []
        with transaction.atomic():
            ccas = Partner.objects.filter(organisation=landlord, kind=PartnerKind.CCAS).first()
            if ccas is None:
                ccas = partner_create_ccas(actor=manager, organisation=landlord, commune=toulouse)
                # Demo: never write to the real town hall's address.
                Partner.objects.filter(pk=ccas.pk).update(notification_email="ccas@demo.invalid")
            out.append(("ccas", ccas.partner_organisation, Role.PARTNER_WORKER, {}))
            for name, kind, services, slug in (
                (
                    "Courses solidaires (association)",
                    PartnerKind.ASSOCIATION,
                    ["groceries", "meal_delivery", "isolation"],
                    "asso",
                ),
                (
                    "Régie de quartier Bagatelle",
                    PartnerKind.REGIE,
                    ["groceries", "home_help"],
                    "regie",
                ),
            ):
                partner = Partner.objects.filter(organisation=landlord, name=name).first()
                if partner is None:
                    partner = partner_create(
                        actor=manager,
                        organisation=landlord,
                        name=name,
                        kind=kind,
                        services=services,
                        communes=["31555", "31149", "31069"],
                        notification_email=f"{slug}@demo.invalid",
                        opening_hours="du lundi au vendredi, 9 h – 17 h",
                    )
                out.append((slug, partner.partner_organisation, Role.PARTNER_WORKER, {}))
        for username, organisation, role, extra in out:
            if not User.objects.filter(username=username).exists():
                user_create(
                    username=username,
                    organisation=organisation,
                    role=role,
                    password=DEMO_PASSWORD,
                    **extra,
                )
        return out


def demo_modules() -> list:
    """The `demo` module of each installed Vigie app that has one, in INSTALLED_APPS order."""
    import importlib

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("vigie.") or config.name == "vigie.housing":
            continue
        name = f"{config.name}.demo"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        if hasattr(module, "seed"):
            found.append(module)
    return found
