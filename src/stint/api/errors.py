"""One JSON shape for every API error:
`{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`."""

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
from stint.core.errors import DomainError, Forbidden, NotFound

log = logging.getLogger("stint.api")

_LOC_ROOTS = {"body", "query", "path", "form", "header", "cookie", "payload"}


def error_body(detail: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


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
            exc.message, [{"field": exc.field, "message": exc.message}] if exc.field else []
        )
        body["code"] = exc.code
        return api.create_response(request, body, status=exc.status)

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
        return api.create_response(request, error_body(str(exc) or "Not found."), status=404)

    @api.exception_handler(Http404)
    def http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("Not found."), status=404)

    @api.exception_handler(Forbidden)
    def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
        return api.create_response(request, error_body(str(exc) or "Forbidden."), status=403)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, error_body(str(exc) or "Forbidden."), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("Authentication required: a session or a Bearer API token."),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, NulCharacters):
            errors = [{"field": f, "message": MESSAGE} for f in cause.fields]
            return api.create_response(request, error_body(MESSAGE, errors), status=400)
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("Unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request, error_body("Something went wrong on our side."), status=500
        )
