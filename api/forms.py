from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from api.tokens import EXPIRY_CHOICES
from assessments.models import Membership
from cohorts.models import Cohort


class TokenForm(forms.Form):
    """A new token: its name, the organization or the facilitated cohort it reaches, its
    access and expiry."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, such as “Data warehouse nightly load”."),
    )
    scope = forms.ChoiceField(label=_("Reaches"))
    access = forms.ChoiceField(
        label=_("Access"),
        choices=[("read", _("Read only")), ("write", _("Read and write"))],
        initial="read",
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(days, _("%(days)s days") % {"days": days}) for days in EXPIRY_CHOICES],
        initial=90,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        memberships = Membership.objects.for_user(user).select_related("organization")
        self.organizations = {str(m.organization_id): m.organization for m in memberships}
        self.cohorts = {str(c.pk): c for c in Cohort.objects.facilitated_by(user).order_by("name")}
        cast(forms.ChoiceField, self.fields["scope"]).choices = [
            *((f"org:{pk}", org.name) for pk, org in self.organizations.items()),
            *(
                (f"cohort:{pk}", _("Cohort: %(name)s") % {"name": cohort.name})
                for pk, cohort in self.cohorts.items()
            ),
        ]

    def scope_objects(self) -> dict:
        kind, _sep, pk = self.cleaned_data["scope"].partition(":")
        if kind == "cohort":
            return {"cohort": self.cohorts[pk]}
        return {"organization": self.organizations[pk]}
