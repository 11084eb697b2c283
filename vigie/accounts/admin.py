from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vigie.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    filter_horizontal = ["agencies"]


@admin.register(User)
class VigieUserAdmin(UserAdmin):
    inlines = [MembershipInline]
