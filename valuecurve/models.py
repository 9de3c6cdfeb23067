from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from valuecurve.languages import language_choices


class Preferences(models.Model):
    """What a user chose for themselves, across devices: for now the language they read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices, blank=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(self.user)


class ProviderDevice(Device):
    """Two-factor sign-in that an identity provider asserted (its ID token's `amr` named
    "mfa", and the provider is trusted for it: valuecurve/sso.py). It takes no codes; a
    session signed in through it is two-factor verified, as after an authenticator's code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user")
    )
    name = models.CharField(_("provider"), max_length=64)
    confirmed = models.BooleanField(_("confirmed"), default=True)

    class Meta(Device.Meta):
        verbose_name = _("identity provider's two-factor sign-in")
        verbose_name_plural = _("identity providers' two-factor sign-ins")

    def verify_token(self, token) -> bool:
        return False
