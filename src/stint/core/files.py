"""Private files leave the server one way: after the caller's access check, as a
download that no shared cache keeps and no browser sniffs into another type."""

from __future__ import annotations

from typing import IO, Any

from django.http import FileResponse


def private_download(
    handle: IO[Any], *, filename: str, content_type: str | None = None
) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
