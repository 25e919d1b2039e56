"""Forms only validate; services do the writing."""

import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.safestring import SafeString

from contributors.models import Benefit
from portal.forms import SANE_DATE, PersonChoiceField, select_options
from portal.models import Participation, Project, User, offline_q
from portal.people import people_visible_to

from .models import BenefitPeriod, ClaimStatus, ExpenseKind, PaymentChoice, RateUnit
from .services import check_receipt

MONEY = {"max_digits": 8, "decimal_places": 2}
DATE_FORMATS = ["%Y-%m-%d", "%d %m %Y", "%d/%m/%Y"]


def _number_widget(width=10):
    return forms.TextInput(
        attrs={
            "class": f"govuk-input govuk-input--width-{width}",
            "inputmode": "decimal",
            "spellcheck": "false",
        }
    )


def _date_widget():
    return forms.DateInput(format="%Y-%m-%d", attrs={"class": "govuk-input govuk-input--width-10"})


class StartClaimForm(forms.Form):
    participation = forms.ModelChoiceField(
        queryset=Participation.objects.none(),
        label="Which activity are you claiming for?",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, participations=None, for_others=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["participation"]
        field.queryset = participations if participations is not None else Participation.objects.none()
        if for_others:
            field.label = "Who, and which activity?"
        field.label_from_instance = (
            lambda p: (f"{p.contributor.name_with_hint}: " if for_others else "")
            + f"{p.activity.title}, {p.activity.occurs_on:%d %B %Y}"
        )


class AdHocClaimForm(forms.Form):
    contributor = PersonChoiceField(queryset=User.objects.none(), label="Contributor")
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label="Project")
    description = forms.CharField(label="What the task was", max_length=300)
    work_on = forms.DateField(
        validators=SANE_DATE,
        label="Date of the task",
        help_text="For example, 27 3 2026 or 2026-03-27",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people in the coordinator's scope who cannot sign in (the rest claim themselves).
        people = people_visible_to(user).filter(offline_q(path="")) if user else User.objects.none()
        self.fields["contributor"].queryset = (
            User.objects.with_role("Contributor").filter(pk__in=people.values("pk")).order_by("name")
        )
        self.fields["project"].queryset = (
            Project.objects.coordinated_by(user) if user else Project.objects.none()
        )


class ChoicesForm(forms.Form):
    payment_choice = forms.ChoiceField(
        choices=PaymentChoice.choices,
        widget=forms.RadioSelect,
        label="How would you like to be paid for this?",
    )
    reduced_amount = forms.DecimalField(
        widget=_number_widget(),
        label="Reduced amount (£)",
        required=False,
        min_value=Decimal("0.00"),
        **MONEY,
        help_text="Only if you chose a reduced amount.",
    )
    public_sector_confirmed = forms.BooleanField(
        required=False,
        label="I confirm this task is not part of my public-sector job and I did it in my own time",
    )

    def clean(self):
        data = super().clean()
        if data.get("payment_choice") == PaymentChoice.REDUCED and data.get("reduced_amount") is None:
            self.add_error("reduced_amount", "Enter the reduced amount you would like, in pounds")
        return data


class FeeLineForm(forms.Form):
    code = forms.ChoiceField(label="Rate")
    quantity = forms.DecimalField(
        widget=_number_widget(),
        label="How many (hours, days or items)",
        min_value=Decimal("0.25"),
        max_digits=6,
        decimal_places=2,
    )
    is_preparation = forms.BooleanField(label="This is preparation time", required=False)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (r.code, f"{r.activity} – £{r.amount} per {RateUnit(r.unit).label.lower()}") for r in rows
        ]


def _new_token() -> str:
    return uuid.uuid4().hex


class ExpenseLineForm(forms.Form):
    # One per rendering of the form, so posting it twice (a double click) adds one line.
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32, initial=_new_token)
    kind = forms.ChoiceField(label="Type of expense", choices=ExpenseKind.choices)
    description = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=300,
        help_text="For example, the journey: Leeds to York and back.",
    )
    amount = forms.DecimalField(
        widget=_number_widget(),
        label="Amount (£)",
        required=False,
        min_value=Decimal("0.01"),
        **MONEY,
        help_text="Leave empty for mileage: we work it out from the miles.",
    )
    miles = forms.DecimalField(
        widget=_number_widget(),
        label="Miles (for mileage only)",
        required=False,
        min_value=Decimal("0.1"),
        max_digits=7,
        decimal_places=1,
    )
    passengers = forms.IntegerField(
        widget=_number_widget(),
        label="Passengers you carried (for mileage only)",
        required=False,
        min_value=0,
        max_value=8,
    )
    receipt = forms.FileField(
        label="Receipt (PDF, JPEG or PNG)",
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".pdf,.jpg,.jpeg,.png"}
        ),
        required=False,
        help_text=f"Needed for expenses over £{settings.PORTAL_RECEIPT_REQUIRED_ABOVE}. A phone photo is fine.",
    )

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            problem = check_receipt(receipt)
            if problem:
                raise forms.ValidationError(problem)
        return receipt

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        mileage = kind in (
            ExpenseKind.MILEAGE_CAR,
            ExpenseKind.MILEAGE_MOTORCYCLE,
            ExpenseKind.MILEAGE_BICYCLE,
        )
        if mileage and not data.get("miles"):
            self.add_error("miles", "Enter how many miles you travelled")
        if kind and not mileage and not data.get("amount"):
            self.add_error("amount", "Enter the amount you spent, in pounds")
        if (
            kind
            and not mileage
            and data.get("amount")
            and data["amount"] > settings.PORTAL_RECEIPT_REQUIRED_ABOVE
            and not data.get("receipt")
            and "receipt" not in self.errors
        ):
            self.add_error(
                "receipt", f"Add a receipt for expenses over £{settings.PORTAL_RECEIPT_REQUIRED_ABOVE}"
            )
        return data


class SubmitForm(forms.Form):
    """The declaration on the check-answers page, with the payment choice that page showed
    (hidden), so the claim is submitted with exactly what the person saw."""

    declaration = forms.BooleanField(
        label="I declare that the information in this claim is correct and that I have not claimed "
        "for these costs anywhere else",
        error_messages={"required": "Confirm the declaration to submit your claim"},
    )
    payment_choice = forms.ChoiceField(
        choices=PaymentChoice.choices, required=False, widget=forms.HiddenInput
    )
    reduced_amount = forms.DecimalField(
        required=False, min_value=Decimal("0.00"), widget=forms.HiddenInput, **MONEY
    )

    @classmethod
    def for_claim(cls, claim, *args, **kwargs):
        initial = {"payment_choice": claim.payment_choice, "reduced_amount": claim.reduced_amount}
        return cls(*args, initial=initial, **kwargs)

    def choice(self) -> dict:
        """The shown choice, for `submit_claim`; empty when the page did not send one."""
        data = self.cleaned_data
        if not data.get("payment_choice"):
            return {}
        return {"payment_choice": data["payment_choice"], "reduced_amount": data.get("reduced_amount")}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve"), ("return", "Return it to be changed"), ("reject", "Reject")],
    )
    reason = forms.CharField(
        label="Reason (the contributor will see this)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to return or reject a claim.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("return", "reject") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give a reason: the contributor will see it")
        return data


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Waiting for a decision"), *[(s.value, s.label) for s in ClaimStatus], ("all", "All")],
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), required=False, empty_label="All projects"
    )
    person = forms.CharField(required=False, label="Contributor name")
    waiting_for_me = forms.BooleanField(required=False, label="Only claims waiting for my decision")

    def __init__(self, *args, user=None, projects: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.managed_by(user)
        # `projects` (key -> title, in the order of managed_by) the view read already for the
        # rows: the select is written out from them (partials/select_field.html), not by the
        # widget, which read the projects again and rendered each option through a template.
        self.project_choices = [("", self.fields["project"].empty_label), *projects.items()]

    def options(self, name: str) -> SafeString:
        """The <option>s of the select `name`, selected as Django's Select marks them."""
        choices = self.project_choices if name == "project" else self.fields[name].choices
        value = self[name].value()
        return select_options(choices, ["" if value is None else value])

    def status_options(self):
        return self.options("status")

    def project_options(self):
        return self.options("project")


class PayForm(forms.Form):
    """The confirm step of a payment run: bank transfers and vouchers are separate batches, each
    with its own reference; a reference is needed only for a kind that was selected."""

    paid_on = forms.DateField(
        validators=SANE_DATE,
        label="Date paid",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2026-03-27",
    )
    bank_reference = forms.CharField(
        label="Bank run reference", max_length=100, required=False, help_text="For example, BACS-2026-11."
    )
    voucher_reference = forms.CharField(
        label="Voucher order reference", max_length=100, required=False, help_text="For example, VO-2026-11."
    )

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = set(methods)
        if "bank_transfer" not in self.methods:
            del self.fields["bank_reference"]
        if "vouchers" not in self.methods:
            del self.fields["voucher_reference"]

    def clean(self):
        data = super().clean()
        for method, name in (("bank_transfer", "bank_reference"), ("vouchers", "voucher_reference")):
            if method in self.methods and not (data.get(name) or "").strip():
                self.add_error(name, f"Enter the {self.fields[name].label.lower()}")
        return data


class RateCardForm(forms.Form):
    name = forms.CharField(max_length=200)
    effective_from = forms.DateField(
        validators=SANE_DATE,
        label="In force from",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2026-04-01",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    rows = forms.CharField(
        label="Rates, one a line",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="code, activity, unit (hour, half_day, day or item), amount – for example: "
        "meeting_hour, Attending a meeting, hour, 27.50",
    )

    def clean_rows(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 4:
                raise forms.ValidationError(f"Line {number} needs a code, an activity, a unit and an amount")
            code, activity, unit, amount = parts[0], ", ".join(parts[1:-2]), parts[-2], parts[-1]
            if unit not in RateUnit.values:
                raise forms.ValidationError(f"Line {number}: the unit must be hour, half_day, day or item")
            try:
                value = Decimal(amount.lstrip("£"))
            except ArithmeticError:
                raise forms.ValidationError(
                    f"Line {number}: the amount must be a number, like 27.50"
                ) from None
            if value < 0 or value.as_tuple().exponent < -2:
                raise forms.ValidationError(f"Line {number}: the amount must be pounds and pence, like 27.50")
            rows.append({"code": code, "activity": activity, "unit": unit, "amount": value})
        if not rows:
            raise forms.ValidationError("Enter at least one rate")
        return rows


class UpliftForm(forms.Form):
    percent = forms.DecimalField(
        widget=_number_widget(),
        label="Uplift (%)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("-50"),
        max_value=Decimal("100"),
        initial=Decimal("10"),
    )
    effective_from = forms.DateField(
        validators=SANE_DATE,
        label="New rates in force from",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2025-12-16",
    )
    name = forms.CharField(required=False, max_length=200, label="Name for the new card (optional)")


class RetireForm(forms.Form):
    retired_on = forms.DateField(
        validators=SANE_DATE,
        label="Retire from",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2026-04-01",
    )


class BenefitRuleForm(forms.Form):
    benefit = forms.ChoiceField(choices=Benefit.choices, label="Benefit")
    period = forms.ChoiceField(
        choices=BenefitPeriod.choices, widget=forms.RadioSelect, label="The limit is for each"
    )
    limit = forms.DecimalField(
        widget=_number_widget(),
        label="Limit (£)",
        required=False,
        min_value=Decimal("0.00"),
        help_text="Fees and vouchers paid in one period up to this amount. Leave empty if there is no "
        "figure you can rely on: contributors are then told to get advice.",
        **MONEY,
    )
    applies_from = forms.DateField(
        label="Applies from",
        help_text="Periods that start on or after this date use this limit. For example, 2026-04-06",
        input_formats=DATE_FORMATS,
        validators=SANE_DATE,
        widget=_date_widget(),
    )
    source = forms.CharField(
        label="Where the figure comes from",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say where the figure comes from, so others can check it"},
    )
    checked = forms.CharField(label="Who checked it, and when", max_length=300, required=False)


class ClaimAdjustForm(forms.Form):
    """A way out of going over a benefit limit, chosen on the check-answers page."""

    option = forms.ChoiceField(
        choices=[
            ("reduced", "Take a reduced amount"),
            ("expenses_only", "Take part unpaid and claim expenses only"),
            ("pay_after", "Be paid in a later period"),
            ("pay_as_usual", "Be paid as usual"),
        ],
        widget=forms.RadioSelect,
        label="What would you like to do?",
    )
    reduced_amount = forms.DecimalField(
        widget=_number_widget(),
        label="Reduced amount (£)",
        required=False,
        min_value=Decimal("0.00"),
        **MONEY,
    )
    pay_after = forms.DateField(
        label="Do not pay me before",
        required=False,
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="For example, 2026-04-06",
    )

    def clean(self):
        data = super().clean()
        if data.get("option") == "reduced" and data.get("reduced_amount") is None:
            self.add_error("reduced_amount", "Enter the reduced amount you would like, in pounds")
        if data.get("option") == "pay_after" and not data.get("pay_after"):
            self.add_error("pay_after", "Enter the date you would like to be paid from")
        return data
