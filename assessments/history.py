"""An assessment's history for its leaders: who changed what, before and after.

Read from the django-simple-history records of the scored answers and the assessment,
merged with the recorded steps (started, submitted, reopened...). Respondents' own
answers are left out here, so the page never shows them before the consensus; staff see
every record in the admin.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from assessments import levels
from assessments.models import Answer, Assessment, AssessmentEvent
from assessments.translated import translated

ANSWER_FIELDS = {
    "level": _("level"),
    "evidence": _("evidence"),
    "confidence": _("confidence"),
    "consensus_note": _("consensus note"),
}
HIGHLIGHT = {AssessmentEvent.Kind.SUBMITTED, AssessmentEvent.Kind.REOPENED}


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    highlight: bool = False


def _name(user) -> str:
    if user is None:
        return "–"
    return user.get_full_name() or user.username


def _shown(name: str, value) -> str:
    if name == "level":
        return levels.level_name(value)
    return "" if value is None else str(value)


def answer_entries(assessment: Assessment) -> list[Entry]:
    records = (
        Answer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "indicator")
        .order_by("history_date", "history_id")
    )
    last: dict[int, dict] = {}
    entries = []
    for record in records:
        state = {name: getattr(record, name) for name in ANSWER_FIELDS}
        # An answer is deleted only when respondents are first assigned: it is set aside.
        set_aside = record.history_type == "-"
        if set_aside:
            state = dict.fromkeys(ANSWER_FIELDS)
        before = last.get(record.indicator_id, dict.fromkeys(ANSWER_FIELDS))
        changes = [
            (str(label), _shown(name, before[name]), _shown(name, state[name]))
            for name, label in ANSWER_FIELDS.items()
            if before[name] != state[name] and (before[name] or state[name])
        ]
        last[record.indicator_id] = state
        if changes:
            label = _("Set aside as draft before assignment: %s") if set_aside else _("Answer: %s")
            what = label % translated(record.indicator, "statement")
            entries.append(Entry(record.history_date, _name(record.history_user), what, changes))
    return entries


def event_entries(assessment: Assessment) -> list[Entry]:
    return [
        Entry(
            event.at,
            _name(event.by),
            event.get_kind_display() + (f": {event.note}" if event.note else ""),
            highlight=event.kind in HIGHLIGHT,
        )
        for event in assessment.events.select_related("by")
    ]


def assessment_history(assessment: Assessment) -> list[Entry]:
    """Newest first."""
    entries = answer_entries(assessment) + event_entries(assessment)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
