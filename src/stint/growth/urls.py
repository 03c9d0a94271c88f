from django.urls import path

from stint.growth import views

urlpatterns = [
    path("explore/", views.explore, name="growth_explore"),
    path("roadmaps/", views.roadmap_list, name="growth_roadmaps"),
    path("roadmaps/<int:goal_id>/", views.roadmap_detail, name="growth_roadmap"),
    path("opportunities/<int:opportunity_id>/tailoring/", views.tailoring, name="growth_tailoring"),
    # Interviews
    path("interviews/", views.interview_list, name="growth_interviews"),
    path(
        "applications/<int:application_id>/interview/",
        views.interview_propose,
        name="growth_interview_propose",
    ),
    path("interviews/<int:interview_id>/", views.interview_detail, name="growth_interview"),
    path("interviews/<int:interview_id>/pick/", views.interview_pick, name="growth_interview_pick"),
    path(
        "interviews/<int:interview_id>/reschedule/",
        views.interview_reschedule,
        name="growth_interview_reschedule",
    ),
    path(
        "interviews/<int:interview_id>/cancel/",
        views.interview_cancel,
        name="growth_interview_cancel",
    ),
    path(
        "interviews/<int:interview_id>/notes/", views.interview_note, name="growth_interview_note"
    ),
    path(
        "interviews/<int:interview_id>/invite.ics",
        views.interview_calendar,
        name="growth_interview_ics",
    ),
    # Engagement growth: goals, feedback, reflection, references
    path("engagements/<int:engagement_id>/", views.engagement_growth, name="growth_engagement"),
    path("engagements/<int:engagement_id>/goals/", views.goals_set, name="growth_goals"),
    path(
        "engagements/<int:engagement_id>/feedback/",
        views.feedback_request,
        name="growth_feedback_request",
    ),
    path(
        "feedback/<int:feedback_id>/answer/", views.feedback_answer, name="growth_feedback_answer"
    ),
    path(
        "engagements/<int:engagement_id>/reflection/",
        views.reflection_save,
        name="growth_reflection",
    ),
    path(
        "engagements/<int:engagement_id>/reference/",
        views.reference_request,
        name="growth_reference_request",
    ),
    path("references/", views.reference_list, name="growth_references"),
    path("references/<int:reference_id>/", views.reference_detail, name="growth_reference"),
    path(
        "references/<int:reference_id>/write/",
        views.reference_write,
        name="growth_reference_write",
    ),
    path(
        "references/<int:reference_id>/decline/",
        views.reference_decline,
        name="growth_reference_decline",
    ),
    path(
        "references/<int:reference_id>/visibility/",
        views.reference_visibility,
        name="growth_reference_visibility",
    ),
    path(
        "references/<int:reference_id>/share/",
        views.reference_share,
        name="growth_reference_share",
    ),
    path(
        "reference-links/<int:share_id>/revoke/",
        views.reference_share_revoke,
        name="growth_reference_share_revoke",
    ),
    path("r/<str:token>/", views.reference_shared, name="growth_reference_shared"),
    # Network and consents
    path("network/", views.network, name="growth_network"),
    path("network/connect/<int:user_id>/", views.connection_request, name="growth_connect"),
    path(
        "network/<int:connection_id>/<str:verb>/",
        views.connection_answer,
        name="growth_connection_answer",
    ),
    path(
        "network/<int:connection_id>/remove/",
        views.connection_remove,
        name="growth_connection_remove",
    ),
    path("settings/", views.settings_update, name="growth_settings"),
    # Employers
    path("orgs/<int:org_id>/interns/", views.intern_growth, name="growth_interns"),
]
