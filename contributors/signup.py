"""The sign-up form allauth uses (ACCOUNT_FORMS["signup"]).

allauth builds its sign-up form on top of ACCOUNT_SIGNUP_FORM_CLASS
(`contributors.forms.SignupForm`, the profile questions) and adds email and password after
them; this subclass puts name, email and password first, where people look for them. It is
its own module because allauth imports ACCOUNT_SIGNUP_FORM_CLASS while loading its forms.
"""

from allauth.account.forms import SignupForm


class PortalSignupForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "preferred_name", "email", "password1", "password2"])
