"""Writes of the mediation centre, one module per topic; callers import from here."""

from vigie.mediation.services.agreements import agreement_create, disciplines_set
from vigie.mediation.services.cases import (
    break_glass,
    case_accept,
    case_close,
    case_decline,
    case_pause,
    case_resume,
    consent_record,
    party_of,
    practitioner_assign,
    referral_create,
)
from vigie.mediation.services.common import NotFoundError
from vigie.mediation.services.notes import note_write
from vigie.mediation.services.sessions import (
    attendance_record,
    session_cancel,
    session_plan,
    session_update,
)

__all__ = [
    "NotFoundError",
    "agreement_create",
    "attendance_record",
    "break_glass",
    "case_accept",
    "case_close",
    "case_decline",
    "case_pause",
    "case_resume",
    "consent_record",
    "disciplines_set",
    "note_write",
    "party_of",
    "practitioner_assign",
    "referral_create",
    "session_cancel",
    "session_plan",
    "session_update",
]
