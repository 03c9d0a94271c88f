"""Prepares a seeded database for a load run and prints what wrk needs as JSON.

Run with the project's settings and the benchmark's DATABASE_URL (run.py does):
- `search_text` for the bulk-inserted opportunities (`seed_scale` bypasses the
  service that fills it), then ANALYZE, so the planner knows the fresh tables;
- a session for the browsing candidate (Django's test client `force_login`
  against the same database: the cookie is what a login form would set);
- API tokens for `--appliers` scale candidates without applications, and a file of
  (token, opportunity, candidate number) lines: `--per` distinct published public
  opportunities each, every line a different opportunity.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from stint.accounts.models import ApiToken, User  # noqa: E402
from stint.accounts.services import TOKEN_PREFIX, hash_token  # noqa: E402
from stint.demo.scale import EMAIL_DOMAIN  # noqa: E402
from stint.opportunities.models import Opportunity  # noqa: E402
from stint.opportunities.services import refresh_search_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--browser", default="ada@example.edu")
    parser.add_argument("--appliers", type=int, default=3000)
    parser.add_argument("--per", type=int, default=5)
    parser.add_argument("--pairs", required=True)
    args = parser.parse_args()

    refresh_search_text(missing_only=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    browser = User.objects.get(email=args.browser)
    client = Client()
    client.force_login(browser)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

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
                "appliers": len(appliers),
                "pairs": len(lines),
                "published": len(opportunity_ids),
                "vendor": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
