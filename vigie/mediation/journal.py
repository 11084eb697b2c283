"""Journal codes of the mediation centre (never a note, never a party's statement)."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.mediation.permissions import AGREEMENTS, BREAK_GLASS, CASE_HANDLE, CASE_VIEW

register("mediation.agreement_created", label=_("Convention de médiation créée"), perm=AGREEMENTS)
register("mediation.case_referred", label=_("Situation orientée vers la médiation"), perm=CASE_VIEW)
register("mediation.case_accepted", label=_("Médiation acceptée par le centre"), perm=CASE_VIEW)
register("mediation.case_declined", label=_("Médiation refusée par le centre"), perm=CASE_VIEW)
register(
    "mediation.case_awaiting_consent", label=_("Médiation en attente des accords"), perm=CASE_VIEW
)
register(
    "mediation.case_opened",
    label=_("Médiation ouverte (toutes les parties d'accord)"),
    perm=CASE_VIEW,
)
register("mediation.case_paused", label=_("Médiation mise en pause"), perm=CASE_VIEW)
register("mediation.case_resumed", label=_("Médiation reprise"), perm=CASE_VIEW)
register("mediation.case_closed", label=_("Médiation terminée"), perm=CASE_VIEW)
register("mediation.consent_recorded", label=_("Accord d'une partie enregistré"), perm=CASE_HANDLE)
register("mediation.practitioner_assigned", label=_("Praticien·ne affecté·e"), perm=CASE_HANDLE)
register("mediation.session_planned", label=_("Séance de médiation prévue"), perm=CASE_HANDLE)
register("mediation.session_updated", label=_("Séance de médiation modifiée"), perm=CASE_HANDLE)
register("mediation.session_cancelled", label=_("Séance de médiation annulée"), perm=CASE_HANDLE)
register(
    "mediation.attendance_recorded", label=_("Présences d'une séance notées"), perm=CASE_HANDLE
)
register("mediation.note_written", label=_("Note de médiation écrite"), perm=CASE_HANDLE)
# The break-glass: the director and the DPO (audit.view) read it.
register(
    "mediation.break_glass", label=_("Secret levé par la direction du centre"), perm=BREAK_GLASS
)
