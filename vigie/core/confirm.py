"""Irreversible actions need a confirmation that says what will happen (issue #10, finding 7).

One helper serves every such action (closing a campaign, deleting a wave, cancelling a ticket, a
referral or a task):

- the page shows the action's button with the include `includes/confirm_button.html`, given a
  `Danger` (what the button says, the question, the consequence). With JavaScript
  (static/vigie/confirm.js) the button opens a `<dialog>` whose confirm button posts the form
  with `confirmed=1`;
- the view calls `confirmation_page(request, danger)` before acting: without `confirmed=1` in the
  POST nothing happens and it answers a confirmation page re-posting the same fields. So a click
  without JavaScript, a double submit or a crafted POST never acts unconfirmed.

The API is not concerned: a program calling `/api/v1/.../close` has decided already.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.response import TemplateResponse

CONFIRM_FIELD = "confirmed"


@dataclass(frozen=True)
class Danger:
    """An irreversible action, in the words the user reads before confirming it."""

    key: str  # unique on the page: the dialog's id
    button: str  # the button on the page, e.g. "Clôturer la campagne…"
    question: str  # the dialog's title, e.g. "Clôturer la campagne « Canicule 2026 » ?"
    consequence: str  # what will happen, in one or two sentences
    confirm: str  # the confirm button, e.g. "Oui, clôturer définitivement"
    back_url: str  # where "Revenir sans rien changer" leads


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "1"


def confirmation_page(request, danger: Danger, *, section: str = "") -> TemplateResponse | None:
    """None when the POST carries the confirmation; otherwise the page that asks for it.

    The page re-posts every field the user sent (a reason typed for a cancellation survives).
    """
    if is_confirmed(request):
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in request.POST.getlist(name)
    ]
    return TemplateResponse(
        request,
        "core/confirm.html",
        {
            "danger": danger,
            "fields": fields,
            "action": request.get_full_path(),
            "section": section,
            "confirm_field": CONFIRM_FIELD,
        },
    )
