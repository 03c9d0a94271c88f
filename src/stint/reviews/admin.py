from django.contrib import admin

from stint.reviews.models import Reference


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "candidate", "employer", "status", "visibility")
    list_filter = ("status",)
    # The text stays with the parties; admins see who asked whom and the outcome.
    exclude = ("text",)
