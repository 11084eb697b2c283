"""Every status change in Vigie goes through here (conventions, habits 4 and 5; decision 0011).

A status machine names a model's status field, its from→to table (in the app's `choices.py`)
and how to name one of its rows in a sentence. `transition()` then does, in one transaction:

1. lock the row (`SELECT … FOR UPDATE`; SQLite's IMMEDIATE transaction already serialises
   writers) and read it afresh;
2. refuse a stale move: the caller passes the `version` it showed the user, when it has one;
3. refuse a move the table does not allow, with a French sentence naming the object and both
   statuses in words;
4. write the new status (and the fields the caller sets in `apply`), bump `version` if the
   model has one;
5. write the journal row (`core.services.audit_log`, a code declared in the app's `journal.py`);
6. run side effects (`on_commit`) once the transaction commits: a failing e-mail never undoes
   the move, a failing journal write does.

`lock()` + `move()` are the two halves, for a service that must read the locked row (and
validate input) before it knows where the row goes (`attempt_record`). `move_many()` is the
set-based variant for the few statements that move thousands of rows at once (a build, a
departure import): it checks the table for every status it moves from, and updates in one
statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.errors import ConflictError, DomainError
from vigie.core.journal import is_registered
from vigie.core.services import audit_log

if TYPE_CHECKING:
    from vigie.accounts.models import User


class UnknownStatusError(DomainError):
    """A status that does not exist for this kind of object: HTTP 422."""

    status_code = 422


@dataclass(frozen=True, eq=False)  # one instance per machine: hashed by identity
class StatusMachine:
    """A model's statuses and the moves between them."""

    model: type[models.Model]
    table: Mapping[str, frozenset[str]]
    # Names one row in a sentence: "La campagne « Canicule 2026 »", "L'orientation".
    name: Callable[[Any], str]
    # The pronoun standing for it afterwards ("elle", "il"), lazily translated.
    pronoun: Any = gettext_lazy("elle")
    field: str = "status"

    def label(self, status: str) -> str:
        """The status in words ("en pause"), from the field's choices."""
        choices = dict(self.model._meta.get_field(self.field).choices or [])
        return str(choices.get(status, status))

    def allowed(self, before: str, after: str) -> bool:
        return after in self.table.get(before, frozenset())

    def sources(self, after: str) -> frozenset[str]:
        """Every status a row may move to `after` from."""
        return frozenset(s for s, targets in self.table.items() if after in targets)

    def check(self, obj: Any, after: str) -> None:
        """Raise the French sentence if the table refuses moving `obj` to `after`."""
        if after not in self.table:
            raise UnknownStatusError(
                _("Statut inconnu « %(status)s » pour %(what)s.")
                % {"status": after, "what": self.name(obj)}
            )
        before = getattr(obj, self.field)
        if not self.allowed(before, after):
            raise ConflictError(
                _("%(what)s est %(current)s : %(pronoun)s ne peut pas passer à « %(target)s ».")
                % {
                    "what": self.name(obj),
                    "current": self.label(before),
                    "pronoun": str(self.pronoun),
                    "target": self.label(after),
                }
            )


def stale_sentence(what: str) -> str:
    return _(
        "%(what)s a été modifié·e par quelqu'un d'autre pendant que vous le consultiez : "
        "rechargez la page pour voir son état actuel, puis recommencez."
    ) % {"what": what}


def check_version(obj: Any, version: int | None, what: str) -> None:
    """Refuse a change made on a stale copy: `version` is what the user's page showed."""
    if version is not None and int(version) != getattr(obj, "version", None):
        raise ConflictError(stale_sentence(what))


def lock(
    machine: StatusMachine, obj: Any, *, version: int | None = None, related: tuple[str, ...] = ()
) -> Any:
    """The row, read afresh under a row lock; refused if `version` is stale.

    Only the row itself is locked (`of=("self",)`), even with `related` joined in: PostgreSQL
    would otherwise lock the joined rows too (every call of a campaign would wait on its row).
    """
    fresh = (
        machine.model.objects.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=obj.pk)
    )
    check_version(fresh, version, machine.name(fresh))
    return fresh


def move(
    machine: StatusMachine,
    obj: Any,
    *,
    to: str,
    actor: User | None,
    action: str,
    payload: dict[str, Any] | None = None,
    journal_obj: models.Model | None = None,
    apply: Callable[[Any], None] | None = None,
    on_commit: Iterable[Callable[[], Any]] = (),
) -> Any:
    """Move a row already locked by `lock()` to `to`: table, save, journal, side effects.

    `apply(obj)` sets the fields that go with the move (timestamps, who); `journal_obj` is the
    object the journal row is about when it is not the row itself (a call moves its household
    on; the journal row is about the call). The payload records `from` and `to`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move() runs inside the service's transaction.")
    if not is_registered(action):
        raise ValueError(f"Journal code {action!r} is not declared in any app's journal.py.")
    machine.check(obj, to)
    before = getattr(obj, machine.field)
    setattr(obj, machine.field, to)
    if apply is not None:
        apply(obj)
    if hasattr(obj, "version"):
        obj.version += 1
    obj.save()
    audit_log(
        actor=actor,
        action=action,
        obj=journal_obj if journal_obj is not None else obj,
        payload={"from": str(before), "to": str(to), **(payload or {})},
    )
    for effect in on_commit:
        transaction.on_commit(effect)
    return obj


def transition(
    machine: StatusMachine,
    obj: Any,
    *,
    to: str,
    actor: User | None,
    action: str,
    version: int | None = None,
    payload: dict[str, Any] | None = None,
    apply: Callable[[Any], None] | None = None,
    on_commit: Iterable[Callable[[], Any]] = (),
) -> Any:
    """Lock, check the version and the table, write, journal, then side effects on commit."""
    with transaction.atomic():
        fresh = lock(machine, obj, version=version)
        return move(
            machine,
            fresh,
            to=to,
            actor=actor,
            action=action,
            payload=payload,
            apply=apply,
            on_commit=on_commit,
        )


def move_many(
    machine: StatusMachine,
    queryset: models.QuerySet,
    *,
    to: str,
    sources: Iterable[str],
    fields: dict[str, Any] | None = None,
) -> int:
    """Move every row of `queryset` standing in one of `sources` to `to`, in one statement.

    The set-based variant for builds and imports: each source must be allowed to move to `to`
    by the table (a programming error otherwise, raised before anything is written). Rows are
    not locked one by one: the caller holds the lock that matters (the campaign's, the
    import's transaction). Journal rows are the caller's: one per batch, not per row. Returns
    the number of rows moved.
    """
    sources = frozenset(sources)
    refused = sorted(s for s in sources if not machine.allowed(s, to))
    if refused:
        raise ValueError(
            f"{machine.model.__name__}: {', '.join(refused)} → {to} is not in the table."
        )
    return queryset.filter(**{f"{machine.field}__in": list(sources)}).update(
        **{machine.field: to}, **(fields or {})
    )
