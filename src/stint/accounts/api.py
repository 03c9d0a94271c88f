from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from stint.accounts import services
from stint.accounts.models import ApiToken, User
from stint.accounts.schemas import MeIn, MeOut, TokenCreatedOut, TokenIn, TokenOut
from stint.accounts.selectors import api_tokens_for, has_second_factor, mfa_required_for
from stint.core.schemas import ERRORS

router = Router()


def _me(user: User) -> MeOut:
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        is_candidate=user.is_candidate,
        roles=sorted(user.roles),
        has_second_factor=has_second_factor(user),
        second_factor_required=mfa_required_for(user),
    )


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> MeOut:
    """Who you are: your id, email, name, roles (candidate, employer member, institution staff,
    admin) and whether a second factor is set up or required. Any signed-in person or token;
    401 without one."""
    return _me(request.user)


@router.patch("/me", response={200: MeOut, **ERRORS}, summary="Change your name or candidate role")
def me_update(request: HttpRequest, payload: MeIn) -> MeOut:
    """Change your full name, or become (or stop being) a candidate. Only your own account; an
    empty name is 422 naming `full_name`."""
    user: User = request.user
    services.user_update_profile_basics(
        user=user,
        full_name=payload.full_name if payload.full_name is not None else user.full_name,
        is_candidate=payload.is_candidate
        if payload.is_candidate is not None
        else user.is_candidate,
    )
    return _me(user)


@router.get(
    "/tokens",
    response={200: list[TokenOut], **ERRORS},
    summary="Your API tokens (never the secrets)",
)
def token_list(request: HttpRequest) -> list[ApiToken]:
    """Your personal API tokens with their scopes, expiry and last use. The secrets are never
    shown again after creation. Needs the website or an unscoped personal token (app tokens
    get 403 `not_for_apps`)."""
    return list(api_tokens_for(request.user))


@router.post(
    "/tokens", response={201: TokenCreatedOut, **ERRORS}, summary="Create an API token (shown once)"
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """Create a personal API token for a script. The secret (`stint_…`) is in this answer only:
    store it. Give `scopes` to narrow it (an unknown scope is 422) and an optional future
    `expires_at` (a past one is 422). App tokens get 403 `not_for_apps`."""
    created = services.api_token_create(
        user=request.user, name=payload.name, scopes=payload.scopes, expires_at=payload.expires_at
    )
    t = created.token
    return Status(
        201,
        TokenCreatedOut(
            id=t.pk,
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            revoked_at=t.revoked_at,
            scopes=t.scopes.split(),
            expires_at=t.expires_at,
            token=created.secret,
        ),
    )


@router.delete(
    "/tokens/{token_id}", response={200: TokenOut, **ERRORS}, summary="Revoke an API token"
)
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    """Revoke one of your personal tokens: requests with it are 401 from now on. Someone else's
    token is 404."""
    return services.api_token_revoke(user=request.user, token_id=token_id)
