"""HTML forms: they parse what the browser sends into the services' arguments.
The rules themselves (levels, time zones, links, dates) live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from stint.profiles import rules
from stint.profiles.models import RemotePreference

LEVEL_CHOICES = list(rules.SKILL_LEVELS.items())


class ProfileForm(forms.Form):
    headline = forms.CharField(
        max_length=140,
        required=False,
        help_text="One line about you, e.g. “Economics student who loves data”.",
    )
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=4000)
    location_country = forms.CharField(
        label="Country", max_length=2, required=False, help_text="Two letters, e.g. GB, DE, KE."
    )
    location_city = forms.CharField(label="City", max_length=100, required=False)
    time_zone = forms.CharField(
        max_length=64,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text="A name such as Europe/London or America/New_York.",
    )
    remote_preference = forms.ChoiceField(
        label="How you like to work", choices=RemotePreference.choices
    )
    hours_per_week = forms.IntegerField(
        label="Hours a week you can give", help_text="Between 1 and 60."
    )
    interests = forms.CharField(
        required=False, max_length=500, help_text="Separate them with commas: climate, health."
    )
    industries = forms.CharField(
        required=False, max_length=500, help_text="Separate them with commas: fintech, education."
    )
    links = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Up to five web addresses, one per line (portfolio, GitHub, LinkedIn).",
    )

    def clean_interests(self) -> list[str]:
        return rules.split_tags(self.cleaned_data["interests"])

    def clean_industries(self) -> list[str]:
        return rules.split_tags(self.cleaned_data["industries"])

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]

    @staticmethod
    def initial_from(profile: Any) -> dict[str, Any]:
        return {
            "headline": profile.headline,
            "bio": profile.bio,
            "location_country": profile.location_country,
            "location_city": profile.location_city,
            "time_zone": profile.time_zone,
            "remote_preference": profile.remote_preference,
            "hours_per_week": profile.hours_per_week,
            "interests": ", ".join(profile.interests),
            "industries": ", ".join(profile.industries),
            "links": "\n".join(profile.links),
        }


class SkillForm(forms.Form):
    """Type a phrase (`q`), pick one of the matching skills (`skill_id`), give a level."""

    q = forms.CharField(label="Skill", max_length=100, required=False)
    skill_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    level = forms.TypedChoiceField(choices=LEVEL_CHOICES, coerce=int, initial=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "skill_%s")  # unique ids next to the goal form
        super().__init__(*args, **kwargs)


class SkillLevelForm(forms.Form):
    level = forms.TypedChoiceField(choices=LEVEL_CHOICES, coerce=int)


class GoalForm(forms.Form):
    """Type a job title (`q`), pick one of the ranked occupations (`occupation_id`)."""

    q = forms.CharField(label="Job you are aiming for", max_length=100, required=False)
    occupation_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "goal_%s")
        super().__init__(*args, **kwargs)


class EducationForm(forms.Form):
    institution_name = forms.CharField(label="School or university", max_length=160)
    degree = forms.CharField(max_length=120, required=False, help_text="e.g. BSc, MA, diploma")
    major = forms.CharField(max_length=120, required=False)
    graduation_year = forms.IntegerField(required=False, help_text="Expected, if you are studying.")


class WindowForm(forms.Form):
    start = forms.DateField(label="Free from", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))


class ResumeForm(forms.Form):
    resume = forms.FileField(
        label="Resume",
        help_text="PDF, Word (.docx) or plain text. We suggest skills from it for you to confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.txt"}),
    )
