from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.tests_example.permissions import SUGGESTION_VIEW

menu.register(
    "ideas",
    label=_("Boîte à idées"),
    url_name="ideas:list",
    perm=SUGGESTION_VIEW,
    order=95,
    icon="bulb",
)
