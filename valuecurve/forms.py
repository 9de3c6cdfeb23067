from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from valuecurve.signup import is_unconfirmed


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length enforced before authenticating
    (Django sets the limit on the field after its validators are built), so an absurd
    username never reaches the sign-in rate limiter's 255-character column. Someone who
    signed up and has not confirmed their email is told so, once their password matched."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and self._unconfirmed_with_this_password():
                raise ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("Confirm your email first: open the link we sent you."),
                        reverse("signup_resend"),
                        _("Send the link again"),
                    ),
                    code="unconfirmed",
                ) from None
            raise

    def _unconfirmed_with_this_password(self) -> bool:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = get_user_model().objects.filter(username=username).first()
        return user is not None and is_unconfirmed(user) and user.check_password(password)


class InvitedSignUpForm(UserCreationForm):
    """A new account from an invitation: the invited address is the account's email,
    confirmed by the link that brought its owner here."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].max_length = 150
        self.fields["last_name"].max_length = 150


class SignUpForm(InvitedSignUpForm):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send a link to this address; the account opens when you follow it."),
    )

    class Meta(InvitedSignUpForm.Meta):
        fields = ("username", "first_name", "last_name", "email")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
