from django.urls import path

from stint.programs import views

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("new/", views.program_create, name="program_create"),
    path("<int:program_id>/", views.program_detail, name="program_detail"),
    path("<int:program_id>/opportunities/", views.entry_propose, name="program_entry_propose"),
    path("entries/<int:entry_id>/decide/", views.entry_decide, name="program_entry_decide"),
    path(
        "entries/<int:entry_id>/rankings/",
        views.employer_rankings,
        name="program_employer_rankings",
    ),
    path("<int:program_id>/cohort/", views.cohort_add, name="program_cohort_add"),
    path(
        "<int:program_id>/cohort/<int:student_id>/remove/",
        views.cohort_remove,
        name="program_cohort_remove",
    ),
    path("<int:program_id>/priorities/", views.priorities_set, name="program_priorities"),
    path("<int:program_id>/window/", views.window_open, name="program_window"),
    path("<int:program_id>/window/close/", views.window_close, name="program_window_close"),
    path("<int:program_id>/runs/", views.run_start, name="program_run_start"),
    path("runs/<int:run_id>/", views.run_detail, name="program_run"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="program_run_progress"),
    path("runs/<int:run_id>/publish/", views.run_publish, name="program_run_publish"),
    path("<int:program_id>/rank/", views.rank, name="program_rank"),
    path("<int:program_id>/my-result/", views.my_result, name="program_my_result"),
    path("<int:program_id>/employer/", views.employer_page, name="program_employer"),
    path("<int:program_id>/credits/", views.credits, name="program_credits"),
    path("<int:program_id>/credits.csv", views.credits_csv, name="program_credits_csv"),
]
