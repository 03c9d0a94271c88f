from django.urls import path

from stint.accounts import views

urlpatterns = [
    path("settings/", views.settings_page, name="account_settings"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="account_token_revoke"),
]
