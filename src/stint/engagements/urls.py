from django.urls import path

from stint.engagements import views

urlpatterns = [
    path("", views.engagement_list, name="engagement_list"),
    path("disputes/", views.dispute_queue, name="engagement_dispute_queue"),
    path("<int:engagement_id>/", views.engagement_detail, name="engagement_detail"),
    path("<int:engagement_id>/start/", views.engagement_start, name="engagement_start"),
    path("<int:engagement_id>/submit/", views.engagement_submit, name="engagement_submit"),
    path("<int:engagement_id>/review/", views.engagement_review, name="engagement_review"),
    path("<int:engagement_id>/cancel/", views.engagement_cancel, name="engagement_cancel"),
    path("<int:engagement_id>/split/", views.split_propose, name="engagement_split_propose"),
    path(
        "<int:engagement_id>/split/<int:proposal_id>/accept/",
        views.split_accept,
        name="engagement_split_accept",
    ),
    path(
        "<int:engagement_id>/split/<int:proposal_id>/decline/",
        views.split_decline,
        name="engagement_split_decline",
    ),
    path("<int:engagement_id>/dispute/", views.engagement_dispute, name="engagement_dispute"),
    path(
        "<int:engagement_id>/dispute/resolve/",
        views.dispute_resolve,
        name="engagement_dispute_resolve",
    ),
    path("<int:engagement_id>/hours/", views.timelog_add, name="engagement_timelog_add"),
    path("<int:engagement_id>/milestones/", views.milestones_set, name="engagement_milestones_set"),
    path("<int:engagement_id>/files/<int:item_id>/", views.engagement_file, name="engagement_file"),
]
