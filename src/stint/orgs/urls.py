from django.urls import path

from stint.orgs import views

urlpatterns = [
    path("", views.org_list, name="org_list"),
    path("new/", views.org_create, name="org_create"),
    path("<int:org_id>/", views.org_detail, name="org_detail"),
    path("<int:org_id>/edit/", views.org_edit, name="org_edit"),
    path("<int:org_id>/invite/", views.org_invite, name="org_invite"),
    path("<int:org_id>/domains/", views.domain_add, name="org_domain_add"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="org_invitation_revoke",
    ),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="org_invitation_accept"),
    path(
        "memberships/<int:membership_id>/role/", views.membership_role, name="org_membership_role"
    ),
    path(
        "memberships/<int:membership_id>/remove/",
        views.membership_remove,
        name="org_membership_remove",
    ),
]
