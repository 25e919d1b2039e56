"""Forms only validate; services do the writing."""

from decimal import Decimal

from django import forms

from portal.models import Activity, Project

from .models import LinkRole, Partner, PartnerKind, PartnerStatus, Rating

DATE_FORMATS = ["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"]


def _date_widget():
    return forms.DateInput(format="%Y-%m-%d", attrs={"class": "govuk-input govuk-input--width-10"})


def _text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class PartnerForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)
    kind = forms.ChoiceField(label="What kind of organisation", choices=PartnerKind.choices)
    communities = forms.CharField(
        label="Communities they work with",
        widget=_text(),
        help_text="In the organisation's own words, for example “Deaf BSL users in Leeds and their families”.",
    )
    status = forms.ChoiceField(choices=PartnerStatus.choices, initial=PartnerStatus.ACTIVE)
    they_bring = forms.CharField(label="What the partner brings", widget=_text(), required=False)
    we_bring = forms.CharField(label="What we bring", widget=_text(), required=False)
    how_paid = forms.CharField(
        label="How the partner is paid",
        widget=_text(2),
        required=False,
        help_text="For example, “Invoices quarterly for staff time at £30 an hour”.",
    )
    feedback_route = forms.CharField(label="How feedback goes back to them", widget=_text(2), required=False)
    agreed_on = forms.DateField(
        label="Agreement made on",
        required=False,
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2026-03-27",
    )


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    role = forms.CharField(label="Their role (optional)", max_length=200, required=False)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    receives_feedback = forms.BooleanField(
        label="Send them feedback about what changed", required=False, initial=True
    )
    consent = forms.BooleanField(
        label="They have agreed to us keeping these details to contact them about this partnership",
        error_messages={"required": "Only keep a contact's details once they have agreed to it"},
    )

    def clean(self):
        data = super().clean()
        if not (data.get("email") or data.get("phone")):
            self.add_error("email", "Give an email address or a phone number")
        return data


class LinkForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), empty_label="Choose a project")
    role = forms.ChoiceField(
        label="What the partner does", choices=LinkRole.choices, widget=forms.RadioSelect
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        empty_label="The whole project",
        label="One activity only (optional)",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.managed_by(user)
        self.fields["activity"].queryset = Activity.objects.filter(
            project__in=Project.objects.managed_by(user)
        )
        self.fields["activity"].label_from_instance = lambda a: f"{a.title} ({a.project})"


class InvoiceForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), empty_label="Choose a project")
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        empty_label="Not one activity",
        label="Activity (optional)",
    )
    invoice_reference_text = forms.CharField(label="The partner's invoice number", max_length=100)
    description = forms.CharField(
        label="What it is for", max_length=300, help_text="Time or a service, in a line."
    )
    invoiced_on = forms.DateField(
        label="Date on the invoice",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2026-03-27",
    )
    amount = forms.DecimalField(
        label="Amount, in pounds",
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}),
    )

    def __init__(self, *args, partner: Partner = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        projects = Project.objects.managed_by(user).filter(partner_links__partner=partner).distinct()
        self.fields["project"].queryset = projects
        self.fields["activity"].queryset = Activity.objects.filter(project__in=projects)
        self.fields["activity"].label_from_instance = lambda a: f"{a.title} ({a.project})"


class InvoiceDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("approve", "Approve"),
            ("return", "Return it to be corrected"),
            ("reject", "Reject"),
        ],
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=_text(),
        help_text="Needed to return or reject an invoice: what needs correcting, or why it is rejected.",
    )

    def clean(self):
        data = super().clean()
        if not (data.get("reason") or "").strip():
            if data.get("decision") == "reject":
                self.add_error("reason", "Give a reason for rejecting the invoice")
            elif data.get("decision") == "return":
                self.add_error("reason", "Say what needs correcting")
        return data


class PayRunForm(forms.Form):
    paid_on = forms.DateField(
        label="Date paid",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2026-03-27",
    )
    reference = forms.CharField(
        label="Bank run reference", max_length=100, help_text="For example, BACS-ORG-2026-11."
    )


class FeedbackForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), empty_label="Choose a project")
    what_they_told_us = forms.CharField(label="What their community told us", widget=_text(4))
    what_changed = forms.CharField(label="What changed because of it, or why it did not", widget=_text(4))

    def __init__(self, *args, partner: Partner = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.managed_by(user).filter(partner_links__partner=partner).distinct()
        )


class IntroductionForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(),
        required=False,
        empty_label="No organisation introduced me",
        label="Which organisation introduced you to us?",
    )
    consent = forms.BooleanField(
        required=False,
        label="I agree to this being counted. Staff see only how many people each organisation introduced, never who.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.exclude(status=PartnerStatus.ENDED)

    def clean(self):
        data = super().clean()
        if data.get("partner") and not data.get("consent"):
            self.add_error("consent", "Tick the box to agree to us counting this")
        return data


class StartAssessmentForm(forms.Form):
    framework = forms.ModelChoiceField(queryset=None, empty_label=None)
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), required=False, empty_label="The whole organisation", label="For"
    )
    year = forms.IntegerField(
        label="Financial year starting in April of",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        from .models import Framework

        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.filter(is_active=True)
        self.fields["project"].queryset = Project.objects.managed_by(user)


class AnswerForm(forms.Form):
    rating = forms.ChoiceField(
        label="The rating the team agrees", choices=Rating.choices, widget=forms.RadioSelect
    )
    working = forms.CharField(label="What is working", widget=_text(4), required=False)
    improve = forms.CharField(label="What to improve", widget=_text(4), required=False)
