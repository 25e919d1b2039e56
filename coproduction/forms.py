"""Forms only validate; services do the writing."""

from django import forms
from django.utils import timezone

from contributors.forms import DATE_FORMATS, DATE_INPUT
from contributors.models import RoleType
from portal.models import ProjectStage, User

from .models import (
    PROMPTS,
    AccessibleVersion,
    CheckKind,
    Course,
    CourseFormat,
    DecisionMethod,
    ViewsChangedIt,
    Visibility,
)

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class GroundRulesForm(forms.Form):
    text = forms.CharField(
        label="The ground rules",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="How the team works together: respect, confidentiality, how decisions are made, "
        "how disagreements are handled, what support people can ask for.",
    )
    change_note = forms.CharField(
        label="What changed from the last version (optional)", max_length=300, required=False
    )


class RecordAgreementForm(forms.Form):
    person = forms.ModelChoiceField(queryset=User.objects.none(), label="Who agreed")

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class DecisionForm(forms.Form):
    title = forms.CharField(label="What was decided", max_length=200)
    decided_on = forms.DateField(label="When it was decided", widget=DATE_INPUT, input_formats=DATE_FORMATS)
    stage = forms.ChoiceField(label="Research stage", choices=ProjectStage.choices)
    options = forms.CharField(label="The options considered", widget=TEXTAREA)
    participants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label="Who took part",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Staff and contributors.",
    )
    method = forms.ChoiceField(
        label="How it was decided", choices=DecisionMethod.choices, widget=forms.RadioSelect
    )
    views_changed_it = forms.ChoiceField(
        label="Did contributors' views change the decision?",
        choices=ViewsChangedIt.choices,
        widget=forms.RadioSelect,
    )
    how_views_changed_it = forms.CharField(
        label="How their views changed it, or why not", widget=TEXTAREA, required=False
    )
    impact_entries = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Impact entries it led to (optional)",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    feedback_items = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Things contributors said that it answers (optional)",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, people, impact_entries, feedback_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people
        # `people` comes annotated by selectors.flag_contributors.
        self.fields["participants"].label_from_instance = lambda u: (
            f"{u} (contributor)" if u.holds_contributor_role else f"{u} (staff)"
        )
        self.fields["impact_entries"].queryset = impact_entries
        self.fields["feedback_items"].queryset = feedback_items
        self.fields["feedback_items"].label_from_instance = (
            lambda i: f"{i.feedback.activity.title}: {i.you_said[:80]}"
        )
        if not impact_entries.exists():
            del self.fields["impact_entries"]
        if not feedback_items.exists():
            del self.fields["feedback_items"]

    def clean(self):
        data = super().clean()
        if data.get("views_changed_it") in (ViewsChangedIt.YES, ViewsChangedIt.PARTLY) and not data.get(
            "how_views_changed_it"
        ):
            self.add_error("how_views_changed_it", "Say how contributors' views changed it")
        return data


class ReflectionForm(forms.Form):
    stage = forms.ChoiceField(label="Research stage", choices=ProjectStage.choices)
    power = forms.CharField(label=PROMPTS["power"], widget=TEXTAREA, required=False)
    voice = forms.CharField(label=PROMPTS["voice"], widget=TEXTAREA, required=False)
    working = forms.CharField(label=PROMPTS["working"], widget=TEXTAREA, required=False)
    not_working = forms.CharField(label=PROMPTS["not_working"], widget=TEXTAREA, required=False)
    visibility = forms.ChoiceField(
        label="Who can read it", choices=Visibility.choices, widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in PROMPTS):
            raise forms.ValidationError("Answer at least one of the questions")
        return data


class CourseForm(forms.Form):
    title = forms.CharField(max_length=200)
    provider = forms.CharField(max_length=200, help_text="Who runs it.")
    format = forms.ChoiceField(choices=CourseFormat.choices, widget=forms.RadioSelect)
    length = forms.CharField(label="How long it takes", max_length=100, help_text="For example, 2 hours.")
    description = forms.CharField(label="What it covers (optional)", widget=TEXTAREA, required=False)
    url = forms.URLField(label="Link (optional)", required=False, assume_scheme="https")
    accessible_versions = forms.MultipleChoiceField(
        label="Accessible versions (optional)",
        choices=AccessibleVersion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class LearningRecordForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.filter(is_active=True), label="What you did")
    completed_on = forms.DateField(
        label="When you finished it", widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    evidence = forms.CharField(
        label="Evidence (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example, a certificate number, a link, or a few words on what you learned.",
    )
    on_certificate = forms.BooleanField(label="Show it on my certificate of involvement", required=False)

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date you finished cannot be in the future")
        return day


class CheckForm(forms.Form):
    check_kind = forms.ChoiceField(label="Check", choices=CheckKind.choices, widget=forms.RadioSelect)
    checked_on = forms.DateField(
        label="Date of the check or training", widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    expires_on = forms.DateField(label="Expires on", widget=DATE_INPUT, input_formats=DATE_FORMATS)
    reference = forms.CharField(label="Reference (optional)", max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("checked_on") and data.get("expires_on") and data["expires_on"] <= data["checked_on"]:
            self.add_error("expires_on", "The expiry date must be after the date of the check")
        return data


class RequirementForm(forms.Form):
    role_type = forms.ChoiceField(label="Role", choices=RoleType.choices)
    check_kind = forms.ChoiceField(label="Needs", choices=CheckKind.choices)


class CourseSessionForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.filter(is_active=True), label="This activity is a session of"
    )
