from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vigie.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    # Agencies (for agency staff) are set with `vigie create_user --agency`.
    fields = ["organisation", "role"]


@admin.register(User)
class VigieUserAdmin(UserAdmin):
    inlines = [MembershipInline]
