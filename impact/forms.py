from datetime import timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone

from feedback.models import FeedbackItem
from portal.forms import SANE_DATE, ModelMultipleChoiceField
from portal.models import Activity, ParticipationStatus, Project, ProjectStage, User

from .models import Outcome, ReportKind, Significance, UKStandard

# Extension -> what the first bytes must look like.
EVIDENCE_TYPES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".txt": (),
}


def validate_evidence_file(upload) -> None:
    """Allow a few document and image types, checked by extension and by content, and a size cap."""
    ext = Path(upload.name).suffix.lower()
    if ext not in EVIDENCE_TYPES:
        raise forms.ValidationError(
            "The evidence file must be a PDF, Word or OpenDocument file, a PNG or JPEG image, or a text file."
        )
    limit = settings.PORTAL_IMPACT_EVIDENCE_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise forms.ValidationError(
            f"The evidence file must be smaller than {settings.PORTAL_IMPACT_EVIDENCE_MAX_MB} MB."
        )
    head = upload.read(2048)
    upload.seek(0)
    magics = EVIDENCE_TYPES[ext]
    if magics and not any(head.startswith(m) for m in magics):
        raise forms.ValidationError("The evidence file's contents do not match its type.")
    if ext == ".txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            head = b"\x00"
        if b"\x00" in head:
            raise forms.ValidationError("The evidence file's contents do not match its type.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # crispy-forms-gds styles text inputs only; a date input needs the GOV.UK class itself.
        super().__init__(format="%Y-%m-%d", attrs={"class": "govuk-input govuk-input--width-10"}, **kwargs)


class EntryForm(forms.Form):
    title = forms.CharField(
        label="Short title", max_length=200, help_text="For example, “Shorter information leaflet”."
    )
    stage = forms.ChoiceField(label="Research stage", choices=ProjectStage.choices)
    occurred_on = forms.DateField(
        validators=SANE_DATE,
        label="When contributors had their say",
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    hoped_to_influence = forms.CharField(
        label="What contributors hoped to influence", widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label="Did it change anything?", choices=Outcome.choices, widget=forms.RadioSelect
    )
    what_changed = forms.CharField(
        label="What changed, or why it did not", widget=forms.Textarea(attrs={"rows": 4})
    )
    why_it_matters = forms.CharField(label="Why it matters", widget=forms.Textarea(attrs={"rows": 3}))
    significance = forms.ChoiceField(choices=Significance.choices, widget=forms.RadioSelect)
    standards = forms.MultipleChoiceField(
        label="UK Standards for Public Involvement this shows",
        choices=UKStandard.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    activities = ModelMultipleChoiceField(
        label="Activities it came from",
        queryset=Activity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contributors = ModelMultipleChoiceField(
        label="Contributors involved",
        help_text="They are asked whether they agree to be named on the public page, and can add their own reflection.",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    feedback_items = ModelMultipleChoiceField(
        label="Feedback it answers", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    evidence_text = forms.CharField(
        label="Evidence, in words (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence_url = forms.URLField(label="Link to evidence (optional)", required=False, assume_scheme="https")
    evidence_file = forms.FileField(
        label="Evidence file (optional)",
        required=False,
        help_text="PDF, Word, OpenDocument, PNG, JPEG or text. Only people who can see this entry can open it.",
        validators=[validate_evidence_file],
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = project.activities.order_by("starts_at")
        self.fields["contributors"].queryset = (
            User.objects.filter(
                participations__activity__project=project,
                participations__status__in=[ParticipationStatus.ATTENDED, ParticipationStatus.CONFIRMED],
            )
            .distinct()
            .order_by("name")
        )
        self.fields["contributors"].label_from_instance = lambda u: u.name_with_hint
        items = FeedbackItem.objects.filter(feedback__activity__project=project).select_related("feedback")
        self.fields["feedback_items"].queryset = items
        if not items.exists():
            del self.fields["feedback_items"]


class ChooseProjectForm(forms.Form):
    project = forms.ModelChoiceField(
        label="Which project?", queryset=Project.objects.none(), to_field_name="public_id"
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class PublishForm(forms.Form):
    checked_no_personal_details = forms.BooleanField(
        label="I have checked this entry: it names nobody who has not agreed, and has no other personal details",
        required=True,
        error_messages={"required": "Confirm you have checked the entry has no personal details."},
    )


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label="Your reflection",
        help_text="What was it like to take part, and what do you think changed? Only staff and the people named on this entry see it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConsentForm(forms.Form):
    consents = forms.TypedChoiceField(
        label="May we name you on the public “what changed” page for this entry?",
        choices=[("yes", "Yes, you may name me"), ("no", "No, do not name me")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


SCORE_CHOICES = [(n, str(n)) for n in range(11)]


class CubeForm(forms.Form):
    def __init__(self, *args, **kwargs):
        from .models import CUBE_QUESTIONS

        super().__init__(*args, **kwargs)
        for key, (label, question, low, high) in CUBE_QUESTIONS.items():
            self.fields[key] = forms.TypedChoiceField(
                label=f"{label}: {question}",
                help_text=f"0 means “{low}”, 10 means “{high}”.",
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
            )
        self.fields["comments"] = forms.CharField(
            label="Anything you want to add (optional)",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
        )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which report?",
        choices=[
            (ReportKind.DIVERSITY, "Diversity of the people who took part"),
            (ReportKind.IMPACT, "Impact of public involvement"),
        ],
        widget=forms.RadioSelect,
    )
    project = forms.ModelChoiceField(
        label="For", queryset=Project.objects.none(), required=False, to_field_name="public_id"
    )
    start_on = forms.DateField(
        validators=SANE_DATE, label="From", widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    end_on = forms.DateField(
        validators=SANE_DATE, label="To", widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )

    def __init__(self, *args, projects, organisation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = projects
        field.required = not organisation
        field.empty_label = "The whole organisation" if organisation else None

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["start_on"] > data["end_on"]:
            self.add_error("end_on", "The end date must be on or after the start date.")
        if data.get("end_on") and data["end_on"] > timezone.localdate() + timedelta(days=366):
            self.add_error("end_on", "The end date must be within a year from today.")
        return data


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=20,
        help_text="It is printed on the certificate, for example ABCD-EFGH-JKMN.",
    )

    def clean_code(self):
        raw = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw
