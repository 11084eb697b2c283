"""Users, their memberships (user × organisation × role) and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Organisation
from vigie.core.permissions import Role, role_has


@dataclass(frozen=True)
class Scope:
    """Where a permission holds for a user: whole organisations, or only some agencies."""

    full_org_ids: tuple[int, ...]
    agency_ids: tuple[int, ...]

    @property
    def any(self) -> bool:
        return bool(self.full_org_ids or self.agency_ids)

    @property
    def org_ids(self) -> tuple[int, ...]:
        return self.full_org_ids


class User(AbstractUser):
    """A person who signs in to Vigie."""

    class Meta:
        verbose_name = _("utilisateur·rice")

    def _memberships(self) -> list[Membership]:
        cache = getattr(self, "_membership_cache", None)
        if cache is None:
            cache = list(self.memberships.select_related("organisation"))
            # Only agency staff are tied to agencies: one query fewer on every other request.
            staff = [m for m in cache if m.role == Role.AGENCY_STAFF]
            if staff:
                prefetch_related_objects(staff, "agencies")
            self._membership_cache = cache
        return cache

    def scope(self, perm: str) -> Scope:
        full: set[int] = set()
        agencies: set[int] = set()
        for m in self._memberships():
            if not role_has(m.role, perm):
                continue
            if m.role == Role.AGENCY_STAFF:
                agencies.update(a.pk for a in m.agencies.all())
            else:
                full.add(m.organisation_id)
        return Scope(tuple(sorted(full)), tuple(sorted(agencies)))

    def has_org_perm(self, perm: str, organisation_id: int | None = None) -> bool:
        scope = self.scope(perm)
        if organisation_id is None:
            return scope.any
        if organisation_id in scope.full_org_ids:
            return True
        return any(
            m.organisation_id == organisation_id
            and m.role == Role.AGENCY_STAFF
            and role_has(m.role, perm)
            for m in self._memberships()
        )

    def organisations(self) -> list[Organisation]:
        seen: dict[int, Organisation] = {}
        for m in self._memberships():
            seen.setdefault(m.organisation_id, m.organisation)
        return list(seen.values())

    def roles(self) -> set[str]:
        return {m.role for m in self._memberships()}


class Membership(models.Model):
    """A user's role in one organisation (for agency staff: in some of its agencies)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    agencies = models.ManyToManyField(
        "housing.Agency", blank=True, related_name="staff", through="MembershipAgency"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    @classmethod
    def issue(cls, *, user: User, name: str = "", days: int = 90) -> tuple[ApiToken, str]:
        raw = "vg_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=raw[:10],
            token_hash=_hash_token(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.active().select_related("user").filter(token_hash=_hash_token(raw)).first()
        )
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            # Logged at most once a minute per token: enough to answer "was it used, when".
            from vigie.core.services import audit_log

            cls.objects.filter(pk=token.pk).update(last_used_at=now)
            audit_log(
                actor=token.user,
                action="api_token.used",
                obj=token,
                payload={"prefix": token.prefix},
            )
        return token.user


class MembershipAgency(models.Model):
    """An agency an agency-staff membership covers (belongs to the agency's landlord)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("housing.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "membership", "agency"], name="membership_agency_unique"
            )
        ]
