from django.template.response import TemplateResponse

from vigie.core.permissions import requires
from vigie.tests_example.models import Suggestion
from vigie.tests_example.permissions import SUGGESTION_VIEW


@requires(SUGGESTION_VIEW)
def suggestion_list(request):
    """The ideas of the households of the reader's organisations."""
    suggestions = Suggestion.objects.visible_to(request.user, SUGGESTION_VIEW).select_related(
        "household"
    )
    return TemplateResponse(
        request, "ideas/list.html", {"suggestions": suggestions, "section": "ideas"}
    )
