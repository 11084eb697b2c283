"""The caller's pages: the console (keyboard first), callbacks, the paper sheet and its entry.

The console is one page; "Appel suivant" and "Enregistrer" are htmx posts that swap the call
card (`#call`). Without JavaScript the same forms post and redirect back to the console.
Every call goes through `queue.next_call` and `services.attempt_record`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from vigie.accounts.reauth import recent_auth_required
from vigie.campaigns import queue, selectors, services
from vigie.campaigns.choices import (
    SENSITIVE_NEEDS,
    AttemptResult,
    NeedKind,
    Outcome,
    QuestionKind,
)
from vigie.campaigns.models import Campaign, Target
from vigie.core.exports import table_response
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.phones import format_phone
from vigie.core.sensitivity import may_see_health
from vigie.core.services import access_record
from vigie.housing.choices import Cohort

# What the caller says happened, one key each: (value, key, label, result, outcome). No key is
# a letter that looks like a digit (the needs take 1…9 and 0): "Ligne occupée" is L, not O.
CALL_CHOICES: list[tuple[str, str, Any, str, str]] = [
    (
        "reassuring",
        "R",
        gettext_lazy("Joint — rassurant"),
        AttemptResult.REACHED,
        Outcome.REASSURING,
    ),
    (
        "follow_up",
        "S",
        gettext_lazy("Joint — suite à donner"),
        AttemptResult.REACHED,
        Outcome.NEEDS_FOLLOW_UP,
    ),
    ("no_answer", "P", gettext_lazy("Pas de réponse"), AttemptResult.NO_ANSWER, ""),
    ("voicemail", "M", gettext_lazy("Messagerie"), AttemptResult.VOICEMAIL, ""),
    ("busy", "L", gettext_lazy("Ligne occupée"), AttemptResult.BUSY, ""),
    ("wrong_number", "F", gettext_lazy("Faux numéro"), AttemptResult.WRONG_NUMBER, ""),
    ("refused", "X", gettext_lazy("Refus"), AttemptResult.REFUSED, ""),
    ("callback", "C", gettext_lazy("Joint — à rappeler"), AttemptResult.REACHED, ""),
]
# The other single keys of the console (console.js): next call, the notes.
NEXT_KEY = "J"
NOTES_KEY = "N"
CALL_MAP = {value: (result, outcome) for value, _k, _l, result, outcome in CALL_CHOICES}
# Needs toggled with the digits 1…9 then 0.
NEED_KEYS = [(kind, label, str((i + 1) % 10)) for i, (kind, label) in enumerate(NeedKind.choices)]
SHEET_DEFAULT = 30


def _parse_local_datetime(raw: str) -> datetime | None:
    """A datetime-local field ("2020-03-19T14:00") or "19/03/2020 14:00", Europe/Paris."""
    raw = (raw or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%Y-%m-%d %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(raw, fmt))
        except ValueError:
            continue
    raise services.CampaignInputError(
        _("« %(value)s » n'est pas une date et heure de rappel valide (jj/mm/aaaa hh:mm).")
        % {"value": raw}
    )


def _attempt_input(post: Any, questions: list, prefix: str = "") -> dict[str, Any]:
    """The console's (or one paper row's) fields, as `attempt_record` takes them."""
    call = post.get(f"{prefix}call", "")
    if call not in CALL_MAP:
        raise services.CampaignInputError(
            _(
                "Choisissez ce qui s'est passé : joint (rassurant, suite à donner, à rappeler), "
                "pas de réponse, messagerie, occupé, faux numéro ou refus."
            )
        )
    result, outcome = CALL_MAP[call]
    callback_at = _parse_local_datetime(post.get(f"{prefix}callback_at", ""))
    if call == "callback" and callback_at is None:
        raise services.CampaignInputError(_("Indiquez la date et l'heure du rappel."))
    needs = [n for n in post.getlist(f"{prefix}needs") if n]
    if call == "callback" and needs:
        outcome = Outcome.NEEDS_FOLLOW_UP
    answers = {}
    for q in questions:
        value = post.get(f"{prefix}q{q.pk}", "")
        if value:
            answers[str(q.pk)] = value
    return {
        "result": result,
        "outcome": outcome or None,
        "needs": needs,
        "answers": answers,
        "notes": post.get(f"{prefix}notes", "").strip(),
        "callback_at": callback_at,
    }


CLAIM_SALT = "vigie.campaigns.console.claim"


def claim_token(target: Target, user: Any) -> str:
    """Signed on the call card: this caller held this household when the card was shown."""
    return signing.dumps([target.pk, user.pk], salt=CLAIM_SALT, compress=True)


def _held_when_departed(post: Any, target: Target, user: Any) -> bool:
    """Whether the form's token says this caller held the household (a day at most)."""
    try:
        value = signing.loads(post.get("claim", ""), salt=CLAIM_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return False
    return value == [target.pk, user.pk]


def household_name(occupants: list[Any]) -> str:
    """The household as people say it: its adults' names (everyone's if no adult is listed)."""
    people = [o for o in occupants if o.role != "enfant"] or occupants
    names = [" ".join(p for p in (o.last_name, o.first_name) if p) for o in people]
    return ", ".join(n for n in names if n)


def _call_context(request, target: Target) -> dict[str, Any]:
    """What the console shows about the household of a claimed target."""
    user = request.user
    org_id = target.organisation_id
    sensitive = may_see_health(user, org_id)
    notes = user.has_org_perm(Perm.CALL_NOTES_VIEW, org_id)
    h = target.household
    today = timezone.localdate()
    cohort_labels = dict(Cohort.choices)
    occupants = []
    everyone = list(h.occupants.all())
    for o in everyone:
        occupants.append(
            {
                "o": o,
                "age": o.age_on(today),
                "phones": [(format_phone(p), p) for p in o.usable_phones],
                "disability": sensitive and o.disability,
            }
        )
    # The number to dial: the first usable one, in the register's order of occupants.
    dial = next(
        (
            {"shown": shown, "raw": raw, "who": row["o"]}
            for row in occupants
            for shown, raw in row["phones"]
        ),
        None,
    )
    attempts = [
        {
            "a": a,
            "result": AttemptResult(a.result).label,
            "outcome": Outcome(a.outcome).label if a.outcome else "",
            "notes": a.notes if notes else "",
        }
        for a in selectors.household_attempts(h)[:20]
    ]
    questions = list(target.campaign.questions.all())
    return {
        "campaign": target.campaign,
        "target": target,
        "h": h,
        "household_name": household_name(everyone) or h.reference,
        "dial": dial,
        "claim": claim_token(target, user),
        "occupants": occupants,
        "cohorts": [
            cohort_labels.get(c, c) for c in target.cohorts if sensitive or c != "disability"
        ],
        "attempts": attempts,
        "show_notes": notes,
        "open_needs": [
            NeedKind(n.kind).label for n in selectors.household_open_needs(h, sensitive=sensitive)
        ],
        "questions": questions,
        "call_choices": CALL_CHOICES,
        "need_keys": [nk for nk in NEED_KEYS if sensitive or nk[0] not in SENSITIVE_NEEDS],
        "notes_key": NOTES_KEY,
        "QuestionKind": QuestionKind,
        "callback_promised": target.due_at if target.preferred_caller_id == user.pk else None,
    }


def _empty_context(campaign: Campaign, user: Any) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "next_callback": selectors.next_callback_at(campaign, user),
        "next_due": selectors.next_due_at(campaign),
    }


def _count(campaign: Campaign, user: Any) -> int:
    return selectors.caller_attempt_count(campaign, user)


@requires(Perm.CALL_TAKE)
def console(request, pk: int):
    """The caller console; a call already held (after a reload) is shown again."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    held = selectors.console_held_target(request.user, campaign)
    ctx: dict[str, Any] = {
        "section": "campaigns",
        "campaign": campaign,
        "my_count": _count(campaign, request.user),
        "call_choices": CALL_CHOICES,
        "need_keys": NEED_KEYS,
        "next_key": NEXT_KEY,
        "notes_key": NOTES_KEY,
        "prefs": selectors.caller_settings(request.user),
    }
    if held is not None:
        ctx.update(_call_context(request, held))
    return TemplateResponse(request, "campaigns/console.html", ctx)


@requires(Perm.CALL_TAKE)
@require_POST
def console_settings(request):
    """Save the caller's console settings (next call by itself, single-key shortcuts)."""
    services.caller_settings_set(
        actor=request.user,
        auto_next=request.POST.get("auto_next") == "on",
        shortcuts=request.POST.get("shortcuts") == "on",
    )
    messages.success(request, _("Réglages de la console enregistrés."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("campaigns:list")
    return redirect(back)


def _released_key(campaign: Campaign) -> str:
    return f"console-released-{campaign.pk}"


def _take_next(request, campaign: Campaign) -> Target | None:
    """The next call, not the household this caller just gave back when there is another."""
    skip = request.session.pop(_released_key(campaign), None)
    target = queue.next_call(campaign=campaign, caller=request.user, skip=skip)
    if target is None and skip is not None:
        target = queue.next_call(campaign=campaign, caller=request.user)
    return target


def _call_response(request, target: Target, **extra: Any) -> TemplateResponse:
    """The call card of a household just claimed (the household's reading is access-logged)."""
    target = selectors.console_target(request.user, target.pk)
    access_record(
        user=request.user, action=AccessAction.VIEW, obj=target.household, path=request.path
    )
    return TemplateResponse(
        request,
        "campaigns/partials/console_call.html",
        {**_call_context(request, target), **extra},
    )


@requires(Perm.CALL_TAKE)
@require_POST
def next_call(request, pk: int):
    """Take the next due household through the queue (claims it for this caller)."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    # A refusal: a message on the console page, or said in the idle card to an HTMX request.
    with service_call(request, flash=not request.htmx) as call:
        target = _take_next(request, campaign)
    if call.failed:
        if not request.htmx:
            return redirect("campaigns:console", pk=campaign.pk)
        return TemplateResponse(
            request,
            "campaigns/partials/console_idle.html",
            {"campaign": campaign, "error": call.message},
        )
    if target is None:
        if not request.htmx:
            messages.info(request, _("Rien à appeler pour le moment."))
            return redirect("campaigns:console", pk=campaign.pk)
        return TemplateResponse(
            request,
            "campaigns/partials/console_empty.html",
            _empty_context(campaign, request.user),
        )
    if not request.htmx:
        access_record(
            user=request.user, action=AccessAction.VIEW, obj=target.household, path=request.path
        )
        return redirect("campaigns:console", pk=campaign.pk)
    return _call_response(request, target)


@requires(Perm.CALL_TAKE)
@require_POST
def record(request, pk: int):
    """Record the call of a claimed household; a lost claim says so in French.

    With the caller's "appel suivant automatique" setting (the default), the next household
    comes at once in the same answer.
    """
    target = selectors.target_for(request.user, pk, Perm.CALL_TAKE)
    campaign = target.campaign
    with service_call(request, flash=not request.htmx) as call:
        data = _attempt_input(request.POST, list(campaign.questions.all()))
        attempt = services.attempt_record(
            actor=request.user,
            target=target,
            held_when_departed=_held_when_departed(request.POST, target, request.user),
            **data,
        )
    if call.failed:
        if not request.htmx:
            return redirect("campaigns:console", pk=campaign.pk)
        if call.conflict:
            # The household is no longer ours (claim expired and taken, campaign closed): the
            # card goes, the message stays, and the next call is one key away.
            return TemplateResponse(
                request,
                "campaigns/partials/console_idle.html",
                {"campaign": campaign, "error": call.message},
            )
        response = TemplateResponse(
            request, "campaigns/partials/form_error.html", {"error": call.message}
        )
        return reswap(retarget(response, "#call-errors"), "innerHTML")
    label = dict((v, lab) for v, _k, lab, _r, _o in CALL_CHOICES)[request.POST["call"]]
    saved = _("Appel enregistré : %(label)s.") % {"label": label}
    if getattr(attempt, "departed_during_call", False):
        saved = _(
            "Appel enregistré dans l'historique du ménage, mais ce ménage a été marqué parti "
            "pendant votre appel (un import du registre l'a sorti de la file) : il ne sera plus "
            "appelé. Vos notes et les besoins notés sont gardés."
        )
    if attempt.callback_at:
        at = timezone.localtime(attempt.callback_at)
        saved += " " + _("Rappel le %(date)s à %(time)s.") % {
            "date": f"{at:%d/%m/%Y}",
            "time": f"{at:%H:%M}",
        }
    if not request.htmx:
        messages.success(request, saved)
        return redirect("campaigns:console", pk=campaign.pk)
    done = {
        "saved": saved,
        "my_count": _count(campaign, request.user),
        # Needs raised: the follow-up (referral, agency ticket, task) is one click away.
        "needs_household_id": target.household_id
        if attempt.needs and request.user.has_org_perm(Perm.REFERRAL_MANAGE)
        else None,
    }
    if selectors.caller_settings(request.user).auto_next:
        with service_call(request, flash=False) as nxt:
            following = _take_next(request, campaign)
        if nxt.failed:
            done["error"] = nxt.message
        elif following is not None:
            return _call_response(request, following, **done)
        else:
            return TemplateResponse(
                request,
                "campaigns/partials/console_empty.html",
                {**_empty_context(campaign, request.user), **done},
            )
    return TemplateResponse(
        request, "campaigns/partials/console_idle.html", {"campaign": campaign, **done}
    )


@requires(Perm.CALL_TAKE)
@require_POST
def release(request, pk: int):
    """Give the household back to the queue untouched (someone else will call it)."""
    target = selectors.target_for(request.user, pk, Perm.CALL_TAKE)
    with service_call(request, flash=not request.htmx) as call:
        queue.claim_release(actor=request.user, target=target)
    saved = "" if call.failed else _("Appel rendu à la file, sans rien noter.")
    if not call.failed:
        # "Appel suivant" then gives another household when there is one.
        request.session[_released_key(target.campaign)] = target.pk
    if not request.htmx:
        if saved:
            messages.info(request, saved)
        return redirect("campaigns:console", pk=target.campaign_id)
    return TemplateResponse(
        request,
        "campaigns/partials/console_idle.html",
        {"campaign": target.campaign, "saved": saved, "error": call.message},
    )


@requires(Perm.CALL_TAKE)
def my_callbacks(request, pk: int):
    """The callbacks this caller promised, soonest first."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    qs, ordering = order_by_param(
        request,
        selectors.callbacks_list(campaign, caller=request.user),
        selectors.CALLBACK_COLUMNS,
        default="due",
    )
    return TemplateResponse(
        request,
        "campaigns/my_callbacks.html",
        {
            "section": "campaigns",
            "campaign": campaign,
            "rows": list(qs[:200]),
            "ordering": ordering,
        },
    )


# --- Working without the system: the printed sheet and the paper entry ---------------------------


def _sheet_caller(request, campaign: Campaign) -> Any:
    """Whose sheet: one's own, or (for a manager) any caller's."""
    raw = request.GET.get("caller") or request.POST.get("caller")
    if raw and str(raw) != str(request.user.pk):
        if not request.user.has_org_perm(Perm.CAMPAIGN_MANAGE, campaign.organisation_id):
            from django.http import Http404

            raise Http404
        return selectors.caller_for(campaign, raw)
    return request.user


def _sheet_n(request) -> int:
    try:
        return max(1, min(int(request.GET.get("n") or SHEET_DEFAULT), services.SHEET_MAX))
    except ValueError:
        return SHEET_DEFAULT


def _sheet_rows(campaign: Campaign, caller: Any, n: int) -> list[dict[str, Any]]:
    rows = []
    for t in selectors.caller_sheet(campaign, caller, n=n):
        h = t.household
        occupants = list(h.occupants.all())
        rows.append(
            {
                "t": t,
                "h": h,
                "names": " / ".join(
                    f"{o.last_name} {o.first_name}".strip()
                    + (f" ({o.age} ans)" if o.birth_date else "")
                    for o in occupants
                    if o.role != "enfant"
                ),
                "phones": [format_phone(p) for o in occupants for p in o.usable_phones],
                "reserved": t.preferred_caller_id == caller.pk,
            }
        )
    return rows


@requires(Perm.CALL_TAKE)
def sheet(request, pk: int):
    """A printable call sheet of the caller's next N households, with the script."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    caller = _sheet_caller(request, campaign)
    n = _sheet_n(request)
    access_record(
        user=request.user,
        action=AccessAction.EXPORT,
        obj=campaign,
        detail="sheet",
        path=request.path,
    )
    return TemplateResponse(
        request,
        "campaigns/sheet.html",
        {
            "section": "campaigns",
            "campaign": campaign,
            "caller": caller,
            "n": n,
            "rows": _sheet_rows(campaign, caller, n),
            "questions": list(campaign.questions.all()),
            "call_choices": CALL_CHOICES,
            "need_keys": NEED_KEYS,
            "hours": services.SHEET_HOURS,
            "callers": list(selectors.org_callers(campaign))
            if request.user.has_org_perm(Perm.CAMPAIGN_MANAGE, campaign.organisation_id)
            else [],
            "printed_at": timezone.localtime(),
        },
    )


@requires(Perm.CALL_TAKE)
@require_POST
def sheet_reserve(request, pk: int):
    """Reserve the sheet's households for its caller, so that nobody else calls them."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    caller = _sheet_caller(request, campaign)
    try:
        n = int(request.POST.get("n") or SHEET_DEFAULT)
    except ValueError:
        n = SHEET_DEFAULT
    with service_call(request):
        reserved = services.sheet_reserve(actor=request.user, campaign=campaign, caller=caller, n=n)
        messages.success(
            request,
            ngettext(
                "%(n)s ménage réservé pour %(caller)s pendant %(hours)s heures : "
                "imprimez ou téléchargez la feuille.",
                "%(n)s ménages réservés pour %(caller)s pendant %(hours)s heures : "
                "imprimez ou téléchargez la feuille.",
                len(reserved),
            )
            % {"n": len(reserved), "caller": caller.username, "hours": services.SHEET_HOURS},
        )
    from django.urls import reverse

    url = reverse("campaigns:sheet", kwargs={"pk": campaign.pk}) + f"?n={n}"
    if caller.pk != request.user.pk:
        url += f"&caller={caller.pk}"
    return redirect(url)


@requires(Perm.CALL_TAKE)
@require_POST
def sheet_release(request, pk: int):
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    caller = _sheet_caller(request, campaign)
    with service_call(request):
        count = services.sheet_release(actor=request.user, campaign=campaign, caller=caller)
        messages.success(
            request,
            ngettext(
                "%(n)s ménage non saisi rendu à la file.",
                "%(n)s ménages non saisis rendus à la file.",
                count,
            )
            % {"n": count},
        )
    return redirect("campaigns:paper", pk=campaign.pk)


def _sheet_table(campaign: Campaign, caller: Any, n: int) -> tuple[list[str], list[list[Any]]]:
    questions = list(campaign.questions.all())
    header = [
        _("n° cible"),
        _("référence bail"),
        _("vague"),
        _("occupant·es"),
        _("téléphones"),
        _("adresse"),
        _("code postal"),
        _("commune"),
        _("réservé jusqu'au"),
        *[q.text for q in questions],
        _("résultat (%(keys)s)") % {"keys": " ".join(k for _v, k, *_r in CALL_CHOICES)},
        _("besoins"),
        _("rappel le"),
        _("notes"),
    ]
    body = []
    for row in _sheet_rows(campaign, caller, n):
        t, h = row["t"], row["h"]
        until = (
            f"{timezone.localtime(t.preferred_until):%d/%m/%Y %H:%M}"
            if row["reserved"] and t.preferred_until
            else ""
        )
        body.append(
            [
                t.pk,
                h.reference,
                t.wave.name,
                row["names"],
                ", ".join(row["phones"]),
                h.dwelling.address,
                h.dwelling.postcode,
                h.dwelling.commune.name,
                until,
                *["" for _q in questions],
                "",
                "",
                "",
                "",
            ]
        )
    return header, body


def _sheet_export(request, pk: int, fmt: str):
    """The sheet's rows as a file (core.exports: CSV for French Excel or XLSX, access-logged)."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    caller = _sheet_caller(request, campaign)
    header, body = _sheet_table(campaign, caller, _sheet_n(request))
    return table_response(
        request,
        fmt=fmt,
        header=header,
        rows=body,
        filename=f"feuille-appels-{campaign.pk}-{caller.username}",
        sheet_title=_("Appels"),
        object_type="campaigns.campaign",
        obj=campaign,
        detail="sheet",
    )


@requires(Perm.CALL_TAKE)
@recent_auth_required
def sheet_csv(request, pk: int):
    """The sheet as CSV for Excel (UTF-8 with BOM, `;`-separated, as French Excel expects)."""
    return _sheet_export(request, pk, "csv")


@requires(Perm.CALL_TAKE)
@recent_auth_required
def sheet_xlsx(request, pk: int):
    """The sheet as an Excel workbook."""
    return _sheet_export(request, pk, "xlsx")


def _paper_typed(post: Any, target: Target) -> dict[str, Any]:
    """What was typed on one paper row, to show it again when the save refused it."""
    prefix = f"t{target.pk}-"
    return {
        "call": post.get(f"{prefix}call", ""),
        "needs": post.getlist(f"{prefix}needs"),
        "callback_at": post.get(f"{prefix}callback_at", ""),
        "notes": post.get(f"{prefix}notes", ""),
    }


@requires(Perm.CALL_TAKE)
def paper(request, pk: int):
    """Enter the outcomes written on a paper sheet: one row per household, one save."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    caller = _sheet_caller(request, campaign)
    targets = list(selectors.paper_targets(campaign, caller))
    errors: dict[int, str] = {}
    if request.method == "POST":
        questions = list(campaign.questions.all())
        recorded = []
        for t in targets:
            prefix = f"t{t.pk}-"
            if not request.POST.get(f"{prefix}call"):
                continue
            # A refused row keeps its sentence next to it (no message): the others go through.
            with service_call(request, flash=False) as call:
                data = _attempt_input(request.POST, questions, prefix=prefix)
                services.attempt_record(actor=request.user, target=t, from_paper=True, **data)
                recorded.append(t.household.reference)
            if call.failed:
                errors[t.pk] = call.message
        if recorded:
            # Say which rows were saved: they leave the table, the refused ones stay as typed.
            messages.success(
                request,
                ngettext(
                    "%(n)s appel enregistré depuis la feuille. Ménage enregistré : %(refs)s.",
                    "%(n)s appels enregistrés depuis la feuille. Ménages enregistrés : %(refs)s.",
                    len(recorded),
                )
                % {"n": len(recorded), "refs": ", ".join(recorded)},
            )
        if not errors:
            url = request.path + (f"?caller={caller.pk}" if caller.pk != request.user.pk else "")
            return redirect(url)
        messages.error(
            request,
            ngettext(
                "%(n)s ligne non enregistrée : corrigez-la ci-dessous.",
                "%(n)s lignes non enregistrées : corrigez-les ci-dessous.",
                len(errors),
            )
            % {"n": len(errors)},
        )
        targets = [t for t in targets if t.pk in errors]
    sensitive = may_see_health(request.user, campaign)
    return TemplateResponse(
        request,
        "campaigns/paper.html",
        {
            "section": "campaigns",
            "campaign": campaign,
            "caller": caller,
            "rows": [
                (t, errors.get(t.pk, ""), _paper_typed(request.POST, t) if errors else {})
                for t in targets
            ],
            "call_choices": CALL_CHOICES,
            "need_keys": [nk for nk in NEED_KEYS if sensitive or nk[0] not in SENSITIVE_NEEDS],
        },
    )
