"""LTI pages: the three endpoints a platform calls (login initiation, launch,
JWKS), the deep-linking picker, and staff pages for platforms, courses and outcomes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.exception import LtiException, OIDCException

from stint.core.errors import DomainError
from stint.core.forms import apply_domain_error
from stint.core.security import STRICT_CSP
from stint.lti import keys, rules, selectors, services, tool
from stint.lti.forms import AttachForm, DeepLinkForm, DeploymentsForm, PlatformForm
from stint.lti.models import CourseRole


def _refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "lti/refused.html", {"reason": reason}, status=status)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(keys.jwks())
    # Platforms fetch it from their servers; any origin may read a public key.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@csrf_exempt  # the platform starts the login; state and nonce protect it, not a CSRF token
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    try:
        oidc = tool.StintOIDCLogin(request, tool.DatabaseToolConf())
        return oidc.redirect(selectors.absolute(reverse("lti_launch")))
    except (OIDCException, LtiException) as exc:
        return _refused(request, f"The platform's login request was refused: {exc}", 400)


@csrf_exempt  # a cross-site POST from the platform; the signed id_token is the proof
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    message = tool.StintMessageLaunch(request, tool.DatabaseToolConf())
    try:
        claims = message.get_launch_data()
    except LtiException as exc:
        return _refused(request, f"The launch was refused: {exc}")
    try:
        done = services.launch_accept(
            platform=message.platform,
            claims=claims,
            signed_in_id=request.user.pk if request.user.is_authenticated else None,
        )
    except DomainError as exc:
        return _refused(request, exc.message)
    if request.user.is_authenticated and request.user.pk != done.user.pk:
        logout(request)
    if not request.user.is_authenticated:
        login(request, done.user, backend="django.contrib.auth.backends.ModelBackend")
    if done.deep_link is not None:
        return redirect("lti_deep_link", token=done.deep_link.token)
    if done.role == CourseRole.INSTRUCTOR:
        if selectors.is_course_staff(done.user, done.course):
            return redirect("lti_course_manage", course_id=done.course.pk)
        return redirect("lti_course", course_id=done.course.pk)
    opportunity = str(done.custom.get("stint_opportunity") or "")
    if opportunity.isdigit():
        return redirect("opportunity_detail", opportunity_id=int(opportunity))
    if selectors.in_cohort(done.course, done.user):
        return redirect("program_detail", program_id=done.course.program_id)
    return redirect("lti_course", course_id=done.course.pk)


@login_required
@require_GET
def course_home(request: HttpRequest, course_id: int) -> HttpResponse:
    """What a student of the course sees: its program and projects."""
    course = selectors.access_course_as_member(actor=request.user, course_id=course_id)
    in_cohort = selectors.in_cohort(course, request.user)
    return render(
        request,
        "lti/course_home.html",
        {
            "course": course,
            "opportunities": course.opportunities.order_by("title"),
            "in_cohort": in_cohort,
            "is_staff": selectors.is_course_staff(request.user, course),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_manage(request: HttpRequest, course_id: int) -> HttpResponse:
    """Staff: attach a program or projects, choose the grade, sync the roster."""
    course = selectors.access_course(actor=request.user, course_id=course_id)
    programs = selectors.attachable_programs(course)
    form = AttachForm(
        programs=programs,
        initial={
            "program": course.program_id,
            "opportunities": ", ".join(
                str(pk) for pk in course.opportunities.values_list("pk", flat=True)
            ),
            "grade_mode": course.grade_mode,
        },
    )
    status = 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "attach":
        form = AttachForm(request.POST, programs=programs)
        if form.is_valid():
            with apply_domain_error(form):
                services.course_attach(
                    actor=request.user,
                    course_id=course.pk,
                    program_id=form.cleaned_data["program"],
                    opportunity_ids=form.cleaned_data["opportunities"],
                    grade_mode=form.cleaned_data["grade_mode"],
                )
                messages.success(
                    request, "Saved. Students who open Stint from the course land on it."
                )
                return redirect("lti_course_manage", course_id=course.pk)
        status = 422
    elif action == "sync":
        try:
            result = services.roster_sync(actor=request.user, course_id=course.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Roster: {result.created} new, {result.updated} updated, {result.unchanged} "
                f"unchanged; {result.cohort_added} joined the cohort, {result.not_linked} "
                f"not linked yet. {result.cohort_note}",
            )
        return redirect("lti_course_manage", course_id=course.pk)
    elif action == "grades":
        queued = services.grades_queue(actor=request.user, course_id=course.pk)
        messages.success(request, f"{queued} grade{'s' if queued != 1 else ''} queued to send.")
        return redirect("lti_course_manage", course_id=course.pk)
    return render(
        request,
        "lti/course_manage.html",
        {
            "course": course,
            "form": form,
            "line_item": getattr(course, "line_item", None),
            "students": len(selectors.course_student_ids(course)),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest, token: str) -> HttpResponse:
    """The teacher's picker inside the platform; the answer goes back signed."""
    pending = selectors.access_deep_link(actor=request.user, token=token)
    course = pending.course
    staff = selectors.is_course_staff(request.user, course)
    programs = selectors.attachable_programs(course) if staff else []
    opportunities = selectors.attachable_opportunities(course)
    form = DeepLinkForm(request.POST or None, programs=programs, opportunities=opportunities)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            answer = services.deep_link_respond(
                actor=request.user,
                token=token,
                program_id=form.cleaned_data["program"],
                opportunity_ids=form.cleaned_data["opportunities"],
            )
            response = render(
                request,
                "lti/deep_link_return.html",
                {"return_url": answer.return_url, "jwt": answer.jwt},
            )
            # The form posts to the platform: allow that one origin as a form target.
            response["Content-Security-Policy"] = STRICT_CSP.replace(
                "form-action 'self'", f"form-action 'self' {rules.origin(answer.return_url)}"
            )
            return response
    return render(
        request,
        "lti/deep_link.html",
        {"course": course, "form": form, "staff": staff, "token": token},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def platforms(request: HttpRequest, institution_id: int) -> HttpResponse:
    """Staff: the platforms registered, the tool's URLs to give them, the courses."""
    institution = selectors.access_platforms(actor=request.user, institution_id=institution_id)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "deployments":
        deployments = DeploymentsForm(request.POST)
        if deployments.is_valid():
            try:
                services.platform_deployments_set(
                    actor=request.user,
                    platform_id=deployments.cleaned_data["platform"],
                    deployment_ids=deployments.cleaned_data["deployment_ids"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Deployment ids saved.")
        else:
            messages.error(request, "Give at least one deployment id.")
        return redirect("lti_platforms", institution_id=institution.pk)
    form = PlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            p = services.platform_register(
                actor=request.user, institution_id=institution.pk, **form.cleaned_data
            )
            messages.success(request, f"{p.name} is registered. Add Stint to a course to try it.")
            return redirect("lti_platforms", institution_id=institution.pk)
    return render(
        request,
        "lti/platforms.html",
        {
            "institution": institution,
            "platforms": selectors.platforms_of(institution),
            "courses": selectors.courses_of(institution),
            "programs": selectors.programs_of(institution),
            "form": form,
            "tool_urls": selectors.tool_urls(),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def course_outcomes(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.access_course(actor=request.user, course_id=course_id)
    outcomes = selectors.course_outcomes(actor=request.user, course_id=course_id)
    return render(request, "lti/outcomes.html", {"outcomes": outcomes, "course": course})


@login_required
@require_GET
def program_outcomes(request: HttpRequest, program_id: int) -> HttpResponse:
    outcomes = selectors.program_outcomes(actor=request.user, program_id=program_id)
    return render(request, "lti/outcomes.html", {"outcomes": outcomes, "program_id": program_id})
