"""The versioned JSON API: `/api/v1/`. Each app contributes a router; this
module only mounts them, sets authentication and the shared error shape."""

from __future__ import annotations

from ninja import NinjaAPI

from stint.accounts.api import router as accounts_router
from stint.api import errors
from stint.api.auth import AUTH
from stint.api.parser import StrictJsonParser
from stint.applications.api import router as applications_router
from stint.engagements.api import router as engagements_router
from stint.growth.api import router as growth_router
from stint.institutions.api import router as institutions_router
from stint.moderation.api import router as moderation_router
from stint.notifications.api import router as notifications_router
from stint.opportunities.api import router as opportunities_router
from stint.orgs.api import router as orgs_router
from stint.payments.api import router as payments_router
from stint.privacy.api import router as privacy_router
from stint.profiles.api import router as profiles_router
from stint.programs.api import router as programs_router
from stint.reviews.api import router as reviews_router

api = NinjaAPI(
    title="Stint API",
    version="1",
    description=(
        "The JSON API of Stint, the micro-internship platform. Authenticate with a personal "
        "token from your account settings (`Authorization: Bearer stint_…`) or a browser session."
    ),
    urls_namespace="api-1",
    auth=AUTH,
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StrictJsonParser(),
)
errors.install(api)
api.add_router("/", accounts_router, tags=["accounts"])
api.add_router("/", orgs_router, tags=["organisations"])
api.add_router("/", profiles_router, tags=["profiles"])
api.add_router("/", opportunities_router, tags=["opportunities"])
api.add_router("/", applications_router, tags=["applications"])
api.add_router("/", notifications_router, tags=["notifications"])
api.add_router("/", engagements_router, tags=["engagements"])
api.add_router("/", payments_router, tags=["payments"])
api.add_router("/", reviews_router, tags=["reviews"])
api.add_router("/", institutions_router, tags=["institutions"])
api.add_router("/", programs_router, tags=["programs"])
api.add_router("/", moderation_router, tags=["moderation"])
api.add_router("/", privacy_router, tags=["privacy"])
api.add_router("/", growth_router, tags=["growth"])
