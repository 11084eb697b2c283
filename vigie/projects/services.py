"""Writes of the projects app: projects, co-funders and their money, budget, indicators.

Every function is keyword-only and atomic, checks that the actor manages the project's
landlord (`project.manage`), refuses unusable input with a French sentence (422) and leaves
one journal row per change. Amounts are `Decimal` (two decimals); funders are named by the
slug of their organisation, which must be of kind "funder".
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.errors import ConflictError, DomainError, PermissionDeniedError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.services import audit_log
from vigie.core.transitions import transition
from vigie.projects.budget import BudgetInputError, is_subsidy, nature_of
from vigie.projects.choices import DocumentKind, ProjectKind
from vigie.projects.models import (
    BudgetLine,
    FundingCondition,
    Indicator,
    IndicatorValue,
    Milestone,
    Project,
    ProjectDocument,
    ProjectFunder,
    ProjectPartner,
    ReportingDeadline,
    Tranche,
)
from vigie.projects.permissions import PROJECT_MANAGE
from vigie.projects.transitions import PROJECT

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.housing.models import Building, Residence


class ProjectInputError(DomainError):
    """Input a project cannot take as given: HTTP 422."""

    status_code = 422


# Documents: what may be stored (agreements and decisions come as PDF, office files, scans).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# The journal code of each move (fixed strings: core/tests/test_journal.py reads them).
MOVE_CODES = {
    "application": "project.applied",
    "funded": "project.funded",
    "running": "project.started",
    "closing": "project.closing",
    "closed": "project.closed",
    "abandoned": "project.abandoned",
}
# Reminders before a report is due, in days.
REMINDER_DAYS = (30, 7, 1)


def documents_dir() -> Path:
    """Where project documents live: never under MEDIA_ROOT nor STATIC_ROOT (not served)."""
    return Path(settings.DATA_DIR) / "projects"


def _require_manage(actor: User | None, project: Project) -> None:
    if actor is not None and not actor.has_org_perm(PROJECT_MANAGE, project.organisation_id):
        raise PermissionDeniedError(
            _("Seul·e un·e responsable des partenariats gère les projets co-financés.")
        )


def money_or_none(value: Any, what: str, *, field: str = "") -> Decimal | None:
    """`money`, or None when no amount is given."""
    if value is None or value == "":
        return None
    return money(value, what, field=field)


def money(value: Any, what: str, *, field: str = "") -> Decimal:
    """An amount in euros (≥ 0, two decimals at most), or a sentence naming `what`."""
    if value is None or value == "":
        raise ProjectInputError(_("%(what)s : montant manquant.") % {"what": what}, field=field)
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except InvalidOperation:
        raise ProjectInputError(
            _("%(what)s : « %(value)s » n'est pas un montant.") % {"what": what, "value": value},
            field=field,
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ProjectInputError(
            _("%(what)s : « %(value)s » n'est pas un montant possible (positif, en euros).")
            % {"what": what, "value": value},
            field=field,
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ProjectInputError(
            _("%(what)s : « %(value)s » a plus de deux décimales.")
            % {"what": what, "value": value},
            field=field,
        )
    return amount.quantize(Decimal("0.01"))


def funder_by_slug(slug: str | None, *, field: str = "funder") -> Organisation:
    """The funder organisation of that slug, or a sentence (unknown, or not a funder)."""
    org = Organisation.objects.filter(slug=(slug or "").strip()).first()
    if org is None:
        raise ProjectInputError(
            _(
                "Financeur « %(slug)s » introuvable : indiquez l'identifiant d'une organisation de "
                "type financeur."
            )
            % {"slug": slug or ""},
            field=field,
        )
    if org.kind != OrganisationKind.FUNDER:
        raise ProjectInputError(
            _("« %(name)s » n'est pas une organisation de type financeur.") % {"name": org.name},
            field=field,
        )
    return org


def co_funder_of(project: Project, slug: str | None, *, field: str = "funder") -> ProjectFunder:
    funder = funder_by_slug(slug, field=field)
    co = project.funders.filter(funder=funder).select_related("funder").first()
    if co is None:
        raise ProjectInputError(
            _(
                "%(funder)s ne co-finance pas le projet « %(title)s » : ajoutez-le d'abord comme "
                "co-financeur."
            )
            % {"funder": funder.name, "title": project.title},
            field=field,
        )
    return co


def _check_period(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ProjectInputError(
            _("La fin du projet (%(end)s) précède son début (%(start)s).")
            % {"end": f"{ends_on:%d/%m/%Y}", "start": f"{starts_on:%d/%m/%Y}"},
            field="ends_on",
        )


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    organisation: Organisation,
    title: str,
    kind: str,
    residences: Iterable[Residence] = (),
    buildings: Iterable[Building] = (),
    neighbourhood: str = "",
    priority_neighbourhood: bool = False,
    starts_on: date | None = None,
    ends_on: date | None = None,
    summary: str = "",
    lead: User | None = None,
) -> Project:
    """A new project, at the idea stage."""
    if actor is not None and not actor.has_org_perm(PROJECT_MANAGE, organisation.pk):
        raise PermissionDeniedError(
            _("Seul·e un·e responsable des partenariats gère les projets co-financés.")
        )
    title = (title or "").strip()
    if not title:
        raise ProjectInputError(_("Donnez un intitulé au projet."), field="title")
    if kind not in ProjectKind.values:
        raise ProjectInputError(
            _("Type de projet inconnu « %(kind)s » : attendu %(expected)s.")
            % {"kind": kind, "expected": ", ".join(ProjectKind.values)},
            field="kind",
        )
    _check_period(starts_on, ends_on)
    residences, buildings = list(residences), list(buildings)
    places: list[Any] = [*residences, *buildings]
    for place in places:
        if place.organisation_id != organisation.pk:
            raise ProjectInputError(_("Une résidence ou un bâtiment n'est pas à ce bailleur."))
    project = Project.objects.create(
        organisation=organisation,
        title=title[:200],
        kind=kind,
        summary=summary,
        neighbourhood=neighbourhood.strip()[:150],
        priority_neighbourhood=priority_neighbourhood,
        starts_on=starts_on,
        ends_on=ends_on,
        lead=lead or actor,
    )
    link = {"organisation_id": organisation.pk}
    project.residences.set(residences, through_defaults=link)
    project.buildings.set(buildings, through_defaults=link)
    audit_log(actor=actor, action="project.created", obj=project, payload={"kind": kind})
    return project


@transaction.atomic
def project_update(
    *,
    actor: User | None,
    project: Project,
    summary: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Project:
    """Change the narrative and the period of a project."""
    _require_manage(actor, project)
    _check_period(starts_on or project.starts_on, ends_on or project.ends_on)
    if summary is not None:
        project.summary = summary
    if starts_on is not None:
        project.starts_on = starts_on
    if ends_on is not None:
        project.ends_on = ends_on
    project.version += 1
    project.save()
    audit_log(actor=actor, action="project.updated", obj=project)
    return project


def project_move(
    *, actor: User | None, project: Project, to: str, version: int | None = None
) -> Project:
    """Move the project along idea → application → funded → running → closing → closed."""
    _require_manage(actor, project)
    if to not in MOVE_CODES:
        PROJECT.check(project, to)  # unknown (422), or back to "idea" (409)
    return transition(
        PROJECT,
        project,
        to=to,
        actor=actor,
        action=MOVE_CODES[to],
        version=version,
    )


@transaction.atomic
def project_partner_add(
    *, actor: User | None, project: Project, name: str, role: str
) -> ProjectPartner:
    _require_manage(actor, project)
    if not name.strip() or not role.strip():
        raise ProjectInputError(_("Indiquez le partenaire et son rôle dans le projet."))
    partner = ProjectPartner.objects.create(
        organisation_id=project.organisation_id,
        project=project,
        name=name.strip()[:200],
        role=role.strip()[:200],
    )
    audit_log(actor=actor, action="project.partner_added", obj=project)
    return partner


@transaction.atomic
def milestone_set(
    *,
    actor: User | None,
    project: Project,
    label: str,
    due_on: date,
    done_on: date | None = None,
    milestone: Milestone | None = None,
) -> Milestone:
    """Add a milestone (or change one: its date, or the day it was reached)."""
    _require_manage(actor, project)
    if not label.strip():
        raise ProjectInputError(_("Nommez le jalon."), field="label")
    if milestone is None:
        milestone = Milestone(organisation_id=project.organisation_id, project=project)
    milestone.label, milestone.due_on, milestone.done_on = label.strip()[:200], due_on, done_on
    milestone.save()
    audit_log(actor=actor, action="project.milestone_set", obj=project)
    return milestone


@transaction.atomic
def co_funder_add(
    *,
    actor: User | None,
    project: Project,
    funder_slug: str,
    requested: Any,
    committed: Any = None,
    conditions: str = "",
) -> ProjectFunder:
    """Link a funder organisation (by slug) to the project with the amounts asked and granted."""
    _require_manage(actor, project)
    funder = funder_by_slug(funder_slug)
    req = money(requested, _("Montant demandé"), field="requested")
    com = money_or_none(committed, _("Montant accordé"), field="committed")
    if project.funders.filter(funder=funder).exists():
        raise ConflictError(
            _("%(funder)s co-finance déjà ce projet : modifiez ses montants.")
            % {"funder": funder.name}
        )
    try:
        with transaction.atomic():
            co = ProjectFunder.objects.create(
                organisation_id=project.organisation_id,
                project=project,
                funder=funder,
                requested=req,
                committed=com,
                conditions=conditions,
            )
    except IntegrityError:
        raise ConflictError(
            _("%(funder)s co-finance déjà ce projet : modifiez ses montants.")
            % {"funder": funder.name}
        ) from None
    audit_log(
        actor=actor, action="project.funder_added", obj=project, payload={"funder": funder.slug}
    )
    return co


@transaction.atomic
def co_funder_update(
    *, actor: User | None, co_funder: ProjectFunder, requested: Any, committed: Any
) -> ProjectFunder:
    _require_manage(actor, co_funder.project)
    co_funder.requested = money(requested, _("Montant demandé"), field="requested")
    co_funder.committed = money_or_none(committed, _("Montant accordé"), field="committed")
    co_funder.save()
    audit_log(
        actor=actor,
        action="project.funder_updated",
        obj=co_funder.project,
        payload={"funder": co_funder.funder.slug},
    )
    return co_funder


@transaction.atomic
def tranche_add(
    *,
    actor: User | None,
    project: Project,
    funder_slug: str,
    amount: Any,
    due_on: date,
    received_on: date | None = None,
) -> Tranche:
    """A payment expected from a co-funder (already received when `received_on` is given)."""
    _require_manage(actor, project)
    co = co_funder_of(project, funder_slug)
    tranche = Tranche.objects.create(
        organisation_id=project.organisation_id,
        co_funder=co,
        amount=money(amount, _("Montant de la tranche"), field="amount"),
        due_on=due_on,
        received_on=received_on,
    )
    audit_log(
        actor=actor, action="project.tranche_added", obj=project, payload={"funder": co.funder.slug}
    )
    return tranche


@transaction.atomic
def tranche_receive(*, actor: User | None, tranche: Tranche, received_on: date) -> Tranche:
    """Record the day a tranche came in."""
    co = tranche.co_funder
    _require_manage(actor, co.project)
    if received_on > timezone.localdate():
        raise ProjectInputError(
            _("Une tranche ne peut pas être reçue le %(date)s, qui n'est pas encore passé.")
            % {"date": f"{received_on:%d/%m/%Y}"},
            field="received_on",
        )
    tranche.received_on = received_on
    tranche.save()
    audit_log(
        actor=actor,
        action="project.tranche_received",
        obj=co.project,
        payload={"funder": co.funder.slug},
    )
    return tranche


@transaction.atomic
def condition_add(*, actor: User | None, co_funder: ProjectFunder, text: str) -> FundingCondition:
    _require_manage(actor, co_funder.project)
    if not text.strip():
        raise ProjectInputError(_("Écrivez la condition."), field="text")
    cond = FundingCondition.objects.create(
        organisation_id=co_funder.organisation_id, co_funder=co_funder, text=text.strip()[:300]
    )
    audit_log(actor=actor, action="project.condition_set", obj=co_funder.project)
    return cond


@transaction.atomic
def deadline_add(
    *, actor: User | None, co_funder: ProjectFunder, label: str, due_on: date
) -> ReportingDeadline:
    """A report owed to a co-funder; reminders go out before `due_on` (`REMINDER_DAYS`)."""
    _require_manage(actor, co_funder.project)
    if not label.strip():
        raise ProjectInputError(_("Nommez le compte rendu attendu."), field="label")
    deadline = ReportingDeadline.objects.create(
        organisation_id=co_funder.organisation_id,
        co_funder=co_funder,
        label=label.strip()[:200],
        due_on=due_on,
    )
    audit_log(actor=actor, action="project.deadline_set", obj=co_funder.project)
    return deadline


@transaction.atomic
def deadline_submit(
    *, actor: User | None, deadline: ReportingDeadline, submitted_on: date
) -> ReportingDeadline:
    _require_manage(actor, deadline.co_funder.project)
    deadline.submitted_on = submitted_on
    deadline.save()
    audit_log(actor=actor, action="project.deadline_submitted", obj=deadline.co_funder.project)
    return deadline


@transaction.atomic
def document_store(
    *,
    actor: User | None,
    project: Project,
    kind: str,
    title: str,
    file_name: str,
    content: bytes,
    co_funder: ProjectFunder | None = None,
) -> ProjectDocument:
    """Keep a document of the project under the data directory (never a public URL)."""
    _require_manage(actor, project)
    if kind not in DocumentKind.values:
        raise ProjectInputError(_("Type de document inconnu."), field="kind")
    suffix = Path(file_name).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise ProjectInputError(
            _("« %(name)s » : seuls les fichiers %(types)s sont acceptés.")
            % {"name": file_name, "types": ", ".join(sorted(DOCUMENT_TYPES))},
            field="file",
        )
    if not content:
        raise ProjectInputError(_("« %(name)s » est vide.") % {"name": file_name}, field="file")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ProjectInputError(
            _("« %(name)s » dépasse 10 Mo.") % {"name": file_name}, field="file"
        )
    stored_as = f"{project.organisation_id}/{uuid.uuid4().hex}{suffix}"
    path = documents_dir() / stored_as
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    doc = ProjectDocument.objects.create(
        organisation_id=project.organisation_id,
        project=project,
        co_funder=co_funder,
        kind=kind,
        title=(title or file_name).strip()[:200],
        file_name=Path(file_name).name[:200],
        stored_as=stored_as,
        content_type=DOCUMENT_TYPES[suffix],
        size=len(content),
        uploaded_by=actor,
    )
    audit_log(
        actor=actor,
        action="project.document_added",
        obj=project,
        payload={"sha256": hashlib.sha256(content).hexdigest()[:16]},
    )
    return doc


@transaction.atomic
def budget_line_add(
    *,
    actor: User | None,
    project: Project,
    year: int,
    account: str,
    label: str,
    forecast: Any,
    actual: Any = 0,
    funder_slug: str | None = None,
) -> BudgetLine:
    """A line of the action's budget; a co-funder's subsidy is a 74x line naming its funder."""
    _require_manage(actor, project)
    account = str(account).strip()
    nature_of(account)
    if not 2000 <= int(year) <= 2100:
        raise BudgetInputError(
            _("Exercice « %(year)s » impossible : indiquez une année (AAAA).") % {"year": year},
            field="year",
        )
    label = (label or "").strip()
    if not label:
        raise BudgetInputError(
            _("Compte %(account)s : donnez un libellé à la ligne.") % {"account": account},
            field="label",
        )
    funder = None
    if funder_slug:
        if not is_subsidy(account):
            raise BudgetInputError(
                _(
                    "Compte %(account)s : seule une ligne de subvention (comptes 74…) nomme un "
                    "financeur."
                )
                % {"account": account},
                field="funder",
            )
        funder = co_funder_of(project, funder_slug).funder
    line = BudgetLine.objects.create(
        organisation_id=project.organisation_id,
        project=project,
        year=int(year),
        account=account,
        label=label[:200],
        forecast=money(
            forecast, _("Compte %(account)s, prévisionnel") % {"account": account}, field="forecast"
        ),
        actual=money(
            actual if actual is not None else 0,
            _("Compte %(account)s, réalisé") % {"account": account},
            field="actual",
        ),
        funder=funder,
    )
    audit_log(
        actor=actor,
        action="project.budget_line_set",
        obj=project,
        payload={"account": account, "year": int(year)},
    )
    return line


@transaction.atomic
def budget_line_set(
    *, actor: User | None, line: BudgetLine, forecast: Any = None, actual: Any = None
) -> BudgetLine:
    """Change a line's forecast or its actual amount (the year's accounts come in)."""
    _require_manage(actor, line.project)
    what = _("Compte %(account)s") % {"account": line.account}
    if forecast is not None and forecast != "":
        line.forecast = money(forecast, what, field="forecast")
    if actual is not None and actual != "":
        line.actual = money(actual, what, field="actual")
    line.save()
    audit_log(
        actor=actor,
        action="project.budget_line_set",
        obj=line.project,
        payload={"account": line.account, "year": line.year},
    )
    return line


@transaction.atomic
def indicator_add(
    *,
    actor: User | None,
    project: Project,
    label: str = "",
    unit: str = "",
    computed: str = "",
    baseline: Any = None,
    target: Any = None,
    source: str = "",
    headcount: bool = True,
) -> Indicator:
    """An indicator entered by hand (with its source) or computed by Vigie (`computed`)."""
    from vigie.projects.indicators import COMPUTED

    _require_manage(actor, project)
    if computed:
        entry = COMPUTED.get(computed)
        if entry is None:
            raise ProjectInputError(
                _("Indicateur calculé inconnu « %(code)s ».") % {"code": computed},
                field="computed",
            )
        label = label or str(entry.label)
        unit = unit or str(entry.unit)
        headcount = entry.headcount
        source = source or _("calculé par Vigie")
    if not label.strip():
        raise ProjectInputError(_("Nommez l'indicateur."), field="label")
    indicator = Indicator.objects.create(
        organisation_id=project.organisation_id,
        project=project,
        label=label.strip()[:200],
        unit=unit.strip()[:50],
        computed=computed,
        headcount=headcount,
        baseline=money_or_none(baseline, _("Situation de départ"), field="baseline"),
        target=money_or_none(target, _("Cible"), field="target"),
        source=source.strip()[:200],
    )
    audit_log(actor=actor, action="project.indicator_added", obj=project)
    if computed:
        indicator_refresh(indicator=indicator)
    return indicator


@transaction.atomic
def indicator_measure(
    *,
    actor: User | None,
    indicator: Indicator,
    value: Any,
    measured_on: date | None = None,
    source: str = "",
) -> IndicatorValue:
    """A new measure of an entered indicator (its history grows; the latest is its actual)."""
    _require_manage(actor, indicator.project)
    if indicator.computed:
        raise ProjectInputError(
            _("« %(label)s » est calculé par Vigie : il ne se saisit pas.")
            % {"label": indicator.label}
        )
    measure = IndicatorValue.objects.create(
        organisation_id=indicator.organisation_id,
        indicator=indicator,
        measured_on=measured_on or timezone.localdate(),
        value=money(value, indicator.label, field="value"),
        source=(source or indicator.source).strip()[:200],
        recorded_by=actor,
    )
    audit_log(actor=actor, action="project.indicator_measured", obj=indicator.project)
    return measure


def indicator_refresh(*, indicator: Indicator, today: date | None = None) -> IndicatorValue | None:
    """Compute a computed indicator now; a new history row when the value changed."""
    from vigie.projects.selectors import computed_value

    today = today or timezone.localdate()
    value = computed_value(indicator.project, indicator.computed, today=today)
    if value is None:
        return None
    last = indicator.values.order_by("-measured_on", "-id").first()
    if last is not None and last.value == value:
        return last
    if last is not None and last.measured_on == today:
        last.value = Decimal(value)
        last.save()
        return last
    return IndicatorValue.objects.create(
        organisation_id=indicator.organisation_id,
        indicator=indicator,
        measured_on=today,
        value=Decimal(value),
        source=_("calculé par Vigie"),
    )


def indicators_refresh_all(today: date | None = None) -> int:
    """Every computed indicator of every open project (the daily job): values that moved."""
    from vigie.projects.choices import OPEN_STATUSES

    moved = 0
    for indicator in (
        Indicator.objects.exclude(computed="")
        .filter(project__status__in=OPEN_STATUSES)
        .select_related("project")
    ):
        with transaction.atomic():
            before = indicator.values.count()
            indicator_refresh(indicator=indicator, today=today)
            moved += indicator.values.count() != before
    return moved


def reminders_due(today: date) -> list[tuple[ReportingDeadline, int]]:
    """(deadline, days before it) for each report whose next reminder falls due today."""
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    out = []
    for deadline in ReportingDeadline.objects.filter(
        submitted_on__isnull=True, due_on__gte=today, due_on__lte=horizon
    ).select_related("co_funder__project", "co_funder__funder"):
        left = (deadline.due_on - today).days
        # The nearest reminder reached and not yet sent (a deadline added late gets one, not three).
        reached = [d for d in REMINDER_DAYS if left <= d]
        if reached and min(reached) not in deadline.reminders_sent:
            out.append((deadline, min(reached)))
    return out


def reminder_sent(*, deadline: ReportingDeadline, days: int) -> None:
    """Mark the reminder (and every earlier one: they are past) as sent; journalled."""
    with transaction.atomic():
        fresh = ReportingDeadline.objects.select_for_update().get(pk=deadline.pk)
        fresh.reminders_sent = sorted(
            {*fresh.reminders_sent, *(d for d in REMINDER_DAYS if d >= days)}
        )
        fresh.save(update_fields=["reminders_sent", "updated_at"])
        audit_log(
            actor=None,
            action="project.deadline_reminded",
            obj=fresh.co_funder.project,
            payload={"days": days},
        )
