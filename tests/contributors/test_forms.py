"""Form rules: bank details, the sign-up form the lead can switch to, contact details."""

import pytest
from django.test import RequestFactory

from contributors.forms import BankDetailsForm, CompleteProfileForm, SignupForm
from contributors.models import Contributor


@pytest.mark.parametrize(
    ("sort_code", "account_number", "ok"),
    [
        ("30-94-97", "12345678", True),
        ("30 94 97", "733445", True),
        ("309497", "1234567", True),
        ("30-94-9", "12345678", False),
        ("ab-cd-ef", "12345678", False),
        ("30-94-97", "12345", False),
        ("30-94-97", "123456789", False),
    ],
)
def test_sort_code_and_account_number_are_checked(sort_code, account_number, ok):
    form = BankDetailsForm({"account_name": "C B", "sort_code": sort_code, "account_number": account_number})
    assert form.is_valid() is ok
    if ok:
        assert len(form.cleaned_data["account_number"]) == 8
        assert form.cleaned_data["sort_code"].count("-") == 2


def test_contact_by_post_needs_an_address_and_postcode():
    form = CompleteProfileForm({"contact_method": "post", "agree_privacy": "on"})
    assert not form.is_valid()
    assert set(form.errors) == {"address", "postcode"}


def test_the_signup_form_creates_the_profile_with_access_needs(db):
    from tests.factories import UserFactory

    user = UserFactory(name="", contributor=True)
    form = SignupForm(
        {
            "name": "Nadia Hussain",
            "preferred_name": "Nadia",
            "contact_method": "email",
            "access_needs": ["easy_read"],
            "agree_privacy": "on",
        }
    )
    assert form.is_valid(), form.errors
    form.signup(RequestFactory().get("/"), user)
    user.refresh_from_db()
    assert (user.name, user.preferred_name) == ("Nadia Hussain", "Nadia")
    assert Contributor.objects.get(user=user).access_needs == ["easy_read"]
