"""The projects' part of the demo (`vigie seed_demo`): a micro-crèche in a priority
neighbourhood co-funded by the town, the CAF and a foundation, an intergenerational common
room co-funded by two, one report due next month, and a funder's login (`financeur`, CAF)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

FUNDERS = {
    "ville-toulouse": "Ville de Toulouse",
    "caf-31": "CAF de la Haute-Garonne",
    "fondation-petite-enfance": "Fondation pour la petite enfance",
    "departement-31": "Conseil départemental de la Haute-Garonne",
}


def _funder(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        org = Organisation.objects.create(
            slug=slug, name=FUNDERS[slug], kind=OrganisationKind.FUNDER
        )
    return org


def seed(*, landlord: Organisation, stdout, password: str) -> list[tuple]:
    from vigie.accounts.models import User
    from vigie.accounts.services import user_create
    from vigie.housing.models import Residence
    from vigie.projects import services
    from vigie.projects.models import Project

    manager = (
        User.objects.filter(memberships__organisation=landlord, memberships__role=Role.MANAGER)
        .order_by("pk")
        .first()
    )
    funders = {slug: _funder(slug) for slug in FUNDERS}
    accounts = [("financeur", funders["caf-31"], Role.FUNDER_VIEWER, {})]
    if not User.objects.filter(username="financeur").exists():
        user_create(
            username="financeur",
            organisation=funders["caf-31"],
            role=Role.FUNDER_VIEWER,
            password=password,
            first_name="Fanny",
            last_name="Financeur",
        )
    if Project.objects.filter(organisation=landlord).exists():
        return accounts
    residences = Residence.objects.filter(organisation=landlord)
    qpv = (
        residences.filter(priority_neighbourhood=True).order_by("name").first()
        or residences.order_by("name").first()
    )
    other = residences.exclude(pk=getattr(qpv, "pk", None)).order_by("name").first()
    today = timezone.localdate()
    year = today.year
    with transaction.atomic():
        creche = services.project_create(
            actor=manager,
            organisation=landlord,
            title="Micro-crèche « Les Petits Pas »",
            kind="childcare",
            residences=[qpv] if qpv else [],
            neighbourhood=qpv.neighbourhood if qpv else "",
            priority_neighbourhood=True,
            starts_on=date(year, 1, 1),
            ends_on=date(year + 2, 12, 31),
            summary=(
                "Une micro-crèche de dix places au pied de la résidence, gérée par l'association "
                "Les Petits Pas, pour les familles du quartier prioritaire — d'abord les "
                "familles monoparentales, dont les parents reprennent un emploi ou une formation."
            ),
        )
        for to in ("application", "funded", "running"):
            services.project_move(actor=manager, project=creche, to=to)
        services.project_partner_add(
            actor=manager,
            project=creche,
            name="Association Les Petits Pas",
            role="gestionnaire de la crèche",
        )
        services.milestone_set(
            actor=manager,
            project=creche,
            label="Ouverture de la crèche",
            due_on=date(year, 3, 1),
            done_on=date(year, 3, 2),
        )
        services.milestone_set(
            actor=manager,
            project=creche,
            label="Comité de pilotage annuel",
            due_on=date(year, 11, 15),
        )
        for slug, requested, committed in (
            ("ville-toulouse", 25000, 20000),
            ("caf-31", 40000, 38000),
            ("fondation-petite-enfance", 12000, 10000),
        ):
            co = services.co_funder_add(
                actor=manager,
                project=creche,
                funder_slug=slug,
                requested=requested,
                committed=committed,
            )
            half = committed // 2
            services.tranche_add(
                actor=manager,
                project=creche,
                funder_slug=slug,
                amount=half,
                due_on=date(year, 2, 15),
                received_on=date(year, 2, 20),
            )
            services.tranche_add(
                actor=manager,
                project=creche,
                funder_slug=slug,
                amount=committed - half,
                due_on=today - timedelta(days=15)
                if slug == "ville-toulouse"
                else date(year, 12, 15),
            )
            services.deadline_add(
                actor=manager,
                co_funder=co,
                label="Compte rendu financier (CERFA 15059)",
                due_on=date(year + 1, 6, 30),
            )
        caf = creche.funders.get(funder__slug="caf-31")
        services.condition_add(
            actor=manager, co_funder=caf, text="Tarification à l'heure selon le barème de la CNAF"
        )
        lines = [
            ("6063", "Fournitures et petit équipement", 4000, 3650, None),
            ("613", "Loyer du local", 9000, 9000, None),
            ("6226", "Honoraires (pédiatre, psychomotricien)", 3000, 3400, None),
            ("641", "Salaires des auxiliaires de puériculture", 62000, 64500, None),
            ("645", "Charges sociales", 9000, 9300, None),
            ("7411", "Subvention de la Ville de Toulouse", 20000, 20000, "ville-toulouse"),
            ("7412", "Prestation de service de la CAF", 38000, 39500, "caf-31"),
            (
                "7413",
                "Subvention de la Fondation pour la petite enfance",
                10000,
                10000,
                "fondation-petite-enfance",
            ),
            ("706", "Participations des familles", 19000, 20350, None),
            ("864", "Personnel bénévole", 3000, 2800, None),
            ("870", "Bénévolat", 3000, 2800, None),
        ]
        for account, label, forecast, actual, funder in lines:
            services.budget_line_add(
                actor=manager,
                project=creche,
                year=year,
                account=account,
                label=label,
                forecast=forecast,
                actual=actual,
                funder_slug=funder,
            )
        services.indicator_add(actor=manager, project=creche, computed="households_reached")
        services.indicator_add(actor=manager, project=creche, computed="tickets_raised")
        enfants = services.indicator_add(
            actor=manager,
            project=creche,
            label="Enfants accueillis",
            unit="enfants",
            baseline=0,
            target=14,
            source="registre de la crèche",
        )
        services.indicator_measure(
            actor=manager, indicator=enfants, value=9, measured_on=date(year, 4, 1)
        )
        services.indicator_measure(
            actor=manager, indicator=enfants, value=13, measured_on=date(year, 9, 1)
        )

        salle = services.project_create(
            actor=manager,
            organisation=landlord,
            title="Salle commune intergénérationnelle",
            kind="intergenerational",
            residences=[other] if other else [],
            starts_on=date(year, 4, 1),
            ends_on=date(year + 1, 3, 31),
            summary=(
                "Une salle commune au rez-de-chaussée, animée avec la régie de quartier : ateliers "
                "numériques, repas partagés, aide aux devoirs entre générations."
            ),
        )
        for to in ("application", "funded"):
            services.project_move(actor=manager, project=salle, to=to)
        services.project_partner_add(
            actor=manager, project=salle, name="Régie de quartier", role="animation"
        )
        for slug, requested, committed in (
            ("departement-31", 15000, 12000),
            ("ville-toulouse", 8000, 8000),
        ):
            co = services.co_funder_add(
                actor=manager,
                project=salle,
                funder_slug=slug,
                requested=requested,
                committed=committed,
            )
            services.tranche_add(
                actor=manager,
                project=salle,
                funder_slug=slug,
                amount=committed,
                due_on=date(year, 6, 1),
            )
        dep = salle.funders.get(funder__slug="departement-31")
        services.deadline_add(
            actor=manager,
            co_funder=dep,
            label="Bilan à mi-parcours",
            due_on=today + timedelta(days=30),
        )
        for account, label, forecast, actual, funder in (
            ("606", "Mobilier et matériel", 6000, 0, None),
            ("6228", "Animation (régie de quartier)", 14000, 0, None),
            ("7411", "Subvention de la Ville de Toulouse", 8000, 0, "ville-toulouse"),
            ("7413", "Subvention du Département", 12000, 0, "departement-31"),
        ):
            services.budget_line_add(
                actor=manager,
                project=salle,
                year=year,
                account=account,
                label=label,
                forecast=forecast,
                actual=actual,
                funder_slug=funder,
            )
        services.indicator_add(
            actor=manager,
            project=salle,
            label="Participants aux ateliers",
            unit="personnes",
            target=60,
            source="feuilles d'émargement",
        )
    stdout.write("Projets co-financés : 2 projets de démonstration.\n")
    return accounts
