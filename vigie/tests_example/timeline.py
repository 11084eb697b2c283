"""The household's ideas on its timeline, for the roles that may read them."""

from vigie.housing.timeline import TimelineEntry, register_provider
from vigie.tests_example.models import Suggestion
from vigie.tests_example.permissions import SUGGESTION_VIEW


@register_provider
def suggestions_on_timeline(user, household) -> list[TimelineEntry]:
    rows = Suggestion.objects.visible_to(user, SUGGESTION_VIEW).filter(household=household)
    return [TimelineEntry(at=s.created_at, kind="idea", title=s.text) for s in rows]
