from django.contrib import admin

from stint.moderation.models import PostingReview, Report, VerificationRequest

admin.site.register(VerificationRequest)
admin.site.register(Report)
admin.site.register(PostingReview)
