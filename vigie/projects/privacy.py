"""What projects keep, through the privacy registries (docs/privacy.md, « Projets co-financés »).

Projects hold no household: indicators are counts computed on the fly, funders read them with
small cells hidden. The only personal data are staff names (the lead, who uploaded a document)
and whatever a stored document contains (an agreement names its signatories): documents of
projects closed or abandoned over ten years ago are deleted (the funders' audit period), with
their files.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy

from vigie.privacy.access_log_words import describe
from vigie.privacy.retention import rule
from vigie.projects.choices import ProjectStatus
from vigie.projects.models import ProjectDocument


@rule(
    "project_documents",
    gettext_lazy("documents des projets clos ou abandonnés (10 ans)"),
    days=3650,
)
def purge_project_documents(cutoff: datetime, dry_run: bool) -> int:
    from vigie.projects.services import documents_dir

    qs = ProjectDocument.objects.filter(
        project__status__in=(ProjectStatus.CLOSED, ProjectStatus.ABANDONED),
        project__updated_at__lt=cutoff,
    )
    if dry_run:
        return qs.count()
    count = 0
    for doc in qs:
        (documents_dir() / doc.stored_as).unlink(missing_ok=True)
        doc.delete()
        count += 1
    return count


# --- The DPO's access log in words (privacy/access_log_words.py) ---------------------------


def _project_detail(detail: str) -> str | None:
    from django.utils.translation import gettext as _

    from vigie.core.models import Organisation

    fmt, _sep, rest = detail.partition(" ")
    year, _sep, slug = rest.partition(" ")
    if fmt != "xlsx" or not year.isdigit():
        return None
    funder = Organisation.objects.filter(slug=slug).values_list("name", flat=True).first()
    if funder:
        return _("export XLSX : données du compte rendu %(year)s pour %(funder)s") % {
            "year": year,
            "funder": funder,
        }
    return _("export XLSX : données du compte rendu %(year)s") % {"year": year}


describe("projects.project", noun=gettext_lazy("projet"), details=_project_detail)
describe(
    "projects.projectdocument",
    noun=gettext_lazy("document"),
    name=lambda d: d.title,
)
