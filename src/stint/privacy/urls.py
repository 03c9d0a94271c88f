from django.urls import path

from stint.privacy import views

urlpatterns = [
    path("", views.overview, name="privacy_overview"),
    path("exports/", views.export_request, name="privacy_export_request"),
    path(
        "exports/<int:export_id>/download/", views.export_download, name="privacy_export_download"
    ),
    path("delete/", views.delete_account, name="privacy_delete"),
]
