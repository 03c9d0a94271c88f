"""Private files leave the server one way: after the caller's access check, as a
download that no shared cache keeps and no browser sniffs into another type.

Where the bytes come from depends on the storage (settings `MEDIA_STORAGE`):
- S3-compatible storage: a redirect to a presigned URL valid for
  `STINT_MEDIA_URL_SECONDS`, so no web process streams the file and any host can
  hand out a file another host stored;
- local disk behind nginx with `STINT_MEDIA_ACCEL_PREFIX`: an `X-Accel-Redirect`
  to an `internal` location, so nginx sends the file;
- local disk otherwise (development, the default): streamed by Django.
"""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from stint.core.errors import NotFound


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def private_download(
    file: FieldFile | IO[Any], *, filename: str, content_type: str | None = None
) -> HttpResponse:
    """`file` is a model's file (preferred: the storage decides how it is sent) or
    an open handle (streamed)."""
    if not isinstance(file, FieldFile):
        return _private(
            FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
        )
    if not file:
        raise NotFound("There is no file here.")
    disposition = content_disposition_header(True, filename) or "attachment"
    if getattr(settings, "MEDIA_STORAGE", "local") == "s3":
        parameters = {"ResponseContentDisposition": disposition}
        if content_type:
            parameters["ResponseContentType"] = content_type
        url = file.storage.url(  # type: ignore[call-arg]
            file.name, parameters=parameters, expire=settings.STINT_MEDIA_URL_SECONDS
        )
        return _private(HttpResponseRedirect(url))
    prefix = getattr(settings, "STINT_MEDIA_ACCEL_PREFIX", "")
    if prefix:
        if not file.storage.exists(file.name):
            raise NotFound("The file is missing.")
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + str(file.name).lstrip("/")
        response["Content-Disposition"] = disposition
        return _private(response)
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound("The file is missing.") from exc
    return _private(
        FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    )
