"""Food aid's journal codes (core/journal.py): never a household's health in the payload."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.foodaid.permissions import FOODAID_MANAGE, FOODAID_VIEW

register(
    "foodaid.programme_created", label=_("Programme d'aide alimentaire créé"), perm=FOODAID_VIEW
)
register("foodaid.enrolled", label=_("Ménage inscrit à l'aide alimentaire"), perm=FOODAID_VIEW)
register(
    "foodaid.waiting_listed",
    label=_("Ménage inscrit sur la liste d'attente de l'aide alimentaire"),
    perm=FOODAID_VIEW,
)
register("foodaid.session_planned", label=_("Distribution programmée"), perm=FOODAID_VIEW)
register("foodaid.session_closed", label=_("Distribution clôturée"), perm=FOODAID_VIEW)
register("foodaid.recorded", label=_("Passage enregistré à une distribution"), perm=FOODAID_VIEW)
register(
    "foodaid.absent_twice",
    label=_("Ménage absent à deux distributions : signalé à la personne qui l'a inscrit"),
    perm=FOODAID_MANAGE,
)
