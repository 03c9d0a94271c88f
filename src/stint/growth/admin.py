from django.contrib import admin

from stint.growth.models import (
    Connection,
    FeedbackRequest,
    GrowthSettings,
    Interview,
    LearningGoal,
    Reference,
    Reflection,
)


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "application", "status", "starts_at", "sequence")
    list_filter = ("status",)
    readonly_fields = ("uid",)


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "candidate", "employer", "status", "visibility")
    list_filter = ("status",)
    # The text stays with the parties; admins see who asked whom and the outcome.
    exclude = ("text",)


admin.site.register(LearningGoal)
admin.site.register(FeedbackRequest)
admin.site.register(Reflection)
admin.site.register(Connection)
admin.site.register(GrowthSettings)
