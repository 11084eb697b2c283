"""Writes of the reports app: the rules' settings, the alert run, closing an alert, the crisis
playbooks and the heatwave-register consent. Keyword-only, atomic, journalled."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.actions.choices import TaskOrigin, TaskStatus
from vigie.actions.models import Task
from vigie.campaigns.models import Campaign
from vigie.campaigns.services import WaveSpec, campaign_build, campaign_create
from vigie.campaigns.templates_catalog import LIVING_ALONE, TEMPLATES
from vigie.core import transitions
from vigie.core.errors import DomainError, PermissionDeniedError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role, role_has
from vigie.core.sensitivity import SENSITIVE_PERM
from vigie.core.services import audit_log
from vigie.core.workdays import add_working_days
from vigie.housing.choices import Cohort
from vigie.housing.import_fastwrite import RowWriter, allocate_ids, date_adapter
from vigie.housing.models import Household
from vigie.reports.choices import AlertStatus, Playbook
from vigie.reports.models import Alert, AlertRule, RegisterConsent
from vigie.reports.permissions import ALERT_CLOSE, ALERT_MANAGE, ALERT_VIEW, CONSENT_RECORD
from vigie.reports.rules import RULES
from vigie.reports.transitions import ALERT

if TYPE_CHECKING:
    from vigie.accounts.models import User

# The roles a rule's alerts may be sent to: those who read alerts and follow-up tasks.
TEAM_ROLES = (Role.MANAGER, Role.CALLER)
DEFAULT_TEAM = Role.MANAGER
# Working days given to the team to look at an alert (the task's due date).
ALERT_TASK_DAYS = 2


class ReportsInputError(DomainError):
    """Input that cannot be used as given: HTTP 422."""

    status_code = 422


def _require(actor: User | None, perm: str, organisation_id: int, message: str) -> None:
    if actor is not None and not actor.has_org_perm(perm, organisation_id):
        raise PermissionDeniedError(message)


# --------------------------------------------------------------------------- rules


def rules_ensure(*, organisation_id: int) -> list[AlertRule]:
    """The landlord's rule settings, created with the defaults the first time (all active,
    sent to the managers)."""
    known = {r.code: r for r in AlertRule.objects.filter(organisation_id=organisation_id)}
    missing = [
        AlertRule(
            organisation_id=organisation_id,
            code=code,
            active=True,
            parameters=dict(spec.defaults),
            team=DEFAULT_TEAM,
        )
        for code, spec in RULES.items()
        if code not in known
    ]
    if missing:
        AlertRule.objects.bulk_create(missing, ignore_conflicts=True)
        known = {r.code: r for r in AlertRule.objects.filter(organisation_id=organisation_id)}
    return [known[code] for code in RULES]


@transaction.atomic
def rule_update(
    *,
    actor: User | None,
    rule: AlertRule,
    active: bool,
    team: str,
    parameters: dict[str, Any],
    version: int | None = None,
) -> AlertRule:
    """Change a rule's settings: on/off, its team, its parameters (whole numbers ≥ 1)."""
    _require(
        actor, ALERT_MANAGE, rule.organisation_id, _("Seul·e un·e responsable règle les alertes.")
    )
    spec = RULES[rule.code]
    fresh = AlertRule.objects.select_for_update().get(pk=rule.pk)
    transitions.check_version(fresh, version, _("La règle"))
    if team not in TEAM_ROLES:
        raise ReportsInputError(
            _("Équipe inconnue « %(team)s » (attendu : %(expected)s).")
            % {"team": team, "expected": ", ".join(str(r) for r in TEAM_ROLES)}
        )
    if spec.sensitive and not role_has(team, SENSITIVE_PERM):
        raise ReportsInputError(
            _("Cette règle touche aux données de santé : son équipe doit pouvoir les voir.")
        )
    clean: dict[str, int] = {}
    for key, default in spec.defaults.items():
        raw = parameters.get(key, fresh.parameters.get(key, default))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if value < 1 or value > 3650:
            raise ReportsInputError(
                _("Le paramètre « %(key)s » doit être un nombre entier entre 1 et 3650.")
                % {"key": key}
            )
        clean[key] = value
    fresh.active = bool(active)
    fresh.team = team
    fresh.parameters = clean
    fresh.version += 1
    fresh.updated_by = actor if getattr(actor, "pk", None) else None
    fresh.save()
    audit_log(
        actor=actor,
        action="alert_rule.updated",
        obj=fresh,
        payload={"rule": fresh.code, "active": fresh.active, "team": team, **clean},
    )
    return fresh


# --------------------------------------------------------------------------- the run


def _task_title(rule: AlertRule, reason: str, place: str) -> str:
    """What to do, first: the place and the reason (the team it is meant for is in the notes,
    and the task's origin says "alerte")."""
    if RULES[rule.code].sensitive:
        # The task list is not behind the health wall: the reason stays in the alert.
        return _("Alerte à examiner (motif réservé aux rôles habilités)")
    where = f"{place} — " if place else ""
    return f"{where}{reason}"[:200]


def alerts_run(
    *, actor: User | None, organisation: Organisation | None = None, today: date | None = None
) -> dict[str, Any]:
    """Run the active rules of one landlord (or all of them, for `vigie daily`).

    A finding becomes an alert unless one is open for the same subject and rule, or a person
    closed one on the same evidence (the same last contact, the same months of arrears…). Each
    new alert raises a follow-up task for the rule's team with the reason in words. Returns
    {"raised": n, "by_rule": {rule: n}}; one journal row per landlord and run.
    """
    if organisation is not None:
        _require(
            actor, ALERT_MANAGE, organisation.pk, _("Seul·e un·e responsable lance les alertes.")
        )
        orgs = [organisation]
    else:
        orgs = list(Organisation.objects.filter(kind=OrganisationKind.LANDLORD).order_by("pk"))
    today = today or timezone.localdate()
    by_rule = {code: 0 for code in RULES}
    for org in orgs:
        for code, n in _run_one(actor=actor, organisation=org, today=today).items():
            by_rule[code] += n
    return {"raised": sum(by_rule.values()), "by_rule": by_rule}


@transaction.atomic
def _run_one(*, actor: User | None, organisation: Organisation, today: date) -> dict[str, int]:
    rules_ensure(organisation_id=organisation.pk)
    # The rule rows locked: two runs of one landlord follow each other.
    rules = list(
        AlertRule.objects.select_for_update().filter(organisation_id=organisation.pk).order_by("pk")
    )
    raised: dict[str, int] = {}
    due = add_working_days(today, ALERT_TASK_DAYS)
    now = timezone.now()
    for rule in rules:
        raised[rule.code] = 0
        if not rule.active or rule.code not in RULES:
            continue
        spec = RULES[rule.code]
        params = {**spec.defaults, **(rule.parameters or {})}
        findings = spec.find(organisation.pk, today, params)
        if not findings:
            continue
        mine = Alert.objects.filter(organisation_id=organisation.pk, rule_code=rule.code)
        open_keys = set(mine.filter(status=AlertStatus.OPEN).values_list("subject_key", flat=True))
        closed = set(mine.filter(status=AlertStatus.CLOSED).values_list("subject_key", "evidence"))
        fresh = [
            f
            for f in findings
            if f.subject_key not in open_keys and (f.subject_key, f.evidence) not in closed
        ]
        if not fresh:
            continue
        _write_alerts(organisation.pk, rule, spec.name, spec.sensitive, fresh, today, due, now)
        raised[rule.code] = len(fresh)
    audit_log(
        actor=actor,
        action="alerts.run",
        organisation=organisation,
        payload={"raised": sum(raised.values()), "by_rule": raised},
    )
    return raised


def _write_alerts(
    org_id: int,
    rule: AlertRule,
    rule_name: Any,
    sensitive: bool,
    fresh: list,
    today: date,
    due: date,
    now: Any,
) -> None:
    """The new alerts and their tasks, written as plain rows with ids given beforehand (the
    import's fast writer): a first run on a large landlord raises tens of thousands of each,
    and model instances through the ORM cost most of the run."""
    task_ids = allocate_ids(Task, len(fresh))
    alert_ids = allocate_ids(Alert, len(fresh))
    dates = date_adapter()
    stamp = connection.ops.adapt_datetimefield_value(now)
    due_value, today_value = dates[due], dates[today]
    team = str(Role(rule.team).label)
    note = (
        # Not even the rule's name: it can say "disability" (the alert keeps it).
        str(_("Alerte pour : %(team)s."))
        if sensitive
        else str(_("Alerte « %(rule)s », pour : %(team)s. %(reason)s"))
    )

    def task_row(task_id: int, f: Any) -> dict[str, Any]:
        return {
            "id": task_id,
            "organisation_id": org_id,
            "title": _task_title(rule, f.reason, f.place),
            "notes": note % {"rule": rule_name, "team": team, "reason": f.reason},
            "owner_id": None,
            "due_on": due_value,
            "status": TaskStatus.OPEN.value,
            "origin": TaskOrigin.ALERT.value,
            "household_id": f.household_id,
            "need_id": None,
            "referral_id": None,
            "ticket_id": None,
            "created_by_id": None,
            "created_at": stamp,
            "done_at": None,
            "done_by_id": None,
            "version": 1,
        }

    def alert_row(alert_id: int, task_id: int, f: Any) -> dict[str, Any]:
        return {
            "id": alert_id,
            "organisation_id": org_id,
            "created_at": stamp,
            "updated_at": stamp,
            "version": 1,
            "rule_id": rule.pk,
            "rule_code": rule.code,
            "rule_version": rule.version,
            "household_id": f.household_id,
            "subject_key": f.subject_key,
            "evidence": f.evidence[:120],
            "place": f.place,
            "reason": f.reason,
            "status": AlertStatus.OPEN.value,
            "raised_on": today_value,
            "task_id": task_id,
            "closed_at": None,
            "closed_by_id": None,
            "closing_note": "",
        }

    task_columns = tuple(task_row(0, fresh[0]))
    alert_columns = tuple(alert_row(0, 0, fresh[0]))
    with RowWriter() as writer:
        writer.insert(
            Task,
            task_columns,
            (tuple(task_row(t, f).values()) for t, f in zip(task_ids, fresh, strict=True)),
        )
        writer.insert(
            Alert,
            alert_columns,
            (
                tuple(alert_row(a, t, f).values())
                for a, t, f in zip(alert_ids, task_ids, fresh, strict=True)
            ),
        )


@transaction.atomic
def alert_close(*, actor: User, alert: Alert, note: str = "", version: int | None = None) -> Alert:
    """A person closes an alert (saying what was done); its open task is marked done."""
    visible = Alert.objects.visible_to(actor, ALERT_CLOSE).filter(pk=alert.pk).exists()
    if not visible:
        raise PermissionDeniedError(_("Vous ne pouvez pas clore cette alerte."))
    now = timezone.now()
    note = (note or "").strip()[:500]

    def apply(a: Alert) -> None:
        a.closed_at = now
        a.closed_by = actor
        a.closing_note = note

    closed = transitions.transition(
        ALERT,
        alert,
        to=AlertStatus.CLOSED,
        actor=actor,
        action="alert.closed",
        version=version,
        payload={"rule": alert.rule_code},
        apply=apply,
    )
    if closed.task_id:
        Task.objects.filter(pk=closed.task_id, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, done_at=now, done_by=actor
        )
    return closed


# --------------------------------------------------------------------------- playbooks

# Plan canicule levels (1 veille saisonnière … 4 mobilisation maximale): who is called, in
# which order. Each level adds waves to the one before.
HEATWAVE_LEVELS = {
    1: gettext_lazy("veille saisonnière"),
    2: gettext_lazy("avertissement chaleur"),
    3: gettext_lazy("alerte canicule"),
    4: gettext_lazy("mobilisation maximale"),
}


def _playbook_waves(playbook: str, level: int) -> list[dict[str, Any] | WaveSpec]:
    waves: list[dict[str, Any] | WaveSpec] = [
        {
            "name": _("75 ans et plus vivant seuls"),
            "cohorts": [Cohort.OVER_75],
            "filters": dict(LIVING_ALONE),
            "priority": 1,
        },
        {"name": _("Situation de handicap"), "cohorts": [Cohort.DISABILITY], "priority": 2},
    ]
    if playbook == Playbook.COLD or level >= 2:
        waves.append({"name": _("75 ans et plus"), "cohorts": [Cohort.OVER_75], "priority": 3})
    if playbook == Playbook.COLD or level >= 3:
        waves.append(
            {
                "name": _("Personnes vivant seules"),
                "cohorts": [],
                "filters": dict(LIVING_ALONE),
                "priority": 4,
            }
        )
    if playbook == Playbook.HEATWAVE and level >= 4:
        waves.append({"name": _("70 à 74 ans"), "cohorts": [Cohort.AGE_70_74], "priority": 5})
    return waves


@transaction.atomic
def playbook_prepare(
    *,
    actor: User | None,
    organisation: Organisation,
    playbook: str,
    level: int | None = None,
    today: date | None = None,
) -> Campaign:
    """A crisis campaign, built and left in draft, ready to start: the heatwave plan at the
    chosen level (1–4), or the cold-spell plan. The waves follow the level; the call script
    is the template's."""
    today = today or timezone.localdate()
    if playbook == Playbook.HEATWAVE:
        if level is None or isinstance(level, bool) or level not in HEATWAVE_LEVELS:
            raise ReportsInputError(
                _("Le niveau du plan canicule doit être 1, 2, 3 ou 4 (reçu : %(level)s).")
                % {"level": level}
            )
        template = "heatwave"
        name = _("Canicule niveau %(level)s (%(label)s) — %(date)s") % {
            "level": level,
            "label": HEATWAVE_LEVELS[level],
            "date": today.strftime("%d/%m/%Y"),
        }
    elif playbook == Playbook.COLD:
        template, level = "cold_spell", 0
        name = _("Grand froid — %(date)s") % {"date": today.strftime("%d/%m/%Y")}
    else:
        raise ReportsInputError(_("Plan inconnu « %(playbook)s ».") % {"playbook": playbook})
    spec = TEMPLATES[template]
    # The template's purpose and call script; the level decides the waves.
    campaign = campaign_create(
        actor=actor,
        organisation=organisation,
        name=name,
        as_of=today,
        purpose=str(spec["purpose"]),
        template=template,
        waves=_playbook_waves(playbook, level or 0),
        questions=[dict(q) for q in spec["questions"]],
    )
    campaign_build(actor=actor, campaign=campaign)
    audit_log(
        actor=actor,
        action="playbook.prepared",
        obj=campaign,
        payload={"playbook": str(Playbook(playbook).label), "level": level, "template": template},
    )
    return campaign


# --------------------------------------------------------------------------- consent


@transaction.atomic
def consent_record(
    *, actor: User, household: Household, given_on: date | None = None
) -> RegisterConsent:
    """The household agreed to be passed on to its town's CCAS for the heatwave register."""
    _require(
        actor,
        CONSENT_RECORD,
        household.organisation_id,
        _("Vous ne pouvez pas enregistrer ce consentement."),
    )
    today = timezone.localdate()
    given_on = given_on or today
    if given_on > today:
        raise ReportsInputError(_("La date du consentement ne peut pas être dans le futur."))
    current = RegisterConsent.objects.filter(
        organisation_id=household.organisation_id, household=household, withdrawn_on__isnull=True
    ).first()
    if current is not None:
        raise ReportsInputError(
            _("Le consentement de ce ménage est déjà enregistré (depuis le %(date)s).")
            % {"date": current.given_on.strftime("%d/%m/%Y")}
        )
    consent = RegisterConsent.objects.create(
        organisation_id=household.organisation_id,
        household=household,
        given_on=given_on,
        recorded_by=actor,
    )
    audit_log(actor=actor, action="register_consent.recorded", obj=consent, payload={})
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: RegisterConsent) -> RegisterConsent:
    """The household withdrew its consent: it leaves the next export."""
    _require(
        actor,
        CONSENT_RECORD,
        consent.organisation_id,
        _("Vous ne pouvez pas retirer ce consentement."),
    )
    if consent.withdrawn_on is None:
        consent.withdrawn_on = timezone.localdate()
        consent.save(update_fields=["withdrawn_on", "updated_at"])
        audit_log(actor=actor, action="register_consent.withdrawn", obj=consent, payload={})
    return consent


__all__ = [
    "ALERT_VIEW",
    "alert_close",
    "alerts_run",
    "consent_record",
    "consent_withdraw",
    "playbook_prepare",
    "rule_update",
    "rules_ensure",
]
