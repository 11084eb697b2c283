"""The journal codes the actions app writes, in French, with who may read them (core/journal.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.core.permissions import Perm
from vigie.housing.timeline import register_journal_subjects

register("partner.created", label=_("Partenaire ajouté à l'annuaire"), perm=Perm.PARTNER_VIEW)
register("partner.updated", label=_("Fiche du partenaire modifiée"), perm=Perm.PARTNER_VIEW)
register("need.resolved", label=_("Besoin résolu"), perm=Perm.REFERRAL_VIEW)
register("referral.proposed", label=_("Orientation proposée"), perm=Perm.REFERRAL_VIEW)
register("referral.sent", label=_("Orientation envoyée au partenaire"), perm=Perm.REFERRAL_VIEW)
register(
    "referral.accepted", label=_("Orientation acceptée par le partenaire"), perm=Perm.REFERRAL_VIEW
)
register(
    "referral.declined", label=_("Orientation refusée par le partenaire"), perm=Perm.REFERRAL_VIEW
)
register("referral.done", label=_("Orientation réalisée"), perm=Perm.REFERRAL_VIEW)
register("referral.cancelled", label=_("Orientation annulée"), perm=Perm.REFERRAL_VIEW)
register("ticket.opened", label=_("Signalement transmis à l'agence"), perm=Perm.TICKET_VIEW)
register(
    "ticket.merged", label=_("Signalement ajouté à un signalement ouvert"), perm=Perm.TICKET_VIEW
)
register(
    "ticket.acknowledged", label=_("Signalement pris en compte par l'agence"), perm=Perm.TICKET_VIEW
)
register("ticket.resolved", label=_("Signalement résolu"), perm=Perm.TICKET_VIEW)
register("ticket.cancelled", label=_("Signalement annulé"), perm=Perm.TICKET_VIEW)
register("ticket.informed", label=_("Ménages informés de la résolution"), perm=Perm.TICKET_VIEW)
register("ticket.located", label=_("Lieu du signalement précisé"), perm=Perm.TICKET_VIEW)
register("ticket.assigned", label=_("Signalement confié"), perm=Perm.TICKET_VIEW)
register("ticket.attachment_added", label=_("Pièce jointe ajoutée"), perm=Perm.TICKET_VIEW)
register("ticket.attachment_removed", label=_("Pièce jointe retirée"), perm=Perm.TICKET_VIEW)
register("task.created", label=_("Tâche créée"), perm=Perm.TASK_VIEW)
register("task.updated", label=_("Tâche confiée ou modifiée"), perm=Perm.TASK_VIEW)
register("task.done", label=_("Tâche faite"), perm=Perm.TASK_VIEW)
register("task.cancelled", label=_("Tâche annulée"), perm=Perm.TASK_VIEW)


@register_journal_subjects
def household_follow_ups(household):
    """For the DPO's full history: the journal of the household's referrals, tickets, tasks."""
    from vigie.actions.models import Referral, Task, TicketReport

    yield (
        "actions.referral",
        Referral.objects.filter(household=household).values_list("pk", flat=True),
    )
    yield (
        "actions.ticket",
        TicketReport.objects.filter(household=household).values_list("ticket_id", flat=True),
    )
    yield "actions.task", Task.objects.filter(household=household).values_list("pk", flat=True)
