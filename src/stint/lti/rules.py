"""Pure rules of LTI: who a launch is (by the course roles the platform sends)
and which score a paid engagement earns. No database here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES_CLAIM = CLAIM + "roles"
CONTEXT_CLAIM = CLAIM + "context"
RESOURCE_LINK_CLAIM = CLAIM + "resource_link"
DEPLOYMENT_CLAIM = CLAIM + "deployment_id"
MESSAGE_TYPE_CLAIM = CLAIM + "message_type"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINK_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
# Course roles that may set Stint up for the course (LTI 1.3 core, appendix A.2).
TEACHING_ROLES = ("Instructor", "Administrator", "ContentDeveloper", "Mentor")
RATING_MAX = 5  # reviews rate 1-5
MAX_DEPLOYMENTS = 50  # deployment ids per registered platform
MAX_ATTACHED = 50  # projects attached to one course
LINE_ITEM_TAG = "stint"  # the tag of the course's one gradebook column for Stint work


def _short(role: str) -> str:
    """`…/membership#Instructor` and `…/membership/Instructor#TeachingAssistant`
    both name the context role Instructor; a bare `Instructor` is allowed too (1.3 §A.2.3)."""
    if role.startswith(MEMBERSHIP + "#"):
        return role.split("#", 1)[1]
    if role.startswith(MEMBERSHIP + "/"):
        return role[len(MEMBERSHIP) + 1 :].split("#", 1)[0]
    return role if "/" not in role and "#" not in role else ""


def course_role(roles: Iterable[str]) -> str | None:
    """'instructor', 'learner' or None (no role Stint acts on, e.g. an observer)."""
    short = {_short(r) for r in roles if isinstance(r, str)}
    if short & set(TEACHING_ROLES):
        return "instructor"
    if "Learner" in short:
        return "learner"
    return None


@dataclass(frozen=True)
class Score:
    given: Decimal
    maximum: int
    comment: str


def score_for(*, mode: str, employer_rating: float | None, maximum: int) -> Score:
    """The grade for a paid engagement: full marks for completion, or the
    employer's mean rating (1-5) scaled to `maximum`. In rating mode, before the
    employer's review is visible the grade is completion's, updated when it is."""
    full = Decimal(maximum)
    if mode == "rating" and employer_rating is not None:
        rating = min(max(Decimal(str(employer_rating)), Decimal(0)), Decimal(RATING_MAX))
        given = (rating / RATING_MAX * full).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return Score(given, maximum, f"Employer's rating {employer_rating:g} of {RATING_MAX}.")
    if mode == "rating":
        return Score(full, maximum, "Completed and paid; the employer's rating is not in yet.")
    return Score(full, maximum, "Completed and paid.")


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, for a Content-Security-Policy source."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def audience_ok(aud: object, azp: object, client_id: str) -> bool:
    """OIDC core §3.1.3.7: our client id is in `aud`; with several audiences,
    `azp` must name us."""
    if isinstance(aud, str):
        return aud == client_id and (azp is None or azp == client_id)
    if isinstance(aud, list) and client_id in aud:
        return len(aud) == 1 or azp == client_id
    return False
