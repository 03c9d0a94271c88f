from django.urls import path

from stint.profiles import views

urlpatterns = [
    path("", views.profile_mine, name="profile_mine"),
    path("edit/", views.profile_edit, name="profile_edit"),
    path("skills/", views.skill_add, name="profile_skill_add"),
    path("skills/search/", views.skill_search, name="profile_skill_search"),
    path("skills/<int:claim_id>/level/", views.skill_level, name="profile_skill_level"),
    path("skills/<int:claim_id>/remove/", views.skill_remove, name="profile_skill_remove"),
    path("goals/", views.goal_add, name="profile_goal_add"),
    path("goals/search/", views.occupation_search, name="profile_occupation_search"),
    path("goals/<int:goal_id>/remove/", views.goal_remove, name="profile_goal_remove"),
    path("education/", views.education_add, name="profile_education_add"),
    path(
        "education/<int:education_id>/remove/",
        views.education_remove,
        name="profile_education_remove",
    ),
    path("windows/", views.window_add, name="profile_window_add"),
    path("windows/<int:window_id>/remove/", views.window_remove, name="profile_window_remove"),
    path("resume/", views.resume, name="profile_resume"),
    path("resume/confirm/", views.resume_confirm, name="profile_resume_confirm"),
    path("resume/remove/", views.resume_remove, name="profile_resume_remove"),
    path("<int:user_id>/", views.profile_detail, name="profile_detail"),
    path("<int:user_id>/resume/", views.resume_download, name="profile_resume_download"),
]
