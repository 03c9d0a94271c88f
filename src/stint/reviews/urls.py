from django.urls import path

from stint.reviews import views

urlpatterns = [
    path("engagement/<int:engagement_id>/", views.engagement_reviews, name="review_engagement"),
    path(
        "engagement/<int:engagement_id>/skills/",
        views.engagement_verify_skills,
        name="review_verify_skills",
    ),
    path(
        "engagement/<int:engagement_id>/follow-up/",
        views.engagement_follow_up,
        name="review_follow_up_create",
    ),
    path(
        "engagement/<int:engagement_id>/credential/",
        views.engagement_credential,
        name="review_credential",
    ),
    path(
        "engagement/<int:engagement_id>/credential/revoke/",
        views.engagement_credential_revoke,
        name="review_credential_revoke",
    ),
    path("reputation/", views.reputation_mine, name="review_reputation"),
    path(
        "reputation/employer/<int:org_id>/",
        views.reputation_employer,
        name="review_reputation_employer",
    ),
    path("portfolio/", views.portfolio_settings, name="review_portfolio_settings"),
    path("follow-ups/", views.follow_ups, name="review_follow_ups"),
    path(
        "follow-ups/<int:follow_up_id>/accept/",
        views.follow_up_accept,
        name="review_follow_up_accept",
    ),
    path(
        "follow-ups/<int:follow_up_id>/decline/",
        views.follow_up_decline,
        name="review_follow_up_decline",
    ),
    path(
        "follow-ups/<int:follow_up_id>/withdraw/",
        views.follow_up_withdraw,
        name="review_follow_up_withdraw",
    ),
    path("outcomes/", views.outcomes_candidate, name="review_outcomes"),
    path(
        "outcomes/employer/<int:org_id>/",
        views.outcomes_employer,
        name="review_outcomes_employer",
    ),
]
