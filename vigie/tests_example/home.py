"""The module's home-page card: how many ideas wait in the reader's organisations."""

from django.utils.translation import gettext_lazy as _

from vigie.core.home import register_card
from vigie.tests_example.models import Suggestion
from vigie.tests_example.permissions import SUGGESTION_VIEW


def _card(request) -> dict:
    return {"count": Suggestion.objects.visible_to(request.user, SUGGESTION_VIEW).count()}


register_card(
    "ideas",
    title=_("Boîte à idées"),
    template="ideas/card.html",
    perm=SUGGESTION_VIEW,
    context=_card,
)
