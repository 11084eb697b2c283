"""The demo's mediation centre: L'Amandier serving the demo landlord and "voisin", practitioners
of every discipline and a dozen cases in every state, each with its own (synthetic) story and
referred over the past year — one paused during the 2020 lockdown and resumed (called by `vigie
seed_demo`, `make demo`)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Membership, User
from vigie.accounts.services import user_create
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

# The demo's French texts are data (like the demo register's names), kept out of the source.
TEXTS: dict[str, str] = json.loads(
    (Path(__file__).parent / "data" / "demo_texts.json").read_text("utf-8")
)

STAFF = (
    ("amandier-direction", Role.MEDIATION_DIRECTOR, []),
    ("mediatrice", Role.MEDIATOR, ["mediator"]),
    ("med-familiale", Role.MEDIATOR, ["family_mediator"]),
    ("avocat", Role.MEDIATOR, ["lawyer"]),
    ("juriste", Role.MEDIATOR, ["jurist"]),
    ("medecin", Role.MEDIATOR, ["doctor"]),
    ("psychologue", Role.MEDIATOR, ["psychologist"]),
    ("psychiatre", Role.MEDIATOR, ["psychiatrist"]),
)


def _user(username, centre, role, password, disciplines):
    from vigie.mediation.services import disciplines_set

    user = User.objects.filter(username=username).first()
    if user is None or not user.memberships.filter(organisation=centre, role=role).exists():
        user = user_create(
            username=username,
            organisation=centre,
            role=role,
            password=password,
            email=f"{username}@amandier.example",
        )
    if disciplines:
        disciplines_set(centre=centre, user=user, disciplines=disciplines)
    return user


def _manager(landlord):
    m = (
        Membership.objects.filter(organisation=landlord, role__in=(Role.MANAGER, Role.CALLER))
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return m.user if m else None


# When each demo case (by its number in `seed`) was referred, in days before today, then how
# many days after that the centre answered, the case opened (every consent in) and closed.
# None: not yet. The closed ones spread over the past year, the open ones over recent weeks.
AGES: list[tuple[int, int | None, int | None, int | None]] = [
    (2, None, None, None),  # 0: just referred
    (9, None, None, None),  # 1: referred, still unanswered (the 48-hour reminder)
    (16, 2, None, None),  # 2: accepted
    (41, 3, None, None),  # 3: declined
    (27, 2, None, None),  # 4: waiting for a consent
    (63, 2, 12, None),  # 5: in progress
    (48, 3, 10, None),  # 6: in progress
    (86, 2, 15, None),  # 7: paused
    (340, 3, 14, 75),  # 8-12: closed
    (285, 2, 12, 60),
    (224, 4, 16, 90),
    (168, 2, 10, 70),
    (121, 3, 12, 55),
    (52, 2, None, None),  # 13: a party refused
    (36, 1, 6, None),  # 14: support, in progress
]


def _spread_over_past_months(cases, today, ages=None) -> None:
    """Date the demo's cases as if referred over the past months (they were all made today)."""
    from vigie.mediation.models import Case, Party

    for case, (ago, answered, opened, closed) in zip(cases, ages or AGES, strict=True):
        referred_on = today - timedelta(days=ago)

        def after(days, start=referred_on):
            return None if days is None else start + timedelta(days=days)

        # Consents: all in when the case opened; else a few days after the centre's answer.
        consented = after(opened if opened is not None else (answered or 0) + 3)
        if consented is not None and consented > today:
            consented = today
        Case.objects.filter(pk=case.pk).update(
            referred_on=referred_on,
            answered_on=after(answered),
            opened_on=after(opened),
            closed_on=after(closed),
        )
        Case.objects.filter(pk=case.pk, agreement_signed_on__isnull=False).update(
            agreement_signed_on=after(closed)
        )
        Party.objects.filter(case=case, consent_on__isnull=False).update(consent_on=consented)


def seed(*, landlord, stdout, password) -> list:
    from vigie.housing.models import Household
    from vigie.mediation import services
    from vigie.mediation.models import Case, Party, ServiceAgreement

    centre = Organisation.objects.filter(slug="amandier").first() or Organisation.objects.create(
        slug="amandier",
        name=TEXTS["centre_name"],
        kind=OrganisationKind.MEDIATION_CENTRE,
    )
    neighbour = Organisation.objects.filter(slug="voisin").first()
    for served in (landlord, neighbour):
        if (
            served is not None
            and not ServiceAgreement.objects.filter(organisation=centre, landlord=served).exists()
        ):
            services.agreement_create(actor=None, centre=centre, landlord=served)
    staff = {name: _user(name, centre, role, password, d) for name, role, d in STAFF}
    accounts = [(name, centre, role, {}) for name, role, _d in STAFF]
    if Case.objects.filter(organisation=centre).exists():
        return accounts
    manager = _manager(landlord)
    if manager is None:
        return accounts
    director = staff["amandier-direction"]
    homes = list(Household.objects.filter(organisation=landlord).order_by("pk")[:40])
    today = timezone.localdate()

    def refer(i, trouble="noise", type="dispute", n=2, who=manager, land_homes=homes, key=None):
        return services.referral_create(
            actor=who,
            centre=centre,
            type=type,
            households=[h.pk for h in land_homes[2 * i : 2 * i + n]],
            trouble=trouble,
            intensity=1 + i % 4,
            summary=TEXTS["summaries"][key or str(i)],
        )

    def consent_all(case):
        for party in Party.objects.filter(case=case):
            case = services.consent_record(
                actor=director, case=case, party=party, given_on=today, how="oral"
            )
        return case

    def session(case, days, modality, kind="joint", who=("mediatrice",)):
        parties = [p.pk for p in Party.objects.filter(case=case)]
        services.session_plan(
            actor=director,
            case=case,
            kind=kind,
            parties=parties if kind == "joint" else parties[:1],
            modality=modality,
            video_url="https://visio.amandier.example/salle-1" if modality == "video" else "",
            starts_at=timezone.make_aware(datetime.combine(today + timedelta(days=days), time(10))),
            practitioners=[staff[w] for w in who],
        )

    with transaction.atomic():
        cases = [refer(0), refer(1, trouble="smells")]
        cases.append(refer(2, trouble="animals"))
        services.case_accept(actor=director, case=cases[-1])
        cases.append(refer(3, trouble="incivilities"))
        services.case_decline(
            actor=director,
            case=cases[-1],
            reason=TEXTS["declined"],
        )
        waiting = refer(4, trouble="common_areas")
        cases.append(waiting)
        services.case_accept(actor=director, case=waiting)
        first = Party.objects.filter(case=waiting).first()
        services.consent_record(
            actor=director, case=waiting, party=first, given_on=today, how="written"
        )
        for i, trouble in ((5, "noise"), (6, "children")):
            case = refer(i, trouble=trouble)
            cases.append(case)
            services.case_accept(actor=director, case=case)
            case = consent_all(case)
            session(case, 2, "phone", kind="separate")
            session(case, 7, "video", who=("mediatrice", "avocat"))
            services.note_write(
                actor=staff["mediatrice"],
                case=case,
                compartment="mediation",
                text=TEXTS["first_note"],
            )
        paused = refer(7, trouble="discrimination")
        cases.append(paused)
        services.case_accept(actor=director, case=paused)
        paused = consent_all(paused)
        services.case_pause(
            actor=director,
            case=paused,
            reason=TEXTS["hospital"],
            resume_on=today + timedelta(days=30),
        )
        outcomes = [
            ("agreement", True),
            ("dialogue_resumed", False),
            ("complaints_stopped", False),
            ("transfer_or_move", False),
            ("failure", False),
        ]
        for offset, (outcome, shared) in enumerate(outcomes):
            case = refer(
                8 + offset, trouble=["noise", "smells", "children", "noise", "animals"][offset]
            )
            cases.append(case)
            services.case_accept(actor=director, case=case)
            case = consent_all(case)
            # Its joint session three weeks after it opened (see AGES below).
            referred_ago, _answer, opened_after, _close = AGES[8 + offset]
            session(case, -referred_ago + opened_after + 21, "on_site")
            services.case_close(
                actor=director,
                case=case,
                outcome=outcome,
                agreement_text=TEXTS["agreement"] if shared else "",
                agreement_shareable=shared,
            )
        refused = refer(13, trouble="noise")
        cases.append(refused)
        services.case_accept(actor=director, case=refused)
        services.consent_record(
            actor=director,
            case=refused,
            party=Party.objects.filter(case=refused).first(),
            given_on=today,
            how="oral",
            refused=True,
        )
        # The parents' psychological support (a support case, one household).
        support = refer(14, type="support", trouble="other", n=1)
        cases.append(support)
        services.case_accept(actor=director, case=support)
        support = consent_all(support)
        session(support, 3, "phone", kind="separate", who=("psychologue",))
        services.note_write(
            actor=staff["psychologue"],
            case=support,
            compartment="medical",
            text=TEXTS["support_note"],
        )
        # The lockdown case: prepared by phone in March 2020, paused, resumed and settled.
        lockdown = refer(15, trouble="noise")
        services.case_accept(actor=director, case=lockdown)
        lockdown = consent_all(lockdown)
        services.case_pause(
            actor=director,
            case=lockdown,
            reason=TEXTS["lockdown"],
            resume_on=date(2020, 5, 11),
        )
        lockdown = services.case_resume(actor=director, case=lockdown)
        services.case_close(
            actor=director,
            case=lockdown,
            outcome="agreement",
            agreement_text=TEXTS["lockdown_agreement"],
            agreement_shareable=True,
        )
        Case.objects.filter(pk=lockdown.pk).update(
            referred_on=date(2020, 3, 2),
            answered_on=date(2020, 3, 5),
            opened_on=date(2020, 3, 12),
            closed_on=date(2020, 6, 30),
            pause_reason=TEXTS["lockdown"],
        )
        _spread_over_past_months(cases, today)
        if neighbour is not None:
            other_manager = _manager(neighbour)
            other_homes = list(Household.objects.filter(organisation=neighbour).order_by("pk")[:4])
            if other_manager is not None and len(other_homes) >= 2:
                other = refer(0, who=other_manager, land_homes=other_homes, key="neighbour")
                _spread_over_past_months([other], today, ages=[(5, None, None, None)])
    stdout.write(
        _("Médiation : %(n)s médiations au centre %(centre)s.")
        % {"n": Case.objects.filter(organisation=centre).count(), "centre": centre.name}
    )
    return accounts
