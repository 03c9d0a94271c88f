from django.contrib import admin

from stint.growth.models import (
    Connection,
    FeedbackRequest,
    GrowthSettings,
    LearningGoal,
    Reflection,
)

admin.site.register(LearningGoal)
admin.site.register(FeedbackRequest)
admin.site.register(Reflection)
admin.site.register(Connection)
admin.site.register(GrowthSettings)
