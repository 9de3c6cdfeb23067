import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from valuecurve import sso
from valuecurve.signup import is_unconfirmed


def refuse_password_when_sso_required(user) -> None:
    """Checked once the password matched, so only its owner learns that the account signs
    in through single sign-on; axes counts wrong passwords as before."""
    if sso.requires_sso(user):
        raise ValidationError(
            _(
                "Your organization asks its members to sign in through single sign-on, not "
                "with a password: use the “Sign in with …” button above."
            ),
            code="sso_required",
        )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the username's length enforced before authenticating
    (Django sets the limit on the field after its validators are built), so an absurd
    username never reaches the sign-in rate limiter's 255-character column. Someone who
    signed up and has not confirmed their email is told so, once their password matched."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.CharField, self.fields["username"])
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

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        refuse_password_when_sso_required(user)

    def _unconfirmed_with_this_password(self) -> bool:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = get_user_model().objects.filter(username=username).first()
        return user is not None and is_unconfirmed(user) and user.check_password(password)


class StaffSignInForm(AdminAuthenticationForm):
    """The admin's sign-in, held to the same single sign-on rule."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        refuse_password_when_sso_required(user)


class InvitedSignUpForm(UserCreationForm):
    """A new account from an invitation: the invited address is the account's email,
    confirmed by the link that brought its owner here."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields: ClassVar[tuple[str, ...]] = ("username", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.CharField, self.fields["first_name"]).max_length = 150
        cast(forms.CharField, self.fields["last_name"]).max_length = 150


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


# --- Stale saves -----------------------------------------------------------------------------


def fingerprint(values: Mapping[str, Any]) -> str:
    """A short digest of saved values, for a page to carry back (never the values)."""
    text = json.dumps({name: _plain(v) for name, v in values.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    """One JSON form for a value read from the database and the same value from a form."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(_plain(v)) for v in value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # dates, decimals, UUIDs


def _shown(value: Any) -> str:
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(sorted(str(v) for v in value)) or "–"
    return "–" if value in (None, "") else str(value)


# The checks are mixed into forms; the type checker reads them as the forms they are mixed into.
if TYPE_CHECKING:
    _Form = forms.BaseForm
    _ModelForm = forms.BaseModelForm[Any]
else:
    _Form = _ModelForm = object


class StaleSaveCheck(_Form):
    """Refuses to save over what someone else saved after the page was loaded.

    Mix it in first; the form gives `saved_values()`, the values in the database now by field
    name. The page carries their fingerprint (the hidden `loaded` field); when it no longer
    matches, the form is invalid with a message, `stale_changes` lists each changed field
    with their value and yours, the person's input stays in the form, and the fingerprint
    is brought up to date, so saving again replaces theirs knowingly. A post without a
    fingerprint (not from the page) is not checked; nor is a form whose every value already
    matches what was saved meanwhile."""

    stale_message = _(
        "Someone saved this after you opened the page. Nothing of yours was saved yet: "
        "compare their values with yours below, then save again to keep yours."
    )

    def saved_values(self) -> dict[str, Any]:
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two forms without a prefix on one page would both have id="id_loaded".
        hidden_id = None if self.prefix else f"id_loaded_{type(self).__name__.lower()}"
        self.fields["loaded"] = forms.CharField(
            required=False,
            max_length=64,
            widget=forms.HiddenInput(attrs={"id": hidden_id} if hidden_id else None),
        )
        self.stale_changes: list[tuple[str, str, str]] = []
        if not self.is_bound:
            self.initial["loaded"] = fingerprint(self.saved_values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        loaded = cleaned.get("loaded")
        if loaded and not self.errors:
            saved = self.saved_values()
            if fingerprint(saved) != loaded:
                self._refuse_stale(saved)
        return cleaned

    def _shown(self, name: str, value: Any) -> str:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            value = dict(cast(list[tuple[Any, Any]], field.choices)).get(value, value)
        return _shown(value)

    def _refuse_stale(self, saved: dict[str, Any]) -> None:
        self.stale_changes = [
            (str(self.fields[name].label), self._shown(name, theirs), self._shown(name, yours))
            for name, theirs in saved.items()
            if name in self.fields
            and _plain(theirs) != _plain(yours := self.cleaned_data.get(name))
        ]
        if not self.stale_changes:
            return  # what they saved is what this person sends: nothing is lost
        data = cast(dict[str, Any], self.data).copy()  # a QueryDict's copy is a QueryDict
        data[self.add_prefix("loaded")] = fingerprint(saved)
        self.data = data
        raise forms.ValidationError(self.stale_message, code="stale")


class ModelStaleSaveCheck(StaleSaveCheck, _ModelForm):
    """For a model form: the saved values are the instance's fields as stored now."""

    def saved_values(self) -> dict[str, Any]:
        instance = self.instance
        if instance._state.adding:
            return {}
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        if stored is None:
            return {}
        values = {}
        for name in self._meta.fields or ():
            f = stored._meta.get_field(name)
            values[name] = (
                list(getattr(stored, name).all()) if f.many_to_many else getattr(stored, name)
            )
        return values


def saved_through(form, write, refused: type[Exception], field: str = "name") -> bool:
    """Validate the form, then `write()` it through its service; a refusal (`refused`, its
    message for the person) lands on `field`, so the form comes back with it and loses
    nothing."""
    if not form.is_valid():
        return False
    try:
        write()
    except refused as exc:
        form.add_error(field, str(exc))
        return False
    return True
