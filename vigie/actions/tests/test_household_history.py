"""The household history: each journal entry only for the roles that need it, always in French
(issue #10 §3).

Personas: Claire (caller at A) calls Jeanne DUPONT and refers her to the CCAS; Dora (DPO at A)
answers Jeanne's access request and refuses another with its legal reason. Paul (agency staff at
Toulouse Nord, Jeanne's agency), Claire, Marc (manager) and Amina (administrator) must not learn
that Jeanne exercised her rights; Dora sees the whole history, calls and referrals included.
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from vigie.actions.services import referral_create
from vigie.actions.tests.conftest import raise_needs
from vigie.core import journal
from vigie.housing.tests.factories import make_household
from vigie.privacy.services import subject_access_record, subject_request_refuse

pytestmark = pytest.mark.django_db

RIGHTS_CODES = [c for c in journal.codes() if c.startswith("subject.")]


def page(user, household) -> str:
    c = Client()
    c.force_login(user)
    response = c.get(reverse("housing:household", args=[household.pk]))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    return body[body.index('id="historique"') :]


def assert_no_raw_code(body: str) -> None:
    for code in journal.codes():
        assert not re.search(rf"\b{re.escape(code)}\b", body), code
    assert not re.search(r"<code>\s*[a-z_]+\.[a-z_]+\s*</code>", body)


@pytest.fixture
def history(campaign, claire, dora, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    referral_create(actor=claire, need=need, partner=ccas)
    household = need.household
    jeanne = household.occupants.get(first_name="Jeanne")
    subject_access_record(actor=dora, occupant=jeanne)
    subject_request_refuse(
        actor=dora,
        occupant=jeanne,
        kind="erasure",
        legal_reason="Obligation légale de conservation du bail en cours",
    )
    return household


def test_staff_do_not_learn_that_a_tenant_exercised_her_rights(history, paul, claire, marc, amina):
    for user in (paul, claire, marc, amina):
        body = page(user, history)
        for code in RIGHTS_CODES:
            assert code not in body, (user.username, code)
            assert str(journal.codes()[code].label) not in body, (user.username, code)
        assert "droit d'accès" not in body and "dora" not in body, user.username
        assert_no_raw_code(body)


def test_the_dpo_sees_the_full_history_in_french(history, dora):
    body = page(dora, history)
    assert "Aucun événement" not in body
    assert "Données d'une personne communiquées (droit d'accès)" in body
    assert "Demande d'une personne refusée, avec son motif légal" in body
    # The records around the household, which the DPO's role does not open otherwise.
    assert "Appel enregistré" in body
    assert "Orientation proposée" in body and "Orientation envoyée au partenaire" in body
    assert_no_raw_code(body)


def test_the_caller_sees_her_own_follow_up_by_label(history, claire):
    body = page(claire, history)
    assert "Orientation vers CCAS de Toulouse" in body  # the referral, from its provider
    assert_no_raw_code(body)


def test_an_empty_history_reads_aucun_evenement_without_numbering(landlord_a, dora, marc):
    household = make_household(
        landlord_a, [{"last_name": "VIDE", "first_name": "Rose"}], reference="BAIL-VIDE"
    )
    for user in (dora, marc):
        body = page(user, household)
        section = body[: body.index("</section>")]
        assert "Aucun événement pour ce ménage." in section
        assert "<ol" not in section and "<li" not in section


def test_an_unregistered_code_is_never_shown(history, dora):
    from vigie.core.models import AuditEvent

    AuditEvent.objects.create(
        organisation_id=history.organisation_id,
        action="secret.unknown",
        object_type="housing.household",
        object_id=str(history.pk),
    )
    assert "secret.unknown" not in page(dora, history)
