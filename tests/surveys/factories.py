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
