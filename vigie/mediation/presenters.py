"""A case as the centre's people read it (API and pages share these shapes)."""

from __future__ import annotations

from typing import Any

from vigie.mediation.models import Case, Party


def party_name(party: Party) -> str:
    """An outside person's name, or the household's first occupant (the lease holder)."""
    if party.household_id is None:
        return party.name
    occupants = list(party.household.occupants.all()[:1]) if party.household else []
    return str(occupants[0]) if occupants else party.name


def party_row(party: Party) -> dict[str, Any]:
    return {
        "id": party.pk,
        "household": party.household_id,
        "name": party_name(party),
        "role": party.role,
        "consent_on": party.consent_on,
        "consent_how": party.consent_how or None,
        "consent_refused": party.consent_refused,
    }


def centre_view(case: Case) -> dict[str, Any]:
    """Everything but the notes (they are read by compartment, selectors.notes_readable)."""
    from vigie.mediation.selectors import disciplines_by_user

    assigned = [a.user for a in case.assignments.all()]
    disciplines = disciplines_by_user(case.organisation_id, [u.pk for u in assigned])
    return {
        "id": case.pk,
        "status": case.status,
        "outcome": case.outcome or None,
        "referred_on": case.referred_on,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "agreement": None
        if not case.outcome
        else {
            "reached": case.agreement_reached,
            "text": case.agreement_text or None,
            "shareable": case.agreement_shareable,
            "signed_on": case.agreement_signed_on,
        },
        "version": case.version,
        "type": case.type,
        "centre": case.organisation.slug,
        "landlord": case.landlord.slug,
        "trouble": case.trouble,
        "intensity": case.intensity,
        "summary": case.summary,
        "answered_on": case.answered_on,
        "decline_reason": case.decline_reason or None,
        "pause_reason": case.pause_reason or None,
        "resume_on": case.resume_on,
        "parties": [party_row(p) for p in case.parties.all()],
        "sessions": [
            {
                "id": s.pk,
                "kind": s.kind,
                "modality": s.modality,
                "video_url": s.video_url or None,
                "starts_at": s.starts_at,
                "minutes": s.minutes,
                "cancelled": s.cancelled,
                "parties": [
                    {"party": a.party_id, "attendance": a.attendance or None}
                    for a in s.attendees.all()
                ],
                "practitioners": [u.username for u in s.practitioners.all()],
            }
            for s in case.sessions.all()
        ],
        "practitioners": [
            {"username": u.username, "disciplines": disciplines.get(u.pk, [])} for u in assigned
        ],
    }
