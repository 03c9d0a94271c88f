from django.contrib import admin

from stint.ops.models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("job", "period_start", "claimed_at", "claimed_by", "task_result_id", "error")
    list_filter = ("job",)
    readonly_fields = list_display
