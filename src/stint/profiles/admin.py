from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from stint.profiles.models import (
    AvailabilityWindow,
    CandidateProfile,
    CareerGoal,
    Education,
    SkillClaim,
)


class SkillInline(admin.TabularInline):
    model = SkillClaim
    extra = 0


class GoalInline(admin.TabularInline):
    model = CareerGoal
    extra = 0


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0
    raw_id_fields = ("institution",)


class WindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 0


@admin.register(CandidateProfile)
class CandidateProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "headline", "location_country", "updated_at")
    search_fields = ("user__email", "headline")
    raw_id_fields = ("user",)
    # The resume is private: no media URL, only the access-checked page.
    exclude = ("resume", "resume_text", "resume_suggestions", "resume_on_profile")
    readonly_fields = ("profile_page", "resume_filename", "resume_uploaded_at")
    inlines = (SkillInline, GoalInline, EducationInline, WindowInline)

    @admin.display(description="Profile page")
    def profile_page(self, obj: CandidateProfile) -> str:
        return format_html(
            '<a href="{}">View profile and resume</a>',
            reverse("profile_detail", args=[obj.user_id]),
        )
