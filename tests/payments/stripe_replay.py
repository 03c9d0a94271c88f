"""A transport that answers Stripe requests with recorded responses."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "stripe"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@dataclass
class Recorded:
    method: str
    url: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class ReplayTransport:
    """Maps a path to (status, fixture name); records every request."""

    routes: dict[str, tuple[int, str]]
    requests: list[Recorded] = field(default_factory=list)

    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        path = urllib.parse.urlparse(url).path
        form = dict(urllib.parse.parse_qsl((body or b"").decode()))
        self.requests.append(Recorded(method, url, headers, form))
        status, name = self.routes[path]
        return status, (FIXTURES / f"{name}.json").read_bytes()
