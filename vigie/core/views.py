from django.shortcuts import redirect
from django.template.response import TemplateResponse

from vigie.core import home as home_page
from vigie.core.permissions import ANY_SIGNED_IN, requires


@requires(ANY_SIGNED_IN)
def home(request):
    """The landing page: where each role starts its day, as the apps declare (core/home.py)."""
    where = home_page.landing_for(request.user)
    if where:
        return redirect(where)
    return TemplateResponse(request, "core/home.html", {"cards": home_page.cards_for(request)})
