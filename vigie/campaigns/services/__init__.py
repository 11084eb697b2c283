"""Writes of the campaigns app: create, build, run and close campaigns; record calls.

Each service is atomic, checks the actor's permission for the campaign's organisation (when an
actor is given: management commands may run as the system with `actor=None`), and leaves one
journal row. Views and API endpoints only parse input and call these.

One module per topic: `campaigns` (create, script, callers, status), `waves`, `build` (the list
of households to call), `targets` (a manager's actions on one household), `attempts` (recording
a call), `sheets` (printed call sheets); `common` holds the shared checks. The names are
re-exported here, so callers write `from vigie.campaigns.services import attempt_record`.
"""

from vigie.campaigns.services.attempts import (
    attempt_record,
    needs_from_answers,
)
from vigie.campaigns.services.build import (
    BUILD_BATCH,
    campaign_build,
    campaign_build_request,
    campaign_build_run,
    campaign_preview,
)
from vigie.campaigns.services.campaigns import (
    caller_set_paused,
    campaign_close,
    campaign_create,
    campaign_from_template,
    campaign_pause,
    campaign_resume,
    campaign_start,
    script_set,
)
from vigie.campaigns.services.common import (
    CampaignInputError,
    check_editable,
    require_health_right,
    require_manage,
    require_perm,
)
from vigie.campaigns.services.console import caller_settings_set
from vigie.campaigns.services.sheets import (
    SHEET_HOURS,
    SHEET_MAX,
    sheet_release,
    sheet_reserve,
)
from vigie.campaigns.services.targets import (
    target_assign,
    target_exclude,
)
from vigie.campaigns.services.waves import (
    WaveSpec,
    opted_out_q,
    wave_add,
    wave_filter_q,
    wave_q,
    wave_remove,
    wave_set_paused,
    wave_spec,
    wave_update,
)

__all__ = [
    "BUILD_BATCH",
    "CampaignInputError",
    "SHEET_HOURS",
    "SHEET_MAX",
    "WaveSpec",
    "attempt_record",
    "caller_set_paused",
    "caller_settings_set",
    "campaign_build",
    "campaign_build_request",
    "campaign_build_run",
    "campaign_close",
    "campaign_create",
    "campaign_from_template",
    "campaign_pause",
    "campaign_preview",
    "campaign_resume",
    "campaign_start",
    "check_editable",
    "needs_from_answers",
    "opted_out_q",
    "require_health_right",
    "require_manage",
    "require_perm",
    "script_set",
    "sheet_release",
    "sheet_reserve",
    "target_assign",
    "target_exclude",
    "wave_add",
    "wave_filter_q",
    "wave_q",
    "wave_remove",
    "wave_set_paused",
    "wave_spec",
    "wave_update",
]
