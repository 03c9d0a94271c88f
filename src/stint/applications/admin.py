from django.contrib import admin

from stint.applications.models import Interview


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "application", "status", "starts_at", "sequence")
    list_filter = ("status",)
    readonly_fields = ("uid",)
