from django.contrib import admin

from stint.privacy.models import DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "status", "size", "created_at", "expires_at")
    list_filter = ("status",)
    readonly_fields = ("user", "status", "file", "size", "created_at", "ready_at", "expires_at")
