"""The caller's pages: the console (keyboard first), callbacks, the paper sheet and its entry.

The console is one page; "Appel suivant" and "Enregistrer" are htmx posts that swap the call
card (`#call`). Without JavaScript the same forms post and redirect back to the console.
Every call goes through `queue.next_call` and `services.attempt_record`.
"""

from __future__ import annotations

import csv
from datetime import datetime
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
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
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm, requires
from vigie.core.phones import format_phone
from vigie.core.sensitivity import may_see_health
from vigie.core.services import access_record
from vigie.housing.choices import Cohort

# What the caller says happened, one key each: (value, key, label, result, outcome).
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
    ("no_answer", "N", gettext_lazy("Pas de réponse"), AttemptResult.NO_ANSWER, ""),
    ("voicemail", "M", gettext_lazy("Messagerie"), AttemptResult.VOICEMAIL, ""),
    ("busy", "O", gettext_lazy("Occupé"), AttemptResult.BUSY, ""),
    ("wrong_number", "F", gettext_lazy("Faux numéro"), AttemptResult.WRONG_NUMBER, ""),
    ("refused", "X", gettext_lazy("Refus"), AttemptResult.REFUSED, ""),
    ("callback", "C", gettext_lazy("Joint — à rappeler"), AttemptResult.REACHED, ""),
]
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
    for o in h.occupants.all():
        occupants.append(
            {
                "o": o,
                "age": o.age_on(today),
                "phones": [(format_phone(p), p) for p in o.usable_phones],
                "disability": sensitive and o.disability,
            }
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
    }
    if held is not None:
        ctx.update(_call_context(request, held))
    return TemplateResponse(request, "campaigns/console.html", ctx)


@requires(Perm.CALL_TAKE)
@require_POST
def next_call(request, pk: int):
    """Take the next due household through the queue (claims it for this caller)."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    # A refusal: a message on the console page, or said in the idle card to an HTMX request.
    with service_call(request, flash=not request.htmx) as call:
        target = queue.next_call(campaign=campaign, caller=request.user)
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
    target = selectors.console_target(request.user, target.pk)
    access_record(
        user=request.user, action=AccessAction.VIEW, obj=target.household, path=request.path
    )
    if not request.htmx:
        return redirect("campaigns:console", pk=campaign.pk)
    return TemplateResponse(
        request, "campaigns/partials/console_call.html", _call_context(request, target)
    )


@requires(Perm.CALL_TAKE)
@require_POST
def record(request, pk: int):
    """Record the call of a claimed household; a lost claim says so in French."""
    target = selectors.target_for(request.user, pk, Perm.CALL_TAKE)
    campaign = target.campaign
    with service_call(request, flash=not request.htmx) as call:
        data = _attempt_input(request.POST, list(campaign.questions.all()))
        attempt = services.attempt_record(actor=request.user, target=target, **data)
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
    if attempt.callback_at:
        at = timezone.localtime(attempt.callback_at)
        saved += " " + _("Rappel le %(date)s à %(time)s.") % {
            "date": f"{at:%d/%m/%Y}",
            "time": f"{at:%H:%M}",
        }
    if not request.htmx:
        messages.success(request, saved)
        return redirect("campaigns:console", pk=campaign.pk)
    return TemplateResponse(
        request,
        "campaigns/partials/console_idle.html",
        {
            "campaign": campaign,
            "saved": saved,
            "my_count": _count(campaign, request.user),
            # Needs raised: the follow-up (referral, agency ticket, task) is one click away.
            "needs_household_id": target.household_id
            if attempt.needs and request.user.has_org_perm(Perm.REFERRAL_MANAGE)
            else None,
        },
    )


@requires(Perm.CALL_TAKE)
@require_POST
def release(request, pk: int):
    """Give the household back to the queue untouched (someone else will call it)."""
    target = selectors.target_for(request.user, pk, Perm.CALL_TAKE)
    with service_call(request, flash=not request.htmx) as call:
        queue.claim_release(actor=request.user, target=target)
    saved = "" if call.failed else _("Appel rendu à la file, sans rien noter.")
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
    rows = list(selectors.callbacks_list(campaign, caller=request.user)[:200])
    return TemplateResponse(
        request,
        "campaigns/my_callbacks.html",
        {"section": "campaigns", "campaign": campaign, "rows": rows},
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
        _("résultat (R S N M O F X C)"),
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


def _sheet_filename(campaign: Campaign, caller: Any, ext: str) -> str:
    return f"feuille-appels-{campaign.pk}-{caller.username}-{timezone.localdate():%Y%m%d}.{ext}"


def _sheet_export(request, pk: int, ext: str):
    """The sheet's rows for a download, the export written in the access log."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CALL_TAKE)
    caller = _sheet_caller(request, campaign)
    header, body = _sheet_table(campaign, caller, _sheet_n(request))
    access_record(
        user=request.user,
        action=AccessAction.EXPORT,
        obj=campaign,
        detail=f"sheet.{ext}",
        path=request.path,
    )
    return campaign, caller, header, body


@requires(Perm.CALL_TAKE)
@recent_auth_required
def sheet_csv(request, pk: int):
    """The sheet as CSV for Excel (UTF-8 with BOM, `;`-separated, as French Excel expects)."""
    campaign, caller, header, body = _sheet_export(request, pk, "csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_sheet_filename(campaign, caller, "csv")}"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(body)
    return response


@requires(Perm.CALL_TAKE)
@recent_auth_required
def sheet_xlsx(request, pk: int):
    """The sheet as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    campaign, caller, header, body = _sheet_export(request, pk, "xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = "Appels"
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in body:
        ws.append(row)
    ws.freeze_panes = "B2"
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_sheet_filename(campaign, caller, "xlsx")}"'
    )
    return response


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
