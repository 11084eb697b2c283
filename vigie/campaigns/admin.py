"""Read-mostly admin for support staff; business changes go through services, not here."""

from django.contrib import admin

from vigie.campaigns.models import Attempt, Campaign, Need, Target, Wave


class KeepsCounters:
    """Calls, needs and households to call are counted by the services (campaign counters,
    docs/decisions/0008): deleting them here would leave the figures wrong."""

    def has_delete_permission(self, request, obj=None):
        return False


class WaveInline(admin.TabularInline):
    model = Wave
    extra = 0
    fields = ("name", "priority", "cohorts", "filters", "paused")
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "status", "as_of", "created_at")
    list_filter = ("status", "organisation")
    readonly_fields = ("status", "started_at", "closed_at", "built_at", "created_by")
    inlines = [WaveInline]


@admin.register(Target)
class TargetAdmin(KeepsCounters, admin.ModelAdmin):
    list_display = ("id", "campaign", "wave", "status", "attempts_count", "claimed_by", "due_at")
    list_filter = ("status",)
    raw_id_fields = ("household", "campaign", "wave", "claimed_by", "preferred_caller")
    readonly_fields = ("status", "claimed_by", "claim_expires_at", "attempts_count", "outcome")


@admin.register(Attempt)
class AttemptAdmin(KeepsCounters, admin.ModelAdmin):
    list_display = ("id", "campaign", "caller", "result", "outcome", "started_at")
    list_filter = ("result", "outcome")
    # Notes may hold health details: not shown in the admin.
    exclude = ("notes",)
    raw_id_fields = ("target", "campaign", "caller")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(KeepsCounters, admin.ModelAdmin):
    list_display = ("id", "household", "kind", "status", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("household", "attempt", "created_by")
    readonly_fields = ("attempt", "kind")  # counted per call and kind
