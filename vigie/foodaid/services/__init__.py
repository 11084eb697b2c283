"""Food aid's services (writes): one module per topic, every public name re-exported here."""

from vigie.foodaid.services.common import FoodAidInputError
from vigie.foodaid.services.programmes import enrolment_create, programme_create
from vigie.foodaid.services.sessions import (
    expected_enrolments,
    latest_results,
    lease_active_on,
    record_checkin,
    session_close,
    session_create,
)

__all__ = [
    "FoodAidInputError",
    "enrolment_create",
    "expected_enrolments",
    "latest_results",
    "lease_active_on",
    "programme_create",
    "record_checkin",
    "session_close",
    "session_create",
]
