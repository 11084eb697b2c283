"""Import pages: Amina (admin at Landlord A) uploads, previews, confirms; Bruno sees nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vigie.housing.models import Household, ImportRun, Occupant
from vigie.housing.tests.test_import import stock_rows, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, data: bytes, **extra):
    return client.post(
        reverse("housing:import_upload"),
        {"file": SimpleUploadedFile("export.csv", data, "text/csv"), "mode": "full", **extra},
    )


def test_upload_preview_confirm(client, amina, landlord_a, media):
    client.force_login(amina)
    page = client.get(reverse("housing:import_upload"))
    assert page.status_code == 200
    assert b'<label for="id_file">' in page.content
    response = upload(client, to_csv(stock_rows()))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "Confirmer l'import" in preview.content.decode()
    assert Household.objects.count() == 0  # the preview is a dry run
    assert ImportRun.objects.get().status == "dry_run"
    pending = list((media / "imports").iterdir())
    assert len(pending) == 2
    confirm_url = response["Location"] + "confirmer/"
    done = client.post(confirm_url)
    assert done.status_code == 302
    assert Household.objects.filter(organisation=landlord_a).count() == 5
    assert Occupant.objects.count() == 6
    run = ImportRun.objects.get(status="imported")
    assert done["Location"] == reverse("housing:import_run", args=[run.pk])
    assert list((media / "imports").iterdir()) == []  # the upload is deleted after confirm
    detail = client.get(done["Location"])
    assert detail.status_code == 200 and "export.csv" in detail.content.decode()
    listing = client.get(reverse("housing:imports"))
    assert reverse("housing:import_run", args=[run.pk]) in listing.content.decode()
    # Confirming twice is not possible: the upload is gone.
    assert client.post(confirm_url).status_code == 404


def test_preview_lists_errors_and_offers_no_confirm(client, amina):
    client.force_login(amina)
    rows = stock_rows()
    rows[3]["date_naissance"] = "31/02/1950"
    response = upload(client, to_csv(rows))
    preview = client.get(response["Location"]).content.decode()
    assert "« 31/02/1950 » n&#x27;est pas une date valide" in preview
    assert "Confirmer l&#x27;import" not in preview and "Confirmer l'import" not in preview
    assert client.post(response["Location"] + "confirmer/").status_code == 302
    assert Household.objects.count() == 0  # confirming anyway writes nothing: refused


def test_skip_invalid_and_mapping_through_the_form(client, amina):
    client.force_login(amina)
    rows = stock_rows()
    rows[0]["role"] = "TIT"
    rows[3]["date_naissance"] = "31/02/1950"
    mapping = SimpleUploadedFile("erp.toml", b'[values.role]\n"TIT" = "titulaire"\n')
    response = upload(client, to_csv(rows), skip_invalid="on", mapping=mapping)
    client.post(response["Location"] + "confirmer/")
    assert Household.objects.count() == 4
    bad = SimpleUploadedFile("erp.toml", b'[columns]\n"x" = "nope"\n')
    page = upload(client, to_csv(rows), mapping=bad)
    assert page.status_code == 200
    assert "n&#x27;est pas une colonne du modèle" in page.content.decode()


def test_other_landlord_gets_404_on_runs_and_uploads(client, amina, bruno, landlord_b):
    client.force_login(amina)
    response = upload(client, to_csv(stock_rows()))
    run = ImportRun.objects.get()
    client.force_login(bruno)
    # Bruno is a caller: he may not import at all.
    assert client.get(reverse("housing:import_run", args=[run.pk])).status_code == 403
    from vigie.conftest import make_user
    from vigie.core.permissions import Role

    admin_b = make_user("berenice", landlord_b, Role.ADMIN)
    client.force_login(admin_b)
    assert client.get(reverse("housing:import_run", args=[run.pk])).status_code == 404
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"] + "confirmer/").status_code == 404
    assert Household.objects.count() == 0


def test_example_file_is_served(client, amina):
    client.force_login(amina)
    response = client.get(reverse("housing:import_example"))
    assert response.status_code == 200
    assert b"ref_bail;ref_logement" in b"".join(response.streaming_content)
