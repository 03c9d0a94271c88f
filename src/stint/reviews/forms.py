from __future__ import annotations

from typing import Any

from django import forms

from stint.reviews import rules
from stint.reviews.models import FollowUpKind, ReferenceVisibility

RATING_CHOICES = [("", "Choose…"), *[(str(i), f"{i} / 5") for i in range(1, 6)]]
SKILL_RATING_CHOICES = [("", "Not rated"), *[(str(i), f"{i} / 5") for i in range(1, 6)]]
LEVEL_CHOICES = [
    ("", "Not demonstrated"),
    ("1", "1 · basic"),
    ("2", "2 · working"),
    ("3", "3 · strong"),
    ("4", "4 · expert"),
]


class ReviewForm(forms.Form):
    """Ratings for the reviewer's side; the employer side also rates and verifies skills.
    Field names: `rating_<dimension>`, `skill_<skill id>`, `verify_<skill id>`."""

    text = forms.CharField(
        label="In your words",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, side: str, skills: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.side = side
        self.skills = skills
        for name, label in rules.DIMENSIONS[side]:
            self.fields[f"rating_{name}"] = forms.TypedChoiceField(
                label=label, choices=RATING_CHOICES, coerce=int
            )
        if side == rules.EMPLOYER:
            for i, s in enumerate(skills):
                self.fields[f"skill_{i}"] = forms.TypedChoiceField(
                    label=f"{s['label']}", choices=SKILL_RATING_CHOICES, coerce=int, required=False
                )
                self.fields[f"verify_{i}"] = forms.TypedChoiceField(
                    label=f"Verify “{s['label']}” at level",
                    choices=LEVEL_CHOICES,
                    coerce=int,
                    required=False,
                )
        self.order_fields([*self.fields.keys() - {"text"}, "text"])

    def rating_fields(self) -> list[forms.BoundField]:
        return [self[f"rating_{n}"] for n, _ in rules.DIMENSIONS[self.side]]

    def skill_rows(self) -> list[tuple[dict[str, Any], forms.BoundField, forms.BoundField]]:
        if self.side != rules.EMPLOYER:
            return []
        return [(s, self[f"skill_{i}"], self[f"verify_{i}"]) for i, s in enumerate(self.skills)]

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        ratings = {n: data[f"rating_{n}"] for n, _ in rules.DIMENSIONS[self.side]}
        skill_ratings: dict[str, int] = {}
        verified: dict[str, int] = {}
        if self.side == rules.EMPLOYER:
            for i, s in enumerate(self.skills):
                if data.get(f"skill_{i}") not in (None, ""):
                    skill_ratings[s["id"]] = data[f"skill_{i}"]
                if data.get(f"verify_{i}") not in (None, ""):
                    verified[s["id"]] = data[f"verify_{i}"]
        return {
            "ratings": ratings,
            "skill_ratings": skill_ratings,
            "verified_skills": verified,
            "text": data.get("text", ""),
        }


class VerifySkillsForm(forms.Form):
    def __init__(
        self, *args: Any, skills: list[dict[str, Any]], current: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills = skills
        for i, s in enumerate(skills):
            self.fields[f"verify_{i}"] = forms.TypedChoiceField(
                label=s["label"],
                choices=LEVEL_CHOICES,
                coerce=int,
                required=False,
                initial=str(current[s["id"]]) if s["id"] in current else "",
            )

    def levels(self) -> dict[str, int]:
        return {
            s["id"]: self.cleaned_data[f"verify_{i}"]
            for i, s in enumerate(self.skills)
            if self.cleaned_data.get(f"verify_{i}") not in (None, "")
        }


class PortfolioForm(forms.Form):
    public = forms.BooleanField(
        label="Make my portfolio public",
        required=False,
        help_text="Anyone with the link can see it. Off by default.",
    )
    slug = forms.CharField(
        label="Address", max_length=50, help_text="Your portfolio lives at /p/<address>/."
    )
    headline = forms.CharField(label="Headline", max_length=140, required=False)


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of role", choices=FollowUpKind.choices)
    role_title = forms.CharField(label="Role title", max_length=140)
    message = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )


class VerifyCredentialForm(forms.Form):
    credential = forms.CharField(
        label="Paste the credential (JSON)",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        max_length=200_000,
    )


class CredentialRevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why is it revoked?",
        max_length=300,
        min_length=3,
        help_text="Anyone who checks the credential sees this and the date.",
    )


# --- References ---------------------------------------------------------------------------


class ReferenceRequestForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class ReferenceWriteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class ReferenceDeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=ReferenceVisibility.choices)


class ShareForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=rules.SHARE_DAYS_MAX, initial=14)
    recipient = forms.CharField(max_length=200, required=False, label="For (a note to yourself)")
