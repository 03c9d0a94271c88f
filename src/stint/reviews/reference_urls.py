"""Reference pages; mounted under /growth/ with their original URL names."""

from django.urls import path

from stint.reviews import reference_views as views

urlpatterns = [
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
]
