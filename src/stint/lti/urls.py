from django.urls import path

from stint.lti import views

urlpatterns = [
    path("login/", views.login_initiation, name="lti_login"),
    path("launch/", views.launch, name="lti_launch"),
    path("jwks.json", views.jwks, name="lti_jwks"),
    path("deep-link/<str:token>/", views.deep_link, name="lti_deep_link"),
    path("institutions/<int:institution_id>/", views.platforms, name="lti_platforms"),
    path("courses/<int:course_id>/", views.course_home, name="lti_course"),
    path("courses/<int:course_id>/manage/", views.course_manage, name="lti_course_manage"),
    path("courses/<int:course_id>/outcomes/", views.course_outcomes, name="lti_course_outcomes"),
    path(
        "programs/<int:program_id>/outcomes/",
        views.program_outcomes,
        name="lti_program_outcomes",
    ),
]
