"""Public pages mounted at /p/: portfolios, the platform's public keys, revocation
status lists, verification."""

from django.urls import path

from stint.reviews import views

urlpatterns = [
    path("keys/platform.json", views.platform_key, name="credential_platform_key"),
    path("verify/", views.verify_page, name="credential_verify"),
    path("status/<int:list_no>.json", views.status_list, name="credential_status_list"),
    path("<slug:slug>/", views.portfolio_public, name="portfolio_public"),
    path(
        "<slug:slug>/credentials/<int:engagement_id>.json",
        views.portfolio_credential,
        name="portfolio_credential",
    ),
]
