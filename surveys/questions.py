"""The survey's questions, in code: the core questions every survey asks, the optional questions
about the respondent, and the kinds of question a program may add.

The texts are plain language, marked for translation; results are computed per key.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outcomes.groups import GROUPS, UNKNOWN

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCALE5, NPS, TEXT, YES_NO, CHOICE, MULTI = "scale5", "nps", "text", "yes_no", "choice", "multi"

# Longest open answer kept (characters); longer answers are refused with a message, not cut.
TEXT_MAX = 1000
MAX_PROGRAM_QUESTIONS = 5
# A program question's text and each of its options.
PROGRAM_TEXT_MAX = 200
CHOICE_MAX = 80
MAX_CHOICES = 8
PREFER_NOT = "prefer_not"

SCALE5_CHOICES = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
)
# A respondent "agrees" with a statement when they answer 4 or 5.
AGREE_FROM = 4
NPS_MIN, NPS_MAX = 0, 10
YES, NO = 1, 0
YES_NO_CHOICES = ((YES, _("Yes")), (NO, _("No")))


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: "StrOrPromise"
    help_text: "StrOrPromise" = ""
    choices: tuple = field(default_factory=tuple)
    required: bool = False


CORE_QUESTIONS = (
    Question("respect", SCALE5, _("Staff treated me with respect")),
    Question("heard", SCALE5, _("My input was taken into account")),
    Question("needs_met", SCALE5, _("The services met my needs")),
    Question("ease", SCALE5, _("It was easy to get services")),
    Question(
        "recommend",
        NPS,
        _("How likely are you to recommend this program to a friend or family member?"),
        help_text=_("0 means not at all likely, 10 means extremely likely."),
    ),
    Question("works_well", TEXT, _("What works well?")),
    Question("change_one", TEXT, _("What is one thing we should change?")),
)
CORE_KEYS = tuple(q.key for q in CORE_QUESTIONS)

RACE_CHOICES = (
    *((key, label) for key, label in GROUPS if key != UNKNOWN),
    (PREFER_NOT, _("Prefer not to say")),
)
LANGUAGE_CHOICES = (
    ("en", pgettext_lazy("preferred language", "English")),
    ("es", pgettext_lazy("preferred language", "Spanish")),
    ("zh", pgettext_lazy("preferred language", "Chinese")),
    ("vi", pgettext_lazy("preferred language", "Vietnamese")),
    ("ar", pgettext_lazy("preferred language", "Arabic")),
    ("other", pgettext_lazy("preferred language", "Another language")),
    (PREFER_NOT, _("Prefer not to say")),
)
AGE_BAND_CHOICES = (
    ("under_18", _("Under 18")),
    ("18_24", _("18 to 24")),
    ("25_34", _("25 to 34")),
    ("35_44", _("35 to 44")),
    ("45_54", _("45 to 54")),
    ("55_64", _("55 to 64")),
    ("65_plus", _("65 or older")),
    (PREFER_NOT, _("Prefer not to say")),
)

ABOUT_YOU = (
    Question(
        "race",
        MULTI,
        _("What is your race or ethnicity?"),
        help_text=_("Choose all that apply."),
        choices=RACE_CHOICES,
    ),
    Question(
        "language", CHOICE, _("What language do you prefer to use?"), choices=LANGUAGE_CHOICES
    ),
    Question("age_band", CHOICE, _("What is your age?"), choices=AGE_BAND_CHOICES),
)

PROGRAM_KINDS = (
    (SCALE5, _("Agree or disagree (five answers)")),
    (YES_NO, _("Yes or no")),
    (CHOICE, _("One choice from a list")),
    (TEXT, _("Short text")),
)


def program_question_key(position: int) -> str:
    """The Answer.question key of a program question: "p1" .. "p5"."""
    return f"p{position}"
