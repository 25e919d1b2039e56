from django import forms

from portal.forms import SANE_DATE

from .models import WhyNotReason

CHANGED_CHOICES = [
    ("yes", "Yes: we changed something because of it"),
    ("no", "No: we did not change anything, and this is why"),
]


class ActivityFeedbackForm(forms.Form):
    thank_you_text = forms.CharField(
        label="Thank you, and what we received",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Thank people for taking part and say what they gave you.",
    )
    outcome_text = forms.CharField(
        label="Outcome and progress (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: was the bid funded, was ethics approved, how recruitment is going.",
    )
    next_steps_text = forms.CharField(
        label="What happens next (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackItemForm(forms.Form):
    """One "you said / we did" item, or "you said / why not". A blank row is ignored."""

    you_said = forms.CharField(label="You said", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    changed = forms.ChoiceField(
        label="Did it change anything?",
        choices=CHANGED_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    we_did = forms.CharField(label="We did", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    why_not_reason = forms.ChoiceField(
        label="Why not",
        choices=[("", "Choose a reason"), *WhyNotReason.choices],
        required=False,
    )
    why_not_text = forms.CharField(
        label="Why not, in words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the reason is “another reason”; helpful for any reason.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("you_said", "").strip():
            if any(data.get(f) for f in ("we_did", "why_not_text", "why_not_reason")):
                self.add_error("you_said", "Say what people said")
            return data
        if data.get("changed") == "yes" and not data.get("we_did", "").strip():
            self.add_error("we_did", "Say what you did about it")
        elif data.get("changed") == "no":
            if not data.get("why_not_reason"):
                self.add_error("why_not_reason", "Choose why nothing changed")
            elif data["why_not_reason"] == WhyNotReason.OTHER and not data.get("why_not_text", "").strip():
                self.add_error("why_not_text", "Explain in words why nothing changed")
        elif not data.get("changed"):
            self.add_error("changed", "Say whether it changed anything")
        return data

    def as_item(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("you_said", "").strip():
            return None
        return {**data, "changed": data.get("changed") == "yes"}


ItemFormSet = forms.formset_factory(FeedbackItemForm, extra=0, max_num=30)


class PersonalNotesForm(forms.Form):
    """One optional note per person the feedback will go to."""

    def __init__(self, *args, owed_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        for owed in owed_rows:
            self.fields[f"note_{owed.pk}"] = forms.CharField(
                label=f"Personal note for {owed.participation.contributor} (optional)",
                required=False,
                initial=owed.personal_note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[int, str]:
        return {int(name.split("_", 1)[1]): value for name, value in self.cleaned_data.items()}


USEFULNESS_CHOICES = [
    ("1", "1 – not useful"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 – very useful"),
]


class RespondForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label="How useful was this feedback?",
        choices=USEFULNESS_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label="Reply to the coordinator (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your reply is emailed to the person who wrote the feedback.",
    )

    def __init__(self, *args, can_reply: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_reply:
            del self.fields["reply"]

    def clean(self):
        data = super().clean()
        if data.get("usefulness") is None and not data.get("reply", "").strip():
            raise forms.ValidationError("Choose how useful it was or write a reply")
        return data


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your message"},
    )


DATE_INPUT = forms.DateInput(
    attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d"
)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class PeriodForm(forms.Form):
    """Which activities the figures cover, by activity date; both ends optional."""

    start = forms.DateField(
        validators=SANE_DATE,
        label="Activities from (optional)",
        required=False,
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
    )
    end = forms.DateField(
        validators=SANE_DATE,
        label="Activities up to (optional)",
        required=False,
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be on or after the start date")
        return data
