"""The project's URLs plus `/bench/bare`: a view that does nothing, served
through the same middleware, worker model and server as every real page. Its
latency is the floor that the ratios in docs/bench/load.md are measured against."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from stint.config import urls as project_urls


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *project_urls.urlpatterns]

handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
