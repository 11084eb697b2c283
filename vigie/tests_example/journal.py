from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.tests_example.permissions import SUGGESTION_VIEW

register("suggestion.recorded", label=_("Idée déposée dans la boîte à idées"), perm=SUGGESTION_VIEW)
