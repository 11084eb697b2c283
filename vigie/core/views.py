from django.shortcuts import redirect
from django.template.response import TemplateResponse

from vigie.core.permissions import ANY_SIGNED_IN, Perm, requires


@requires(ANY_SIGNED_IN)
def home(request):
    """The landing page: where each role starts its day."""
    user = request.user
    if user.has_org_perm(Perm.HOUSEHOLD_VIEW):
        return redirect("housing:households")
    return TemplateResponse(request, "core/home.html", {})
