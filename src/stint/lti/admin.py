from django.contrib import admin

from stint.lti.models import Course, GradeSent, LtiAccount, Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "institution", "issuer", "client_id")
    search_fields = ("name", "issuer", "client_id")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "platform", "context_id", "program", "grade_mode")
    raw_id_fields = ("program", "opportunities")


@admin.register(LtiAccount)
class LtiAccountAdmin(admin.ModelAdmin):
    list_display = ("sub", "platform", "user", "last_launch_at")
    raw_id_fields = ("user",)


@admin.register(GradeSent)
class GradeSentAdmin(admin.ModelAdmin):
    list_display = ("engagement", "line_item", "score_given", "score_maximum", "sent_at")
    raw_id_fields = ("engagement", "student")
