"""Import pages: past runs, upload → preview (a dry run) → confirm, a run's detail.

The uploaded bytes wait between preview and confirm under MEDIA_ROOT/imports/<uuid>.data (with
a .json of the choices and the dry-run report beside them); they are deleted on confirm or
cancel. Only the user who uploaded may see or confirm a pending upload.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from vigie.core.errors import DomainError
from vigie.core.feedback import service_call
from vigie.core.models import Organisation
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.selectors import organisation_ids_where, organisations_where
from vigie.housing.importing import DEPARTURES_CODE, import_stock, load_mapping
from vigie.housing.models import ImportRun
from vigie.housing.services import import_departures_undoable, import_undo_departures

MAX_UPLOAD = 50 * 1024 * 1024
PREVIEW_LIMIT = 200
EXAMPLE = Path(settings.BASE_DIR).parent / "docs" / "exemple_import.csv"


def _pending_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Bailleur"), queryset=Organisation.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer (CSV ou Excel .xlsx)"),
        help_text=gettext_lazy(
            "Une ligne par occupant·e, selon le modèle décrit dans la documentation."
        ),
    )
    mapping = forms.FileField(
        label=gettext_lazy("Fichier de correspondance (facultatif, .toml)"),
        required=False,
        help_text=gettext_lazy(
            "Pour un export dont les colonnes ou les codes diffèrent du modèle."
        ),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Type d'import"),
        choices=[
            (
                "full",
                gettext_lazy("Import complet : les baux absents du fichier seront marqués partis"),
            ),
            (
                "partial",
                gettext_lazy("Import partiel : les baux absents du fichier ne changent pas"),
            ),
        ],
        initial="full",
        widget=forms.RadioSelect,
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Importer les baux valides et rejeter ceux qui ont une erreur"),
        help_text=gettext_lazy("Sans cette case, un fichier avec une seule erreur n'importe rien."),
        required=False,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.only_organisation = organisations.first() if len(organisations) == 1 else None
        if self.only_organisation is not None:
            # One landlord: nothing to choose, the field is not shown.
            del self.fields["organisation"]

    def clean(self):
        cleaned = super().clean()
        if self.only_organisation is not None:
            cleaned["organisation"] = self.only_organisation
        return cleaned

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Le fichier dépasse 50 Mo."))
        return f

    def clean_mapping(self):
        f = self.cleaned_data.get("mapping")
        if not f:
            return None
        try:
            return load_mapping(f.read(), name=Path(f.name).name)
        except DomainError as exc:
            raise forms.ValidationError(exc.message)


def _organisations(user):
    return organisations_where(user, Perm.IMPORT_RUN)


# The imports list's sortable columns (core/ordering.py), newest first by default.
IMPORT_COLUMNS = {
    "date": ("started_at", "pk"),
    "file": ("file_name", "started_at", "pk"),
    "by": ("user__username", "started_at", "pk"),
    "status": ("status", "started_at", "pk"),
}


@requires(Perm.IMPORT_RUN)
def import_list(request):
    runs, ordering = order_by_param(
        request,
        ImportRun.objects.visible_to(request.user, Perm.IMPORT_RUN).select_related(
            "user", "organisation"
        ),
        IMPORT_COLUMNS,
        default="-date",
    )
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "housing/import_list.html",
        {"section": "imports", "page": page, "ordering": ordering},
    )


@requires(Perm.IMPORT_RUN)
def import_upload(request):
    organisations = _organisations(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            token = uuid.uuid4()
            meta = {
                "user_id": request.user.pk,
                "organisation_id": form.cleaned_data["organisation"].pk,
                "file_name": Path(form.cleaned_data["file"].name).name,
                "mapping": form.cleaned_data["mapping"],
                "full": form.cleaned_data["mode"] == "full",
                "skip_invalid": form.cleaned_data["skip_invalid"],
            }
            report = import_stock(
                organisation=form.cleaned_data["organisation"],
                data=data,
                file_name=meta["file_name"],
                actor=request.user,
                mapping=meta["mapping"],
                dry_run=True,
                skip_invalid=meta["skip_invalid"],
                full=meta["full"],
            )
            meta["report"] = {
                **report.as_json(),
                "rows": report.rows,
                "run_id": report.run_id,
                "active": report.active,
                "departures_refused": report.departures_refused,
            }
            directory = _pending_dir()
            (directory / f"{token}.data").write_bytes(data)
            (directory / f"{token}.json").write_text(json.dumps(meta, default=str))
            return redirect("housing:import_preview", token=token)
    else:
        form = UploadForm(organisations=organisations)
    return TemplateResponse(
        request, "housing/import_upload.html", {"section": "imports", "form": form}
    )


def _pending(request, token: uuid.UUID) -> tuple[dict, Path, Path]:
    """A pending upload of this user, in an organisation where they may still import."""
    directory = _pending_dir()
    meta_path, data_path = directory / f"{token}.json", directory / f"{token}.data"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        raise Http404
    if meta.get("user_id") != request.user.pk or meta.get(
        "organisation_id"
    ) not in organisation_ids_where(request.user, Perm.IMPORT_RUN):
        raise Http404
    return meta, meta_path, data_path


@requires(Perm.IMPORT_RUN)
def import_preview(request, token: uuid.UUID):
    meta, _meta_path, _data_path = _pending(request, token)
    report = meta["report"]
    # Too many departures is not an error of the file: the person may confirm them below.
    errors = [e for e in report["errors"] if e.get("code") != DEPARTURES_CODE]
    departures = next((e for e in report["errors"] if e.get("code") == DEPARTURES_CODE), None)
    blocked = bool(errors) and (not meta["skip_invalid"] or not report["rows"])
    # Suggest rejecting the leases in error only where it would import something: not for a
    # file refused as a whole (its mapping, its header), nor when it was ticked already.
    valid = report.get("created", 0) + report.get("updated", 0) + report.get("unchanged", 0)
    can_skip_invalid = (
        blocked
        and not meta["skip_invalid"]
        and report.get("rejected", 0) > 0
        and (valid > 0 or bool(report.get("departures_refused")))
    )
    ctx = {
        "section": "imports",
        "token": token,
        "meta": meta,
        "organisation": get_object_or_404(Organisation, pk=meta["organisation_id"]),
        "report": report,
        "departures": departures,
        "errors_total": len(errors),
        "errors": errors[:PREVIEW_LIMIT],
        "warnings": report["warnings"][:PREVIEW_LIMIT],
        "limit": PREVIEW_LIMIT,
        "blocked": blocked,
        "can_skip_invalid": can_skip_invalid,
    }
    return TemplateResponse(request, "housing/import_preview.html", ctx)


@require_POST
@requires(Perm.IMPORT_RUN)
def import_confirm(request, token: uuid.UUID):
    meta, meta_path, data_path = _pending(request, token)
    try:
        data = data_path.read_bytes()
    except OSError:
        raise Http404
    organisation = get_object_or_404(Organisation, pk=meta["organisation_id"])
    allow_departures = None
    if meta["report"].get("departures_refused"):
        # The preview asked to type the number of departures: nothing happens without it.
        typed = "".join(request.POST.get("departures", "").split())  # "2 041" too
        expected = meta["report"]["departed"]
        if typed != str(expected):
            messages.error(
                request,
                _(
                    "Import non lancé : pour confirmer, tapez le nombre de baux qui seront "
                    "marqués partis (%(departed)s)."
                )
                % {"departed": expected},
            )
            return redirect("housing:import_preview", token=token)
        allow_departures = expected
    report = import_stock(
        organisation=organisation,
        data=data,
        file_name=meta["file_name"],
        actor=request.user,
        mapping=meta["mapping"],
        skip_invalid=meta["skip_invalid"],
        full=meta["full"],
        allow_departures=allow_departures,
    )
    data_path.unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)
    if report.imported:
        messages.success(
            request,
            _(
                "Fichier importé — baux créés : %(created)s, mis à jour : %(updated)s, "
                "inchangés : %(unchanged)s, marqués partis : %(departed)s, "
                "lignes rejetées : %(rejected)s."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "departed": report.departed,
                "rejected": report.rejected,
            },
        )
    else:
        messages.error(request, _("Fichier refusé : rien n'a été importé."))
    return redirect("housing:import_run", pk=report.run_id)


@require_POST
@requires(Perm.IMPORT_RUN)
def import_cancel(request, token: uuid.UUID):
    _meta, meta_path, data_path = _pending(request, token)
    data_path.unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)
    messages.success(request, _("Import abandonné : le fichier déposé a été supprimé."))
    return redirect("housing:imports")


@requires(Perm.IMPORT_RUN)
def import_run(request, pk: int):
    run = get_object_or_404(
        ImportRun.objects.visible_to(request.user, Perm.IMPORT_RUN).select_related(
            "user", "organisation"
        ),
        pk=pk,
    )
    return TemplateResponse(
        request,
        "housing/import_run.html",
        {
            "section": "imports",
            "run": run,
            "errors": run.errors[:PREVIEW_LIMIT],
            "warnings": run.warnings[:PREVIEW_LIMIT],
            "limit": PREVIEW_LIMIT,
            "undoable": import_departures_undoable(run),
        },
    )


@require_POST
@requires(Perm.IMPORT_RUN)
def import_undo(request, pk: int):
    """Undo the departures of a full import (after a confirmation on the run's page)."""
    run = get_object_or_404(ImportRun.objects.visible_to(request.user, Perm.IMPORT_RUN), pk=pk)
    if request.POST.get("confirm") != "1":
        messages.error(
            request, _("Cochez la case de confirmation pour annuler les départs de cet import.")
        )
        return redirect("housing:import_run", pk=run.pk)
    with service_call(request):
        restored = import_undo_departures(actor=request.user, run=run)
        messages.success(
            request,
            ngettext(
                "Départs annulés : %(n)s ménage de nouveau actif, avec ses cohortes. Il revient "
                "dans une campagne d'appels quand on reconstruit sa liste.",
                "Départs annulés : %(n)s ménages de nouveau actifs, avec leurs cohortes. Ils "
                "reviennent dans une campagne d'appels quand on reconstruit sa liste.",
                restored,
            )
            % {"n": restored},
        )
    return redirect("housing:import_run", pk=run.pk)


@requires(Perm.IMPORT_RUN)
def import_example(request):
    if not EXAMPLE.exists():
        raise Http404
    return FileResponse(
        EXAMPLE.open("rb"),
        as_attachment=True,
        filename="exemple_import.csv",
        content_type="text/csv; charset=utf-8",
    )
