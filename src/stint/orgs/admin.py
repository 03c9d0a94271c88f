from django.contrib import admin

from stint.orgs.models import Affiliation, InstitutionDomain, Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "verified_at", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    inlines = (MembershipInline,)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    exclude = ("nonce",)


@admin.register(InstitutionDomain)
class InstitutionDomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "organisation", "verified_at")


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "email", "verified_at")
