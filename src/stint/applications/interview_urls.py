"""Interview pages; mounted under /growth/ with their original URL names."""

from django.urls import path

from stint.applications import interview_views as views

urlpatterns = [
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
]
