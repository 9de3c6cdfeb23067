import re
from collections.abc import Mapping
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from assessments import cycles, levels
from assessments.consensus import Suggestion
from assessments.models import (
    ActionStep,
    Answer,
    AnswerFields,
    Cycle,
    Framework,
    Organization,
    PlanStep,
    Program,
    RespondentAnswer,
    Role,
    Statements,
)
from assessments.plans import StepValues
from assessments.services import AnswerValues, answer_digest, answer_values
from assessments.translated import translated
from valuecurve import languages, sso
from valuecurve.forms import ModelStaleSaveCheck
from valuecurve.text import flat, poster_length

MAX_EVIDENCE = 5000
FIELD_NAME = re.compile(r"^i-(?P<key>.+)-(?:level|evidence|confidence)$")


class IndicatorAnswerForm(forms.Form):
    """One indicator's answer; the page shows one per indicator of a dimension."""

    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=levels.ANSWER_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=MAX_EVIDENCE,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows this is true: a document, a report, a decision, data."),
    )
    confidence = forms.ChoiceField(
        label=_("How confident are you?"),
        choices=[("", _("Not said")), *AnswerFields.Confidence.choices],
        required=False,
    )

    # What the page was showing: the version of the answer it loaded, and a fingerprint of
    # the answer, so a save writes only what the person changed and conflicts per indicator.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    loaded = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, indicator, **kwargs):
        self.indicator = indicator
        kwargs["prefix"] = f"i-{indicator.key}"
        super().__init__(*args, **kwargs)

    def values(self) -> AnswerValues:
        return AnswerValues(
            level=self.cleaned_data["level"],
            evidence=self.cleaned_data["evidence"],
            confidence=self.cleaned_data["confidence"],
        )

    def touched(self) -> bool:
        """Whether the person changed this answer on the page (a page that does not say
        counts as changed)."""
        loaded = self.cleaned_data.get("loaded")
        return not loaded or loaded != answer_digest(self.values())


def indicator_forms(
    indicators,
    answers: Mapping[int, Answer | RespondentAnswer],
    data=None,
    version: int | None = None,
) -> list[IndicatorAnswerForm]:
    forms_ = []
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        initial = (
            {"level": answer.level, "evidence": answer.evidence, "confidence": answer.confidence}
            if answer
            else {}
        )
        initial |= {"seen": version, "loaded": answer_digest(answer_values(answer))}
        forms_.append(IndicatorAnswerForm(data, indicator=indicator, initial=initial))
    return forms_


def touched_answers(forms_) -> tuple[dict, dict[int, int]]:
    """The answers the person changed, and the version the page had of each."""
    touched = [form for form in forms_ if form.touched()]
    seen = {
        f.indicator.pk: f.cleaned_data["seen"]
        for f in touched
        if f.cleaned_data["seen"] is not None
    }
    return {form.indicator: form.values() for form in touched}, seen


def unknown_indicator_keys(data, indicators) -> set[str]:
    """Indicator keys posted that this page does not show: a tampered or outdated form."""
    known = {i.key for i in indicators}
    posted = {m["key"] for name in data if (m := FIELD_NAME.match(name))}
    return posted - known


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


CYCLE_NAME = re.compile(r"[\w .\-/]+")


def date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


PERIOD_FIELDS = ["name", "starts_on", "ends_on"]
PERIOD_WIDGETS = {"starts_on": date_input(), "ends_on": date_input()}


class PeriodForm(ModelStaleSaveCheck, forms.ModelForm):
    """A named period with dates: an organization's cycle, or a cohort's round."""

    ends_before_start = _("A cycle cannot end before it starts.")

    def clean_name(self) -> str:
        return clean_cycle_name(self.cleaned_data["name"])

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", self.ends_before_start)
        return data


class CycleForm(PeriodForm):
    class Meta:
        model = Cycle
        fields = PERIOD_FIELDS
        widgets = PERIOD_WIDGETS


def clean_cycle_name(name: str) -> str:
    name = name.strip()
    if not CYCLE_NAME.fullmatch(name):
        raise ValidationError(_("Use letters, digits, spaces, dots, dashes or slashes."))
    return name


class StartAssessmentForm(forms.Form):
    """Start a program's assessment in one of the organization's free cycles, or in a new
    cycle named and dated here (the first time, this year is offered)."""

    cycle = forms.ModelChoiceField(
        label=_("Cycle"),
        queryset=Cycle.objects.none(),
        required=False,
        empty_label=_("A new cycle (name it below)"),
        help_text=_(
            "Your organization's cycles this program has no assessment in yet. The fields "
            "below are only for a new cycle."
        ),
    )
    new_name = forms.CharField(
        label=_("New cycle's name"),
        max_length=40,
        required=False,
        help_text=_("Such as a year: “2027” or “2026-27”."),
    )
    new_starts_on = forms.DateField(label=_("Starts on"), required=False, widget=date_input())
    new_ends_on = forms.DateField(label=_("Ends on"), required=False, widget=date_input())
    framework = forms.ModelChoiceField(
        label=_("Framework"), queryset=Framework.objects.none(), empty_label=None
    )
    copy_previous = forms.BooleanField(
        label=_("Start from the previous cycle's answers"), required=False, initial=True
    )

    def __init__(self, *args, program: Program, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        known = list(cycles.program_cycles(program))  # one query
        free = [c for c in known if c.free]
        field = cast(forms.ModelChoiceField, self.fields["cycle"])
        field.queryset = cycles.free_cycles(program)  # what a POST may choose
        field.choices = [("", field.empty_label), *((c.pk, c.name) for c in free)]  # no query
        field.initial = cycles.suggested_cycle(free, today)
        if field.initial is None:
            name, starts_on, ends_on = cycles.calendar_year(today)
            taken = any(c.name.lower() == name.lower() for c in known)
            self.fields["new_name"].initial = "" if taken else name
            self.fields["new_starts_on"].initial = starts_on
            self.fields["new_ends_on"].initial = ends_on
        cast(
            forms.ModelChoiceField, self.fields["framework"]
        ).queryset = Framework.objects.order_by("slug", "-version")
        if not program.assessments.exists():
            del self.fields["copy_previous"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("start", _("Start assessment")))

    def clean(self):
        data = super().clean() or self.cleaned_data
        if data.get("cycle") is not None:
            return data
        name = data.get("new_name", "")
        if not name:
            self.add_error("new_name", _("Choose a cycle, or name a new one."))
        else:
            try:
                data["new_name"] = clean_cycle_name(name)
            except ValidationError as exc:
                self.add_error("new_name", exc)
            else:
                if self.program.organization.cycles.filter(name__iexact=name.strip()).exists():
                    self.add_error(
                        "new_name", _("Your organization has this cycle already: choose it.")
                    )
        for field in ("new_starts_on", "new_ends_on"):
            if not data.get(field) and field not in self.errors:
                self.add_error(field, _("A new cycle needs its dates."))
        starts_on, ends_on = data.get("new_starts_on"), data.get("new_ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("new_ends_on", _("A cycle cannot end before it starts."))
        return data

    def chosen_cycle(self) -> Cycle:
        """The cycle chosen, or the new one described (not saved yet)."""
        data = self.cleaned_data
        if data.get("cycle") is not None:
            return data["cycle"]
        return Cycle(
            organization=self.program.organization,
            name=data["new_name"],
            starts_on=data["new_starts_on"],
            ends_on=data["new_ends_on"],
        )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the assessment's history."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CONTRIBUTOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OrganizationSecurityForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor sign-in of every member"), required=False
    )
    require_sso = forms.BooleanField(
        label=_("Require single sign-on of every member"),
        required=False,
        help_text=_(
            "Members then sign in only with a “Sign in with …” button, never with a password. "
            "Turn it on while you are signed in that way yourself."
        ),
    )

    def __init__(self, *args, organization: Organization, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.signed_in_with_sso = sso.signed_in_with_sso(request)
        if not sso.providers():
            del self.fields["require_sso"]

    def clean_require_sso(self) -> bool:
        """A leader who turns it on has just signed in that way, so it works for them."""
        value = self.cleaned_data["require_sso"]
        if value and not self.organization.require_sso and not self.signed_in_with_sso:
            raise ValidationError(
                _(
                    "Sign in with single sign-on first, so you know it works for you, then "
                    "require it."
                )
            )
        return value


class UserIdsField(forms.ModelMultipleChoiceField):
    """Refuses ids the database could not even compare (SQLite overflows on huge numbers).
    Each user is shown by their full name, else their username."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isdigit() or int(pk) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in the stubs


class AssignRespondentsForm(forms.Form):
    users = UserIdsField(
        label=_("Who answers on their own?"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each answers independently and sees the others' answers after submitting."),
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        cast(UserIdsField, self.fields["users"]).queryset = (
            get_user_model()
            .objects.filter(
                memberships__organization_id=assessment.program.organization_id,
                memberships__role__in=[Role.LEADER, Role.CONTRIBUTOR],
            )
            .exclude(pk__in=assessment.respondents.values("user_id"))
            .order_by("first_name", "username")
        )


class ConsensusAnswerForm(IndicatorAnswerForm):
    """The leader's consensus on one indicator, with a note on how it was reached."""

    suggestion: Suggestion | None  # set by consensus_forms
    note = forms.CharField(
        label=_("Consensus note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this answer, especially where respondents disagreed."),
    )

    def values(self) -> AnswerValues:
        return AnswerValues(
            level=self.cleaned_data["level"],
            evidence=self.cleaned_data["evidence"],
            confidence=self.cleaned_data["confidence"],
            note=self.cleaned_data["note"],
        )


def consensus_forms(indicators, answers, suggestions, data=None) -> list[ConsensusAnswerForm]:
    """One form per indicator: the consensus so far, else the respondents' suggestion.

    `suggestions`: indicator id -> (Suggestion, initial values). Each form keeps its
    suggestion (`form.suggestion`) so the page marks the suggested level.
    """
    forms_ = []
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        suggestion, suggested = suggestions.get(indicator.pk, (None, {}))
        if answer is not None:
            initial = {
                "level": answer.level,
                "evidence": answer.evidence,
                "confidence": answer.confidence,
                "note": answer.consensus_note,
            }
        else:
            initial = suggested
        form = ConsensusAnswerForm(data, indicator=indicator, initial=initial)
        form.suggestion = suggestion
        forms_.append(form)
    return forms_


def poster_limit_attrs(limit: int) -> dict[str, str | Promise]:
    """A field the poster shows whole: static/js/counter.js counts it as the poster does."""
    return {
        "data-poster-limit": str(limit),
        "data-poster-left": _("{used} of {limit} characters: {left} left for the poster."),
        "data-poster-over": _(
            "{used} of {limit} characters: {over} too many for the poster. Shorten it to save."
        ),
    }


def clean_poster_text(value: str, limit: int, what: str | Promise) -> str:
    """`value` if the poster has room for it whole, else a ValidationError that says so."""
    length = poster_length(value)
    if length > limit:
        raise forms.ValidationError(
            _(
                "The poster shows %(what)s whole, so it holds up to %(limit)d characters "
                "(a Chinese, Japanese or Korean character counts as two); this one has "
                "%(length)d. Shorten it by %(over)d."
            )
            % {"what": what, "limit": limit, "length": length, "over": length - limit}
        )
    return value


# A CharField's max_length is always set.
_POSTER_LINE_LENGTH = cast(int, PlanStep._meta.get_field("poster_line").max_length)


class PlanStepForm(ModelStaleSaveCheck, forms.ModelForm):
    POSTER_LINE_LENGTH = _POSTER_LINE_LENGTH

    class Meta:
        model = PlanStep
        fields = [
            "title",
            "poster_line",
            "description",
            "measure",
            "owner",
            "due_date",
            "status",
            "notes",
        ]
        widgets = {
            "poster_line": forms.TextInput(attrs=poster_limit_attrs(_POSTER_LINE_LENGTH)),
            "description": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_poster_line(self) -> str:
        value = flat(self.cleaned_data["poster_line"])
        return clean_poster_text(value, self.POSTER_LINE_LENGTH, _("the poster line"))

    def values(self) -> StepValues:
        return StepValues(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class NewPlanStepForm(PlanStepForm):
    """Add a step: the leader's own, or one from the library for this dimension."""

    library_step = forms.ModelChoiceField(
        label=_("From the library (optional)"),
        queryset=ActionStep.objects.none(),
        required=False,
        help_text=_("Choose a suggested step, or leave empty and write your own."),
    )

    class Meta(PlanStepForm.Meta):
        fields = PlanStepForm.Meta.fields

    def __init__(self, *args, dimension, **kwargs):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["library_step"]
        ).queryset = dimension.action_steps.order_by("from_level", "order")
        self.fields["title"].required = False

    def clean(self):
        data = super().clean()
        library = data.get("library_step")
        if library is not None:
            for name in ("title", "description", "measure"):
                data[name] = data.get(name) or translated(library, name)
        elif not data.get("title"):
            self.add_error("title", _("Give the step a title, or choose one from the library."))
        return data


def _commitment_help() -> str:
    # Interpolated when a page shows it, so in the language of that page.
    limit = Organization.POSTER_COMMITMENT_LENGTH
    return _("Shown on reports and whole on posters: up to %(limit)d characters.") % {
        "limit": limit
    }


class StatementsForm(ModelStaleSaveCheck, forms.ModelForm):
    """The statements; the commitment no longer than a poster shows whole. A statement
    saved longer before the limit keeps its text until someone saves this form, which
    then asks to shorten it (the poster shows its first sentences meanwhile)."""

    class Meta:
        model: type[Statements] = Organization  # a cohort's form too
        fields = ["commitment_statement", "vision", "theory_of_change"]
        widgets = {
            "commitment_statement": forms.Textarea(
                attrs={"rows": 4, **poster_limit_attrs(Organization.POSTER_COMMITMENT_LENGTH)}
            ),
            "vision": forms.Textarea(attrs={"rows": 4}),
            "theory_of_change": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"commitment_statement": lazy(lambda: _commitment_help(), str)()}

    def clean_commitment_statement(self) -> str:
        value = self.cleaned_data["commitment_statement"]
        limit = self._meta.model.POSTER_COMMITMENT_LENGTH
        return clean_poster_text(value, limit, _("the commitment statement"))


class OrganizationForm(ModelStaleSaveCheck, forms.ModelForm):
    """The organization's profile: who it is, for cohorts' filters and reports."""

    class Meta:
        model = Organization
        fields = ["name", "sector", "region", "size", "language"]
        help_texts = {
            "region": _("A county, state or area, as cohorts filter by it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new organization starts in the language its creator reads; a form sent without
        # the field keeps the language it has.
        if self.instance._state.adding and "language" not in kwargs.get("initial", {}):
            self.initial["language"] = languages.active_language()
        self.fields["language"].required = False
        # Its model default is a callable, for which Django adds a hidden copy of the initial
        # value; that copy carries the help text's aria-describedby, which HTML forbids.
        self.fields["language"].show_hidden_initial = False

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_language(self) -> str:
        language = self.cleaned_data.get("language")
        if language:
            return language
        return self.initial["language"]


class ProgramForm(ModelStaleSaveCheck, forms.ModelForm):
    class Meta:
        model = Program
        fields = ["name", "service_area", "population_served"]
        help_texts = {
            "service_area": _("Such as housing, child welfare, income support, workforce."),
            "population_served": _("Who the program serves, in a few words."),
        }
