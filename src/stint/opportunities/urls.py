from django.urls import path

from stint.opportunities import views

urlpatterns = [
    path("", views.browse, name="opportunity_browse"),
    path("mine/", views.mine, name="opportunity_mine"),
    path("recommended/", views.recommended, name="opportunity_recommended"),
    path("orgs/<int:org_id>/", views.org_postings, name="opportunity_org_list"),
    path("orgs/<int:org_id>/new/", views.create, name="opportunity_create"),
    path("saved/", views.saved_searches, name="opportunity_saved_searches"),
    path(
        "saved/<int:saved_search_id>/delete/",
        views.saved_search_delete,
        name="opportunity_saved_search_delete",
    ),
    path("skills/search/", views.skill_search, name="opportunity_skill_search"),
    path("skills/row/", views.skill_row, name="opportunity_skill_row"),
    path("skills/suggest/", views.skill_suggest, name="opportunity_skill_suggest"),
    path("<int:opportunity_id>/", views.detail, name="opportunity_detail"),
    path("<int:opportunity_id>/edit/", views.edit, name="opportunity_edit"),
    path("<int:opportunity_id>/status/", views.change_status, name="opportunity_status"),
    path("saved-for-later/", views.saved_list, name="opportunity_saved_list"),
    path("<int:opportunity_id>/save/", views.save, name="opportunity_save"),
    path("<int:opportunity_id>/unsave/", views.unsave, name="opportunity_unsave"),
    path("<int:opportunity_id>/delete/", views.delete, name="opportunity_delete"),
    path("<int:opportunity_id>/hide/", views.hide, name="opportunity_hide"),
    path("<int:opportunity_id>/unhide/", views.unhide, name="opportunity_unhide"),
]
