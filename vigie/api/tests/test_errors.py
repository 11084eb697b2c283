"""Every refusal of the API is JSON, in French, and says what is wrong and where (found by QA:
pydantic's English, ninja's "Cannot parse request body", a plain-text 405, the HTML 404 page,
and a wave key in the wrong place silently ignored)."""

from __future__ import annotations

import re
import uuid
from datetime import date
from enum import StrEnum
from typing import Literal

import pytest
from django.test import Client
from ninja import Schema
from pydantic import Field, ValidationError, field_validator

from vigie.api import errors as french
from vigie.campaigns.models import Campaign
from vigie.core.tests.world import bearer

# What pydantic or ninja say in English: none of it may reach a caller.
ENGLISH = re.compile(
    r"Input should|Field required|Extra inputs|Cannot parse|Method not allowed|Not Found|"
    r"Unauthorized|CSRF check Failed|valid integer|String should|List should",
)


def french_json(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert not ENGLISH.search(response.content.decode("unicode_escape")), body
    return body


@pytest.fixture
def marc_api(marc):
    return Client(headers={"Authorization": bearer(marc)["HTTP_AUTHORIZATION"]})


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- 1. Field validation: a French sentence per error, naming the field ----------------------


@pytest.mark.django_db
def test_body_field_errors_name_the_field_and_what_is_expected(marc_api):
    body = {"starts_on": "2020-13-01", "ends_on": "17/03/2020", "sites": [3, "a"], "free": "oui?"}
    r = post(marc_api, "/api/v1/foodaid/programmes", body)
    out = french_json(r, 422)
    detail = out["detail"]
    assert detail.startswith("Requête invalide — ")
    assert "le champ « name » est obligatoire" in detail
    assert (
        "le champ « starts_on » doit être une date au format AAAA-MM-JJ (par exemple "
        "2020-03-17), reçu « 2020-13-01 »" in detail
    )
    assert "le champ « ends_on » doit être une date" in detail and "« 17/03/2020 »" in detail
    assert "le champ « sites[1] » doit être un nombre entier, reçu « a »" in detail
    assert "le champ « free » doit être vrai ou faux (true ou false)" in detail
    # The same, one per error, for programs: field, pydantic's type, a sentence.
    by_field = {e["field"]: e for e in out["errors"]}
    assert set(by_field) == {"name", "starts_on", "ends_on", "sites[1]", "free"}
    assert by_field["sites[1]"]["type"] == "int_parsing"
    assert by_field["sites[1]"]["loc"] == ["body", "payload", "sites", 1]
    assert by_field["name"]["msg"] == "Le champ « name » est obligatoire."


@pytest.mark.django_db
def test_nested_list_items_are_named_with_their_index(marc_api):
    waves = [{"name": "a"}, {"name": "b", "priority": "haute", "filters": [1]}]
    r = post(marc_api, "/api/v1/campaigns", {"as_of": "2020-03-17", "waves": waves})
    detail = french_json(r, 422)["detail"]
    assert "le champ « waves[1].priority » doit être un nombre entier, reçu « haute »" in detail
    assert "le champ « waves[1].filters » doit être un objet JSON ({…})" in detail
    assert Campaign.objects.count() == 0


@pytest.mark.django_db
def test_query_and_path_parameters_are_named_too(marc_api):
    r = marc_api.get("/api/v1/foodaid/programmes/1/report", {"from": "2020-13-01"})
    detail = french_json(r, 422)["detail"]
    assert detail == (
        "Requête invalide — le paramètre « from » doit être une date au format AAAA-MM-JJ "
        "(par exemple 2020-03-17), reçu « 2020-13-01 »."
    )
    r = marc_api.get("/api/v1/campaigns/douze")
    assert french_json(r, 422)["detail"] == (
        "Requête invalide — le paramètre d'adresse « campaign_id » doit être un nombre entier, "
        "reçu « douze »."
    )


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_or_is_missing(marc_api):
    r = post(marc_api, "/api/v1/campaigns", [1, 2])
    assert french_json(r, 422)["detail"] == (
        "Requête invalide — le corps de la requête doit être un objet JSON ({…})."
    )
    r = marc_api.post("/api/v1/campaigns", "", content_type="application/json")
    assert (
        "le corps de la requête est vide : un objet JSON est attendu"
        in (french_json(r, 422)["detail"])
    )


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Inner(Schema):
    model_config = {"extra": "forbid"}
    age_min: int = Field(0, ge=0, le=120)


class Sample(Schema):
    model_config = {"extra": "forbid"}
    code: str = Field("", max_length=3)
    label: str = Field("ab", min_length=2)
    tags: list[str] = Field([], max_length=2)
    ratio: float = Field(0.5, gt=0, lt=1.5)
    colour: Colour = Colour.RED
    mode: Literal["collect", "delivery"] = "collect"
    client_id: uuid.UUID | None = None
    account: str | int = ""
    when: date | None = None
    inner: Inner = Inner()
    email: str = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value == "fr":
            raise ValueError("l'adresse doit contenir une arobase")
        if value == "en":
            raise ValueError("value is not a valid email address")
        return value


def sentences(data: dict) -> dict[str, str]:
    try:
        Sample.model_validate(data)
    except ValidationError as exc:
        found = french.describe(Sample, "body", exc.errors())
    else:
        raise AssertionError("valid")
    for e in found:
        assert not ENGLISH.search(e["msg"]), e
    return {e["field"]: e["msg"] for e in found}


@pytest.mark.parametrize(
    ("data", "field", "sentence"),
    [
        ({"code": "ABCD"}, "code", "Le champ « code » ne doit pas dépasser 3 caractères."),
        ({"label": "a"}, "label", "Le champ « label » doit compter au moins 2 caractères, "),
        ({"label": ""}, "label", "Le champ « label » doit compter au moins 2 caractères."),
        ({"tags": ["a", "b", "c"]}, "tags", "Le champ « tags » accepte au plus 2 éléments."),
        (
            {"ratio": 0},
            "ratio",
            "Le champ « ratio » doit être supérieur à 0, reçu 0.",
        ),
        (
            {"ratio": 2},
            "ratio",
            "Le champ « ratio » doit être inférieur à 1,5, reçu 2.",
        ),
        (
            {"inner": {"age_min": 130}},
            "inner.age_min",
            "Le champ « inner.age_min » doit être inférieur ou égal à 120, reçu 130.",
        ),
        (
            {"inner": {"age_min": -1}},
            "inner.age_min",
            "Le champ « inner.age_min » doit être supérieur ou égal à 0, reçu -1.",
        ),
        (
            {"colour": "green"},
            "colour",
            "Le champ « colour » doit valoir l'une de ces valeurs : « red », « blue », "
            "reçu « green ».",
        ),
        (
            {"mode": "parcel"},
            "mode",
            "Le champ « mode » doit valoir l'une de ces valeurs : « collect », « delivery », "
            "reçu « parcel ».",
        ),
        (
            {"client_id": "abc"},
            "client_id",
            "Le champ « client_id » doit être un identifiant UUID (par exemple "
            "123e4567-e89b-12d3-a456-426614174000), reçu « abc ».",
        ),
        (
            {"account": [1]},
            "account",
            "Le champ « account » doit être un texte ou un nombre entier.",
        ),
        ({"when": 3.5}, "when", "Le champ « when » doit être une date sans heure (AAAA-MM-JJ), "),
        (
            {"tags": "a"},
            "tags",
            "Le champ « tags » doit être une liste ([…]), reçu « a ».",
        ),
        ({"inner": 3}, "inner", "Le champ « inner » doit être un objet JSON ({…}), reçu 3."),
        (
            {"email": "fr"},
            "email",
            "Le champ « email » : l'adresse doit contenir une arobase.",
        ),
        (
            {"email": "en"},
            "email",
            "Le champ « email » a une valeur qui ne convient pas, reçu « en ».",
        ),
        (
            {"colour_name": "red"},
            "colour_name",
            "Le champ « colour_name » est inconnu : rien n'a été enregistré (champs possibles à "
            "cet endroit : code, label, tags, ratio, colour, mode, client_id, account, when, "
            "inner, email).",
        ),
        (
            {"inner": {"age": 3}},
            "inner.age",
            "Le champ « inner.age » est inconnu : rien n'a été enregistré (champs possibles à "
            "cet endroit : age_min).",
        ),
    ],
)
def test_each_kind_of_error_has_its_sentence(data, field, sentence):
    assert sentences(data)[field].startswith(sentence)


def test_an_unknown_error_kind_still_names_the_field_in_french():
    found = french.describe(None, "body", [{"type": "some_future_kind", "loc": ("x", 0, "y")}])
    assert found[0]["msg"] == "Le champ « x[0].y » a une valeur qui ne convient pas."


def test_a_long_list_of_errors_is_cut_in_detail_not_in_errors():
    raw = [{"type": "missing", "loc": (f"f{i}",)} for i in range(13)]
    found = french.describe(None, "body", raw)
    assert len(found) == 13
    assert french.detail(found).endswith("le champ « f9 » est obligatoire ; et 3 autres erreurs.")


# --- 2. Not JSON, wrong method, unknown address, credentials ---------------------------------


@pytest.mark.django_db
def test_a_body_that_is_not_json_says_where_it_breaks(marc_api):
    r = marc_api.post("/api/v1/campaigns", '{\n  "as_of": "2020-03-17",\n}', "application/json")
    assert french_json(r, 400)["detail"] == (
        "Le corps de la requête n'est pas du JSON valide : un nom de champ entre guillemets "
        "doubles est attendu, ligne 3, colonne 1. Rien n'a été enregistré."
    )
    r = marc_api.post("/api/v1/campaigns", b'{"name": "\xe9t\xe9"}', "application/json")
    assert "doit être encodé en UTF-8" in french_json(r, 400)["detail"]
    assert Campaign.objects.count() == 0


@pytest.mark.django_db
def test_a_method_the_address_does_not_take_is_a_json_405_with_allow(marc_api):
    r = marc_api.put("/api/v1/campaigns", "{}", content_type="application/json")
    assert french_json(r, 405)["detail"] == (
        "La méthode PUT n'est pas acceptée à cette adresse ; méthodes possibles : GET, POST."
    )
    assert r["Allow"] == "GET, POST"
    r = marc_api.get("/api/v1/campaigns/1/next-call")
    assert r["Allow"] == "POST" and "POST" in french_json(r, 405)["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v1/", "/api/", "/api/v1/campaigns/", "/api/v2/campaigns"]
)
def test_an_unknown_address_under_api_is_a_json_404(marc_api, path):
    assert french_json(marc_api.get(path), 404)["detail"] == (
        f"Adresse inconnue de l'API : {path}. La liste des opérations est sur /api/docs."
    )
    assert french_json(marc_api.post(path, {}), 404)
    # A script's POST carries no CSRF token: it learns the address is wrong, not about CSRF.
    script = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer x"})
    assert french_json(script.post(path, {}), 404)


@pytest.mark.django_db
def test_missing_or_bad_credentials_are_french_json(marc):
    r = Client().get("/api/v1/campaigns")
    assert french_json(r, 401)["detail"] == "Authentification requise (jeton Bearer ou session)."
    assert r["WWW-Authenticate"] == "Bearer"
    r = Client().get("/api/v1/campaigns", headers={"Authorization": "Bearer vg_nope"})
    assert french_json(r, 401)["detail"].startswith("Jeton d'accès inconnu ou révoqué")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(marc)
    r = post(browser, "/api/v1/campaigns", {"as_of": "2020-03-17"})
    assert french_json(r, 403)["detail"].startswith("Vérification CSRF échouée")
    assert Campaign.objects.count() == 0


# --- 3. Unknown keys are refused, never ignored --------------------------------------------


@pytest.mark.django_db
def test_a_wave_key_outside_filters_is_refused_not_ignored(marc_api):
    """Found by QA: `residence_ids` beside `filters` returned 201 and the build then targeted
    every household."""
    wave = {"name": "Tabar", "cohorts": [], "residence_ids": [10]}
    r = post(marc_api, "/api/v1/campaigns", {"as_of": "2020-03-17", "waves": [wave]})
    out = french_json(r, 422)
    assert out["detail"] == (
        "Requête invalide — le champ « waves[0].residence_ids » est inconnu : rien n'a été "
        "enregistré (champs possibles à cet endroit : name, cohorts, priority, filters)."
    )
    assert out["errors"][0]["type"] == "extra_forbidden"
    assert Campaign.objects.count() == 0
    # Where it belongs, it is taken.
    wave = {"name": "Tabar", "cohorts": [], "filters": {"residence_ids": [10]}}
    body = {"name": "Tabar", "as_of": "2020-03-17", "waves": [wave]}
    r = post(marc_api, "/api/v1/campaigns", body)
    assert r.status_code == 201, r.content


@pytest.mark.django_db
def test_a_misspelt_top_level_key_is_refused(marc_api):
    r = post(marc_api, "/api/v1/campaigns", {"as_of": "2020-03-17", "wave": []})
    assert "le champ « wave » est inconnu" in french_json(r, 422)["detail"]
    r = post(marc_api, "/api/v1/campaigns", {"as_of": "2020-03-17", "questions": [{"txt": "?"}]})
    detail = french_json(r, 422)["detail"]
    assert "le champ « questions[0].text » est obligatoire" in detail
    assert "le champ « questions[0].txt » est inconnu" in detail
    assert Campaign.objects.count() == 0


def test_every_request_body_of_the_api_refuses_unknown_keys():
    """Central (vigie/api/api.py): a module's input schema needs no declaration of its own."""
    from vigie.api.api import body_schemas

    schemas = body_schemas()
    names = {s.__name__ for s in schemas}
    assert {"CampaignIn", "WaveIn", "QuestionIn", "AttemptIn", "FoodProgrammeIn"} <= names
    assert [s.__name__ for s in schemas if s.model_config.get("extra") != "forbid"] == []


def test_answers_still_take_what_they_are_given():
    """Output schemas are not touched: an answer built from a richer dict still validates."""
    from vigie.campaigns.api import WaveCount

    assert WaveCount.model_config.get("extra") != "forbid"


def test_the_openapi_document_describes_the_422_with_its_errors():
    from vigie.api.api import api

    schema = api.get_openapi_schema()
    answer = schema["paths"]["/api/v1/campaigns"]["post"]["responses"][422]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/Invalid")
    invalid = schema["components"]["schemas"]["Invalid"]["properties"]
    assert set(invalid) == {"detail", "errors"}
    # Input schemas say that they take no other key.
    assert schema["components"]["schemas"]["WaveIn"]["additionalProperties"] is False


@pytest.mark.django_db
def test_query_parameters_grouped_in_a_schema_keep_the_name_the_caller_wrote(marc_api):
    r = marc_api.get("/api/v1/reports/overview", {"from": "hier", "to": "2026-02-30"})
    out = french_json(r, 422)
    assert [e["field"] for e in out["errors"]] == ["from", "to"]
    assert "le paramètre « from » doit être une date" in out["detail"]
    assert "le paramètre « to » doit être une date" in out["detail"]
