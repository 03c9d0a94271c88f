from django.urls import path

from stint.growth import views

urlpatterns = [
    path("explore/", views.explore, name="growth_explore"),
    path("roadmaps/", views.roadmap_list, name="growth_roadmaps"),
    path("roadmaps/<int:goal_id>/", views.roadmap_detail, name="growth_roadmap"),
    path("opportunities/<int:opportunity_id>/tailoring/", views.tailoring, name="growth_tailoring"),
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
