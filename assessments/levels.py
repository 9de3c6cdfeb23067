"""The four levels of the Human Services Value Curve, and the answers an indicator can take.

Plain constants, shared by the pure scoring module, the models and the templates.
"""

from typing import Literal

from django.utils.translation import gettext_lazy as _

NOT_YET = 0
REGULATIVE = 1
COLLABORATIVE = 2
INTEGRATIVE = 3
GENERATIVE = 4
DONT_KNOW = -1

LEVELS = (REGULATIVE, COLLABORATIVE, INTEGRATIVE, GENERATIVE)
# Claims at these levels only count when evidence backs them.
EVIDENCE_REQUIRED_FROM = INTEGRATIVE

LEVEL_KEYS = {
    REGULATIVE: "regulative",
    COLLABORATIVE: "collaborative",
    INTEGRATIVE: "integrative",
    GENERATIVE: "generative",
}

LEVEL_NAMES = {
    NOT_YET: _("Not yet in place"),
    REGULATIVE: _("Regulative"),
    COLLABORATIVE: _("Collaborative"),
    INTEGRATIVE: _("Integrative"),
    GENERATIVE: _("Generative"),
}

LEVEL_SUMMARIES = {
    NOT_YET: _("The basics this indicator asks for are not in place yet."),
    REGULATIVE: _("Each program is delivered correctly and within its rules."),
    COLLABORATIVE: _(
        "Work crosses program and agency borders so people get all they are eligible for."
    ),
    INTEGRATIVE: _(
        "Services are integrated around real needs and designed with the people served."
    ),
    GENERATIVE: _("Solutions to population-level challenges are co-created with the community."),
}

ANSWER_CHOICES = [
    (NOT_YET, LEVEL_NAMES[NOT_YET]),
    *[(level, LEVEL_NAMES[level]) for level in LEVELS],
    (DONT_KNOW, _("Don't know")),
]

DIMENSION_KEYS = ("governance", "insight", "services", "people")


def level_name(level: int | Literal[""] | None) -> str:
    """A level's name; None (or the empty string a template gives for a missing answer)
    is "Not answered"."""
    if level is None or level == "":
        return str(_("Not answered"))
    if level == DONT_KNOW:
        return str(_("Don't know"))
    return str(LEVEL_NAMES[level])
