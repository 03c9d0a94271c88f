"""Opportunity cards as cached HTML fragments.

A card (title, employer, pay, summary, skills) looks the same to everyone, and
rendering twenty of them through the template engine was most of a browse
page's CPU (docs/bench/load.md). Each card's HTML is cached under a key made of
what it shows: the opportunity's id and `updated_at` (every service write bumps
it, skills included), the employer's name and the language. A changed posting is
a new key, so nothing is invalidated by hand and a stale card is never served.

What differs per person (the match line, the hide form with its CSRF token) is
not cached: `card_for` adds it around the cached part.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from stint.opportunities.models import Opportunity

# What a page must load for `bodies` to find its cards (and for the hide form).
CARD_KEY_FIELDS = ("id", "title", "updated_at", "employer__name")
CARD_TTL = 24 * 60 * 60  # seconds; keys change with the content, this only frees memory
_VERSION = "v1"  # bump when _card_body.html changes


def _key(o: Opportunity) -> str:
    employer = hashlib.sha1(o.employer.name.encode(), usedforsecurity=False).hexdigest()[:10]
    stamp = o.updated_at.timestamp() if o.updated_at else 0
    return f"card:{_VERSION}:{get_language()}:{o.pk}:{stamp}:{employer}"


def _render(o: Opportunity) -> str:
    return render_to_string("opportunities/_card_body.html", {"o": o})


def bodies(opportunities: Sequence[Opportunity]) -> dict[int, SafeString]:
    """The cached part of each card, by opportunity id. Misses are rendered
    together, with their skills fetched in one query, and stored. The rows may
    carry only the key's fields (`CARD_KEY_FIELDS`): misses are read again whole."""
    keys = {o.pk: _key(o) for o in opportunities}
    found = cache.get_many(list(keys.values()))
    missing = [o for o in opportunities if keys[o.pk] not in found]
    if missing:
        if any(o.get_deferred_fields() for o in missing):
            missing = list(
                Opportunity.objects.filter(pk__in=[o.pk for o in missing]).select_related(
                    "employer"
                )
            )
        prefetch_related_objects(missing, "skills")
        fresh = {keys[o.pk]: _render(o) for o in missing}
        cache.set_many(fresh, CARD_TTL)
        found.update(fresh)
    return {pk: mark_safe(found[key]) for pk, key in keys.items()}


_hide_options: dict[str, SafeString] = {}  # per language: the same on every card


def hide_options() -> SafeString:
    from stint.opportunities.forms import HideForm  # forms import services; keep this light

    language = get_language()
    if language not in _hide_options:
        choices: Iterable[tuple[Any, Any]] = HideForm.base_fields["reason"].choices  # type: ignore[attr-defined]
        _hide_options[language] = format_html_join(
            "", '<option value="{}">{}</option>', ((v, str(label)) for v, label in choices)
        )
    return _hide_options[language]


def hide_form(o: Opportunity, request: HttpRequest, csrf_token: str | None = None) -> SafeString:
    """The per-person "hide" form: a CSRF token of this session, and `next` back
    to the page it was shown on. Pass the page's `csrf_token` (each `get_token`
    call masks the secret anew, which costs more than the rest of the form)."""
    return format_html(
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<label for="hide-{}" class="sr-only">Why hide {}?</label>'
        '<select name="reason" id="hide-{}">{}</select>'
        '<button type="submit" class="link">Hide</button></form>',
        reverse("opportunity_hide", args=[o.pk]),
        csrf_token or get_token(request),
        request.get_full_path(),
        o.pk,
        o.title,
        o.pk,
        hide_options(),
    )


def card(
    o: Opportunity,
    *,
    request: HttpRequest,
    csrf_token: str | None,
    fit: Any = None,
    hide: bool = False,
    body: SafeString | None = None,
) -> SafeString:
    """A whole card: the cached body (or `body`, fetched in bulk by `bodies`), the
    match line when there is a fit, and the hide form for a signed-in person."""
    parts = [body if body is not None else bodies([o])[o.pk]]
    if fit:  # a template passes "" for a missing variable
        if fit.excluded_because:
            parts.append(
                format_html(
                    '<p class="empty">Not a fit now: {}</p>', "; ".join(fit.excluded_because)
                )
            )
        else:
            why = f": {fit.explanation[0]}" if fit.explanation else ""
            parts.append(format_html("<p>Match {}%{}</p>", round(fit.score * 100), why))
    if hide and request.user.is_authenticated:
        parts.append(hide_form(o, request, csrf_token))
    return format_html(
        '<article class="card opportunity" id="opportunity-{}">{}\n</article>',
        o.pk,
        mark_safe("\n".join(parts)),
    )


def recommendation(r: Any, *, request: HttpRequest, csrf_token: str | None) -> SafeString:
    """One "recommended for you" item (`matching.recommend.Recommendation`): why it
    matches, whether it is worth the time, and a "not for me" form. Built here
    rather than in a template: twenty of them were most of the page's CPU."""
    o = r.opportunity
    token = csrf_token or get_token(request)
    return format_html(
        '<li class="card recommendation" id="rec-{pk}">\n'
        '  <h3><a href="{url}">{title}</a>\n'
        '    <span class="badge ok">match {score}%</span></h3>\n'
        "  <p>{employer} · {hours} hours · {mode}</p>\n"
        "  <p><strong>Why this matches:</strong></p>\n"
        "  <ul>{why}</ul>\n"
        "  <p><strong>Is it worth your time?</strong></p>\n"
        "  <ul>{worth}</ul>\n"
        '  <form method="post" action="{hide}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
        '    <label for="hide-{pk}" class="sr-only">Why hide {title}?</label>\n'
        '    <select name="reason" id="hide-{pk}">{options}</select>\n'
        '    <button type="submit" class="link">Not for me</button>\n'
        "  </form>\n"
        "</li>",
        pk=o.pk,
        url=reverse("opportunity_detail", args=[o.pk]),
        title=o.title,
        score=round(r.fit.score * 100),
        employer=o.employer.name,
        hours=o.estimated_hours,
        mode=o.get_work_mode_display(),
        why=format_html_join("", "<li>{}</li>", ((line,) for line in r.fit.explanation)),
        worth=format_html_join("", "<li>{}</li>", ((line,) for line in r.worth["sentences"])),
        hide=reverse("opportunity_hide", args=[o.pk]),
        token=token,
        options=hide_options(),
    )
