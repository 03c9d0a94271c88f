from __future__ import annotations

from django import forms


class GoalsForm(forms.Form):
    goal1 = forms.CharField(max_length=200, label="Goal 1")
    goal2 = forms.CharField(max_length=200, required=False, label="Goal 2")
    goal3 = forms.CharField(max_length=200, required=False, label="Goal 3")

    def goals(self) -> list[dict[str, str]]:
        return [
            {"text": self.cleaned_data[f"goal{i}"]}
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"goal{i}", "").strip()
        ]


class FeedbackForm(forms.Form):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        label="What would you like feedback on?",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReflectionForm(forms.Form):
    learned = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=3000, label="What I learned"
    )
    differently = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
        label="What I'd do differently",
    )
    next_steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=3000, required=False, label="What next"
    )
    on_portfolio = forms.BooleanField(required=False, label="Show on my portfolio")


class SettingsForm(forms.Form):
    show_connections = forms.BooleanField(
        required=False, label="Show my connections to employers I apply to"
    )
    share_skill_growth = forms.BooleanField(
        required=False, label="Let past employers see how my verified skills grow"
    )
