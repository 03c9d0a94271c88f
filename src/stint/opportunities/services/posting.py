"""What an employer writes about an opportunity (`Posting`, the input of create and update) and the
checks of every field before anything is written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stint.core.errors import FieldProblems
from stint.core.money import CURRENCY_EXPONENTS, amount_refusal, hourly_floor_minor
from stint.core.text import single_line
from stint.matching.engine import skill_label
from stint.opportunities import rules
from stint.opportunities.models import Need, Opportunity, Visibility, WorkMode
from stint.opportunities.services.common import _text
from stint.orgs.models import Organisation, OrgKind

_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class SkillNeed:
    skill_id: str
    need: str = "essential"
    level: int = 2


@dataclass(frozen=True)
class Question:
    text: str
    required: bool = True


@dataclass(frozen=True)
class Posting:
    """Everything an employer writes about an opportunity: the input of create
    and update (HTML forms and API payloads both build one)."""

    title: str
    summary: str
    estimated_hours: int
    fee_minor: int
    currency: str = "USD"
    deliverables: str = ""
    industry: str = ""
    apply_by: date | None = None
    start_date: date | None = None
    due_date: date | None = None
    work_mode: str = "remote"
    location_country: str = ""
    location_city: str = ""
    time_zone: str = "UTC"
    max_tz_difference_hours: int | None = None
    openings: int = 1
    visibility: str = "public"
    allowed_institution_ids: tuple[int, ...] = ()
    skills: tuple[SkillNeed, ...] = ()
    questions: tuple[Question, ...] = field(default_factory=tuple)


def posting_of(opportunity: Opportunity) -> Posting:
    """The current posting of an opportunity (the base of a partial update)."""
    return Posting(
        title=opportunity.title,
        summary=opportunity.summary,
        estimated_hours=opportunity.estimated_hours,
        fee_minor=opportunity.fee_minor,
        currency=opportunity.currency,
        deliverables=opportunity.deliverables,
        industry=opportunity.industry,
        apply_by=opportunity.apply_by,
        start_date=opportunity.start_date,
        due_date=opportunity.due_date,
        work_mode=opportunity.work_mode,
        location_country=opportunity.location_country,
        location_city=opportunity.location_city,
        time_zone=opportunity.time_zone,
        max_tz_difference_hours=opportunity.max_tz_difference_hours,
        openings=opportunity.openings,
        visibility=opportunity.visibility,
        allowed_institution_ids=tuple(
            sorted(opportunity.allowed_institutions.values_list("pk", flat=True))
        ),
        skills=tuple(
            SkillNeed(s.skill_id, s.need, s.level) for s in opportunity.skills.order_by("pk")
        ),
        questions=tuple(Question(q.text, q.required) for q in opportunity.questions.all()),
    )


def _line(problems: FieldProblems, value: str, name: str) -> str:
    with problems.check():
        return single_line(value, name)
    return value


def _clean(posting: Posting, *, filled_count: int = 0) -> Posting:
    """Check every field; raise one DomainError, or an InvalidFields naming every
    field at fault, so the form and the API show all of them at once (issue 14)."""
    problems = FieldProblems()
    title = _line(
        problems,
        _text(problems, posting.title, "title", "A title", maximum=140, minimum=3),
        "title",
    )
    summary = _text(problems, posting.summary, "summary", "A summary", maximum=5000, minimum=1)
    deliverables = _text(
        problems, posting.deliverables, "deliverables", "Deliverables", maximum=5000
    )
    industry = _line(
        problems,
        _text(problems, posting.industry, "industry", "The industry", maximum=80),
        "industry",
    )

    hours = posting.estimated_hours
    hours_ok = rules.MIN_HOURS <= hours <= rules.MAX_HOURS
    if not hours_ok:
        problems.add(
            "hours_out_of_range",
            f"Micro-internships take {rules.MIN_HOURS} to {rules.MAX_HOURS} hours; "
            f"{hours} is outside that range.",
            "estimated_hours",
        )
    currency = (posting.currency or "").upper()
    if currency not in CURRENCY_EXPONENTS:
        problems.add(
            "bad_currency",
            "Choose one of the supported currencies: " + ", ".join(CURRENCY_EXPONENTS) + ".",
            "currency",
        )
    else:
        too_much = amount_refusal(posting.fee_minor, currency)
        minimum = hourly_floor_minor(currency)
        if too_much:
            problems.add("fee_too_high", too_much, "fee_minor")
        elif posting.fee_minor <= 0 or (
            hours_ok and not rules.pays_enough(posting.fee_minor, hours, minimum)
        ):
            problems.add(
                "fee_too_low", rules.pay_too_low_message(currency, hours, minimum), "fee_minor"
            )

    if posting.start_date and posting.due_date and posting.due_date < posting.start_date:
        problems.add(
            "due_before_start", "The due date must be on or after the start date.", "due_date"
        )
    if posting.apply_by and posting.start_date and posting.apply_by > posting.start_date:
        problems.add(
            "apply_after_start",
            "Applications must close on or before the start date.",
            "apply_by",
        )

    if posting.work_mode not in WorkMode.values:
        problems.add("bad_work_mode", "Work is remote, hybrid or on-site.", "work_mode")
    country = (posting.location_country or "").strip().upper()
    if country and not _COUNTRY_RE.match(country):
        problems.add(
            "bad_country", "Use the two-letter country code, e.g. DE or US.", "location_country"
        )
    elif posting.work_mode != WorkMode.REMOTE and not country:
        problems.add(
            "location_required",
            "Say where the work happens: on-site and hybrid work need a country.",
            "location_country",
        )
    tz = (posting.time_zone or "UTC").strip()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("bad_time_zone", "Use an IANA time zone such as Europe/Berlin.", "time_zone")
    max_tz = posting.max_tz_difference_hours
    if max_tz is not None and not 0 <= max_tz <= rules.MAX_TZ_DIFFERENCE:
        problems.add(
            "bad_tz_difference",
            f"The time-zone difference is 0 to {rules.MAX_TZ_DIFFERENCE} hours.",
            "max_tz_difference_hours",
        )

    if not 1 <= posting.openings <= rules.MAX_OPENINGS:
        problems.add("bad_openings", f"Openings are 1 to {rules.MAX_OPENINGS}.", "openings")
    elif posting.openings < filled_count:
        problems.add(
            "openings_below_filled",
            f"{filled_count} opening(s) are already filled; keep at least that many.",
            "openings",
        )

    institution_ids = tuple(sorted(set(posting.allowed_institution_ids)))
    if posting.visibility not in Visibility.values:
        problems.add(
            "bad_visibility", "Visibility is public, institutions or invite-only.", "visibility"
        )
    elif posting.visibility == Visibility.INSTITUTIONS:
        if not institution_ids:
            problems.add(
                "institutions_required",
                "Choose at least one institution whose students may see this.",
                "allowed_institution_ids",
            )
        elif Organisation.objects.filter(
            pk__in=institution_ids, kind=OrgKind.INSTITUTION
        ).count() != len(institution_ids):
            problems.add(
                "bad_institution", "Only institutions can be chosen.", "allowed_institution_ids"
            )
    if posting.visibility != Visibility.INSTITUTIONS:
        institution_ids = ()

    skills: dict[str, SkillNeed] = {}
    if len(posting.skills) > rules.MAX_SKILLS:
        problems.add("too_many_skills", f"List at most {rules.MAX_SKILLS} skills.", "skills")
    for s in posting.skills:
        if skill_label(s.skill_id) is None:
            problems.add("unknown_skill", f"Unknown skill id {s.skill_id!r}.", "skills")
        elif s.need not in Need.values:
            problems.add("bad_need", "A skill is essential or nice to have.", "skills")
        elif not 1 <= s.level <= 4:
            problems.add("bad_level", "Skill levels are 1 (basic) to 4 (expert).", "skills")
        else:
            skills[s.skill_id] = s
    if len(posting.questions) > rules.MAX_QUESTIONS:
        problems.add(
            "too_many_questions", f"Ask at most {rules.MAX_QUESTIONS} questions.", "questions"
        )
    questions = []
    too_long = False
    for q in posting.questions:
        text = q.text.strip()
        if not text:
            continue
        if len(text) > 300:
            too_long = True
        questions.append(Question(text, q.required))
    if too_long:
        problems.add("question_too_long", "Questions are at most 300 characters.", "questions")

    problems.raise_any()
    return replace(
        posting,
        title=title,
        summary=summary,
        deliverables=deliverables,
        industry=industry,
        currency=currency,
        location_country=country,
        location_city=posting.location_city.strip()[:100],
        time_zone=tz,
        allowed_institution_ids=institution_ids,
        skills=tuple(skills.values()),
        questions=tuple(questions),
    )


def posting_check(posting: Posting) -> None:
    """Raise what `_clean` finds wrong with a posting, writing nothing: a form
    that refused some fields asks about the rest so every error shows at once."""
    _clean(posting)
