"""How a page turns a service's refusal into what the user reads (issue #11, "error-to-message").

A service refuses with a `DomainError` carrying a French sentence (conventions, habit 7). A view
never catches it by hand; it wraps the call:

    with service_call(request) as call:
        campaign = services.campaign_create(...)
        messages.success(request, _("Campagne créée."))
        return redirect(...)
    # here only when refused: the sentence is already an error message

- without `form`, the sentence becomes `messages.error(request, sentence)`;
- with `form=` (one form or several), it goes next to the field the error names
  (`DomainError.field`) when a form has it, else on top of the first form (`refuse_form`),
  and no message is added: the view renders the bound form again (status 400);
- `flash=False` only records the refusal (a partial answers an HTMX request with it itself).

The block's object says what happened: `call.failed`, `call.error`, `call.message` (the
sentence, "" when it went through), `call.conflict` (a `ConflictError`: someone else changed
the object first). Any other exception propagates. The API does not use this: django-ninja
turns a `DomainError` into `{"detail": sentence}` once, in `vigie/api/api.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib import messages

from vigie.core.errors import ConflictError, DomainError


class ServiceCall:
    """What came of a `service_call` block."""

    def __init__(self) -> None:
        self.error: DomainError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""

    @property
    def conflict(self) -> bool:
        return isinstance(self.error, ConflictError)


def refuse_form(form: Any, exc: DomainError) -> None:
    """Put the sentence on the form: next to `exc.field` when one of the forms has that field,
    else as an error of the (first) form as a whole. `form` may be a sequence of forms."""
    forms = list(form) if isinstance(form, Sequence) else [form]
    target = next((f for f in forms if exc.field and exc.field in f.fields), None)
    if target is None:
        forms[0].add_error(None, exc.message)
    else:
        target.add_error(exc.field, exc.message)


@contextmanager
def service_call(
    request: Any, *, form: Any = None, flash: bool | None = None
) -> Iterator[ServiceCall]:
    """Run the block; a `DomainError` raised in it is shown to the user and swallowed.

    `flash` (an error message) defaults to True without a form, False with one.
    """
    call = ServiceCall()
    try:
        yield call
    except DomainError as exc:
        call.error = exc
        if form is not None:
            refuse_form(form, exc)
        if flash if flash is not None else form is None:
            messages.error(request, exc.message)
