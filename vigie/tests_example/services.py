from django.db import transaction

from vigie.core.services import audit_log
from vigie.tests_example.models import Suggestion


@transaction.atomic
def suggestion_record(*, actor, household, text: str) -> Suggestion:
    """File a household's idea; one journal row about the household."""
    suggestion = Suggestion.objects.create(
        organisation_id=household.organisation_id, household=household, text=text
    )
    audit_log(actor=actor, action="suggestion.recorded", obj=household)
    return suggestion
