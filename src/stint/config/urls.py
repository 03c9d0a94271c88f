from django.contrib import admin
from django.urls import include, path

from stint.api.api import api
from stint.core import views as core_views
from stint.ops.views import metrics_view

admin.site.site_header = "Stint administration"
admin.site.site_title = "Stint admin"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the footer's switcher
    path("metrics", metrics_view, name="metrics"),
    path("dashboard/", include("stint.dashboard.urls")),
    # Before allauth's: its OpenID Connect views, with the id_token signature always checked.
    path("accounts/oidc/", include("stint.sso.oidc_urls")),
    # Before allauth's: SAML single log-out taking only signed messages.
    path("accounts/saml/", include("stint.sso.saml_urls")),
    path("accounts/", include("allauth.urls")),
    # allauth.headless: sign-up, verification, sign-in and password reset for apps.
    path("_allauth/", include("allauth.headless.urls")),
    path("sso/", include("stint.sso.urls")),
    path("account/", include("stint.accounts.urls")),
    path("orgs/", include("stint.orgs.urls")),
    path("orgs/", include("stint.events.urls")),
    path("profile/", include("stint.profiles.urls")),
    path("opportunities/", include("stint.opportunities.urls")),
    path("applications/", include("stint.applications.urls")),
    path("notifications/", include("stint.notifications.urls")),
    path("engagements/", include("stint.engagements.urls")),
    path("payments/", include("stint.payments.urls")),
    path("reviews/", include("stint.reviews.urls")),
    path("growth/", include("stint.growth.urls")),
    # Interviews and references moved to their apps (ADR 0018); pages keep their /growth/ addresses.
    path("growth/", include("stint.reviews.reference_urls")),
    path("growth/", include("stint.applications.interview_urls")),
    path("institutions/", include("stint.institutions.urls")),
    path("lti/", include("stint.lti.urls")),
    path("programs/", include("stint.programs.urls")),
    path("p/", include("stint.reviews.portfolio_urls")),
    path("moderation/", include("stint.moderation.urls")),
    path("privacy/", include("stint.privacy.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # OAuth 2.0 for third-party apps: authorize, token, revoke_token, introspect; developer pages.
    path("oauth/", include("stint.oauth.urls")),
]

handler403 = "stint.core.views.error_403"
handler404 = "stint.core.views.error_404"
handler500 = "stint.core.views.error_500"
