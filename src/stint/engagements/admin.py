from django.contrib import admin

from stint.engagements.models import Dispute, Engagement, Submission


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ("title", "candidate", "employer", "status", "fee_minor", "currency")
    list_filter = ("status",)
    search_fields = ("title", "candidate__email", "employer__name")
    readonly_fields = ("status", "fee_minor", "currency", "released_minor", "by_milestone")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("engagement", "milestone", "version", "decision", "created_at")
    list_filter = ("decision",)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("engagement", "opener_side", "status", "created_at")
    list_filter = ("status",)
