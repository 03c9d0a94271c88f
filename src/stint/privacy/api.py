from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from stint.core.paging import PAGE_QUERY, page_of
from stint.core.schemas import ERRORS, download
from stint.privacy import selectors, services
from stint.privacy.models import DataExport
from stint.privacy.schemas import DeletedOut, DeleteIn, ExportOut, ExportPageOut
from stint.privacy.views import export_response

router = Router()


def _export(e: DataExport) -> ExportOut:
    return ExportOut(
        id=e.pk,
        status=e.status,
        size=e.size,
        created_at=e.created_at,
        ready_at=e.ready_at,
        expires_at=e.expires_at,
    )


@router.post(
    "/privacy/exports",
    response={201: ExportOut, **ERRORS},
    summary="Ask for a zip of all your data (built in the background)",
)
def export_request(request: HttpRequest) -> Status[ExportOut]:
    """Ask for a zip of all your data (GDPR access and portability). It is built in the
    background: poll the export until its status is `ready`, then download it. One export at
    a time and three a day (409 `export_pending` or `export_limit`)."""
    return Status(201, _export(services.export_request(actor=request.user)))


@router.get(
    "/privacy/exports",
    response={200: ExportPageOut, **ERRORS},
    summary="Your exports, newest first",
)
def export_list(request: HttpRequest, page: int = PAGE_QUERY) -> ExportPageOut:
    """Your data exports, newest first, with their status and when they expire."""
    shown = page_of(selectors.exports_of(request.user), page)
    return ExportPageOut(
        items=[_export(e) for e in shown.items],
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
    )


@router.get(
    "/privacy/exports/{export_id}/download",
    response={200: None, **ERRORS},
    openapi_extra=download("application/zip"),
    summary="Download a ready export (owner only)",
)
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    """Download a ready export as a zip file. Only the person it belongs to (404 for anyone
    else); an export not ready yet is 404 too."""
    return export_response(request.user, export_id)


@router.post(
    "/privacy/account/delete",
    response={200: DeletedOut, **ERRORS},
    summary="Delete your account (your password confirms it)",
)
def account_delete(request: HttpRequest, payload: DeleteIn) -> DeletedOut:
    """Delete your account for good; your password confirms it (a wrong one is 422 naming
    `password`). Payments, engagements and reviews others rely on are kept, attributed to
    “Deleted user”. Something still open (for example an engagement under way or money held)
    is 409 `cannot_delete`, naming it. Needs the website or an unscoped personal token."""
    services.account_delete(actor=request.user, password=payload.password)
    return DeletedOut(deleted=True)
