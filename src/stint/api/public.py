"""Public reads: what a visitor may read on the website without signing in
(published postings) is open to the API without a token too, so an integrator
can list postings anonymously. Listed here, in one place, by method and path.

A caller who sends a token is judged by it alone: a bad token stays 401, never
a silent fall-back to anonymous. Operations listed here say so in the schema
with an empty security requirement (`openapi_extra={"security": [{}]}`); a test
checks the two lists agree."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest

from stint.api.auth import API_ROOT, sends_credentials

PUBLIC_READS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GET", re.compile(r"opportunities")),
    ("GET", re.compile(r"opportunities/\d+")),
)


def is_public_read(method: str, path: str) -> bool:
    rest = path.removeprefix(API_ROOT).rstrip("/")
    return any(method == m and pattern.fullmatch(rest) for m, pattern in PUBLIC_READS)


def visitor(request: HttpRequest) -> Any:
    """Tried after the token and the session: lets a request without a token
    through as the visitor it is, on public reads only."""
    if sends_credentials(request):
        return None  # a bad credential is a 401, never a quiet visit
    if not is_public_read(request.method or "GET", request.path):
        return None
    return request.user  # AnonymousUser
