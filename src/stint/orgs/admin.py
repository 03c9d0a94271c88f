from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

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
    actions = ("verify_employers",)

    @admin.action(description="Verify selected employers (prefer the moderation queue)")
    def verify_employers(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        # Through the service, so the same checks and audit apply as in the queue.
        from stint.orgs.services import organisation_set_verified

        done = 0
        for org in queryset.filter(kind="employer", verified_at__isnull=True):
            organisation_set_verified(actor=request.user, organisation_id=org.pk, verified=True)  # type: ignore[arg-type]
            done += 1
        self.message_user(request, f"{done} employer(s) verified.", messages.SUCCESS)


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
    list_filter = (("verified_at", admin.EmptyFieldListFilter),)
    actions = ("verify_domains",)

    @admin.action(description="Verify selected domains")
    def verify_domains(self, request: HttpRequest, queryset: QuerySet[InstitutionDomain]) -> None:
        # Through the service: the audit entry, and students already in the domain linked.
        from stint.orgs.services import domain_verify

        done = 0
        for domain in queryset.filter(verified_at__isnull=True):
            domain_verify(actor=request.user, domain_id=domain.pk)  # type: ignore[arg-type]
            done += 1
        self.message_user(request, f"{done} domain(s) verified.", messages.SUCCESS)


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "email", "verified_at")
