"""Forms of the survey pages: a leader's survey and program questions, and the answer form
that respondents (and staff entering paper answers) fill in."""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from surveys import questions
from surveys.models import ProgramQuestion, Survey

# "<b>", "</p>", "<!--", "<script": text that reads as markup is refused, not stored.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
MAX_CODES = 500
HONEYPOT = "website"


def _no_markup(value: str) -> str:
    if MARKUP.search(value):
        raise ValidationError(_("Please write plain text, without < and > around words."))
    return value


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "opens_on", "closes_on", "codes_required"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_title(self) -> str:
        return _no_markup(self.cleaned_data["title"].strip())

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        return data


class ProgramQuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=questions.PROGRAM_KINDS)
    text = forms.CharField(label=_("Question"), max_length=questions.PROGRAM_TEXT_MAX)
    options = forms.CharField(
        label=_("Options (one choice from a list only)"),
        help_text=_("One option a line, two to eight options."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_text(self) -> str:
        return _no_markup(self.cleaned_data["text"].strip())

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data
        lines = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        if data.get("kind") != questions.CHOICE:
            if lines:
                message = _("Only a “one choice from a list” question has options.")
                self.add_error("options", message)
            data["choices"] = []
            return data
        data["choices"] = self._choices(lines)
        return data

    def _choices(self, lines: list[str]) -> list[str]:
        if not 2 <= len(lines) <= questions.MAX_CHOICES:
            self.add_error(
                "options",
                _("Give two to %(most)s options, one a line.") % {"most": questions.MAX_CHOICES},
            )
        elif any(len(line) > questions.CHOICE_MAX for line in lines):
            self.add_error(
                "options",
                _("Keep each option under %(most)s characters.") % {"most": questions.CHOICE_MAX},
            )
        elif len(set(lines)) != len(lines):
            self.add_error("options", _("Each option must be different."))
        elif any(MARKUP.search(line) for line in lines):
            self.add_error("options", _("Please write plain text, without < and > around words."))
        return lines


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many codes?"), min_value=1, max_value=MAX_CODES, initial=50
    )


# --- Answering --------------------------------------------------------------------------------


def _scale_field(text, help_text="") -> forms.Field:
    return forms.TypedChoiceField(
        label=text,
        help_text=help_text,
        choices=questions.SCALE5_CHOICES,
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )


def _text_field(text) -> forms.Field:
    return forms.CharField(
        label=text,
        required=False,
        max_length=questions.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": questions.TEXT_MAX}),
        validators=[_no_markup],  # type: ignore[list-item]  # what it returns is ignored
        error_messages={
            "max_length": _(
                "Please keep your answer under %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )


def _core_field(question: questions.Question) -> forms.Field:
    if question.kind == questions.SCALE5:
        return _scale_field(question.text, question.help_text)
    if question.kind == questions.NPS:
        numbers = tuple((n, str(n)) for n in range(questions.NPS_MIN, questions.NPS_MAX + 1))
        field = forms.TypedChoiceField(
            label=question.text,
            help_text=question.help_text,
            choices=numbers,
            coerce=int,
            required=False,
            widget=forms.RadioSelect,
        )
        # Eleven short numbers: side by side (the template reads it).
        field.in_a_row = True  # type: ignore[attr-defined]
        return field
    return _text_field(question.text)


def _program_field(question: ProgramQuestion) -> forms.Field:
    if question.kind == questions.SCALE5:
        return _scale_field(question.text)
    if question.kind == questions.YES_NO:
        return forms.TypedChoiceField(
            label=question.text,
            choices=questions.YES_NO_CHOICES,
            coerce=int,
            required=False,
            widget=forms.RadioSelect,
        )
    if question.kind == questions.CHOICE:
        choices = tuple((str(i), option) for i, option in enumerate(question.choices))
        return forms.TypedChoiceField(
            label=question.text,
            choices=choices,
            coerce=int,
            required=False,
            widget=forms.RadioSelect,
        )
    return _text_field(question.text)


class ResponseForm(forms.Form):
    """Every question optional; at least one answered. Program questions are "p<position>";
    a "one choice" answer is stored as the option's index."""

    error_messages = {
        "invalid_choice": _("Please choose one of the answers shown."),
    }

    def __init__(self, *args, survey: Survey, program_questions, ask_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        for question in questions.CORE_QUESTIONS:
            self.fields[question.key] = _core_field(question)
        self.program_keys = []
        for question in program_questions:
            self.fields[question.key] = _program_field(question)
            self.program_keys.append(question.key)
        self._about_you_fields()
        # Hidden from people (off screen, out of the tab order): only robots fill it in.
        self.fields[HONEYPOT] = forms.CharField(required=False, label=_("Leave this empty"))
        if ask_code:
            self.fields["code"] = forms.CharField(
                label=_("Your code"),
                help_text=_("The code on the card you were given."),
                max_length=20,
            )
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = self.error_messages["invalid_choice"]

    def _about_you_fields(self) -> None:
        race, language, age = questions.ABOUT_YOU
        self.fields["race"] = forms.MultipleChoiceField(
            label=race.text,
            help_text=race.help_text,
            choices=race.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for question in (language, age):
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=question.choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def core_fields(self):
        return [self[q.key] for q in questions.CORE_QUESTIONS]

    def program_fields(self):
        return [self[key] for key in self.program_keys]

    def about_fields(self):
        return [self[q.key] for q in questions.ABOUT_YOU]

    def clean_race(self) -> list[str]:
        race = self.cleaned_data["race"]
        if questions.PREFER_NOT in race and len(race) > 1:
            raise ValidationError(
                _("Choose “Prefer not to say” alone, or the groups that describe you.")
            )
        return race

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data
        keys = [q.key for q in questions.CORE_QUESTIONS] + self.program_keys
        if not self.errors and all(data.get(key) in (None, "") for key in keys):
            raise ValidationError(_("Please answer at least one question before you send."))
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def answers(self) -> dict[str, int | str]:
        """The answered questions: a number or a text per key."""
        keys = [q.key for q in questions.CORE_QUESTIONS] + self.program_keys
        values = {key: self.cleaned_data.get(key) for key in keys}
        return {key: value for key, value in values.items() if value not in (None, "")}

    def about(self) -> dict:
        return {
            "race": self.cleaned_data.get("race") or [],
            "age_band": self.cleaned_data.get("age_band") or "",
            "preferred_language": self.cleaned_data.get("language") or "",
        }
