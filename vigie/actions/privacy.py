"""What the actions app gives the privacy module: a person's export, erasure, retention."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy

from vigie.actions.choices import OPEN_REFERRAL_STATUSES, TaskStatus
from vigie.actions.models import Referral, ReferralStep, Task, TicketAttachment, TicketReport
from vigie.privacy.retention import rule
from vigie.privacy.subject import eraser, exporter


@exporter("orientations_signalements_taches")
def export_actions(occupant) -> dict:
    """Referrals, building reports and tasks about the person's household."""
    h = occupant.household
    return {
        "orientations": [
            {
                "partenaire": r.partner.name,
                "besoin": r.need.get_kind_display(),
                "statut": r.get_status_display(),
                "creee_le": r.created_at.isoformat(),
                "note": r.note,
                "informations_complementaires": r.extra_notes,
                "consentement_le": r.consent_at.isoformat() if r.consent_at else None,
                "etapes": [
                    {"statut": s.get_status_display(), "le": s.at.isoformat(), "motif": s.note}
                    for s in r.steps.all()
                ],
            }
            for r in Referral.objects.filter(household=h)
            .select_related("partner", "need")
            .prefetch_related("steps")
        ],
        "signalements": [
            {
                "categorie": rep.ticket.get_category_display(),
                "statut": rep.ticket.get_status_display(),
                "le": rep.at.isoformat(),
                "precision": rep.note,
            }
            for rep in TicketReport.objects.filter(household=h).select_related("ticket")
        ],
        "taches": [
            {
                "tache": t.title,
                "echeance": t.due_on.isoformat(),
                "statut": t.get_status_display(),
                "notes": t.notes,
            }
            for t in Task.objects.filter(household=h)
        ],
    }


@eraser("orientations_signalements_taches")
def erase_actions(household) -> int:
    """Wipe the free text held on the household by referrals, reports and tasks."""
    n = Referral.objects.filter(household=household).update(note="", extra_notes="")
    n += ReferralStep.objects.filter(referral__household=household).update(note="")
    n += TicketReport.objects.filter(household=household).update(note="")
    n += Task.objects.filter(household=household).update(notes="")
    return n


@rule("action_notes", gettext_lazy("notes des orientations, signalements et tâches closes (2 ans)"))
def _action_notes(cutoff: datetime, dry_run: bool) -> int:
    """Two years after a referral or task closed, its free text goes; the figures stay."""
    referrals = (
        Referral.objects.filter(closed_at__lt=cutoff)
        .exclude(status__in=OPEN_REFERRAL_STATUSES)
        .filter(~Q(note="") | ~Q(extra_notes=""))
    )
    steps = ReferralStep.objects.filter(
        referral__closed_at__lt=cutoff, referral__status__in=["done", "declined", "cancelled"]
    ).exclude(note="")
    reports = TicketReport.objects.filter(
        ticket__resolved_at__lt=cutoff, ticket__status__in=["resolved", "cancelled"]
    ).exclude(note="")
    tasks = (
        Task.objects.filter(done_at__lt=cutoff).exclude(status=TaskStatus.OPEN).exclude(notes="")
    )
    if dry_run:
        return referrals.count() + steps.count() + reports.count() + tasks.count()
    return (
        referrals.update(note="", extra_notes="")
        + steps.update(note="")
        + reports.update(note="")
        + tasks.update(notes="")
    )


@rule(
    "ticket_attachments",
    gettext_lazy("photos et documents des signalements clos (1 an)"),
    days=365,
)
def _ticket_attachments(cutoff: datetime, dry_run: bool) -> int:
    """A year after a ticket closed, its photos and documents go (files and rows): a photo of
    a home may show the people living there."""
    qs = TicketAttachment.objects.filter(
        ticket__resolved_at__lt=cutoff, ticket__status__in=["resolved", "cancelled"]
    )
    if dry_run:
        return qs.count()
    n = 0
    for attachment in qs.select_related("ticket"):
        attachment.delete()  # its file goes after commit (services/attachments.py)
        n += 1
    return n
