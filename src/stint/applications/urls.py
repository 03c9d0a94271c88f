from django.urls import path

from stint.applications import views

urlpatterns = [
    path("", views.my_applications, name="application_list"),
    path("inbox/", views.inbox, name="application_inbox"),
    path("apply/<int:opportunity_id>/", views.application_apply, name="application_apply"),
    path("<int:application_id>/", views.application_detail, name="application_detail"),
    path("<int:application_id>/candidate/", views.applicant_profile, name="application_applicant"),
    path(
        "<int:application_id>/candidate/resume/",
        views.applicant_resume,
        name="application_applicant_resume",
    ),
    path("<int:application_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path(
        "<int:application_id>/shortlist/",
        views.application_shortlist,
        name="application_shortlist",
    ),
    path("<int:application_id>/decline/", views.application_decline, name="application_decline"),
    path("<int:application_id>/offer/", views.offer_make, name="application_offer"),
    path("<int:application_id>/messages/", views.message_send, name="application_message"),
    path("<int:application_id>/thread/", views.thread_part, name="application_thread"),
    path(
        "<int:application_id>/messages/<int:message_id>/attachment/",
        views.message_attachment,
        name="application_message_attachment",
    ),
    path("offers/<int:offer_id>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:offer_id>/decline/", views.offer_decline, name="offer_decline"),
    path("offers/<int:offer_id>/counter/", views.offer_counter, name="offer_counter"),
    path("offers/<int:offer_id>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:offer_id>/revise/", views.offer_revise, name="offer_revise"),
    path("opportunity/<int:opportunity_id>/", views.pipeline, name="application_pipeline"),
    path("opportunity/<int:opportunity_id>/bulk/", views.pipeline_bulk, name="application_bulk"),
    path(
        "opportunity/<int:opportunity_id>/invite/",
        views.pipeline_invite,
        name="application_invite",
    ),
]
