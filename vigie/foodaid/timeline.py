"""Food aid on a household's timeline: its enrolments and what it received at each session,
for the roles that read food aid (landlord staff; partners never see the household page)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from vigie.foodaid.models import Enrolment, Record
from vigie.foodaid.permissions import FOODAID_VIEW
from vigie.housing.timeline import TimelineEntry, register_journal_subjects, register_provider


@register_provider
def foodaid_on_timeline(user, household) -> list[TimelineEntry]:
    out = []
    for e in (
        Enrolment.objects.visible_to(user, FOODAID_VIEW)
        .filter(household=household)
        .select_related("programme")
    ):
        out.append(
            TimelineEntry(
                at=e.enrolled_at,
                kind="foodaid",
                title=_("Inscrit à « %(programme)s »") % {"programme": e.programme.name},
                tags=[e.get_mode_display(), e.get_status_display()],
                url=reverse("foodaid:programme", args=[e.programme_id]),
            )
        )
    for r in (
        Record.objects.visible_to(user, FOODAID_VIEW)
        .filter(enrolment__household=household)
        .select_related("session__programme")
    ):
        out.append(
            TimelineEntry(
                at=r.taken_at,
                kind="foodaid",
                title=_("Distribution du %(day)s : %(result)s")
                % {"day": r.session.date.strftime("%d/%m/%Y"), "result": r.get_result_display()},
                detail=r.session.programme.name,
            )
        )
    return out


@register_journal_subjects
def foodaid_journal_subjects(household):
    enrolments = list(Enrolment.objects.filter(household=household).values_list("pk", flat=True))
    records = list(
        Record.objects.filter(enrolment__household=household).values_list("pk", flat=True)
    )
    return [("foodaid.enrolment", enrolments), ("foodaid.record", records)]
