"""Referrals end to end: a need raised in a call goes to the CCAS, which accepts and closes it.

Personas: Claire (caller at A), Marc (manager at A), Pierre (CCAS de Toulouse), Quentin (another
association), Bruno (caller at Landlord B), Paul (agency staff at A).
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from vigie.actions import selectors
from vigie.actions.choices import ReferralStatus, TaskOrigin
from vigie.actions.models import Referral, ReferralStep, Task
from vigie.actions.services import referral_create, referral_move
from vigie.actions.tests.conftest import raise_needs
from vigie.campaigns.models import Need
from vigie.core.errors import ConflictError, DomainError, PermissionDeniedError
from vigie.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_referral_from_call_to_done_with_a_real_email(
    campaign, claire, marc, pierre, ccas, asso, smtp, django_capture_on_commit_callbacks
):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    # Vigie suggests the partner offering meal delivery in the household's commune first.
    suggested = selectors.partners_for_need(claire, need)
    assert suggested[0] == (ccas, True)
    assert (asso, False) in suggested

    c = client_for(claire)
    page = c.get(reverse("actions:household_needs", args=[need.household_id]))
    assert page.status_code == 200 and "CCAS de Toulouse — suggéré" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("actions:need_refer", args=[need.pk]),
            {
                f"r{need.pk}-partner": ccas.pk,
                f"r{need.pk}-note": "Préfère être appelée le matin",
                f"r{need.pk}-send": "on",
            },
        )
    assert r.status_code == 302
    referral = Referral.objects.get(need=need)
    assert referral.status == ReferralStatus.SENT and referral.sent_at
    assert referral.partner_organisation_id == ccas.partner_organisation_id

    # The e-mail really went through SMTP, to the partner, with a link and no personal data.
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["to"] == ["ccas@example.org"]
    assert f"/actions/orientations/{referral.pk}/" in mail["data"]
    for personal in ("DUPONT", "Jeanne", "0561123456", "61 12 34 56", "+33561123456", "Lilas"):
        assert personal not in mail["data"]
    assert "portage" not in mail["data"].lower()

    # Pierre sees it in his inbox, with name, address, phone, the need and the note.
    p = client_for(pierre)
    inbox = p.get(reverse("actions:referrals"))
    assert inbox.status_code == 200 and "portage de repas" in text(inbox)
    detail = text(p.get(reverse("actions:referral", args=[referral.pk])))
    assert "DUPONT Jeanne" in detail and "05 61 12 34 56" in detail  # the French way
    assert "Préfère être appelée le matin" in detail
    assert "Cohortes" not in detail and "handicap" not in detail.lower()

    # He accepts, then records what was done; the need is resolved.
    p.post(
        reverse("actions:referral_move", args=[referral.pk]),
        {"to": "accepted", "version": referral.version + 0},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    p.post(
        reverse("actions:referral_move", args=[referral.pk]),
        {"to": "done", "version": referral.version, "note": "Repas livrés depuis le 20/03"},
    )
    referral.refresh_from_db()
    need.refresh_from_db()
    assert referral.status == ReferralStatus.DONE and referral.closed_at
    assert need.status == "resolved" and need.resolved_at
    steps = list(
        ReferralStep.objects.filter(referral=referral).values_list("status", "by__username")
    )
    assert steps == [
        ("proposed", "claire"),
        ("sent", "claire"),
        ("accepted", "pierre"),
        ("done", "pierre"),
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"referral.sent", "referral.accepted", "referral.done", "need.resolved"} <= actions

    # The landlord sees the status move; the household timeline shows it.
    landlord_view = text(client_for(marc).get(reverse("actions:referral", args=[referral.pk])))
    assert "réalisée" in landlord_view and "Repas livrés" in landlord_view
    household_page = text(
        client_for(claire).get(reverse("housing:household", args=[need.household_id]))
    )
    assert "Orientation vers CCAS de Toulouse" in household_page


def test_partner_workers_see_only_their_own_referrals(
    campaign, claire, pierre, quentin, bruno, paul, ccas, asso
):
    need_a, need_b = raise_needs(campaign, claire, ["meal_delivery", "groceries"])
    to_ccas = referral_create(actor=claire, need=need_a, partner=ccas)
    to_asso = referral_create(actor=claire, need=need_b, partner=asso)
    draft = referral_create(actor=claire, need=need_b, partner=ccas, send=False)

    p = client_for(pierre)
    assert p.get(reverse("actions:referral", args=[to_ccas.pk])).status_code == 200
    # Another partner's referral, and one the landlord has not sent yet: 404.
    assert p.get(reverse("actions:referral", args=[to_asso.pk])).status_code == 404
    assert p.get(reverse("actions:referral", args=[draft.pk])).status_code == 404
    inbox = text(p.get(reverse("actions:referrals") + "?status=all"))
    assert "courses" not in inbox and "portage de repas" in inbox
    # Nothing else of the register: 403 on the other pages.
    for name, args in [
        ("housing:households", []),
        ("housing:household", [need_a.household_id]),
        ("actions:tickets", []),
        ("actions:partners", []),
        ("actions:my_tasks", []),
        ("actions:household_needs", [need_a.household_id]),
        ("actions:report", []),
        ("campaigns:list", []),
    ]:
        assert p.get(reverse(name, args=args)).status_code == 403, name
    # He cannot answer for another partner, nor send or cancel for the landlord.
    r = p.post(
        reverse("actions:referral_move", args=[to_asso.pk]), {"to": "accepted", "version": 2}
    )
    assert r.status_code == 404
    with pytest.raises(PermissionDeniedError):
        referral_move(actor=pierre, referral=to_ccas, to="cancelled", version=None, note="x")
    with pytest.raises(PermissionDeniedError):
        referral_move(actor=quentin, referral=to_ccas, to="accepted", version=None)

    # Another landlord's caller, and agency staff: 404 / 403.
    assert client_for(bruno).get(reverse("actions:referral", args=[to_ccas.pk])).status_code == 404
    assert client_for(paul).get(reverse("actions:referral", args=[to_ccas.pk])).status_code == 403
    assert not Referral.objects.visible_to(bruno, "referral.view").exists()


def test_extra_information_goes_only_with_consent(campaign, claire, pierre, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    with pytest.raises(DomainError, match="consentement"):
        referral_create(actor=claire, need=need, partner=ccas, share_cohorts=True)
    with pytest.raises(DomainError, match="consentement"):
        referral_create(actor=claire, need=need, partner=ccas, extra_notes="Vit seule")
    r = referral_create(
        actor=claire,
        need=need,
        partner=ccas,
        share_cohorts=True,
        extra_notes="Vit seule, fille à Lyon",
        consent=True,
    )
    assert r.consent_at and r.consent_by == claire
    card = selectors.referral_card(pierre, r)
    assert card["cohorts"] == ["75 ans et plus"]
    assert card["extra_notes"] == "Vit seule, fille à Lyon"
    assert card["disability"] is None  # not ticked: the partner does not learn it


def test_declined_referral_creates_a_task_for_the_campaign_manager(
    campaign, claire, marc, pierre, ccas
):
    (need,) = raise_needs(campaign, claire, ["groceries"])
    r = referral_create(actor=claire, need=need, partner=ccas)
    with pytest.raises(DomainError, match="motif"):
        referral_move(actor=pierre, referral=r, to="declined", version=r.version)
    r = referral_move(
        actor=pierre, referral=r, to="declined", version=r.version, note="Hors secteur"
    )
    task = Task.objects.get(referral=r)
    assert task.owner == marc and task.origin == TaskOrigin.REFERRAL_DECLINED
    assert task.need == need
    need.refresh_from_db()
    assert need.status == "open"  # declined is not done
    # The manager's task done: nothing else is open on the need, it is resolved.
    client_for(marc).post(
        reverse("actions:task_move", args=[task.pk]),
        {"to": "done", "version": task.version, "note": "Orientée vers les Restos"},
    )
    need.refresh_from_db()
    assert need.status == "resolved"


def test_a_stale_save_is_refused_with_a_clear_message(campaign, claire, pierre, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    r = referral_create(actor=claire, need=need, partner=ccas)
    seen = r.version
    referral_move(actor=pierre, referral=r, to="accepted", version=seen)
    with pytest.raises(ConflictError, match="modifié·e par quelqu'un d'autre"):
        referral_move(actor=claire, referral=r, to="cancelled", version=seen, note="doublon")
    response = client_for(claire).post(
        reverse("actions:referral_move", args=[r.pk]),
        {"to": "cancelled", "version": seen, "note": "doublon", "confirmed": "1"},
        follow=True,
    )
    assert "modifié·e par quelqu'un d'autre" in text(response)
    r.refresh_from_db()
    assert r.status == ReferralStatus.ACCEPTED


def test_transitions_follow_the_table(campaign, claire, pierre, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    r = referral_create(actor=claire, need=need, partner=ccas, send=False)
    with pytest.raises(ConflictError):
        referral_move(actor=None, referral=r, to="accepted", version=None)
    # The partner is not told the status of a referral it was not sent (issue #10 §2).
    with pytest.raises(PermissionDeniedError):
        referral_move(actor=pierre, referral=r, to="accepted", version=None)
    r = referral_move(actor=claire, referral=r, to="cancelled", version=None, note="erreur")
    with pytest.raises(ConflictError):
        referral_move(actor=claire, referral=r, to="sent", version=None)
    assert Need.objects.get(pk=need.pk).status == "open"


def test_referral_list_has_constant_queries(
    campaign, claire, pierre, ccas, django_assert_max_num_queries
):
    needs = raise_needs(campaign, claire, ["meal_delivery", "groceries", "isolation"])
    for n in needs:
        referral_create(actor=claire, need=n, partner=ccas)
    for user in (claire, pierre):
        c = client_for(user)
        c.get(reverse("actions:referrals"))
        with django_assert_max_num_queries(12):
            assert c.get(reverse("actions:referrals")).status_code == 200


def test_one_click_ccas_from_reference_data(landlord_a, marc, residence_nord):
    c = client_for(marc)
    page = text(c.get(reverse("actions:partners")))
    assert "Créer le CCAS de Toulouse" in page
    r = c.post(reverse("actions:ccas_create", args=["31555"]))
    assert r.status_code == 302
    from vigie.actions.models import Partner
    from vigie.housing.models import Commune

    p = Partner.objects.get(organisation=landlord_a)
    town = Commune.objects.get(insee_code="31555")
    assert p.name == "CCAS de Toulouse" and p.kind == "ccas"
    assert p.partner_organisation.slug == "ccas-31555"
    assert p.phone == town.town_hall_phone and p.address == town.town_hall_address
    assert list(p.communes.values_list("insee_code", flat=True)) == ["31555"]
    assert "Créer le CCAS de Toulouse" not in text(c.get(reverse("actions:partners")))


def test_a_ccas_is_named_the_french_way(landlord_a, marc):
    """Issue #12 §10: "CCAS d'Albi", never "CCAS de Albi"."""
    from vigie.actions.services import partner_create_ccas
    from vigie.housing.models import Commune

    albi = Commune.objects.get(insee_code="81004")
    partner = partner_create_ccas(actor=marc, organisation=landlord_a, commune=albi)
    assert partner.name == "CCAS d'Albi"
    assert partner.partner_organisation.name == "CCAS d'Albi"
