from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.reports.permissions import ALERT_VIEW, REPORTS_FUNDER_VIEW, REPORTS_VIEW

menu.register(
    "reports",
    label=_("Tableaux de bord"),
    url_name="reports:dashboard",
    perm=REPORTS_VIEW,
    order=70,
    icon="layout-dashboard",
)
menu.register(
    "alerts", label=_("Alertes"), url_name="reports:alerts", perm=ALERT_VIEW, order=71, icon="bell"
)
menu.register(
    "funder_figures",
    label=_("Chiffres publiés"),
    url_name="reports:funder",
    perm=REPORTS_FUNDER_VIEW,
    order=72,
    icon="chart-pie",
)
