"""Import pages: the list of past runs (upload → preview → confirm is added by issue #2 work)."""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from vigie.core.permissions import Perm, requires
from vigie.housing.models import ImportRun


@requires(Perm.IMPORT_RUN)
def import_list(request):
    runs = ImportRun.objects.visible_to(request.user, Perm.IMPORT_RUN).select_related(
        "user", "organisation"
    )
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "housing/import_list.html", {"section": "imports", "page": page}
    )
