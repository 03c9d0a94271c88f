"""Opportunity cards as cached HTML fragments.

A card (title, employer, pay, summary, skills) looks the same to everyone, and
rendering twenty of them through the template engine was most of a browse
page's CPU (docs/bench/load.md). Each card's HTML is cached under a key made of
what it shows: the opportunity's id and `updated_at` (every service write bumps
it, skills included), the employer's name and the language. A changed posting is
a new key, so nothing is invalidated by hand and a stale card is never served.

What differs per person (the match line, the hide form with its CSRF token) is
not cached: `card` adds it around the cached part.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache as memoise
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

from stint.core import metrics
from stint.matching.templatetags.skill_names import match_badge
from stint.opportunities.models import Opportunity

# What a page must load for `bodies` to find its cards (and for the hide form).
CARD_KEY_FIELDS = ("id", "title", "updated_at", "employer__name")
CARD_TTL = 24 * 60 * 60  # seconds; keys change with the content, this only frees memory
_VERSION = "v3"  # bump when _card_body.html changes


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
    if keys:
        metrics.inc(
            "stint_cache_lookups_total", len(keys) - len(missing), cache="card", result="hit"
        )
        metrics.inc("stint_cache_lookups_total", len(missing), cache="card", result="miss")
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


@memoise
def _hide_options(language: str) -> SafeString:
    """The reasons' <option>s: the same on every card of a language."""
    from stint.opportunities.forms import HideForm  # forms import services; keep this light

    choices: Iterable[tuple[Any, Any]] = HideForm.base_fields["reason"].choices  # type: ignore[attr-defined]
    return format_html_join(
        "", '<option value="{}">{}</option>', ((v, str(label)) for v, label in choices)
    )


def save_form(o: Opportunity, request: HttpRequest, csrf_token: str | None = None) -> SafeString:
    """The per-person "save for later" button, back to the page it was shown on
    (saving twice is one save, so the card needs no look-up of its own)."""
    return format_html(
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="link" aria-label="Save {} for later">Save</button></form>',
        reverse("opportunity_save", args=[o.pk]),
        csrf_token or get_token(request),
        request.get_full_path(),
        o.title,
    )


def hide_form(
    o: Opportunity,
    request: HttpRequest,
    csrf_token: str | None = None,
    *,
    button: str = "Hide",
    back: bool = True,
) -> SafeString:
    """The per-person "hide" form: a CSRF token of this session and, with `back`,
    `next` back to the page it was shown on. Pass the page's `csrf_token` (each
    `get_token` call masks the secret anew, which costs more than the rest of the
    form)."""
    next_input = (
        format_html('<input type="hidden" name="next" value="{}">', request.get_full_path())
        if back
        else ""
    )
    return format_html(
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}'
        '<label for="hide-{}" class="sr-only">Why hide {}?</label>'
        '<select name="reason" id="hide-{}">{}</select>'
        '<button type="submit" class="link">{}</button></form>',
        reverse("opportunity_hide", args=[o.pk]),
        csrf_token or get_token(request),
        next_input,
        o.pk,
        o.title,
        o.pk,
        _hide_options(get_language()),
        button,
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
            parts.append(format_html("<p>{}{}</p>", _match_badge(fit), why))
    if hide and request.user.is_authenticated:
        parts.append(save_form(o, request, csrf_token))
        parts.append(hide_form(o, request, csrf_token))
    return format_html(
        '<article class="card opportunity" id="opportunity-{}">{}\n</article>',
        o.pk,
        mark_safe("\n".join(parts)),
    )


def _match_badge(fit: Any) -> SafeString:
    """The band and calibrated percentage ("Strong match · 92%"), what it means on
    hover; a bare percentage for a fit without a band."""
    if getattr(fit, "band_label", ""):
        return match_badge(fit)
    return format_html('<span class="badge">match {}%</span>', round(fit.score * 100))


def recommendation(r: Any, *, request: HttpRequest, csrf_token: str | None) -> SafeString:
    """One "recommended for you" item (`matching.recommend.Recommendation`): compact
    (title, match, employer, the first reason) with why it matches and whether it is
    worth the time on demand, and a "not for me" form. Built here rather than in a
    template: twenty of them were most of the page's CPU. The "too little history"
    sentence is left out: the page says it once (`lacks_history`)."""
    o = r.opportunity
    explanation = list(r.fit.explanation)
    worth = list(r.worth["sentences"])
    if lacks_history(r):
        worth.remove(r.worth["growth_potential"]["sentence"])
    return format_html(
        '<li class="card recommendation" id="rec-{pk}">\n'
        '  <h3><a href="{url}">{title}</a>\n'
        "    {score}</h3>\n"
        "  <p>{employer} · {hours} hours · {mode}</p>\n"
        "{lead}"
        '  <details class="more"><summary>Why it matches and is it worth your time</summary>\n'
        "  <p><strong>Why this matches:</strong></p>\n"
        "  <ul>{why}</ul>\n"
        "  <p><strong>Is it worth your time?</strong></p>\n"
        "  <ul>{worth}</ul>\n"
        "  </details>\n"
        "  {hide}\n"
        "</li>",
        pk=o.pk,
        url=reverse("opportunity_detail", args=[o.pk]),
        title=o.title,
        score=_match_badge(r.fit),
        employer=o.employer.name,
        hours=o.estimated_hours,
        mode=o.get_work_mode_display(),
        lead=format_html('  <p class="lead">{}</p>\n', explanation[0]) if explanation else "",
        why=format_html_join("", "<li>{}</li>", ((line,) for line in explanation)),
        worth=format_html_join("", "<li>{}</li>", ((line,) for line in worth)),
        hide=hide_form(o, request, csrf_token, button="Not for me", back=False),
    )


def lacks_history(r: Any) -> bool:
    """The employer has too few finished engagements for a follow-up rate: the same
    sentence on every such card, so the page states it once instead."""
    growth = r.worth.get("growth_potential") or {}
    return growth.get("score") is None and growth.get("sentence") in r.worth["sentences"]
