from django.contrib import admin

from stint.institutions.models import Endorsement, EquityGroup

# Consent and declared groups are deliberately not in the admin: students consent
# to their institution, not to platform staff browsing their choices.


@admin.register(EquityGroup)
class EquityGroupAdmin(admin.ModelAdmin):
    list_display = ("label", "category", "institution", "archived_at")
    list_filter = ("category",)
    raw_id_fields = ("institution",)


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ("opportunity", "institution", "promoted", "created_at")
    raw_id_fields = ("institution", "opportunity", "created_by")
