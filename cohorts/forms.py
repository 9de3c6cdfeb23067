from datetime import date
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.forms import PERIOD_FIELDS, PERIOD_WIDGETS, PeriodForm, StatementsForm
from assessments.models import Organization, PlanStep
from cohorts import services
from cohorts.models import Cohort, CohortRound, GoalLink, SharedGoal, Sharing, Workgroup
from valuecurve.forms import ModelStaleSaveCheck

YEAR_HELP = _("The year the cohort means to reach it, such as 2030.")


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RoundForm(PeriodForm):
    ends_before_start = _("A round cannot end before it opens.")

    class Meta:
        model = CohortRound
        fields = PERIOD_FIELDS
        widgets = PERIOD_WIDGETS


class InviteForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations to invite"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one organization.")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["organizations"]).queryset = choices


class NewcomerInviteForm(forms.Form):
    """An organization that is not in the app yet, invited by its leader's email."""

    email = forms.EmailField(label=_("Leader's email"), max_length=254)
    organization_name = forms.CharField(
        label=_("Organization (optional)"),
        max_length=200,
        required=False,
        help_text=_("Named in the email and offered as the organization's name."),
    )


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(
        label=_("What your organization shares with the cohort's facilitators"),
        choices=Sharing.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your organization shares.")},
        help_text=_(
            "Benchmarks for members use levels only and never name an organization. You can "
            "change this or withdraw at any time; it takes effect at once."
        ),
    )
    outcomes = forms.BooleanField(
        label=_("Also share our equity outcome indices"),
        required=False,
        help_text=_(
            "How strongly race predicts each outcome measure (Cramér's V, index of disparity), "
            "for the cohort's disparity trend. Counts are never shared."
        ),
    )
    surveys = forms.BooleanField(
        label=_("Also share our survey results"),
        required=False,
        help_text=_(
            "The share of all respondents agreeing with each core statement of our surveys of "
            "the people we serve, and the net recommendation score. Open answers and figures "
            "by group are never shared."
        ),
    )


# A goal's date is a real one: not before the app's first cycles, not past the century.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)


class CohortStatementsForm(StatementsForm):
    """The cohort's commitment, vision and theory of change, as an organization's."""

    class Meta(StatementsForm.Meta):
        model = Cohort


class GoalForm(ModelStaleSaveCheck, forms.ModelForm):
    class Meta:
        model = SharedGoal
        fields = ["title", "description", "measure", "target", "target_date", "target_year"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"target_year": YEAR_HELP}

    def clean_target_date(self) -> date | None:
        when = self.cleaned_data["target_date"]
        if when is not None and not EARLIEST_DATE <= when <= LATEST_DATE:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return when

    def clean(self):
        data = super().clean()
        when, year = data.get("target_date"), data.get("target_year")
        if when is not None and year is not None and when.year > year:
            self.add_error("target_date", _("The target date falls after the goal's target year."))
        return data

    def clean_target_year(self):
        year = self.cleaned_data["target_year"]
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 2000 and 2100."))
        return year


class WorkgroupForm(ModelStaleSaveCheck, forms.ModelForm):
    class Meta:
        model = Workgroup
        fields = ["name", "goal", "organizations"]
        widgets = {"organizations": forms.CheckboxSelectMultiple}

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["goal"]).queryset = cohort.goals.all()
        organizations = cast(forms.ModelMultipleChoiceField, self.fields["organizations"])
        organizations.queryset = Organization.objects.filter(
            cohort_memberships__cohort=cohort,
            cohort_memberships__status__in=["invited", "active"],
        ).order_by("name")


class StepGoalsForm(forms.Form):
    """The cohort goals one action step serves: none, one or several of each cohort the
    step's organization shares its plans with."""

    goals = forms.MultipleChoiceField(
        label=_("Cohort goals this step serves"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohorts = [(m.cohort, list(m.cohort.goals.all())) for m in members]
        self.by_id = {str(g.pk): g for _cohort, goals in self.cohorts for g in goals}
        goals = cast(forms.MultipleChoiceField, self.fields["goals"])
        goals.choices = [(pk, g.title) for pk, g in self.by_id.items()]

    @classmethod
    def for_step(cls, step: PlanStep, data=None) -> "StepGoalsForm":
        """The form of the plan step's edit page (cohort_tags) and of its own page."""
        members = list(services.step_goal_members(step))
        cohorts = [m.cohort_id for m in members]
        tied = GoalLink.objects.filter(plan_step=step, goal__cohort__in=cohorts)
        initial = {"goals": [str(pk) for pk in tied.values_list("goal_id", flat=True)]}
        return cls(data, members=members, initial=initial)

    def chosen(self) -> list[SharedGoal]:
        return [self.by_id[pk] for pk in self.cleaned_data["goals"]]
