import re
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import Program
from outcomes import imports
from outcomes.groups import GROUP_KEYS, group_label
from outcomes.models import (
    MAX_COUNT,
    OutcomeMeasure,
    Standard,
    normalize_period,
    period_error,
)
from valuecurve.forms import ModelStaleSaveCheck, StaleSaveCheck


class MeasureForm(ModelStaleSaveCheck, forms.ModelForm):
    class Meta:
        model = OutcomeMeasure
        fields = [
            "name",
            "description",
            "direction",
            "denominator",
            "outcome_phrase",
            "granularity",
            "reference",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "direction": forms.RadioSelect,
        }

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        direction = cast(forms.ChoiceField, self.fields["direction"])
        direction.choices = cast(list, direction.choices)[1:]  # no blank
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = self.program.outcome_measures.exclude(pk=self.instance.pk)
        if others.filter(name=name).exists():
            raise ValidationError(_("This program already has a measure with this name."))
        return name

    def clean_granularity(self) -> str:
        granularity = self.cleaned_data["granularity"]
        changed = not self.instance._state.adding and granularity != self.instance.granularity
        if changed and self.instance.counts.exists():
            raise ValidationError(
                _("This measure has counts by %(current)s; its periods cannot change.")
                % {"current": self.instance.get_granularity_display()}
            )
        return granularity


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        # Text, not a number input: a browser empties a number input holding a typo, and
        # the person would not see what they typed next to the error.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
    )


COUNT_FIELD = re.compile(r"^(?:population|events)_(?P<group>.+)$")


def unknown_groups(data) -> set[str]:
    """Groups posted that the form does not have: a tampered or outdated form."""
    posted = {match["group"] for name in data if (match := COUNT_FIELD.match(name))}
    return posted - set(GROUP_KEYS)


class CountsEntryForm(StaleSaveCheck, forms.Form):
    """One period's counts: people and events for each group."""

    period = forms.CharField(label=_("Period"), max_length=20)
    standard = forms.ChoiceField(
        label=_("Race and ethnicity recorded under"),
        choices=Standard.choices,
        initial=Standard.SPD_2024,
        help_text=_("1997 data are shown under the matching 2024 groups, with a note."),
    )

    def __init__(self, *args, measure: OutcomeMeasure, **kwargs):
        self.measure = measure  # before the stale-save check reads the saved counts
        super().__init__(*args, **kwargs)
        for key in GROUP_KEYS:
            label = group_label(key)
            self.fields[f"population_{key}"] = _count_field(
                _("%(group)s: %(noun)s") % {"group": label, "noun": measure.denominator}
            )
            self.fields[f"events_{key}"] = _count_field(
                _("%(group)s: with the outcome") % {"group": label}
            )

    def saved_values(self) -> dict:
        """The period's counts as saved now: those the page showed, or none for a new one."""
        if self.is_bound:
            period = getattr(self, "cleaned_data", {}).get("period")
        else:
            period = self.initial.get("period")
        counts = {c.group: c for c in self.measure.counts.filter(period=period or "")}
        values: dict[str, Any] = {
            "standard": next(iter(counts.values())).standard if counts else None
        }
        for key in GROUP_KEYS:
            count = counts.get(key)
            values[f"population_{key}"] = count.population if count else None
            values[f"events_{key}"] = count.events if count else None
        return values

    def rows(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        return [
            (key, group_label(key), self[f"population_{key}"], self[f"events_{key}"])
            for key in GROUP_KEYS
        ]

    def clean_period(self) -> str:
        period = normalize_period(self.cleaned_data["period"])
        if error := period_error(period, self.measure.granularity):
            raise ValidationError(error)
        return period

    def clean(self) -> dict:
        cleaned = super().clean()
        if unknown_groups(self.data):
            raise ValidationError(
                _("This form holds groups this tool does not know. Reload the page.")
            )
        entered = [key for key in GROUP_KEYS if self._check_group(key)]
        if not entered and not self.errors:
            raise ValidationError(_("Enter the counts of at least one group."))
        return cleaned

    def _check_group(self, key: str) -> bool:
        """Whether the group has counts; both are needed, and events fit in the population."""
        names = f"population_{key}", f"events_{key}"
        if any(name in self.errors for name in names):
            return True
        population, events = (self.cleaned_data.get(name) for name in names)
        if population is None and events is None:
            return False
        if population is None or events is None:
            missing = names[0] if population is None else names[1]
            self.add_error(missing, _("Enter both numbers, or leave both empty."))
        elif events > population:
            self.add_error(names[1], _("This is more than the number of people."))
        return True

    def values(self) -> dict[str, tuple[int, int]]:
        """Group -> (population, events), for the groups entered."""
        data = self.cleaned_data
        return {
            key: (data[f"population_{key}"], data[f"events_{key}"])
            for key in GROUP_KEYS
            if data.get(f"population_{key}") is not None
        }


class CountsImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, at most 2 MB and 50,000 rows."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    standard = forms.ChoiceField(
        label=_("Race and ethnicity recorded under"),
        choices=Standard.choices,
        initial=Standard.SPD_2024,
        help_text=_("For rows without a value in an optional “standard” column."),
    )

    def __init__(self, *args, measure: OutcomeMeasure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.problems: list[imports.Problem] = []

    def clean_file(self) -> bytes:
        data = imports.read_upload(self.cleaned_data["file"])
        if isinstance(data, imports.Problem):
            raise ValidationError(data.message)
        return data

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        if self.errors:
            return cleaned
        parsed = imports.parse_counts(
            cleaned["file"], self.measure.granularity, cleaned["standard"]
        )
        self.problems = parsed.problems
        if parsed.problems:
            raise ValidationError(_("The file has problems, listed below; nothing was imported."))
        if not parsed.rows:
            raise ValidationError(_("The file has no rows of counts; nothing was imported."))
        cleaned["rows"] = parsed.rows
        return cleaned

    def rows(self) -> list[imports.CountRow]:
        return self.cleaned_data["rows"]
