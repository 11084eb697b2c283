from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigie.housing.choices import OccupantRole
from vigie.housing.cohorts import cohort_counts, household_cohorts, years_before
from vigie.housing.models import Household
from vigie.housing.tests.factories import make_household

AS_OF = date(2020, 3, 17)
pytestmark = pytest.mark.django_db


def test_over_75_counts_adults_only_and_birthday_boundary(landlord_a):
    # 75 on the very day: in; one day short of 75: in 70-74.
    make_household(landlord_a, [{"birth_date": date(1945, 3, 17)}])
    make_household(landlord_a, [{"birth_date": date(1945, 3, 18)}])
    # A very old "autre" occupant does not make the household over_75.
    make_household(
        landlord_a,
        [
            {"birth_date": date(1980, 1, 1)},
            {"birth_date": date(1930, 1, 1), "role": OccupantRole.OTHER},
        ],
    )
    counts = cohort_counts(Household.objects.filter(organisation=landlord_a), AS_OF)
    assert counts["over_75"] == 1
    assert counts["age_70_74"] == 1
    assert counts["any"] == 2


def test_single_parent_and_disability(landlord_a):
    make_household(landlord_a, [{}, {"role": OccupantRole.CHILD, "birth_date": date(2010, 1, 1)}])
    make_household(
        landlord_a,
        [
            {},
            {"role": OccupantRole.SPOUSE},
            {"role": OccupantRole.CHILD, "birth_date": date(2010, 1, 1)},
        ],
    )
    make_household(
        landlord_a,
        [{}, {"role": OccupantRole.CHILD, "disability": True, "birth_date": date(2012, 1, 1)}],
    )
    counts = cohort_counts(Household.objects.filter(organisation=landlord_a), AS_OF)
    assert counts["single_parent"] == 2
    assert counts["disability"] == 1
    assert counts["any"] == 2


def test_only_active_leases_count(landlord_a):
    make_household(landlord_a, [{"birth_date": date(1930, 1, 1)}], start_date=date(2020, 3, 18))
    make_household(landlord_a, [{"birth_date": date(1930, 1, 1)}], end_date=date(2020, 3, 16))
    make_household(landlord_a, [{"birth_date": date(1930, 1, 1)}], end_date=date(2020, 3, 17))
    make_household(landlord_a, [{"birth_date": date(1930, 1, 1)}], departed_on=date(2020, 3, 17))
    make_household(landlord_a, [{"birth_date": date(1930, 1, 1)}], departed_on=date(2021, 1, 1))
    counts = cohort_counts(Household.objects.filter(organisation=landlord_a), AS_OF)
    assert counts["over_75"] == 2


def test_counts_are_per_organisation(landlord_a, landlord_b):
    make_household(landlord_a, [{"birth_date": date(1930, 1, 1)}])
    make_household(landlord_b, [{"birth_date": date(1930, 1, 1)}])
    assert cohort_counts(Household.objects.filter(organisation=landlord_a), AS_OF)["over_75"] == 1


def test_years_before_handles_leap_day():
    assert years_before(date(2024, 2, 29), 75) == date(1949, 2, 28)


occupant = st.fixed_dictionaries(
    {
        "role": st.sampled_from([r.value for r in OccupantRole]),
        "birth_date": st.one_of(st.none(), st.dates(date(1915, 1, 1), date(2019, 12, 31))),
        "disability": st.booleans(),
    }
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(occupant, min_size=1, max_size=5))
def test_sql_and_python_rules_agree(landlord_a, occs):
    """Whatever the household, the SQL filters and the Python rule give the same cohorts."""
    if True:
        with transaction.atomic():  # rolled back after each example
            org = landlord_a
            h = make_household(org, [dict(o, phone="") for o in occs])
            counts = cohort_counts(Household.objects.filter(pk=h.pk), AS_OF)
            expected = household_cohorts(
                as_of=AS_OF,
                oldest_adult_birth_date=h.oldest_adult_birth_date,
                adults=h.adults,
                children=h.children,
                has_disability=h.has_disability,
            )
            # The python rule from raw occupants, independent of the derived fields:
            adults = [o for o in occs if o["role"] in ("titulaire", "cotitulaire", "conjoint")]
            ages = [
                AS_OF.year
                - o["birth_date"].year
                - ((AS_OF.month, AS_OF.day) < (o["birth_date"].month, o["birth_date"].day))
                for o in adults
                if o["birth_date"]
            ]
            raw = set()
            if any(a >= 75 for a in ages):
                raw.add("over_75")
            elif any(70 <= a <= 74 for a in ages):
                raw.add("age_70_74")
            if len(adults) == 1 and any(o["role"] == "enfant" for o in occs):
                raw.add("single_parent")
            if any(o["disability"] for o in occs):
                raw.add("disability")
            assert set(expected) == raw
            assert {k for k, v in counts.items() if v and k != "any"} == raw
            transaction.set_rollback(True)
