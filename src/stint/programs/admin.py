from django.contrib import admin

from stint.programs.models import AllocationRun, CreditRecord, Program, ProgramOpportunity


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "institution", "status", "credit_bearing", "created_at")
    list_filter = ("status",)


@admin.register(ProgramOpportunity)
class ProgramOpportunityAdmin(admin.ModelAdmin):
    list_display = ("program", "opportunity", "openings", "status")


@admin.register(AllocationRun)
class AllocationRunAdmin(admin.ModelAdmin):
    list_display = ("program", "status", "progress", "optimal", "published", "created_at")
    exclude = ("inputs", "result")


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    list_display = ("program", "student", "credits", "status", "created_at")
