"""Pure rules about opportunities, tested without a database: the lifecycle,
the pay rule, exact money conversion, and which edits stay allowed once people
have applied ("no silent cut in pay or scope")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from stint.core.money import CURRENCY_EXPONENTS, Money

MIN_HOURS = 5
MAX_HOURS = 40
MAX_OPENINGS = 50
MAX_SKILLS = 20
MAX_QUESTIONS = 10
MAX_TZ_DIFFERENCE = 12

# The lifecycle: draft → published → closed | filled → archived.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"published"}),
    "published": frozenset({"closed", "filled"}),
    "closed": frozenset({"archived"}),
    "filled": frozenset({"archived"}),
    "archived": frozenset(),
}
# Statuses whose terms can still be edited.
EDITABLE = frozenset({"draft", "published"})
# Moving into these records closed_at.
CLOSING = frozenset({"closed", "filled"})


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def allowed_transitions(current: str) -> list[str]:
    return sorted(TRANSITIONS.get(current, frozenset()))


# --- Money and pay ------------------------------------------------------------------


def amount_to_minor(amount: Decimal | str, currency: str) -> int:
    """An amount in major units (12.50) as exact minor units (1250). Raises
    ValueError for unknown currencies, negative amounts or more decimals than
    the currency has (never rounds)."""
    if currency not in CURRENCY_EXPONENTS:
        raise ValueError(f"Unsupported currency {currency!r}")
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValueError("Not a number") from exc
    if not value.is_finite() or value < 0:
        raise ValueError("Amounts are positive numbers")
    scaled = value.scaleb(CURRENCY_EXPONENTS[currency])
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} has {CURRENCY_EXPONENTS[currency]} decimal places")
    return int(scaled)


def minor_to_amount(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-CURRENCY_EXPONENTS[currency])


def hourly_rate_minor(fee_minor: int, estimated_hours: int) -> int:
    """Fee per estimated hour in minor units, rounded down."""
    return fee_minor // max(estimated_hours, 1)


def pays_enough(fee_minor: int, estimated_hours: int, min_hourly_minor: int) -> bool:
    """Exact: fee / hours >= minimum, without rounding."""
    return fee_minor >= min_hourly_minor * estimated_hours


def pay_too_low_message(currency: str, estimated_hours: int, min_hourly_minor: int) -> str:
    per_hour = Money(min_hourly_minor, currency).format()
    total = Money(min_hourly_minor * estimated_hours, currency).format()
    return (
        f"Micro-internships are paid at least {per_hour} per hour: "
        f"for {estimated_hours} hours the fee must be at least {total}."
    )


# --- Edits once people have applied --------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What an applicant agreed to look at: the parts of a posting that must not
    shrink silently once applications exist."""

    fee_minor: int
    currency: str
    estimated_hours: int
    deliverables: str
    openings: int
    filled_count: int = 0
    work_mode: str = "remote"
    apply_by: date | None = None
    due_date: date | None = None
    essential_skill_ids: frozenset[str] = field(default_factory=frozenset)


def suggestions_refusal(*, status: str, employer_verified: bool) -> str | None:
    """Why an employer may not browse suggested candidates for this posting (None:
    they may). Candidates' names and skills are shown only to verified
    organisations, and only for work candidates can actually apply to. The page
    and the API both ask this one rule."""
    if not employer_verified:
        return "Suggested candidates are shown once your organisation is verified."
    if status != "published":
        return "Suggested candidates are shown once the opportunity is published."
    return None


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def edit_violations(before: Terms, after: Terms) -> list[tuple[str, str]]:
    """(field, message) for each change that would cut pay or scope for people
    who already applied. Adding and extending are fine."""
    problems: list[tuple[str, str]] = []
    if after.currency != before.currency:
        problems.append(("currency", "The currency cannot change once people have applied."))
    elif after.fee_minor < before.fee_minor:
        problems.append(
            (
                "fee_minor",
                "People have applied at "
                f"{Money(before.fee_minor, before.currency).format()}: the fee cannot go down.",
            )
        )
    if after.estimated_hours > before.estimated_hours:
        problems.append(
            (
                "estimated_hours",
                f"People have applied for {before.estimated_hours} hours of work: "
                "the estimate cannot go up. Post a new opportunity for bigger work.",
            )
        )
    kept = set(_lines(after.deliverables))
    if any(line not in kept for line in _lines(before.deliverables)):
        problems.append(
            (
                "deliverables",
                "People have applied: you can add to the deliverables but not remove "
                "or rewrite existing lines.",
            )
        )
    if not before.essential_skill_ids <= after.essential_skill_ids:
        problems.append(
            ("skills", "People have applied: essential skills cannot be removed or made optional.")
        )
    if after.openings < before.filled_count:
        problems.append(
            (
                "openings",
                f"{before.filled_count} opening(s) are already filled; keep at least that many.",
            )
        )
    if after.work_mode != before.work_mode:
        problems.append(("work_mode", "The work mode cannot change once people have applied."))
    for name, label in (("apply_by", "apply-by date"), ("due_date", "due date")):
        old, new = getattr(before, name), getattr(after, name)
        if old is not None and new is not None and new < old:
            problems.append(
                (name, f"People have applied: the {label} can be extended, not moved earlier.")
            )
    return problems
