from django.contrib import admin

from stint.sso.models import InstitutionIdentity, InstitutionSignOn


@admin.register(InstitutionSignOn)
class InstitutionSignOnAdmin(admin.ModelAdmin):
    # Read-only here: changes go through the set-up page (/sso/institutions/<id>/), which
    # validates and audits; a platform admin may use it for any institution.
    list_display = ("institution", "protocol", "enabled", "updated_at")
    readonly_fields = (
        "institution",
        "app",
        "protocol",
        "enabled",
        "email_claim",
        "name_claim",
        "programme_claim",
        "graduation_year_claim",
        "updated_by",
        "created_at",
        "updated_at",
    )


@admin.register(InstitutionIdentity)
class InstitutionIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "programme", "graduation_year", "last_signed_in_at")
    search_fields = ("user__email", "subject")
    readonly_fields = ("user", "institution", "subject", "first_signed_in_at", "last_signed_in_at")
