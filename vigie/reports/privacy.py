"""What the reports app holds on a person: alerts about their household and the household's
consent to the heatwave register — exported, erased, and kept for a limited time."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy

from vigie.privacy.access_log_words import describe
from vigie.privacy.retention import rule
from vigie.privacy.subject import eraser, exporter
from vigie.reports.choices import AlertStatus
from vigie.reports.models import Alert, RegisterConsent


@exporter("alertes_et_registre_canicule")
def export_reports(occupant) -> dict:
    alerts = Alert.objects.filter(household_id=occupant.household_id).order_by("raised_on", "pk")
    consents = RegisterConsent.objects.filter(household_id=occupant.household_id).order_by("pk")
    return {
        "alertes": [
            {
                "regle": a.get_rule_code_display(),
                "motif": a.reason,
                "statut": a.get_status_display(),
                "levee_le": a.raised_on.strftime("%d/%m/%Y"),
            }
            for a in alerts
        ],
        "registre_canicule": [
            {
                "consentement_le": c.given_on.strftime("%d/%m/%Y"),
                "retire_le": c.withdrawn_on.strftime("%d/%m/%Y") if c.withdrawn_on else "",
            }
            for c in consents
        ],
    }


@eraser("alertes_et_registre_canicule")
def erase_reports(household) -> int:
    """Erasing the last adult: the household's alerts and consents go."""
    alerts = Alert.objects.filter(household=household).delete()[0]
    return alerts + RegisterConsent.objects.filter(household=household).delete()[0]


@rule("alertes_closes", gettext_lazy("alertes closes (2 ans)"), days=730)
def purge_closed_alerts(cutoff: datetime, dry_run: bool) -> int:
    qs = Alert.objects.filter(status=AlertStatus.CLOSED, closed_at__lt=cutoff)
    return qs.count() if dry_run else qs.delete()[0]


@rule(
    "consentements_retires",
    gettext_lazy("consentements au registre canicule retirés (1 an)"),
    days=365,
)
def purge_withdrawn_consents(cutoff: datetime, dry_run: bool) -> int:
    qs = RegisterConsent.objects.filter(withdrawn_on__lt=cutoff.date())
    return qs.count() if dry_run else qs.delete()[0]


# --- The DPO's access log in words (privacy/access_log_words.py) ---------------------------


def _alerts_detail(detail: str) -> str | None:
    from django.utils.translation import ngettext

    api = detail.startswith("api ")
    words, _sep, n = detail.removeprefix("api ").partition(" ")
    if words != "list" or not n.isdigit():
        return None
    if api:
        return ngettext(
            "liste des alertes par l'API (%(n)s alerte)",
            "liste des alertes par l'API (%(n)s alertes)",
            int(n),
        ) % {"n": n}
    return ngettext(
        "liste des alertes (%(n)s alerte affichée)",
        "liste des alertes (%(n)s alertes affichées)",
        int(n),
    ) % {"n": n}


def _register_detail(detail: str) -> str | None:
    from django.utils.translation import gettext as _

    from vigie.core.templatetags.vigie import de
    from vigie.housing.models import Commune

    fmt, _sep, rest = detail.partition(" ")
    rest = rest.partition(" | ")[0]
    if fmt not in ("csv", "xlsx") or not rest.startswith("ccas register"):
        return None
    insee = rest.removeprefix("ccas register").strip()
    name = Commune.objects.filter(insee_code=insee).values_list("name", flat=True).first()
    if name is None:
        return _("export %(fmt)s : registre canicule pour les CCAS") % {"fmt": fmt.upper()}
    return _("export %(fmt)s : registre canicule pour le CCAS %(commune)s") % {
        "fmt": fmt.upper(),
        "commune": de(name),
    }


# Alerts are read as a list (access_record's object_type "alert", no id).
describe("alert", many=gettext_lazy("alertes"), details=_alerts_detail)
describe("reports.alert", noun=gettext_lazy("alerte n°"), name=lambda a: str(a.pk))
describe("reports.figures", many=gettext_lazy("tableaux de bord"))
describe(
    "reports.registerconsent",
    many=gettext_lazy("registre canicule (consentements)"),
    details=_register_detail,
)
