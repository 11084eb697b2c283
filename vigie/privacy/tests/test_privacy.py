"""The DPO's tools: the access log, data-subject rights, retention under a moved clock."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.services import user_create
from vigie.conftest import PASSWORD
from vigie.core.models import AccessLog
from vigie.core.permissions import Role
from vigie.housing.choices import OccupantRole
from vigie.housing.models import Household, Occupant
from vigie.housing.tests.factories import make_household
from vigie.privacy.models import SubjectRequest
from vigie.privacy.retention import purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def durand(landlord_a):
    return make_household(
        landlord_a,
        [
            {
                "last_name": "DURAND",
                "first_name": "Odette",
                "birth_date": date(1938, 4, 2),
                "disability": True,
            },
            {
                "last_name": "DURAND",
                "first_name": "Marcel",
                "birth_date": date(1936, 1, 1),
                "role": OccupantRole.SPOUSE,
            },
        ],
        reference="BAIL-DURAND",
    )


def test_dpo_sees_who_looked_at_a_household(client, claire, dora, bruno, durand):
    client.force_login(claire)
    client.get(reverse("housing:household", args=[durand.pk]))
    client.force_login(bruno)
    assert client.get(reverse("housing:household", args=[durand.pk])).status_code == 404
    client.force_login(dora)
    html = client.get(reverse("privacy:access_log"), {"menage": "BAIL-DURAND"}).content.decode()
    assert "claire" in html and "bruno" not in html
    # No name nor health detail of the household in the log itself.
    for row in AccessLog.objects.all():
        assert "DURAND" not in row.detail and "handicap" not in row.detail.lower()


def test_access_log_is_append_only(claire, durand):
    from vigie.core.services import access_record

    access_record(user=claire, action="view", obj=durand)
    row = AccessLog.objects.get()
    row.detail = "forged"
    with pytest.raises(RuntimeError):
        row.save()


def test_only_the_dpo_reaches_the_access_log_and_subject_rights(client, claire, marc, durand):
    occ = durand.occupants.first()
    for user in (claire, marc):
        client.force_login(user)
        assert client.get(reverse("privacy:access_log")).status_code == 403
        assert client.get(reverse("privacy:person", args=[occ.pk])).status_code == 403


def test_other_landlords_dpo_gets_404(client, landlord_b, durand):
    dpo_b = user_create(username="dpo-b", organisation=landlord_b, role=Role.DPO, password=PASSWORD)
    client.force_login(dpo_b)
    assert (
        client.get(reverse("privacy:person", args=[durand.occupants.first().pk])).status_code == 404
    )


def test_export_contains_the_person_and_not_the_other_occupant(client, dora, durand):
    odette = durand.occupants.get(first_name="Odette")
    client.force_login(dora)
    r = client.get(reverse("privacy:person_export", args=[odette.pk]))
    data = json.loads(r.content)
    assert (
        data["personne"]["prenom"] == "Odette"
        and data["personne"]["date_naissance"] == "02/04/1938"
    )
    assert "Marcel" not in r.content.decode()
    assert SubjectRequest.objects.filter(kind="access", occupant=odette).exists()


def test_erasure_anonymises_and_leaves_the_cohorts(client, dora, durand):
    odette = durand.occupants.get(first_name="Odette")
    client.force_login(dora)
    client.post(
        reverse("privacy:person_action", args=[odette.pk, "effacer"]), {"confirm": "EFFACER"}
    )
    odette.refresh_from_db()
    assert odette.last_name == "Anonymisé" and odette.birth_date is None and not odette.disability
    h = Household.objects.get(pk=durand.pk)
    assert not h.has_disability and "odette" not in h.search_text
    # Marcel is still there, so the household is not anonymised as a whole.
    assert h.adults == 2 and h.oldest_adult_birth_date == date(1936, 1, 1)


def test_erasure_needs_typed_confirmation(client, dora, durand):
    odette = durand.occupants.get(first_name="Odette")
    client.force_login(dora)
    client.post(reverse("privacy:person_action", args=[odette.pk, "effacer"]), {"confirm": "oui"})
    odette.refresh_from_db()
    assert odette.last_name == "DURAND"


def test_objection_takes_the_household_out_of_call_lists(client, dora, durand):
    client.force_login(dora)
    client.post(reverse("privacy:person_action", args=[durand.occupants.first().pk, "opposition"]))
    assert Household.objects.get(pk=durand.pk).opted_out


def test_refusal_records_its_legal_reason(client, dora, durand):
    occ = durand.occupants.first()
    client.force_login(dora)
    client.post(
        reverse("privacy:person_action", args=[occ.pk, "refuser"]),
        {"kind": "erasure", "legal_reason": "trop court"[:5]},
    )
    assert not SubjectRequest.objects.exists()
    client.post(
        reverse("privacy:person_action", args=[occ.pk, "refuser"]),
        {
            "kind": "erasure",
            "legal_reason": "Obligation légale de conservation du bail en cours (art. 17.3.b)",
        },
    )
    assert SubjectRequest.objects.get().outcome == "refused"


def test_rectification(client, dora, durand):
    odette = durand.occupants.get(first_name="Odette")
    client.force_login(dora)
    client.post(
        reverse("privacy:person_action", args=[odette.pk, "rectifier"]),
        {
            "version": durand.version,
            "last_name": "DURAND-MARTY",
            "first_name": "Odette",
            "birth_date": "03/04/1938",
        },
    )
    odette.refresh_from_db()
    assert odette.last_name == "DURAND-MARTY" and odette.birth_date == date(1938, 4, 3)


def test_purge_under_a_moved_clock(landlord_a, claire, durand):
    from vigie.core.services import access_record

    gone = make_household(landlord_a, [{"last_name": "PARTI"}], departed_on=date(2023, 1, 10))
    recent = make_household(landlord_a, [{"last_name": "RECENT"}], departed_on=date(2024, 6, 1))
    access_record(user=claire, action="view", obj=durand)
    now = timezone.make_aware(timezone.datetime(2025, 3, 1, 12))
    AccessLog.objects.update(at=now - timedelta(days=366))
    access_record(user=claire, action="view", obj=recent)
    AccessLog.objects.filter(object_id=str(recent.pk)).update(at=now - timedelta(days=10))

    dry = purge(dry_run=True, now=now)
    assert dry["access_log"] == 1 and dry["departed_households"] == 1
    assert Occupant.objects.filter(last_name="PARTI").exists()

    done = purge(now=now)
    assert done == dry
    assert AccessLog.objects.count() == 1
    assert not Occupant.objects.filter(last_name="PARTI").exists()
    assert Household.objects.get(pk=gone.pk).anonymised_on is not None
    assert Occupant.objects.filter(last_name="RECENT").exists()
    assert purge(now=now)["departed_households"] == 0


def test_purge_command_reports(landlord_a):
    out = io.StringIO()
    call_command("purge", dry_run=True, json=True, stdout=out)
    report = json.loads(out.getvalue())
    assert report["dry_run"] is True and set(report) >= {
        "access_log",
        "departed_households",
        "import_runs",
    }


def test_daily_command_runs_the_purge_through_the_task_queue(landlord_a, claire):
    from vigie.core.services import access_record

    durand_like = make_household(landlord_a, [{"last_name": "X"}])
    access_record(user=claire, action="view", obj=durand_like)
    AccessLog.objects.update(at=timezone.now() - timedelta(days=400))
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "purge_task" in out.getvalue()
    # In tests the immediate backend runs the task at once; in production the worker does.
    assert not AccessLog.objects.exists()


def test_access_log_page_runs_constant_queries(
    client, dora, claire, durand, django_assert_max_num_queries
):
    from vigie.core.services import access_record

    for _ in range(3):
        access_record(user=claire, action="view", obj=durand)
    client.force_login(dora)
    url = reverse("privacy:access_log")
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    for _ in range(40):
        access_record(user=claire, action="view", obj=durand)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
