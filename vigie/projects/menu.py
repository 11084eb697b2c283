from django.utils.translation import gettext_lazy as _

from vigie.core import menu
from vigie.projects.permissions import PROJECT_VIEW

menu.register(
    "projects",
    label=_("Projets"),
    url_name="projects:portfolio",
    perm=PROJECT_VIEW,
    order=60,
    icon="briefcase",
)
