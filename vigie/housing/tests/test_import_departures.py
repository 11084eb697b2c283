"""A full import cannot empty the register by mistake, and its departures can be undone.

Issue #10, finding 4: a six-row file imported in full mode marked 2,041 of 2,046 households
departed after one click. Now Amina (admin at Landlord A) must confirm a number of departures
over the threshold (the web preview asks her to type it; the command wants --allow-departures
N), and the departures of a run can be undone, exactly, unless a later import changed them.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from vigie.conftest import make_user
from vigie.core.errors import ConflictError, PermissionDeniedError
from vigie.core.models import AuditEvent
from vigie.core.permissions import Role
from vigie.housing.cohorts import cohort_counts
from vigie.housing.importing import departure_limit, import_stock
from vigie.housing.models import Household, ImportRun
from vigie.housing.services import import_undo_departures
from vigie.housing.tests.test_import import occupant_row, to_csv

pytestmark = pytest.mark.django_db


def lease(i: int, **kw) -> dict:
    """Lease n° i of a register: one occupant, every third one over 75 (born 1940)."""
    return occupant_row(
        ref_bail=f"B{i:04d}",
        ref_logement=f"L{i:04d}",
        porte=str(i),
        nom=f"Nom{i}",
        prenom="Alex",
        date_naissance="03/04/1940" if i % 3 == 0 else "03/04/1980",
        telephone=f"05 61 00 {i // 100:02d} {i % 100:02d}",
        email="",
        **kw,
    )


def register(org, n: int = 40, actor=None):
    report = import_stock(
        organisation=org, data=to_csv([lease(i) for i in range(n)]), file_name="r.csv", actor=actor
    )
    assert report.imported and report.created == n
    return report


def active(org) -> int:
    return Household.objects.filter(organisation=org, departed_on__isnull=True).count()


def snapshot(org) -> dict:
    """What the undo must restore: each household's state and derived cohort fields."""
    return {
        h["reference"]: h
        for h in Household.objects.filter(organisation=org).values(
            "reference",
            "departed_on",
            "departed_by_run",
            "adults",
            "children",
            "oldest_adult_birth_date",
            "has_disability",
            "has_phone",
            "search_text",
            "end_date",
        )
    }


def test_departure_limit_is_the_smaller_of_a_share_and_a_number(settings):
    assert departure_limit(2046) == 205  # 10 % rounded up
    assert departure_limit(350_000) == 500
    assert departure_limit(5) == 1  # one departure of a small stock needs no confirmation
    assert departure_limit(0) == 0
    settings.VIGIE_IMPORT_MAX_DEPARTURES_PERCENT = 50
    settings.VIGIE_IMPORT_MAX_DEPARTURES = 3
    assert departure_limit(40) == 3


def test_a_truncated_full_import_is_refused_and_changes_nothing(landlord_a, amina):
    register(landlord_a)
    before = snapshot(landlord_a)
    report = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(6)]),
        file_name="six.csv",
        actor=amina,
    )
    assert not report.imported and report.departures_refused
    assert report.departed == 0  # nothing was done
    message = report.errors[-1]["message"]
    assert "marquerait partis 34 baux sur 40 actifs (85,0 %)" in message
    assert "au-delà du seuil de 4" in message
    assert "--allow-departures 34" in message
    assert snapshot(landlord_a) == before
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.status == "refused" and run.errors[-1]["code"] == "departures"
    # A dry run says the same (the web preview and --dry-run read it).
    dry = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(6)]),
        file_name="six.csv",
        dry_run=True,
    )
    assert dry.departures_refused and dry.departed == 34 and dry.departure_limit == 4
    # Confirming fewer departures than there are is not enough.
    short = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(6)]),
        file_name="six.csv",
        allow_departures=33,
    )
    assert not short.imported and "Vous en avez confirmé 33" in short.errors[-1]["message"]
    assert snapshot(landlord_a) == before


def test_departures_under_the_threshold_or_confirmed_go_through(landlord_a, amina, settings):
    first = register(landlord_a)
    # Four of forty (10 %): under the threshold, no confirmation.
    report = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(36)]),
        file_name="r.csv",
    )
    assert report.imported and report.departed == 4
    run = ImportRun.objects.get(pk=report.run_id)
    gone = Household.objects.filter(organisation=landlord_a, departed_on__isnull=False)
    assert set(gone.values_list("departed_by_run", flat=True)) == {run.pk}
    assert first.run_id != run.pk
    # Confirmed: the thirty others go too.
    report = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(6)]),
        file_name="six.csv",
        allow_departures=30,
    )
    assert report.imported and report.departed == 30 and active(landlord_a) == 6
    # The threshold is a setting: with 100 %, nothing asks for a confirmation.
    settings.VIGIE_IMPORT_MAX_DEPARTURES_PERCENT = 100
    settings.VIGIE_IMPORT_MAX_DEPARTURES = 10_000
    report = import_stock(organisation=landlord_a, data=to_csv([lease(0)]), file_name="one.csv")
    assert report.imported and report.departed == 5


def test_command_refuses_with_json_error_and_allow_departures_lets_through(
    landlord_a, tmp_path, capsys
):
    register(landlord_a)
    six = tmp_path / "six.csv"
    six.write_bytes(to_csv([lease(i) for i in range(6)]))
    with pytest.raises(SystemExit) as exc:
        call_command("import_stock", str(six), "--org", "patrimoine", "--json")
    assert exc.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["departures_refused"] is True and out["departure_limit"] == 4
    assert out["departed"] == 0 and out["active"] == 40
    assert "marquerait partis 34 baux" in out["errors"][-1]["message"]
    assert active(landlord_a) == 40
    with pytest.raises(SystemExit) as exc:
        call_command("import_stock", str(six), "--org", "patrimoine", "--dry-run")
    assert exc.value.code == 1
    assert "--allow-departures 34" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        call_command(
            "import_stock", str(six), "--org", "patrimoine", "--allow-departures", "20", "--json"
        )
    assert exc.value.code == 1
    capsys.readouterr()
    call_command(
        "import_stock", str(six), "--org", "patrimoine", "--allow-departures", "34", "--json"
    )
    out = json.loads(capsys.readouterr().out)
    assert out["departed"] == 34 and not out["errors"]
    assert active(landlord_a) == 6


def test_undo_restores_the_leases_and_their_cohorts_exactly(landlord_a, amina):
    register(landlord_a)
    today = timezone.localdate()
    qs = Household.objects.filter(organisation=landlord_a)
    cohorts_before = cohort_counts(qs, today)
    before = snapshot(landlord_a)
    versions = dict(qs.values_list("reference", "version"))
    report = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(6)]),
        file_name="six.csv",
        allow_departures=34,
        actor=amina,
    )
    assert cohort_counts(qs, today)["over_75"] == 2  # B0000, B0003
    run = ImportRun.objects.get(pk=report.run_id)
    assert import_undo_departures(actor=amina, run=run) == 34
    assert snapshot(landlord_a) == before
    assert cohort_counts(qs, today) == cohorts_before
    after = dict(qs.values_list("reference", "version"))
    assert all(after[ref] == versions[ref] + 2 for ref in before if ref >= "B0006")
    event = AuditEvent.objects.get(action="import.departures_undone")
    assert event.actor == amina and event.object_id == str(run.pk)
    assert event.payload == {"households": 34}
    run.refresh_from_db()
    assert run.departures_undone_at is not None and run.departures_undone_by == amina
    with pytest.raises(ConflictError, match="déjà été annulés"):
        import_undo_departures(actor=amina, run=run)
    # The next nightly import of the same truncated file is refused again: nothing was lost.
    again = import_stock(
        organisation=landlord_a, data=to_csv([lease(i) for i in range(6)]), file_name="six.csv"
    )
    assert again.departures_refused and active(landlord_a) == 40


def test_undo_is_refused_when_a_later_import_changed_those_households(landlord_a, amina):
    register(landlord_a)
    report = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(30)]),
        file_name="r.csv",
        allow_departures=10,
    )
    assert report.departed == 10
    run = ImportRun.objects.get(pk=report.run_id)
    # B0035 comes back in a partial import: it is no longer this run's to restore.
    import_stock(organisation=landlord_a, data=to_csv([lease(35)]), file_name="b35.csv", full=False)
    back = Household.objects.get(reference="B0035")
    assert back.departed_on is None and back.departed_by_run is None
    before = snapshot(landlord_a)
    with pytest.raises(ConflictError) as exc:
        import_undo_departures(actor=amina, run=run)
    assert exc.value.message == (
        f"Impossible d'annuler les départs de l'import n° {run.pk} : 1 des 10 ménages qu'il a "
        "marqués partis ont changé depuis (réimportés par un import ultérieur, ou anonymisés). "
        "Rien n'a été modifié."
    )
    assert snapshot(landlord_a) == before
    assert not AuditEvent.objects.filter(action="import.departures_undone").exists()


def test_undo_is_refused_when_a_dwelling_has_a_new_lease(landlord_a, amina):
    register(landlord_a)
    # B0039 left; the same file lets its dwelling L0039 to a new lease N0039.
    rows = [lease(i) for i in range(39)] + [
        dict(lease(39), ref_bail="N0039", nom="Nouveau", date_naissance="01/01/1990")
    ]
    report = import_stock(organisation=landlord_a, data=to_csv(rows), file_name="r.csv")
    assert (report.departed, report.created) == (1, 1)
    run = ImportRun.objects.get(pk=report.run_id)
    with pytest.raises(ConflictError, match="1 des logements de ces ménages ont un nouveau bail"):
        import_undo_departures(actor=amina, run=run)
    assert Household.objects.get(reference="B0039").departed_on == timezone.localdate()


def test_undo_needs_the_import_permission_and_departures(landlord_a, amina, marc, claire):
    first = register(landlord_a)
    run = ImportRun.objects.get(pk=first.run_id)
    with pytest.raises(ConflictError, match="n'a marqué aucun bail parti"):
        import_undo_departures(actor=amina, run=run)
    report = import_stock(
        organisation=landlord_a, data=to_csv([lease(i) for i in range(38)]), file_name="r.csv"
    )
    run = ImportRun.objects.get(pk=report.run_id)
    with pytest.raises(PermissionDeniedError):
        import_undo_departures(actor=claire, run=run)
    assert active(landlord_a) == 38


def test_undo_command(landlord_a):
    register(landlord_a)
    report = import_stock(
        organisation=landlord_a, data=to_csv([lease(i) for i in range(37)]), file_name="r.csv"
    )
    out = io.StringIO()
    call_command("import_undo_departures", str(report.run_id), stdout=out)
    assert "3 ménages de nouveau actifs" in out.getvalue()
    assert active(landlord_a) == 40
    with pytest.raises(CommandError, match="déjà été annulés"):
        call_command("import_undo_departures", str(report.run_id))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_undo_departures", "999999")
    event = AuditEvent.objects.get(action="import.departures_undone")
    assert event.actor is None and event.payload == {"households": 3}


# ----------------------------------------------------------------------------- web


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_web_preview_asks_to_type_the_number_of_departures(client, amina, landlord_a, media):
    register(landlord_a, actor=amina)
    client.force_login(amina)
    from django.core.files.uploadedfile import SimpleUploadedFile

    six = to_csv([lease(i) for i in range(6)])
    response = client.post(
        reverse("housing:import_upload"),
        {"file": SimpleUploadedFile("six.csv", six, "text/csv"), "mode": "full"},
    )
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "Cet import marquera 34 baux partis" in page
    assert "Pour confirmer, tapez le nombre de baux à marquer partis (34)" in page
    assert "Confirmer l&#x27;import" not in page and "Confirmer l'import" not in page
    assert "Fichier refusé" not in page  # the file itself is fine
    confirm = preview_url + "confirmer/"
    # Confirming without typing the number, or a wrong one, does nothing.
    for typed in ("", "33", "3 4 0"):
        done = client.post(confirm, {"departures": typed})
        assert done.status_code == 302 and done["Location"] == preview_url
        assert active(landlord_a) == 40
    done = client.post(confirm, {"departures": "34"})
    run = ImportRun.objects.get(status="imported", file_name="six.csv")
    assert done["Location"] == reverse("housing:import_run", args=[run.pk])
    assert active(landlord_a) == 6 and run.counts["departed"] == 34
    # The run's page offers to undo them, with a confirmation.
    page = client.get(done["Location"]).content.decode()
    undo_url = reverse("housing:import_undo_departures", args=[run.pk])
    assert undo_url in page and 'name="confirm"' in page
    client.post(undo_url)  # the box not ticked
    assert active(landlord_a) == 6
    response = client.post(undo_url, {"confirm": "1"}, follow=True)
    assert "Départs annulés : 34 ménages de nouveau actifs" in response.content.decode()
    assert active(landlord_a) == 40
    page = client.get(reverse("housing:import_run", args=[run.pk])).content.decode()
    assert undo_url not in page and "Départs annulés" in page
    response = client.post(undo_url, {"confirm": "1"}, follow=True)
    assert "déjà été annulés" in response.content.decode()


def test_web_undo_is_404_for_another_landlord_and_403_without_the_permission(
    client, landlord_a, landlord_b, claire
):
    register(landlord_a)
    report = import_stock(
        organisation=landlord_a, data=to_csv([lease(i) for i in range(38)]), file_name="r.csv"
    )
    undo_url = reverse("housing:import_undo_departures", args=[report.run_id])
    client.force_login(claire)
    assert client.post(undo_url, {"confirm": "1"}).status_code == 403
    client.force_login(make_user("bea", landlord_b, Role.ADMIN))  # may import, elsewhere
    assert client.post(undo_url, {"confirm": "1"}).status_code == 404
    assert active(landlord_a) == 38


def test_a_household_departed_then_back_is_not_this_runs_anymore(landlord_a):
    """departed_by_run follows the household: cleared when it comes back in a full import."""
    register(landlord_a, n=10)
    gone = import_stock(
        organisation=landlord_a, data=to_csv([lease(i) for i in range(9)]), file_name="r.csv"
    )
    h = Household.objects.get(reference="B0009")
    assert h.departed_by_run_id == gone.run_id and h.departed_on == timezone.localdate()
    back = import_stock(
        organisation=landlord_a, data=to_csv([lease(i) for i in range(10)]), file_name="r.csv"
    )
    assert back.updated == 1
    h.refresh_from_db()
    assert h.departed_by_run_id is None and h.departed_on is None
    assert h.oldest_adult_birth_date == date(1940, 4, 3)


def test_only_leases_active_today_are_departures(landlord_a):
    """A lease already ended, or not yet begun, and absent from a full import is no departure:
    it was counted (and departed today) with the active ones, and in the threshold's base."""
    from datetime import timedelta

    register(landlord_a)
    today = timezone.localdate()
    Household.objects.filter(reference__in=["B0030", "B0031", "B0032"]).update(
        end_date=today - timedelta(days=30)
    )
    Household.objects.filter(reference__in=["B0033", "B0034"]).update(
        start_date=today + timedelta(days=10)
    )
    preview = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(30)]),
        file_name="r.csv",
        dry_run=True,
    )
    assert (preview.departed, preview.active) == (5, 35)
    report = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(30)]),
        file_name="r.csv",
        allow_departures=5,
    )
    assert report.imported and report.departed == 5
    departed = set(Household.objects.filter(departed_on=today).values_list("reference", flat=True))
    assert departed == {f"B{i:04d}" for i in range(35, 40)}
    assert ImportRun.objects.get(pk=report.run_id).counts["departed"] == 5


def test_the_imports_list_shows_departures_that_were_undone(client, landlord_a, amina):
    register(landlord_a)
    report = import_stock(
        organisation=landlord_a,
        data=to_csv([lease(i) for i in range(30)]),
        file_name="r.csv",
        allow_departures=10,
    )
    run = ImportRun.objects.get(pk=report.run_id)
    client.force_login(amina)
    assert "départs annulés" not in client.get(reverse("housing:imports")).content.decode()
    import_undo_departures(actor=amina, run=run)
    html = client.get(reverse("housing:imports")).content.decode()
    assert f"10 départs annulés le {timezone.localdate():%d/%m/%Y}" in html
