"""Prepares a seeded database for a load run and prints what wrk needs as JSON.

Run with the project's settings and the benchmark's DATABASE_URL (run.py does):
- `search_text` for the bulk-inserted opportunities (`seed_scale` bypasses the
  service that fills it), then ANALYZE, so the planner knows the fresh tables;
- the scheduler's matching snapshot job (indexes for the workers to load, and every
  published title's vector in the shared cache, as a deployment runs it);
- a session for the browsing candidate (Django's test client `force_login`
  against the same database: the cookie is what a login form would set), and
  sessions for `--visitors` distinct scale candidates written to `--cookies`, one
  cookie per line, so that the page scenarios are not one person's cached pages;
- API tokens for `--appliers` scale candidates without applications, and a file of
  (token, opportunity, candidate number) lines: `--per` distinct published public
  opportunities each, every line a different opportunity.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from importlib import import_module

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from stint.accounts.models import ApiToken, User  # noqa: E402
from stint.accounts.services import TOKEN_PREFIX, hash_token  # noqa: E402
from stint.demo.scale import EMAIL_DOMAIN  # noqa: E402
from stint.opportunities.models import Opportunity  # noqa: E402
from stint.opportunities.services import refresh_search_text  # noqa: E402
from stint.ops.tasks import matching_snapshot  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--browser", default="ada@example.edu")
    parser.add_argument("--appliers", type=int, default=3000)
    parser.add_argument("--per", type=int, default=5)
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--cookies", help="write one session cookie per visitor here")
    args = parser.parse_args()

    refresh_search_text(missing_only=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # What the scheduler's periodic job does in a deployment: a matching snapshot that
    # workers load at start, and every published title's vector in the shared cache.
    started = time.perf_counter()
    matching_snapshot.call()
    print(f"snapshot and title vectors: {time.perf_counter() - started:.1f}s", file=sys.stderr)

    browser = User.objects.get(email=args.browser)
    client = Client()
    client.force_login(browser)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    cookies = []
    if args.cookies and args.visitors > 0:
        # The same session a sign-in would make (what `force_login` writes), made directly:
        # a thousand sign-ins through the client would only measure the hashing.
        store = import_module(settings.SESSION_ENGINE).SessionStore
        visitors = User.objects.filter(
            email__endswith=f"@{EMAIL_DOMAIN}", is_candidate=True
        ).order_by("pk")[: args.visitors]
        for user in visitors:
            s = store()
            s[SESSION_KEY] = str(user.pk)
            s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            s[HASH_SESSION_KEY] = user.get_session_auth_hash()
            s.save()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={s.session_key}")
        with open(args.cookies, "w") as fh:
            fh.write("\n".join(cookies) + "\n")

    appliers = list(
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", applications__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: args.appliers]
    )
    opportunity_ids = list(
        Opportunity.objects.filter(status="published", visibility="public")
        .exclude(employer__memberships__isnull=False)
        .values_list("pk", flat=True)
    )
    rng = random.Random(len(appliers))
    rng.shuffle(opportunity_ids)
    tokens, raws = [], []
    for user_id in appliers:
        raw = f"{TOKEN_PREFIX}{secrets.token_hex(6)}_{secrets.token_urlsafe(24)}"
        raws.append(raw)
        tokens.append(
            ApiToken(
                user_id=user_id,
                name="load benchmark",
                prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 12],
                key_hash=hash_token(raw),
            )
        )
    # Round-robin over candidates, so that consecutive requests come from different
    # people; the third column (the candidate's number) keeps each candidate on one
    # wrk thread. Every line names a different opportunity.
    lines = []
    for round_ in range(args.per):
        for number, raw in enumerate(raws):
            oid = opportunity_ids[(round_ * len(raws) + number) % len(opportunity_ids)]
            lines.append(f"{raw} {oid} {number}")
    ApiToken.objects.bulk_create(tokens, batch_size=1000)
    with open(args.pairs, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(
        json.dumps(
            {
                "session_cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                "browser": args.browser,
                "visitors": len(cookies),
                "appliers": len(appliers),
                "pairs": len(lines),
                "published": len(opportunity_ids),
                "vendor": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
