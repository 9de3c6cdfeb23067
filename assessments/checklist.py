"""The first steps of a new organization, from plain facts about it (no database here)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

STEPS = {
    "profile": _("Complete the organization's profile (region and size)"),
    "program": _("Add your first program"),
    "team": _("Invite your team"),
    "assessment": _("Start your first assessment"),
    "commitment": _("Write your racial equity commitment statement"),
}


@dataclass(frozen=True)
class OrganizationFacts:
    has_profile: bool
    has_program: bool
    has_team: bool  # another member, or an invitation waiting for an answer
    has_assessment: bool
    has_commitment: bool


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool


def checklist_steps(facts: OrganizationFacts) -> list[Step]:
    """The steps in order, or none once every one is done (the checklist goes away)."""
    done = {
        "profile": facts.has_profile,
        "program": facts.has_program,
        "team": facts.has_team,
        "assessment": facts.has_assessment,
        "commitment": facts.has_commitment,
    }
    if all(done.values()):
        return []
    return [Step(key, str(label), done[key]) for key, label in STEPS.items()]
