from django.urls import path

from stint.institutions import views

urlpatterns = [
    path("", views.institution_list, name="institution_list"),
    path("<int:institution_id>/", views.institution_detail, name="institution_detail"),
    path("<int:institution_id>/consent/", views.consent_update, name="institution_consent"),
    path(
        "<int:institution_id>/consent/withdraw/",
        views.consent_withdraw,
        name="institution_consent_withdraw",
    ),
    path(
        "<int:institution_id>/groups/declare/",
        views.declaration_update,
        name="institution_declaration",
    ),
    path(
        "<int:institution_id>/opportunities/",
        views.opportunities,
        name="institution_opportunities",
    ),
    path("<int:institution_id>/endorsements/", views.endorse, name="institution_endorse"),
    path(
        "endorsements/<int:endorsement_id>/remove/",
        views.endorsement_remove,
        name="institution_endorsement_remove",
    ),
    path("<int:institution_id>/staff/", views.staff_dashboard, name="institution_staff"),
    path(
        "<int:institution_id>/staff/reports/<slug:table>/",
        views.report,
        name="institution_report",
    ),
    path(
        "<int:institution_id>/staff/reports/<slug:table>.csv",
        views.report_csv,
        name="institution_report_csv",
    ),
    path("<int:institution_id>/staff/roster/", views.roster, name="institution_roster"),
    path("<int:institution_id>/staff/groups/", views.groups_manage, name="institution_groups"),
    path(
        "<int:institution_id>/staff/groups/suggested/",
        views.groups_add_suggested,
        name="institution_groups_suggested",
    ),
    path("groups/<int:group_id>/archive/", views.group_archive, name="institution_group_archive"),
]
