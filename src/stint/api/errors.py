"""One JSON shape for every API error:
`{"detail": "...", "errors": [{"field": "...", "message": "..."}], "code": "..."}`.
Every error has a `code` (a DomainError's own, else one per status below); answers
that never reach ninja (unknown paths, wrong methods) get the same shape from
`stint.api.middleware`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from stint.api.parser import MESSAGE, NulCharacters
from stint.core.errors import DomainError, Forbidden, NotFound, RateLimited

log = logging.getLogger("stint.api")

_LOC_ROOTS = {"body", "query", "path", "form", "header", "cookie", "payload"}


# The code of an error that has no more specific one, by HTTP status.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


def error_body(
    detail: str, errors: list[dict[str, Any]] | None = None, *, code: str = "invalid"
) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or [], "code": code}


def code_for(status: int) -> str:
    return STATUS_CODES.get(status, "error")


def _field(loc: list[Any] | tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if str(p) not in _LOC_ROOTS]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field(e.get("loc", ())), "message": e.get("msg", "Invalid value.")}
            for e in exc.errors
        ]
        return api.create_response(
            request, error_body("The request has invalid fields.", errors), status=422
        )

    @api.exception_handler(DomainError)
    def domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body = error_body(
            exc.message,
            [{"field": p.field, "message": p.message} for p in exc.problems() if p.field],
            code=exc.code,
        )
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        body = error_body(exc.message, code=exc.code)
        response = api.create_response(request, body, status=exc.status)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(DjangoValidationError)
    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": f, "message": str(m)}
                for f, msgs in exc.message_dict.items()
                for m in msgs
            ]
        else:
            errors = [{"field": None, "message": str(m)} for m in exc.messages]
        return api.create_response(
            request, error_body("The request has invalid fields.", errors), status=422
        )

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return api.create_response(
            request, error_body(str(exc) or "Not found.", code="not_found"), status=404
        )

    @api.exception_handler(Http404)
    def http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("Not found.", code="not_found"), status=404)

    @api.exception_handler(Forbidden)
    def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
        return api.create_response(
            request,
            # A subclass may name its reason (accounts.mfa.MfaRequired: `mfa_required`).
            error_body(str(exc) or "Forbidden.", code=getattr(exc, "code", "forbidden")),
            status=403,
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_body(str(exc) or "Forbidden.", code="forbidden"), status=403
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body(
                "Authentication required: a session or a valid Bearer API token.",
                code="unauthenticated",
            ),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, NulCharacters):
            errors = [{"field": f, "message": MESSAGE} for f in cause.fields]
            return api.create_response(
                request, error_body(MESSAGE, errors, code="nul_characters"), status=400
            )
        code = "csrf_failed" if "CSRF" in str(exc) else code_for(exc.status_code)
        return api.create_response(request, error_body(str(exc), code=code), status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("Unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request,
            error_body("Something went wrong on our side.", code="server_error"),
            status=500,
        )
