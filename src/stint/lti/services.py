"""Writes for LTI: registering a platform, accepting a launch (who signs in,
which course), attaching a program or projects, deep linking, the roster from
NRPS and grades to AGS. HTTP calls to the platform happen outside transactions."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import IntegrityError, transaction
from django.utils import timezone
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem as PlatformLineItem

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError
from stint.core.spreadsheet import csv_row
from stint.core.tasks import enqueue_on_commit
from stint.core.text import single_line, web_url
from stint.institutions.services import RosterImported, roster_import
from stint.lti import rules, tool
from stint.lti.models import (
    Course,
    CourseMember,
    CourseRole,
    DeepLinkRequest,
    GradeMode,
    GradeSent,
    LineItem,
    LtiAccount,
    Platform,
    ResourceLink,
)
from stint.lti.selectors import (
    access_course,
    access_deep_link,
    access_platform,
    access_platforms,
    employer_rating,
    graded_engagements,
    is_course_staff,
)
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors import visible_to_institution_q
from stint.orgs.models import Affiliation, InstitutionDomain
from stint.orgs.rules import domain_covers
from stint.programs.models import Program

LINE_ITEM_TAG = "stint"

# --- Platforms ---------------------------------------------------------------------------


@transaction.atomic
def platform_register(
    *,
    actor: User,
    institution_id: int,
    name: str,
    issuer: str,
    client_id: str,
    deployment_ids: Iterable[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    auth_audience: str = "",
) -> Platform:
    """Register a learning platform for the institution (owners and admins)."""
    institution = access_platforms(actor=actor, institution_id=institution_id, manage=True)
    name = single_line(name, "name")
    client_id = single_line(client_id, "client_id")
    if not name:
        raise DomainError("required", "Name the platform, e.g. “Canvas”.", "name")
    if not client_id:
        raise DomainError("required", "Give the client id the platform showed.", "client_id")
    urls = {
        f: web_url(v, f)
        for f, v in {
            "issuer": issuer,
            "auth_login_url": auth_login_url,
            "auth_token_url": auth_token_url,
            "key_set_url": key_set_url,
        }.items()
    }
    for field, value in urls.items():
        if not value:
            raise DomainError("required", f"The platform's {field} is required.", field)
    deployments = _deployments(deployment_ids)
    if Platform.objects.filter(issuer=urls["issuer"], client_id=client_id).exists():
        raise ConflictError(
            "platform_exists", "This issuer and client id are already registered.", "client_id"
        )
    return Platform.objects.create(
        institution=institution,
        name=name,
        client_id=client_id,
        deployment_ids=deployments,
        auth_audience=single_line(auth_audience, "auth_audience"),
        created_by=actor,
        **urls,
    )


def _deployments(deployment_ids: Iterable[str]) -> list[str]:
    deployments = sorted({single_line(d, "deployment_ids") for d in deployment_ids} - {""})
    if not deployments:
        raise DomainError("required", "Give at least one deployment id.", "deployment_ids")
    if len(deployments) > rules.MAX_DEPLOYMENTS:
        raise DomainError(
            "too_many", f"At most {rules.MAX_DEPLOYMENTS} deployment ids.", "deployment_ids"
        )
    return deployments


@transaction.atomic
def platform_deployments_set(
    *, actor: User, platform_id: int, deployment_ids: Iterable[str]
) -> Platform:
    """Replace the deployment ids a platform may launch with (a new install of the
    tool in the platform gets a new one)."""
    platform = access_platform(actor=actor, platform_id=platform_id, manage=True)
    platform.deployment_ids = _deployments(deployment_ids)
    platform.save(update_fields=["deployment_ids"])
    return platform


# --- Launch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Launched:
    user: User
    course: Course
    role: str  # "learner" | "instructor"
    resource_link: ResourceLink | None
    deep_link: DeepLinkRequest | None
    custom: Mapping[str, Any]


class LaunchRefused(DomainError):
    status = 403


def _verified_owner(email: str) -> User | None:
    """The account whose *verified* address this is, if any."""
    row = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return row.user if row else None


def _user_for(platform: Platform, sub: str, email: str, name: str, role: str) -> User:
    """Who signs in: the account already linked to (platform, sub); else the
    account whose verified address the platform sends; else a new account. An
    account holding the address unverified is never taken over."""
    account = LtiAccount.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if account is not None:
        account.last_launch_at = timezone.now()
        account.save(update_fields=["last_launch_at"])
        return account.user
    if not email:
        raise LaunchRefused(
            "email_missing",
            "The course did not share your email address, which Stint needs to sign you in. "
            "Ask the course administrator to share names and emails with Stint.",
            "email",
        )
    user = _verified_owner(email)
    if user is None:
        if User.objects.filter(email__iexact=email).exists():
            raise LaunchRefused(
                "email_unverified",
                f"A Stint account with {email} exists but its address is not verified. Sign in "
                "to Stint, verify the address, then open Stint from the course again.",
                "email",
            )
        user = User.objects.create_user(
            email=email, full_name=name[:150], is_candidate=(role == CourseRole.LEARNER)
        )
        # The university vouches for addresses in its own verified domains only.
        in_domain = any(
            domain_covers(d, email)
            for d in InstitutionDomain.objects.filter(
                organisation=platform.institution, verified_at__isnull=False
            ).values_list("domain", flat=True)
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=in_domain)
    LtiAccount.objects.create(platform=platform, sub=sub, user=user)
    return user


def _check_may_sign_in(user: User, signed_in_id: int | None) -> None:
    """Accounts with a second factor, and platform admins, only continue a session
    they opened themselves: the platform's word must not skip their second factor.
    Raised inside the launch's transaction, so nothing of the launch is kept."""
    if signed_in_id == user.pk:
        return
    if user.is_staff or user.is_superuser or Authenticator.objects.filter(user=user).exists():
        raise LaunchRefused(
            "second_factor",
            "Your Stint account uses two-factor authentication. Sign in to Stint in this "
            "browser first, then open Stint from the course again.",
            "sub",
        )


@transaction.atomic
def launch_accept(
    *, platform: Platform, claims: Mapping[str, Any], signed_in_id: int | None = None
) -> Launched:
    """Record a validated launch: the person, their course and role in it, the
    resource link and its line item, and a deep-linking request if one was asked.
    `signed_in_id` is who the browser is already signed in as, if anyone."""
    role = rules.course_role(claims.get(rules.ROLES_CLAIM) or [])
    if role is None:
        raise LaunchRefused(
            "role_unsupported", "Stint opens for the course's students and teachers.", "roles"
        )
    sub = str(claims.get("sub") or "")
    if not sub:
        raise LaunchRefused("sub_missing", "The launch did not say who you are (sub).", "sub")
    context = claims.get(rules.CONTEXT_CLAIM) or {}
    if not context.get("id"):
        raise LaunchRefused(
            "context_missing", "Open Stint from inside a course (no context).", "context"
        )
    email = str(claims.get("email") or "").strip().lower()
    name = str(
        claims.get("name")
        or " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))
    ).strip()
    user = _user_for(platform, sub, email, name, role)
    _check_may_sign_in(user, signed_in_id)
    if role == CourseRole.LEARNER:
        Affiliation.objects.get_or_create(
            user=user, institution=platform.institution, defaults={"email": user.email}
        )
    nrps = claims.get(rules.NRPS_CLAIM) or {}
    ags = claims.get(rules.AGS_CLAIM) or {}
    course, _ = Course.objects.get_or_create(
        platform=platform,
        context_id=str(context["id"])[:255],
        defaults={"deployment_id": str(claims.get(rules.DEPLOYMENT_CLAIM, ""))[:255]},
    )
    course.title = str(context.get("title") or context.get("label") or "")[:255]
    course.deployment_id = str(claims.get(rules.DEPLOYMENT_CLAIM, ""))[:255]
    if nrps.get("context_memberships_url"):
        course.memberships_url = str(nrps["context_memberships_url"])[:500]
    if ags.get("lineitems"):
        course.lineitems_url = str(ags["lineitems"])[:500]
        course.ags_scopes = [str(s) for s in ags.get("scope") or []]
    course.save()
    member, created = CourseMember.objects.get_or_create(
        course=course, user=user, defaults={"role": role}
    )
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    link = None
    resource = claims.get(rules.RESOURCE_LINK_CLAIM) or {}
    if resource.get("id"):
        link, _ = ResourceLink.objects.update_or_create(
            course=course,
            resource_link_id=str(resource["id"])[:255],
            defaults={
                "title": str(resource.get("title") or "")[:255],
                "lineitem_url": str(ags.get("lineitem") or "")[:500],
            },
        )
    deep = None
    settings = claims.get(rules.DEEP_LINK_CLAIM)
    if settings is not None:
        if role != CourseRole.INSTRUCTOR:
            raise LaunchRefused(
                "teachers_only", "Only the course's teachers can add Stint content.", "roles"
            )
        deep = DeepLinkRequest.objects.create(
            token=secrets.token_urlsafe(32),
            course=course,
            user=user,
            return_url=str(settings.get("deep_link_return_url") or "")[:500],
            data=settings.get("data"),
            accept_multiple=str(settings.get("accept_multiple", True)).lower() != "false",
        )
    custom = claims.get(rules.CLAIM + "custom") or {}
    return Launched(user, course, role, link, deep, custom if isinstance(custom, dict) else {})


# --- Attaching a program or projects -----------------------------------------------------


def _attachable(
    course: Course, program_id: int | None, opportunity_ids: Iterable[int]
) -> tuple[Program | None, list[Opportunity]]:
    program = None
    if program_id is not None:
        program = Program.objects.filter(
            pk=program_id, institution_id=course.platform.institution_id
        ).first()
        if program is None:
            raise DomainError(
                "no_such_program", "Choose one of your institution's programs.", "program_id"
            )
    ids = sorted({int(i) for i in opportunity_ids})
    if len(ids) > rules.MAX_ATTACHED:
        raise DomainError(
            "too_many", f"Choose at most {rules.MAX_ATTACHED} projects.", "opportunity_ids"
        )
    found = list(
        Opportunity.objects.filter(
            visible_to_institution_q(course.platform.institution_id),
            pk__in=ids,
            status=OpportunityStatus.PUBLISHED,
        )
    )
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise DomainError(
            "no_such_opportunity",
            f"Project {missing[0]} is not an open opportunity your students can see.",
            "opportunity_ids",
        )
    return program, found


@transaction.atomic
def course_attach(
    *,
    actor: User,
    course_id: int,
    program_id: int | None,
    opportunity_ids: Iterable[int] = (),
    grade_mode: str = "completion",
) -> Course:
    """Set what the course offers (a program, projects, or both) and how it is graded."""
    course = access_course(actor=actor, course_id=course_id, for_update=True)
    if grade_mode not in GradeMode.values:
        raise DomainError("bad_grade_mode", "Choose completion or rating.", "grade_mode")
    program, opportunities = _attachable(course, program_id, opportunity_ids)
    course.program = program
    course.grade_mode = grade_mode
    course.save(update_fields=["program", "grade_mode"])
    course.opportunities.set(opportunities)
    return course


@dataclass(frozen=True)
class DeepLinkAnswer:
    return_url: str
    jwt: str


def deep_link_respond(
    *, actor: User, token: str, program_id: int | None, opportunity_ids: Iterable[int]
) -> DeepLinkAnswer:
    """The teacher's choice, signed as an LtiDeepLinkingResponse for the platform.
    The choice is also attached to the course, so students land on it."""
    with transaction.atomic():
        request = access_deep_link(actor=actor, token=token, for_update=True)
        course = request.course
        ids = list(opportunity_ids)
        if program_id is None and not ids:
            raise DomainError(
                "nothing_chosen", "Choose a program or at least one project.", "program_id"
            )
        if program_id is not None and not is_course_staff(actor, course):
            raise DomainError(
                "staff_only",
                "Only your institution's career-services staff can attach a program; "
                "choose projects instead.",
                "program_id",
            )
        program, opportunities = _attachable(course, program_id, ids)
        if not request.accept_multiple and (len(opportunities) + (1 if program else 0)) > 1:
            raise DomainError(
                "one_only", "This course accepts one item at a time.", "opportunity_ids"
            )
        if program is not None:
            course.program = program
            course.save(update_fields=["program"])
        course.opportunities.add(*opportunities)
        request.used_at = timezone.now()
        request.save(update_fields=["used_at"])
    from django.urls import reverse

    from stint.lti.selectors import absolute

    launch_url = absolute(reverse("lti_launch"))
    items: list[DeepLinkResource] = []
    first = True
    targets: list[tuple[str, str, str]] = []
    if program is not None:
        targets.append(("stint_program", str(program.pk), program.name))
    targets += [("stint_opportunity", str(o.pk), o.title) for o in opportunities]
    for key, value, title in targets:
        item = (
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(title[:255])
            .set_custom_params({key: value})
        )
        if first:
            # One gradebook column for the course's Stint work.
            item.set_lineitem(
                PlatformLineItem()
                .set_label(f"Stint: {title}"[:255])
                .set_score_maximum(100)
                .set_tag(LINE_ITEM_TAG)
            )
            first = False
        items.append(item)
    reg = tool.registration_for(course.platform)
    settings: Any = {"deep_link_return_url": request.return_url, "data": request.data}
    jwt = DeepLink(reg, course.deployment_id, settings).get_response_jwt(items)
    return DeepLinkAnswer(return_url=request.return_url, jwt=jwt)


# --- Names and Roles: the course roster becomes the program's cohort -------------------


def roster_sync(*, actor: User, course_id: int) -> RosterImported:
    """Fetch the course's students from the platform and import them as the
    program's roster (the roster import's own service: linked students join the cohort)."""
    course = access_course(actor=actor, course_id=course_id)
    if course.program_id is None:
        raise ConflictError("no_program", "Attach a program to the course first.", "program_id")
    if not course.memberships_url:
        raise ConflictError(
            "no_roster_service",
            "The platform has not offered the course roster (Names and Roles) yet: "
            "enable it for Stint, then open Stint from the course once.",
            "course_id",
        )
    try:
        members = tool.names_roles(course.platform, course.memberships_url).get_members()
    except (LtiException, LtiServiceException, OSError) as exc:
        raise ConflictError(
            "platform_unreachable", f"The platform refused the roster request: {exc}", "course_id"
        ) from exc
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(["email", "name"]))
    rows = 0
    known = dict(LtiAccount.objects.filter(platform=course.platform).values_list("sub", "user_id"))
    learners: list[int] = []
    for m in members:
        if m.get("status", "Active") != "Active":
            continue
        if rules.course_role(m.get("roles") or []) != CourseRole.LEARNER:
            continue
        if str(m.get("user_id")) in known:
            learners.append(known[str(m.get("user_id"))])
        email = str(m.get("email") or "").strip().lower()
        if not email:
            continue
        name = str(m.get("name") or "").strip() or email.split("@", 1)[0]
        writer.writerow(csv_row([email, name[:150]]))
        rows += 1
    if rows == 0:
        raise ConflictError(
            "roster_empty",
            "The platform listed no students with an email address for this course.",
            "course_id",
        )
    with transaction.atomic():
        result = roster_import(
            actor=actor,
            institution_id=course.platform.institution_id,
            program_id=course.program_id,
            csv_text=out.getvalue(),
        )
        Course.objects.filter(pk=course.pk).update(roster_synced_at=timezone.now())
        existing = set(
            CourseMember.objects.filter(course=course, user_id__in=learners).values_list(
                "user_id", flat=True
            )
        )
        CourseMember.objects.bulk_create(
            [
                CourseMember(course=course, user_id=u, role=CourseRole.LEARNER)
                for u in sorted(set(learners) - existing)
            ]
        )
    return result


# --- Assignment and Grade Services --------------------------------------------------------


def _line_item(course: Course) -> LineItem:
    """The course's Stint column: ours if known, else found by tag or created."""
    existing = LineItem.objects.filter(course=course).first()
    if existing is not None:
        return existing
    ags = tool.grades_service(
        course.platform, lineitems_url=course.lineitems_url, scopes=course.ags_scopes
    )
    label = f"Stint: {course.program.name if course.program else course.title or 'projects'}"
    found = ags.find_or_create_lineitem(
        PlatformLineItem().set_label(label[:255]).set_score_maximum(100).set_tag(LINE_ITEM_TAG),
        find_by="tag",
    )
    try:
        with transaction.atomic():
            return LineItem.objects.create(
                course=course,
                url=found.get_id(),
                label=(found.get_label() or label)[:255],
                score_maximum=int(found.get_score_maximum() or 100),
            )
    except IntegrityError:
        return LineItem.objects.get(course=course)


def grade_send(*, course_id: int, engagement_id: int) -> GradeSent | None:
    """Send (or resend, after a re-review) one paid engagement's score to the
    course's gradebook. Idempotent: nothing is sent when the score is unchanged."""
    course = Course.objects.select_related("platform", "program").filter(pk=course_id).first()
    if course is None or not course.lineitems_url:
        return None
    engagement = graded_engagements(course).filter(pk=engagement_id).first()
    if engagement is None:
        return None
    account = LtiAccount.objects.filter(
        platform=course.platform, user_id=engagement.candidate_id
    ).first()
    if account is None:
        return None
    line_item = _line_item(course)
    score = rules.score_for(
        mode=course.grade_mode,
        employer_rating=employer_rating(engagement),
        maximum=line_item.score_maximum,
    )
    sent = GradeSent.objects.filter(line_item=line_item, engagement=engagement).first()
    if sent is not None and sent.score_given == score.given and sent.comment == score.comment:
        return sent
    grade = (
        Grade()
        .set_score_given(float(score.given))
        .set_score_maximum(score.maximum)
        .set_timestamp(timezone.now().isoformat())
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(account.sub)
        .set_comment(score.comment)
    )
    ags = tool.grades_service(
        course.platform, lineitems_url=course.lineitems_url, scopes=course.ags_scopes
    )
    ags.put_grade(grade, PlatformLineItem().set_id(line_item.url))
    with transaction.atomic():
        row, created = GradeSent.objects.select_for_update().get_or_create(
            line_item=line_item,
            engagement=engagement,
            defaults={
                "student_id": engagement.candidate_id,
                "score_given": score.given,
                "score_maximum": score.maximum,
                "comment": score.comment[:255],
            },
        )
        if not created:
            row.score_given = Decimal(score.given)
            row.score_maximum = score.maximum
            row.comment = score.comment[:255]
            row.sent_at = timezone.now()
            row.times_sent += 1
            row.save()
    return row


def grades_due(
    course_id: int | None = None, engagement_id: int | None = None
) -> list[tuple[int, int]]:
    """(course id, engagement id) pairs whose score must be sent or sent again
    (of one engagement only when `engagement_id` is given)."""
    due: list[tuple[int, int]] = []
    courses = Course.objects.exclude(lineitems_url="").select_related("platform", "line_item")
    if course_id is not None:
        courses = courses.filter(pk=course_id)
    for course in courses:
        line_item = getattr(course, "line_item", None)
        sent_rows = GradeSent.objects.filter(line_item=line_item)
        if engagement_id is not None:
            sent_rows = sent_rows.filter(engagement_id=engagement_id)
        sent = {g.engagement_id: g for g in sent_rows} if line_item else {}
        maximum = line_item.score_maximum if line_item else 100
        linked = set(
            LtiAccount.objects.filter(platform=course.platform).values_list("user_id", flat=True)
        )
        engagements = graded_engagements(course).filter(candidate_id__in=linked)
        if engagement_id is not None:
            engagements = engagements.filter(pk=engagement_id)
        for engagement in engagements:
            score = rules.score_for(
                mode=course.grade_mode,
                employer_rating=employer_rating(engagement),
                maximum=maximum,
            )
            previous = sent.get(engagement.pk)
            if (
                previous is None
                or previous.score_given != score.given
                or previous.comment != score.comment
            ):
                due.append((course.pk, engagement.pk))
    return due


def grades_queue(*, actor: User, course_id: int) -> int:
    """Staff: queue now what the sweep would send for this course; how many."""
    from stint.lti.tasks import grade_send as task

    course = access_course(actor=actor, course_id=course_id)
    due = grades_due(course.pk)
    for course_pk, engagement_pk in due:
        enqueue_on_commit(task, course_pk, engagement_pk)
    return len(due)
