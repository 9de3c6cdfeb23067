"""Survey answers as plain frames for the results' pure functions and the privacy audit."""

import itertools

import pandas as pd

from surveys import results

_ids = itertools.count(1)


class Survey:
    """Respondents (one group each) and their answers, built group by group."""

    def __init__(self):
        self.respondents: list[tuple[int, str]] = []
        self.answers: list[tuple[int, str, int | None, str]] = []

    def add(self, group: str, people: int, **answers) -> "Survey":
        """`people` respondents of `group`; each keyword is a question key with a list of
        numbers given in turn (None: no answer), cycled over the people."""
        for n in range(people):
            response = next(_ids)
            self.respondents.append((response, group))
            for question, numbers in answers.items():
                number = numbers[n % len(numbers)]
                if number is not None:
                    self.answers.append((response, question, number, ""))
        return self

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        respondents = pd.DataFrame(self.respondents, columns=["response", "group"])
        answers = pd.DataFrame(self.answers, columns=["response", "question", "number", "text"])
        return respondents, answers

    def counts(self, items) -> pd.DataFrame:
        return results.counts(items, *self.frames(), period="2026")


def agreeing(people: int, agree: int) -> list[int]:
    """Answers to a statement: `agree` of `people` say 5, the others 2."""
    return [5] * agree + [2] * (people - agree)


def stored_survey(program, groups: dict, *, texts: tuple[str, ...] = (), title="Voice 2026"):
    """A survey of the program in the database with, per group key, (respondents, agreeing
    with "respect") and recommend answers of 10 or 0; `texts` go to "works_well", one each to
    the first respondents."""
    from datetime import date

    from surveys.models import Answer, Response
    from surveys.models import Survey as StoredSurvey

    survey = StoredSurvey.objects.create(
        program=program, title=title, opens_on=date(2026, 3, 1), closes_on=date(2026, 4, 30)
    )
    pending_texts = list(texts)
    responses, answers = [], []
    for group, (people, agree) in groups.items():
        for n in range(people):
            race = [] if group == "unknown" else [group]
            response = Response(
                survey=survey, submitted_on=date(2026, 3, 2), language="en", race=race
            )
            responses.append(response)
            answers.append(
                Answer(response=response, question="respect", number=5 if n < agree else 2)
            )
            answers.append(
                Answer(response=response, question="recommend", number=10 if n < agree else 0)
            )
            if pending_texts:
                answers.append(
                    Answer(response=response, question="works_well", text=pending_texts.pop())
                )
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    return survey
