"""The Django admin, for the platform's superusers only.

The admin bypasses Vigie's scoping (it lists every organisation's rows), so `is_staff` is not
enough to enter: a support account given model permissions would otherwise read every
landlord's households. Organisation staff work in Vigie's own pages, which scope by role.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(AdminSite):
    site_header = "Vigie — administration technique"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class VigieAdminConfig(AdminConfig):
    default_site = "vigie.core.admin_site.SuperuserAdminSite"
