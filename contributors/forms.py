"""Forms only validate; services do the writing."""

import re

from django import forms
from django.utils import timezone

from portal.forms import SANE_DATE, ModelMultipleChoiceField, PersonChoiceField
from portal.models import Role, User
from portal.people import people_visible_to, search_people

from . import equality
from .models import (
    INVOLVEMENT_LEVEL_HINTS,
    AccessNeed,
    Benefit,
    ContactMethod,
    ContributorStatus,
    InvolvementLevel,
    OpportunityMode,
    PaymentMethod,
    RoleType,
    TimeCommitment,
)

DATE_INPUT = forms.DateInput(
    attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d"
)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def normalise_phone(value: str) -> str:
    """A UK or international number as E.164 (+447700900982); blank stays blank."""
    import phonenumbers

    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    import phonenumbers

    kind = phonenumbers.number_type(phonenumbers.parse(e164, "GB"))
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


class ContactFieldsMixin(forms.Form):
    # "By email" rather than "Email": on the sign-up page an "Email" radio sat beside the
    # "Email" address box, and screen readers announced two fields with the same name.
    contact_method = forms.ChoiceField(
        label="How should we contact you?",
        choices=[(value, f"By {label.lower()}") for value, label in ContactMethod.choices],
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        help_text="Needed if we contact you by phone or text message.",
    )
    address = forms.CharField(
        label="Postal address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text="Needed if we contact you by post.",
    )
    postcode = forms.CharField(
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    access_needs = forms.MultipleChoiceField(
        label="What helps you take part?",
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. We will plan activities with these in mind.",
    )
    access_needs_other = forms.CharField(
        label="Anything else we should know, in your words (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_postcode(self):
        return " ".join(self.cleaned_data["postcode"].upper().split())

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        method = data.get("contact_method")
        if method == ContactMethod.PHONE and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number so we can call you")
        if method == ContactMethod.TEXT and "phone" not in self.errors:
            if not data.get("phone"):
                self.add_error("phone", "Enter a mobile phone number so we can text you")
            elif not is_mobile(data["phone"]):
                self.add_error("phone", "Enter a mobile phone number, like 07700 900 982, so we can text you")
        if method == ContactMethod.POST:
            if not data.get("address"):
                self.add_error("address", "Enter an address so we can write to you")
            if not data.get("postcode"):
                self.add_error("postcode", "Enter a postcode so we can write to you")
        return data


class CompleteProfileForm(ContactFieldsMixin):
    agree_privacy = forms.BooleanField(
        label="I have read the privacy notice and agree to the portal keeping these details",
        error_messages={"required": "Agree to the privacy notice to take part"},
    )


class SignupForm(CompleteProfileForm):
    """allauth sign-up with the contributor profile in the same step (set
    ACCOUNT_SIGNUP_FORM_CLASS = "contributors.forms.SignupForm" to use it)."""

    name = forms.CharField(
        label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    preferred_name = forms.CharField(
        label="What would you like us to call you? (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    field_order = ["name", "preferred_name", "contact_method", "phone", "address", "postcode"]

    def signup(self, request, user):
        from . import services

        user.name = self.cleaned_data["name"]
        user.preferred_name = self.cleaned_data["preferred_name"]
        user.save(update_fields=["name", "preferred_name"])
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in ("name", "preferred_name", "agree_privacy")
        }
        services.complete_profile(user=user, agree_privacy=self.cleaned_data["agree_privacy"], **data)


class ProfileForm(ContactFieldsMixin):
    name = forms.CharField(label="Full name", max_length=200)
    preferred_name = forms.CharField(
        label="Name you like to be called (optional)", max_length=100, required=False
    )
    lived_experience = forms.CharField(
        label="Lived experience (optional)",
        required=False,
        help_text="Separate with commas, for example: stroke, caring for a parent, dementia.",
    )
    interests = forms.CharField(
        label="Interests (optional)",
        required=False,
        help_text="Separate with commas, for example: mental health, young people, funding panels.",
    )
    skills = forms.CharField(
        label="Skills (optional)",
        required=False,
        help_text="Separate with commas, for example: reading documents, chairing meetings, Welsh.",
    )
    bio = forms.CharField(
        label="A short bio (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label="Are you taking part at the moment?",
        choices=[
            (ContributorStatus.ACTIVE, "Yes, I am active"),
            (ContributorStatus.PAUSED, "I am taking a break (paused)"),
            (ContributorStatus.LEFT, "I have left"),
        ],
        widget=forms.RadioSelect,
    )
    in_directory = forms.BooleanField(
        label="List me in the contributor directory so coordinators can find me for new work",
        required=False,
    )
    field_order = ["name", "preferred_name", "contact_method", "phone", "address", "postcode"]

    @classmethod
    def initial_for(cls, contributor) -> dict:
        fields = [*cls.base_fields]
        data = {k: getattr(contributor, k) for k in fields if hasattr(contributor, k)}
        data.update(name=contributor.user.name, preferred_name=contributor.user.preferred_name)
        return data


class OfflineRegisterForm(ProfileForm):
    contact_method = forms.ChoiceField(
        label="How should we contact them?",
        choices=[(ContactMethod.PHONE, "Phone"), (ContactMethod.POST, "Post")],
        widget=forms.RadioSelect,
    )
    confirm_not_duplicate = forms.BooleanField(
        label="I have checked: this is a different person", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "in_directory"):
            del self.fields[name]
        self.fields["access_needs"].label = "What helps them take part?"


class PaymentPreferencesForm(forms.Form):
    payment_method = forms.ChoiceField(
        label="How would you like to be paid?",
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        help_text="Nobody has to accept payment. Expenses are always repaid.",
    )
    receives_benefits = forms.BooleanField(
        label="I receive welfare benefits",
        required=False,
        help_text="We will then show you what you have been paid each week and each tax year.",
    )
    is_public_sector_employee = forms.BooleanField(
        label="I am paid by a public-sector employer (for example the NHS or a council)",
        required=False,
        help_text="You can be paid only for tasks unrelated to your job and done in your own time.",
    )


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(
        label="Name on the account", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    sort_code = forms.CharField(
        label="Sort code",
        max_length=20,
        help_text="Must be 6 digits long, for example 30-94-97.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=20,
        help_text="Must be between 6 and 8 digits long.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_sort_code(self):
        digits = re.sub(r"[\s-]", "", self.cleaned_data["sort_code"])
        if not re.fullmatch(r"\d{6}", digits):
            raise forms.ValidationError("Enter a valid sort code like 30-94-97")
        return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"

    def clean_account_number(self):
        digits = re.sub(r"\s", "", self.cleaned_data["account_number"])
        if not re.fullmatch(r"\d{6,8}", digits):
            raise forms.ValidationError("Enter a valid account number like 00733445")
        # UK banks pad 6 and 7 digit numbers with leading zeros.
        return digits.zfill(8)


def _radio(code: str, required=False):
    question, choices = equality.QUESTIONS[code]
    return forms.ChoiceField(
        label=question, choices=choices.choices, required=required, widget=forms.RadioSelect
    )


class EqualityForm(forms.Form):
    """Census 2021 questions; every one optional, every one with "Prefer not to say"."""

    # Rendered by hand in the template, grouped under the five Census headings.
    ethnic_group = _radio("ethnic_group")
    ethnic_group_description = forms.CharField(
        label="If you chose “any other” background, you can describe it (optional)",
        max_length=200,
        required=False,
    )
    sex = _radio("sex")
    gender_same_as_birth = _radio("gender_same_as_birth")
    gender_same_as_birth_description = forms.CharField(
        label="If no, you can write your gender identity (optional)", max_length=200, required=False
    )
    sexual_orientation = _radio("sexual_orientation")
    sexual_orientation_description = forms.CharField(
        label="If other, you can write your sexual orientation (optional)", max_length=200, required=False
    )
    long_term_condition = _radio("long_term_condition")
    condition_reduces_ability = _radio("condition_reduces_ability")
    religion = _radio("religion")
    religion_description = forms.CharField(
        label="If any other religion, you can write it (optional)", max_length=200, required=False
    )
    year_of_birth = forms.IntegerField(
        label="What is your year of birth?",
        required=False,
        help_text="For example, 1968.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    year_of_birth_prefer_not_to_say = forms.BooleanField(
        label="Prefer not to say my year of birth", required=False
    )
    carer = _radio("carer")
    consent = forms.BooleanField(
        label="I agree that the portal keeps these answers to check who takes part, and shows them only as "
        "anonymous totals",
        error_messages={"required": "Tick the box to agree, or leave this page without saving"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_reduces_ability"].help_text = "Answer only if you answered yes above."

    def clean_year_of_birth(self):
        year = self.cleaned_data["year_of_birth"]
        this_year = timezone.localdate().year
        if year is not None and not (this_year - 120 <= year <= this_year):
            raise forms.ValidationError(f"Enter a year between {this_year - 120} and {this_year}")
        return year

    def answers(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "consent"}


def _contributors():
    return User.objects.with_role(Role.CONTRIBUTOR).exclude(name="Erased contributor").order_by("name")


class RoleAgreementForm(forms.Form):
    role_type = forms.ChoiceField(label="Role", choices=RoleType.choices, widget=forms.RadioSelect)
    role_description = forms.CharField(label="If other, describe the role", max_length=200, required=False)
    involvement_level = forms.ChoiceField(
        label="Involvement level",
        choices=[(c.value, f"{c.label}: {INVOLVEMENT_LEVEL_HINTS[c]}") for c in InvolvementLevel],
        widget=forms.RadioSelect,
        required=False,
        help_text="How much power the role carries, on the Involvement Matrix.",
    )
    starts_on = forms.DateField(
        validators=SANE_DATE, label="Start date", widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    ends_on = forms.DateField(
        validators=SANE_DATE,
        label="End date (optional)",
        required=False,
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
    )
    expectations = forms.CharField(label="What is expected", widget=forms.Textarea(attrs={"rows": 3}))
    frequency = forms.CharField(
        label="How often", max_length=200, help_text="For example, one 2-hour meeting a month."
    )
    payment_offered = forms.CharField(max_length=200, help_text="For example, £30 an hour plus expenses.")
    feedback_arrangements = forms.CharField(
        label="How and when feedback will be given",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Agree this at the start: for example, an email summary within 2 weeks of each meeting.",
    )
    feedback_due_days = forms.IntegerField(
        label="Feedback due within (days, optional)",
        min_value=1,
        max_value=365,
        required=False,
        help_text="Leave blank to use the organisation's usual period.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("role_type") == RoleType.OTHER and not data.get("role_description"):
            self.add_error("role_description", "Describe the role")
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class RoleAssignForm(RoleAgreementForm):
    contributor = PersonChoiceField(queryset=User.objects.none(), label="Contributor")
    field_order = ["contributor"]

    def __init__(self, *args, user=None, find="", warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A role is a link to the person: only people already in scope (portal.people), or
        # others through an opportunity.
        people = _contributors()
        if user is not None:
            people = people.filter(pk__in=people_visible_to(user).values("pk"))
        self.people = people
        self.fields["contributor"].queryset = search_people(people, find)
        # Shown once the chosen person turns out not to meet the role's requirements.
        if warnings:
            self.fields["assign_anyway"] = forms.BooleanField(
                label="Assign the role anyway (for example, while their check is being done)", required=False
            )


class SelectCandidatesForm(RoleAgreementForm):
    selected = ModelMultipleChoiceField(
        queryset=None, label="Who do you choose?", widget=forms.CheckboxSelectMultiple
    )
    field_order = ["selected"]

    def __init__(self, *args, interests=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["role_type"]
        del self.fields["role_description"]
        self.fields["selected"].queryset = interests
        self.fields["selected"].label_from_instance = lambda i: i.contributor.name_with_hint


class EndRoleForm(forms.Form):
    ends_on = forms.DateField(
        validators=SANE_DATE, label="Last day in the role", widget=DATE_INPUT, input_formats=DATE_FORMATS
    )


class OpportunityForm(forms.Form):
    title = forms.CharField(max_length=200)
    role_type = forms.ChoiceField(label="Role", choices=RoleType.choices)
    description = forms.CharField(label="What it involves", widget=forms.Textarea(attrs={"rows": 4}))
    topic = forms.CharField(
        max_length=100, help_text="A word or two, for example: stroke, dementia, funding."
    )
    mode = forms.ChoiceField(
        label="Online or in person", choices=OpportunityMode.choices, widget=forms.RadioSelect
    )
    time_commitment = forms.ChoiceField(choices=TimeCommitment.choices, widget=forms.RadioSelect)
    time_commitment_detail = forms.CharField(
        label="Time commitment in more detail (optional)", max_length=200, required=False
    )
    payment_offered = forms.CharField(max_length=200, help_text="For example, £30 an hour plus expenses.")
    closes_on = forms.DateField(
        validators=SANE_DATE, label="Closing date", widget=DATE_INPUT, input_formats=DATE_FORMATS
    )
    places = forms.IntegerField(
        min_value=1, max_value=100, initial=1, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    accessibility = forms.CharField(
        label="Accessibility information", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    who_for = forms.CharField(label="Who it is for", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise forms.ValidationError("The closing date must be today or later")
        return closes_on


class OpportunityFilterForm(forms.Form):
    topic = forms.ChoiceField(required=False, choices=[])
    mode = forms.ChoiceField(
        label="Online or in person", required=False, choices=[("", "Any"), *OpportunityMode.choices]
    )
    time_commitment = forms.ChoiceField(required=False, choices=[("", "Any"), *TimeCommitment.choices])

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any"), *((t, t) for t in topics)]


class InterestForm(forms.Form):
    message = forms.CharField(
        label="In a few words, why are you interested? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InterestOnBehalfForm(InterestForm):
    opportunity = forms.ModelChoiceField(queryset=None, label="Opportunity")
    field_order = ["opportunity"]

    def __init__(self, *args, opportunities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their email address", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already uses that email address")
        return email


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Skill, interest or experience", required=False, max_length=100)


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label="Anything you would like to tell us (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label="I understand my account will be closed and my details erased",
        error_messages={"required": "Tick the box to confirm you want your data erased"},
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", "Erase the person’s data"), ("refuse", "Refuse (explain why)")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note to the person", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("note"):
            self.add_error("note", "Explain why the request is refused")
        return data


class BenefitForm(forms.Form):
    benefit = forms.ChoiceField(
        choices=Benefit.choices,
        widget=forms.RadioSelect,
        label="Which benefit applies to you?",
        help_text="Your award letter says which. If you are not sure, choose the last option.",
        error_messages={"required": "Choose the benefit that applies to you"},
    )
    consent = forms.BooleanField(
        label="I agree that the portal keeps this answer to check my payments against the benefit's limit",
        error_messages={"required": "Tick the box to say you agree, or leave this page without saving"},
    )
