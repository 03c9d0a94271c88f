from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms

from stint.core.money import CURRENCY_CHOICES, CURRENCY_EXPONENTS, amount_refusal
from stint.opportunities import rules
from stint.opportunities.models import Need, Visibility, WorkMode
from stint.opportunities.services import HIDE_REASONS, Posting, Question, SkillNeed
from stint.orgs.models import Organisation, OrgKind

LEVEL_CHOICES = [(1, "1 · basic"), (2, "2 · intermediate"), (3, "3 · advanced"), (4, "4 · expert")]
HIDE_REASON_LABELS = {
    "not_interested": "Not interested",
    "not_my_skills": "Not my skills",
    "pay_too_low": "Pay too low",
    "wrong_dates": "Dates do not suit me",
    "too_far": "Too far away",
    "other": "Something else",
}
_DATE = forms.DateInput(attrs={"type": "date"})


class OpportunityForm(forms.Form):
    """The posting form. Required skills come from rows the page builds with
    autocomplete and suggestions (`skill_id`, `need_<id>`, `level_<id>`)."""

    # The service's (and the API's) names of the fields this form names otherwise.
    service_fields: ClassVar[dict[str, str]] = {
        "fee_minor": "fee",
        "allowed_institution_ids": "allowed_institutions",
    }

    title = forms.CharField(max_length=140)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="The context and the goal: who is it for and why does it matter?",
    )
    deliverables = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text="One concrete deliverable per line.",
    )
    industry = forms.CharField(max_length=80, required=False)
    estimated_hours = forms.IntegerField(
        help_text=f"{rules.MIN_HOURS} to {rules.MAX_HOURS} hours in total."
    )
    fee = forms.DecimalField(
        min_value=Decimal(0), max_digits=12, help_text="The fixed fee, e.g. 450.00"
    )
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="USD")
    apply_by = forms.DateField(required=False, widget=_DATE)
    start_date = forms.DateField(required=False, widget=_DATE)
    due_date = forms.DateField(required=False, widget=_DATE)
    work_mode = forms.ChoiceField(choices=WorkMode.choices, initial=WorkMode.REMOTE)
    location_country = forms.CharField(max_length=2, required=False, label="Country (two letters)")
    location_city = forms.CharField(max_length=100, required=False, label="City")
    time_zone = forms.CharField(
        max_length=64, initial="UTC", help_text="An IANA time zone, e.g. Europe/Berlin."
    )
    max_tz_difference_hours = forms.IntegerField(
        required=False, min_value=0, max_value=12, label="Largest time-zone difference (hours)"
    )
    openings = forms.IntegerField(initial=1)
    visibility = forms.ChoiceField(
        choices=Visibility.choices, initial=Visibility.PUBLIC, widget=forms.RadioSelect
    )
    allowed_institutions = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(kind=OrgKind.INSTITUTION).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For ‘Students of chosen institutions’.",
    )
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Screening questions, one per line; end a line with (optional) to make it optional.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skill_rows: list[SkillNeed] = []
        if self.is_bound:
            data = self.data
            for skill_id in dict.fromkeys(data.getlist("skill_id")):
                if not skill_id:
                    continue
                try:
                    level = int(data.get(f"level_{skill_id}", 2))
                except ValueError:
                    level = 0
                self.skill_rows.append(
                    SkillNeed(skill_id, data.get(f"need_{skill_id}", Need.ESSENTIAL), level)
                )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        fee, currency = d.get("fee"), d.get("currency")
        if fee is not None and currency:
            try:
                d["fee_minor"] = rules.amount_to_minor(fee, currency)
            except ValueError:
                places = CURRENCY_EXPONENTS.get(currency, 2)
                self.add_error("fee", f"{currency} amounts have at most {places} decimal places.")
            else:
                too_much = amount_refusal(d["fee_minor"], currency)
                if too_much:
                    self.add_error("fee", too_much)
        return d

    def to_posting(self, *, partial: bool = False) -> Posting:
        """The posting typed. With `partial`, fields that did not parse stand in
        with neutral values, so the service can still judge the others."""
        d = self.cleaned_data
        if partial:
            d = {
                "title": "",
                "summary": "",
                "estimated_hours": 0,
                "fee_minor": 0,
                "currency": "USD",
                "work_mode": "remote",
                "openings": 1,
                "visibility": "public",
                **d,
            }
        questions = []
        for line in (d.get("questions") or "").splitlines():
            text = line.strip()
            if not text:
                continue
            optional = text.lower().endswith("(optional)")
            if optional:
                text = text[: -len("(optional)")].strip()
            questions.append(Question(text, not optional))
        return Posting(
            title=d["title"],
            summary=d["summary"],
            deliverables=d.get("deliverables") or "",
            industry=d.get("industry") or "",
            estimated_hours=d["estimated_hours"],
            fee_minor=d["fee_minor"],
            currency=d["currency"],
            apply_by=d.get("apply_by"),
            start_date=d.get("start_date"),
            due_date=d.get("due_date"),
            work_mode=d["work_mode"],
            location_country=d.get("location_country") or "",
            location_city=d.get("location_city") or "",
            time_zone=d.get("time_zone") or "UTC",
            max_tz_difference_hours=d.get("max_tz_difference_hours"),
            openings=d["openings"],
            visibility=d["visibility"],
            allowed_institution_ids=tuple(o.pk for o in d.get("allowed_institutions") or ()),
            skills=tuple(self.skill_rows),
            questions=tuple(questions),
        )

    @staticmethod
    def initial_from(posting: Posting) -> dict[str, Any]:
        questions = "\n".join(
            q.text if q.required else f"{q.text} (optional)" for q in posting.questions
        )
        return {
            **{
                name: getattr(posting, name)
                for name in (
                    "title",
                    "summary",
                    "deliverables",
                    "industry",
                    "estimated_hours",
                    "currency",
                    "apply_by",
                    "start_date",
                    "due_date",
                    "work_mode",
                    "location_country",
                    "location_city",
                    "time_zone",
                    "max_tz_difference_hours",
                    "openings",
                    "visibility",
                )
            },
            "fee": rules.minor_to_amount(posting.fee_minor, posting.currency),
            "allowed_institutions": list(posting.allowed_institution_ids),
            "questions": questions,
        }


class BrowseForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    skills = forms.CharField(required=False, widget=forms.HiddenInput)
    min_hourly = forms.DecimalField(
        required=False, min_value=Decimal(0), max_digits=10, label="Minimum pay per hour"
    )
    max_hours = forms.IntegerField(required=False, min_value=1, max_value=40, label="At most hours")
    work_mode = forms.ChoiceField(
        required=False, choices=[("", "Any"), *WorkMode.choices], label="Work mode"
    )
    starts_after = forms.DateField(required=False, widget=_DATE, label="Starting from")
    due_before = forms.DateField(required=False, widget=_DATE, label="Finished by")
    industry = forms.CharField(required=False, max_length=80)
    currency = forms.ChoiceField(required=False, choices=[("", "Any"), *CURRENCY_CHOICES])
    sort = forms.ChoiceField(
        required=False,
        choices=[("newest", "Newest"), ("pay", "Pay per hour"), ("match", "Best match")],
    )

    def to_params(self) -> dict[str, Any]:
        """Cleaned values as BrowseQuery parameters (pay in minor units)."""
        d = dict(self.cleaned_data)
        min_hourly = d.pop("min_hourly", None)
        if min_hourly is not None:
            exponent = CURRENCY_EXPONENTS.get(d.get("currency") or "", 2)
            d["min_hourly_minor"] = int(min_hourly.scaleb(exponent))
        d["skills"] = [s for s in (d.get("skills") or "").split(",") if s]
        return d


class SavedSearchForm(forms.Form):
    name = forms.CharField(max_length=80, label="Name this search")


class HideForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[(r, HIDE_REASON_LABELS[r]) for r in HIDE_REASONS], required=False
    )
