"""Activity of the centre for one landlord (or every landlord served) over a period (issue #13 §9).

Counts for billing and funders: referrals, accepted, declined, closed, outcomes, median duration
(referral to closure, in days), sessions by modality, troubles by kind. A landlord's managers
read their own figures through small-cell suppression (core/smallcells.py: the figures leave
the centre); the centre's director reads exact figures.
"""

from __future__ import annotations

from datetime import date
from statistics import median
from typing import Any

from django.db.models import Count

from vigie.core.smallcells import suppress
from vigie.mediation.choices import CaseStatus, Modality, Outcome, Trouble
from vigie.mediation.models import Case, Session


def activity(*, centre_ids, landlord_id: int | None, start: date, end: date) -> dict[str, Any]:
    """Exact figures; `end` is inclusive."""
    cases = Case.objects.filter(organisation_id__in=centre_ids)
    if landlord_id is not None:
        cases = cases.filter(landlord_id=landlord_id)
    referred = cases.filter(referred_on__gte=start, referred_on__lte=end)
    answered = cases.filter(answered_on__gte=start, answered_on__lte=end)
    closed = cases.filter(status=CaseStatus.CLOSED, closed_on__gte=start, closed_on__lte=end)
    outcomes = dict.fromkeys(Outcome.values, 0)
    for row in closed.values("outcome").annotate(n=Count("id")):
        outcomes[row["outcome"]] = row["n"]
    durations = [(c - r).days for r, c in closed.values_list("referred_on", "closed_on")]
    troubles = dict.fromkeys(Trouble.values, 0)
    for row in referred.values("trouble").annotate(n=Count("id")):
        troubles[row["trouble"]] = row["n"]
    sessions = Session.objects.filter(
        case__in=cases,
        cancelled=False,
        starts_at__date__gte=start,
        starts_at__date__lte=end,
    )
    by_modality = dict.fromkeys(Modality.values, 0)
    for row in sessions.values("modality").annotate(n=Count("id")):
        by_modality[row["modality"]] = row["n"]
    return {
        "referrals": referred.count(),
        "accepted": answered.exclude(status=CaseStatus.DECLINED)
        .exclude(status=CaseStatus.REFERRED)
        .count(),
        "declined": answered.filter(status=CaseStatus.DECLINED).count(),
        "closed": closed.count(),
        "outcomes": outcomes,
        "median_days": median(durations) if durations else None,
        "sessions_by_modality": by_modality,
        "troubles": troubles,
    }


def suppressed(figures: dict[str, Any], *, exact: bool) -> tuple[dict[str, Any], list[str]]:
    """The figures as sent to a landlord: each count under 11 hidden (None), with the second
    one a published total would reveal; the median hidden when it is about fewer than 11."""
    if exact:
        return figures, []
    out = dict(figures)
    hidden: list[str] = []
    top = suppress({k: figures[k] for k in ("referrals", "accepted", "declined", "closed")})
    out.update(top.values)
    hidden += top.suppressed
    for group in ("outcomes", "sessions_by_modality", "troubles"):
        s = suppress(figures[group], groups=[list(figures[group])])
        out[group] = s.values
        hidden += [f"{group}.{k}" for k in s.suppressed]
    if figures["closed"] < 11:
        out["median_days"] = None
        hidden.append("median_days")
    return out, hidden


def activity_for(user, *, landlord: str = "", start: date | None, end: date | None) -> dict:
    """The activity a user may read: the director's centre for any landlord it serves (exact),
    a landlord's managers for their own landlord (suppressed). Unknown or unserved → 404."""
    from django.http import Http404
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from vigie.core.errors import DomainError
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.mediation.models import ServiceAgreement
    from vigie.mediation.permissions import ACTIVITY

    today = timezone.localdate()
    end = end or today
    start = start or date(end.year, 1, 1)
    if start > end:
        raise DomainError(_("La période commence après sa fin."), field="from")
    org_ids = user.scope(ACTIVITY).full_org_ids
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=org_ids)}
    centre_ids = [pk for pk, o in orgs.items() if o.kind == OrganisationKind.MEDIATION_CENTRE]
    landlord_ids = [pk for pk, o in orgs.items() if o.kind == OrganisationKind.LANDLORD]
    target = None
    if landlord:
        target = Organisation.objects.filter(slug=landlord, kind=OrganisationKind.LANDLORD).first()
        if target is None:
            raise Http404
    if target is not None and target.pk in landlord_ids:
        exact = False
        centres = list(
            ServiceAgreement.objects.filter(landlord=target).values_list(
                "organisation_id", flat=True
            )
        )
    elif centre_ids:
        exact = True
        centres = centre_ids
        if (
            target is not None
            and not ServiceAgreement.objects.filter(
                organisation_id__in=centre_ids, landlord=target
            ).exists()
        ):
            raise Http404
    elif landlord_ids:
        target = orgs[landlord_ids[0]] if target is None else None
        if target is None:
            raise Http404
        exact = False
        centres = list(
            ServiceAgreement.objects.filter(landlord=target).values_list(
                "organisation_id", flat=True
            )
        )
    else:
        raise Http404
    figures = activity(
        centre_ids=centres,
        landlord_id=target.pk if target is not None else None,
        start=start,
        end=end,
    )
    figures, hidden = suppressed(figures, exact=exact)
    return {
        "landlord": target.slug if target is not None else None,
        "from": start,
        "to": end,
        **figures,
        "suppressed": hidden,
    }
