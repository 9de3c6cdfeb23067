"""Anonymous by design: a response keeps nothing that could tell who answered, or when in the
day. The fields are listed here on purpose: a new field on these models fails until it is
added, with a reason it identifies no one."""

import datetime

from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse

from surveys.models import Answer, OneTimeCode, Response
from tests.surveys.test_answering import GOOD

RESPONSE_FIELDS = {
    "id",  # random, not a count
    "survey",
    "submitted_on",  # a day
    "language",
    "source",
    "race",
    "age_band",
    "preferred_language",
}
ANSWER_FIELDS = {"id", "response", "question", "number", "text"}
CODE_FIELDS = {"id", "survey", "code_hash", "used"}  # no link to the response it opened
ADDRESS, AGENT = "203.0.113.77", "AgentOfOneRespondent/1.0"


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def test_the_stored_rows_have_no_identifying_field():
    assert _fields(Response) == RESPONSE_FIELDS
    assert _fields(Answer) == ANSWER_FIELDS
    assert _fields(OneTimeCode) == CODE_FIELDS
    for model in (Response, Answer, OneTimeCode):
        kinds = {f.get_internal_type() for f in model._meta.concrete_fields}
        assert "DateTimeField" not in kinds and "GenericIPAddressField" not in kinds
        assert not hasattr(model, "history"), "a history would record who and when"
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    assert Answer._meta.pk.get_internal_type() == "UUIDField"


def _every_stored_value() -> list[str]:
    values = []
    for model in apps.get_models():
        for row in model._base_manager.values():
            values.extend(str(v) for v in row.values())
    return values


def test_nothing_about_the_respondent_is_stored_anywhere(client, survey, viewer):
    # Even a signed-in member who answers the public link is not recorded.
    client.force_login(viewer)
    sessions_before = set(Session.objects.values_list("session_key", flat=True))
    response = client.post(
        reverse("surveys:answer", args=[survey.token]),
        GOOD,
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=AGENT,
        HTTP_X_FORWARDED_FOR=ADDRESS,
    )
    assert response.status_code == 302
    stored = Response.objects.get()
    assert type(stored.submitted_on) is datetime.date
    for value in _every_stored_value():
        assert ADDRESS not in value and AGENT not in value
    row_values = [str(v) for v in Response.objects.values().get().values()]
    row_values += [str(v) for a in Answer.objects.values() for v in a.values()]
    # (The user's id is a small number like the answers: the field list above rules it out.)
    identifying = {viewer.username, viewer.email, *sessions_before}
    assert identifying.isdisjoint(row_values)


def test_answering_anonymously_makes_no_session(client, survey):
    client.get(reverse("surveys:answer", args=[survey.token]))
    client.post(reverse("surveys:answer", args=[survey.token]), GOOD)
    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies
