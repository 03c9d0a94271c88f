from __future__ import annotations

import hashlib
from functools import cache as memoise
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stint.core.errors import DomainError
from stint.core.forms import apply_domain_error, flash_refusal, form_field_for
from stint.matching.engine import search_skills, skill_label, suggest_skills
from stint.matching.recommend import recommendations_for
from stint.opportunities import cards, rules, selectors, services
from stint.opportunities.forms import (
    HIDE_REASON_LABELS,
    LEVEL_CHOICES,
    BrowseForm,
    HideForm,
    OpportunityForm,
    SavedSearchForm,
)
from stint.opportunities.models import Need, SavedSearch
from stint.orgs.selectors import access_organisation


def _skill_rows(skills: Any, *, checked: bool = True) -> list[dict[str, Any]]:
    return [
        {
            "id": s.skill_id,
            "label": skill_label(s.skill_id) or s.skill_id,
            "need": s.need,
            "level": s.level,
            "checked": checked,
        }
        for s in skills
    ]


def _form_context(form: OpportunityForm, skill_rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "form": form,
        "skill_rows": skill_rows,
        "needs": Need.choices,
        "levels": LEVEL_CHOICES,
    }


# --- Browse --------------------------------------------------------------------------------


def _browse_params(request: HttpRequest) -> tuple[BrowseForm, dict[str, Any]]:
    data: QueryDict | dict[str, Any] = request.GET
    saved_id = request.GET.get("saved")
    if saved_id and saved_id.isdigit() and request.user.is_authenticated:
        saved = SavedSearch.objects.filter(user=request.user, pk=int(saved_id)).first()
        if saved is not None:
            query = selectors.BrowseQuery.from_params(saved.query)
            form = BrowseForm(initial={**saved.query, "skills": ",".join(query.skills)})
            return form, saved.query
    form = BrowseForm(data)
    return form, form.to_params() if form.is_valid() else {}


def _filter_form(request: HttpRequest, form: BrowseForm, query: selectors.BrowseQuery) -> str:
    """The filter form's HTML. Django renders every widget and option through
    templates, which was a large share of the page's CPU (docs/bench/load.md); the
    HTML depends only on the query string (and the language), so it is cached per
    distinct one. Forms filled from a saved search are rendered each time."""

    def render_form() -> str:
        return render_to_string(
            "opportunities/_browse_form.html",
            {"form": form, "skill_labels": [(s, skill_label(s) or s) for s in query.skills]},
        )

    if "saved" in request.GET:
        return mark_safe(render_form())
    items = sorted((k, v) for k, v in request.GET.lists() if k != "page")
    digest = hashlib.sha1(repr(items).encode(), usedforsecurity=False).hexdigest()
    key = f"browse-form:v1:{get_language()}:{digest}"
    return mark_safe(cache.get_or_set(key, render_form, 60 * 60))


@memoise
def _saved_search_form(language: str) -> str:
    """The empty "save this search" form: the same on every page of a language."""
    return mark_safe(str(SavedSearchForm()))  # rendered by Django, escaped


@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    form, params = _browse_params(request)
    query = selectors.BrowseQuery.from_params(params)
    result = selectors.browse_page(
        request.user, query, request.GET.get("page") or 1, with_skills=False
    )
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "opportunities/browse.html",
        {
            "form": form,
            "filter_form": _filter_form(request, form, query),
            "result": result,
            "card_bodies": cards.bodies([item.opportunity for item in result.items]),
            "querystring": querystring.urlencode(),
            "saved_form": _saved_search_form(get_language()),
            "hide_form": HideForm(),
        },
    )


# --- One opportunity -------------------------------------------------------------------------


def detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.access_opportunity(actor=request.user, opportunity_id=opportunity_id)
    can_manage = selectors.is_member(request.user, opportunity.employer_id)
    return render(
        request,
        "opportunities/detail.html",
        {
            "o": opportunity,
            "can_manage": can_manage,
            "transitions": rules.allowed_transitions(opportunity.status) if can_manage else [],
            "application_count": selectors.application_count(opportunity) if can_manage else None,
            "clarity": selectors.clarity_of(opportunity) if can_manage else None,
            "hold": selectors.posting_hold(opportunity) if can_manage else None,
            "insight": selectors.insight_for(request.user, opportunity),
            "hidden": selectors.is_hidden(request.user, opportunity),
            "saved": selectors.is_saved(request.user, opportunity),
            "hide_form": HideForm(),
            "fee": rules.minor_to_amount(opportunity.fee_minor, opportunity.currency),
            "hourly": rules.minor_to_amount(
                rules.hourly_rate_minor(opportunity.fee_minor, opportunity.estimated_hours),
                opportunity.currency,
            ),
        },
    )


def _every_error(form: OpportunityForm) -> None:
    """The form refused some fields as typed; ask the service about the fields that
    did parse too, so every error shows in one submit (issue 14 item 6)."""
    try:
        services.posting_check(form.to_posting(partial=True))
    except DomainError as exc:
        for problem in exc.problems():
            field = form_field_for(form, problem.field)
            if field is not None and field not in form.errors:
                form.add_error(field, problem.message)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, org_id: int) -> HttpResponse:
    org, _ = access_organisation(actor=request.user, organisation_id=org_id)
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        _every_error(form)
    elif request.method == "POST":
        with apply_domain_error(form):
            opportunity = services.opportunity_create(
                actor=request.user, organisation_id=org.pk, posting=form.to_posting()
            )
            messages.success(request, "Draft saved. Check the clarity tips, then publish.")
            return redirect("opportunity_edit", opportunity_id=opportunity.pk)
    context = _form_context(form, _skill_rows(form.skill_rows) if form.is_bound else [])
    return render(request, "opportunities/form.html", {**context, "org": org, "o": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.access_opportunity(
        actor=request.user, opportunity_id=opportunity_id, manage=True
    )
    current = services.posting_of(opportunity)
    if request.method == "POST":
        form = OpportunityForm(request.POST)
        if not form.is_valid():
            _every_error(form)
        else:
            with apply_domain_error(form):
                services.opportunity_update(
                    actor=request.user, opportunity_id=opportunity.pk, posting=form.to_posting()
                )
                messages.success(request, "Saved.")
                return redirect("opportunity_edit", opportunity_id=opportunity.pk)
        rows = _skill_rows(form.skill_rows)
    else:
        form = OpportunityForm(initial=OpportunityForm.initial_from(current))
        rows = _skill_rows(current.skills)
    context = _form_context(form, rows)
    return render(
        request,
        "opportunities/form.html",
        {
            **context,
            "org": opportunity.employer,
            "o": opportunity,
            "clarity": selectors.clarity_of(opportunity),
            "application_count": selectors.application_count(opportunity),
            "transitions": rules.allowed_transitions(opportunity.status),
        },
    )


@login_required
@require_POST
def change_status(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    status = request.POST.get("status", "")
    with flash_refusal(request):
        opportunity = services.opportunity_transition(
            actor=request.user, opportunity_id=opportunity_id, status=status
        )
        messages.success(
            request, f"The opportunity is now {opportunity.get_status_display().lower()}."
        )
    return redirect("opportunity_detail", opportunity_id=opportunity_id)


@login_required
@require_POST
def hide(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    form = HideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.opportunity_hide(actor=request.user, opportunity_id=opportunity_id, reason=reason)
    messages.success(request, "Hidden. You will not see it in your results again.")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("opportunity_browse")


@login_required
@require_POST
def unhide(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    services.opportunity_unhide(actor=request.user, opportunity_id=opportunity_id)
    messages.success(request, "It is back in your results.")
    return redirect("opportunity_detail", opportunity_id=opportunity_id)


def _back_or(request: HttpRequest, fallback: str, *args: Any) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback, *args)


@login_required
@require_POST
def save(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    try:
        saved = services.opportunity_save(actor=request.user, opportunity_id=opportunity_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Saved “{saved.opportunity.title}” for later.")
    return _back_or(request, "opportunity_detail", opportunity_id)


@login_required
@require_POST
def unsave(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    services.opportunity_unsave(actor=request.user, opportunity_id=opportunity_id)
    messages.success(request, "Removed from your saved postings.")
    return _back_or(request, "opportunity_saved_list")


@login_required
def saved_list(request: HttpRequest) -> HttpResponse:
    """Postings saved for later, and those hidden from results (to bring back)."""
    return render(
        request,
        "opportunities/saved_list.html",
        {
            "saved": list(selectors.saved_of(request.user)),
            "hidden": [
                (h, HIDE_REASON_LABELS.get(h.reason, h.reason))
                for h in selectors.hidden_of(request.user)
            ],
        },
    )


@login_required
@require_POST
def delete(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.access_opportunity(
        actor=request.user, opportunity_id=opportunity_id, manage=True
    )
    with flash_refusal(request):
        services.opportunity_delete(actor=request.user, opportunity_id=opportunity.pk)
        messages.success(request, f"Draft “{opportunity.title}” deleted.")
        return redirect("opportunity_org_list", org_id=opportunity.employer_id)
    return redirect("opportunity_detail", opportunity_id=opportunity.pk)  # refused: say why there


# --- An employer's postings --------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    orgs = selectors.employer_orgs(request.user)
    if len(orgs) == 1:
        return redirect("opportunity_org_list", org_id=orgs[0].pk)
    return render(request, "opportunities/mine.html", {"organisations": orgs})


@login_required
def org_postings(request: HttpRequest, org_id: int) -> HttpResponse:
    org, _ = access_organisation(actor=request.user, organisation_id=org_id)
    return render(
        request,
        "opportunities/org_postings.html",
        {"org": org, "postings": selectors.postings_of(org.pk)},
    )


# --- Saved searches -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def saved_searches(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        browse_form = BrowseForm(request.POST)
        if form.is_valid() and browse_form.is_valid():
            with flash_refusal(request):
                services.saved_search_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    query=selectors.BrowseQuery.from_params(browse_form.to_params()),
                )
                messages.success(request, "Search saved. We will tell you about new matches.")
        else:
            messages.error(request, "Give the search a name.")
        return redirect("opportunity_saved_searches")
    return render(
        request,
        "opportunities/saved_searches.html",
        {"searches": selectors.saved_searches_of(request.user)},
    )


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, saved_search_id: int) -> HttpResponse:
    services.saved_search_delete(actor=request.user, saved_search_id=saved_search_id)
    messages.success(request, "Saved search deleted.")
    return redirect("opportunity_saved_searches")


# --- Skills (htmx partials for the posting form) ---------------------------------------------------


@login_required
@require_GET
def skill_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("skill_q") or request.GET.get("q") or ""
    return render(
        request, "opportunities/_skill_options.html", {"options": search_skills(query[:100], 8)}
    )


@login_required
@require_GET
def skill_row(request: HttpRequest) -> HttpResponse:
    skill_id = request.GET.get("id", "")
    label = skill_label(skill_id)
    if label is None:
        return HttpResponse(status=404)
    row = {"id": skill_id, "label": label, "need": Need.ESSENTIAL, "level": 2, "checked": True}
    return render(
        request,
        "opportunities/_skill_row.html",
        {"s": row, "needs": Need.choices, "levels": LEVEL_CHOICES},
    )


@login_required
@require_POST
def skill_suggest(request: HttpRequest) -> HttpResponse:
    text = " ".join(request.POST.get(k, "") for k in ("title", "summary", "deliverables"))[:10000]
    already = set(request.POST.getlist("skill_id"))
    rows = [
        # the plain name ("Python", not "Python (computer programming)")
        {"id": s["id"], "label": s["name"], "need": Need.NICE, "level": 2, "checked": False}
        for s in suggest_skills(text, 12)
        if s["id"] not in already
    ]
    return render(
        request,
        "opportunities/_skill_suggestions.html",
        {"rows": rows, "needs": Need.choices, "levels": LEVEL_CHOICES},
    )


@login_required
@require_GET
def recommended(request: HttpRequest) -> HttpResponse:
    """Recommended for you: the engine's picks with why they match and whether
    they are worth the time; each can be hidden with a reason."""
    recs = recommendations_for(request.user, k=20) if request.user.is_candidate else None
    return render(
        request,
        "opportunities/recommended.html",
        {"recs": recs, "hide_form": HideForm()},
    )
