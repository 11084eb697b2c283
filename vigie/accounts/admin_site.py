"""The Django admin, for the platform's superusers only.

The admin bypasses Vigie's scoping (it lists every organisation's rows), so `is_staff` is not
enough to enter: a support account given model permissions would otherwise read every
landlord's households. Organisation staff work in Vigie's own pages, which scope by role.

Roles are changed here (a user's memberships), so every admin page also asks for the password
again when it was last typed over 10 minutes ago (`accounts/reauth.py`).
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy


class SuperuserAdminSite(AdminSite):
    site_header = gettext_lazy("Vigie — administration technique")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        from vigie.accounts.reauth import recent_auth_required

        if getattr(view, "__name__", "") != "logout":  # signing out needs no password
            view = recent_auth_required(view)
        return super().admin_view(view, cacheable)


class VigieAdminConfig(AdminConfig):
    default_site = "vigie.accounts.admin_site.SuperuserAdminSite"
