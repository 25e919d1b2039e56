"""Forms only validate; services do the writing."""

from django import forms

from contributors.models import RoleType

from .services import ACTIVITY_FILTERS, SHORTLIST_FILTERS


class _MessageFields(forms.Form):
    subject = forms.CharField(max_length=150, help_text="A few words people see first.")
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text="Written once; each person gets it by email, text message or letter, as they chose.",
    )


class ActivityMessageForm(_MessageFields):
    who = forms.ChoiceField(
        label="Who should get it?",
        choices=ACTIVITY_FILTERS.items(),
        widget=forms.RadioSelect,
        initial="everyone",
    )
    field_order = ["who", "subject", "body"]


class ProjectMessageForm(_MessageFields):
    who = forms.ChoiceField(
        label="Who should get it?",
        choices=[("everyone", "Everyone with a role or taking part in an activity")]
        + [(value, f"People in the role: {label}") for value, label in RoleType.choices],
        widget=forms.RadioSelect,
        initial="everyone",
    )
    field_order = ["who", "subject", "body"]


class ShortlistMessageForm(_MessageFields):
    who = forms.ChoiceField(
        label="Who should get it?",
        choices=SHORTLIST_FILTERS.items(),
        widget=forms.RadioSelect,
        initial="selected",
    )
    field_order = ["who", "subject", "body"]


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class CancelActivityForm(forms.Form):
    body = forms.CharField(
        label="Message to the people taking part (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
        help_text="Leave empty to cancel without telling anyone. Their calendars show it cancelled either way.",
    )
