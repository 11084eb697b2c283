"""A ticket's location, assignment and attachments (issue #12 §5): the agency's working tools.

The ticket page itself is `views_work.ticket`; a refused form here renders it again with what
was typed and the sentence next to the field (status 400).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.actions import selectors, services
from vigie.actions.forms import TicketAssignForm, TicketAttachmentForm, TicketLocationForm
from vigie.actions.models import Ticket, TicketAttachment
from vigie.actions.services.attachments import attachment_path
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm, requires
from vigie.core.services import access_record


def ticket_tools(user, t: Ticket, can_manage: bool, bound: dict | None = None) -> dict:
    """What the ticket page shows of location, assignment and attachments, and its forms."""
    bound = bound or {}
    assignees = list(services.ticket_assignees(t)) if can_manage else []
    return {
        "attachments": list(
            TicketAttachment.objects.filter(ticket=t).select_related("uploaded_by")
        ),
        "location_form": bound.get("location")
        or TicketLocationForm(
            initial={
                "version": t.version,
                "address": t.address,
                "building": t.building,
                "staircase": t.staircase,
                "floor": t.floor,
            }
        ),
        "assign_form": bound.get("assign")
        or TicketAssignForm(
            assignees=assignees,
            initial={
                "version": t.version,
                "assignee": t.assignee_id,
                "contractor_name": t.contractor_name,
                "contractor_contact": t.contractor_contact,
            },
        ),
        "attach_form": bound.get("attach") or TicketAttachmentForm(),
        "can_attach": True,
    }


def _again(request, pk: int, key: str, form):
    """The ticket page with the refused form as typed."""
    from vigie.actions.views_work import ticket

    response = ticket(request, pk, bound={key: form})
    response.status_code = 400
    return response


@requires(Perm.TICKET_MANAGE)
@require_POST
def ticket_locate(request, pk: int):
    t = selectors.ticket_for(request.user, pk)
    form = TicketLocationForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            services.ticket_locate(
                actor=request.user,
                ticket=t,
                version=d["version"],
                address=d["address"],
                building=d["building"],
                staircase=d["staircase"],
                floor=d["floor"],
            )
            messages.success(request, _("Lieu du signalement enregistré."))
            return redirect("actions:ticket", pk=pk)
    return _again(request, pk, "location", form)


@requires(Perm.TICKET_MANAGE)
@require_POST
def ticket_assign(request, pk: int):
    t = selectors.ticket_for(request.user, pk)
    form = TicketAssignForm(request.POST, assignees=services.ticket_assignees(t))
    if form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            t = services.ticket_assign(
                actor=request.user,
                ticket=t,
                version=d["version"],
                assignee_id=d["assignee"],
                contractor_name=d["contractor_name"],
                contractor_contact=d["contractor_contact"],
            )
            if t.assignee_id or t.contractor_name:
                messages.success(request, _("Signalement confié."))
            else:
                messages.success(request, _("Le signalement n'est plus confié à personne."))
            return redirect("actions:ticket", pk=pk)
    return _again(request, pk, "assign", form)


@requires(Perm.TICKET_VIEW)
@require_POST
def ticket_attach(request, pk: int):
    t = selectors.ticket_for(request.user, pk)
    form = TicketAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with service_call(request, form=form):
            services.ticket_attach(actor=request.user, ticket=t, upload=form.cleaned_data["file"])
            messages.success(request, _("Pièce jointe ajoutée."))
            return redirect("actions:ticket", pk=pk)
    return _again(request, pk, "attach", form)


def _attachment_for(user, pk: int, perm: str) -> TicketAttachment:
    """Another organisation's (or agency's) attachment is a 404, as its ticket would be."""
    return get_object_or_404(
        TicketAttachment.objects.visible_to(user, perm).select_related("ticket"), pk=pk
    )


@requires(Perm.TICKET_VIEW)
def ticket_attachment(request, pk: int):
    """The file, to who may see its ticket; access-logged."""
    attachment = _attachment_for(request.user, pk, Perm.TICKET_VIEW)
    path = attachment_path(attachment)
    if not path.is_file():
        raise Http404(_("Ce fichier n'est plus disponible."))
    if request.method == "GET":  # a HEAD reads nothing
        # The ticket's page shows a photo's thumbnail, the photo is then opened or downloaded:
        # one look at it, one line of the access log (not one per request).
        access_record(
            user=request.user,
            action=AccessAction.VIEW,
            obj=attachment,
            path=request.path,
            once_within=timedelta(minutes=10),
        )
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type=attachment.content_type,
        as_attachment=request.GET.get("telecharger") == "1",
        filename=attachment.file_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@requires(Perm.TICKET_MANAGE)
@require_POST
def ticket_attachment_remove(request, pk: int):
    attachment = _attachment_for(request.user, pk, Perm.TICKET_MANAGE)
    ticket_id = attachment.ticket_id
    with service_call(request):
        services.ticket_attachment_remove(actor=request.user, attachment=attachment)
        messages.success(request, _("Pièce jointe retirée."))
    return redirect("actions:ticket", pk=ticket_id)
