"""Conflicts are per indicator: people answering different indicators never refuse each
other; two saving the same indicator, the second is refused and shown what changed."""

import random

import pytest
from django.urls import reverse

from assessments import levels
from assessments.models import Answer, Assessment, Indicator, Membership, Role
from assessments.services import AnswerValues, AssessmentError, StaleVersion, answers_save
from tests.conftest import make_user


@pytest.fixture
def governance(draft):
    return list(draft.framework.dimensions.get(key="governance").indicators.all())


def value(level: int, evidence: str = "") -> AnswerValues:
    return AnswerValues(level, evidence, "medium")


def test_two_people_saving_different_indicators_of_one_page_are_both_accepted(
    draft, governance, leader, contributor
):
    first, second = governance[:2]
    answers_save(assessment=draft, values={first: value(1)}, expected_version=1, by=leader)
    # The contributor's page was loaded at version 1 too.
    answers_save(assessment=draft, values={second: value(2)}, expected_version=1, by=contributor)
    saved = dict(Answer.objects.values_list("indicator", "level"))
    assert saved == {first.pk: 1, second.pk: 2}
    assert Assessment.objects.get(pk=draft.pk).version == 3


def test_the_second_save_of_one_indicator_is_refused_with_theirs_and_yours(
    draft, governance, leader, contributor
):
    first = governance[0]
    answers_save(
        assessment=draft, values={first: value(1, "Leader's")}, expected_version=1, by=leader
    )
    with pytest.raises(StaleVersion) as caught:
        answers_save(
            assessment=draft,
            values={first: value(3, "Mine")},
            expected_version=1,
            by=contributor,
        )
    ((theirs, yours),) = caught.value.pairs
    assert (theirs.level, theirs.evidence, theirs.answered_by) == (1, "Leader's", leader)
    assert (yours.level, yours.evidence) == (3, "Mine")
    assert Answer.objects.get().level == 1


def test_saving_what_the_other_person_saved_is_no_conflict(draft, governance, leader, contributor):
    first = governance[0]
    answers_save(assessment=draft, values={first: value(2)}, expected_version=1, by=leader)
    answers_save(assessment=draft, values={first: value(2)}, expected_version=1, by=contributor)
    assert Answer.objects.get().answered_by == leader


def test_eight_people_saving_their_own_indicators_from_stale_pages_are_never_refused(draft, leader):
    """What refused 287 of 330 saves under load: every save bumped the one version."""
    indicators = list(Indicator.objects.filter(dimension__framework=draft.framework))
    people = [make_user(f"person{n}") for n in range(8)]
    # Each loaded the page at version 1; a page learns the versions of what it saves.
    seen: dict = {person: {} for person in people}
    rng, refused = random.Random(7), 0
    for _save in range(330):
        person = rng.choice(people)
        indicator = rng.choice(indicators[people.index(person) :: len(people)])
        try:
            seen[person][indicator.pk] = answers_save(
                assessment=draft,
                values={indicator: value(rng.randint(0, 4), f"{_save} by {person.username}")},
                expected_version=1,
                by=person,
                seen=seen[person],
            )
        except StaleVersion:
            refused += 1
    assert refused == 0
    assert Assessment.objects.get(pk=draft.pk).version > 300


# --- The real save path, two browsers --------------------------------------------------------


def loaded_page(client, assessment, dimension: str = "governance") -> dict:
    """What a browser posts back from the page it loaded, before any change."""
    response = client.get(reverse("assessments:dimension", args=[assessment.pk, dimension]))
    data = {"version": response.context["version_form"].initial["version"]}
    for form in response.context["forms"]:
        for name in ("level", "evidence", "confidence", "seen", "loaded"):
            initial = form.initial.get(name)
            data[f"{form.prefix}-{name}"] = "" if initial is None else str(initial)
    return data


def answer(data: dict, indicator, level: int, evidence: str) -> dict:
    return data | {
        f"i-{indicator.key}-level": str(level),
        f"i-{indicator.key}-evidence": evidence,
        f"i-{indicator.key}-confidence": "high",
    }


def autosave(client, assessment, data, dimension: str = "governance"):
    url = reverse("assessments:dimension", args=[assessment.pk, dimension])
    return client.post(url, data, headers={"X-Autosave": "1"})


def after_autosave(data: dict, body: dict) -> dict:
    """What the page's script does with the answer: it now knows the answers it saved."""
    data = data | {"version": body["version"]}
    for prefix, known in body["answers"].items():
        data |= {f"{prefix}-seen": known["seen"], f"{prefix}-loaded": known["loaded"]}
    return data


def test_two_browsers_on_one_page_answer_different_indicators_and_then_the_same(
    client, django_user_model, draft, governance, leader, contributor
):
    from django.test import Client

    other = Client()
    client.force_login(leader)
    other.force_login(contributor)
    mine, theirs = loaded_page(client, draft), loaded_page(other, draft)
    first, second = governance[:2]

    mine = answer(mine, first, levels.REGULATIVE, "Leader's minutes")
    response = autosave(client, draft, mine)
    assert response.json()["saved"]
    mine = after_autosave(mine, response.json())
    theirs = answer(theirs, second, levels.INTEGRATIVE, "Contributor's data")
    response = autosave(other, draft, theirs)
    assert response.json()["saved"], "different indicators never conflict"
    theirs = after_autosave(theirs, response.json())
    saved = dict(Answer.objects.values_list("indicator", "evidence"))
    assert saved == {first.pk: "Leader's minutes", second.pk: "Contributor's data"}

    # Now the contributor changes the leader's indicator, from the page that never saw it.
    theirs = answer(theirs, first, levels.GENERATIVE, "Contributor's view")
    response = autosave(other, draft, theirs)
    assert response.status_code == 409
    url = reverse("assessments:dimension", args=[draft.pk, "governance"])
    page = other.post(url, theirs)
    text = page.content.decode()
    assert page.status_code == 409
    assert "Leader&#x27;s minutes" in text and "Contributor&#x27;s view" in text
    assert "Theirs:" in text and "Yours:" in text
    assert Answer.objects.get(indicator=first).evidence == "Leader's minutes"
    # Their input is still in the form; saving it again keeps it, knowingly.
    forms = {f.indicator: f for f in page.context["forms"]}
    assert forms[first]["evidence"].value() == "Contributor's view"
    again = {name: page.context["forms"][0].data[name] for name in forms[first].data}
    assert other.post(url, again).status_code == 302
    assert Answer.objects.get(indicator=first).evidence == "Contributor's view"


def test_a_stale_page_does_not_revert_an_answer_it_did_not_change(
    client, draft, governance, leader, contributor
):
    from django.test import Client

    other = Client()
    client.force_login(leader)
    other.force_login(contributor)
    mine, theirs = loaded_page(client, draft), loaded_page(other, draft)
    first, second = governance[:2]
    assert autosave(client, draft, answer(mine, first, 1, "Leader's")).json()["saved"]
    # The contributor's page still holds the empty first answer, and posts it.
    assert autosave(other, draft, answer(theirs, second, 2, "Theirs")).json()["saved"]
    assert Answer.objects.get(indicator=first).evidence == "Leader's"


def test_a_page_claiming_a_version_the_assessment_never_had_is_refused(draft, governance, leader):
    with pytest.raises(AssessmentError, match="Reload"):
        answers_save(
            assessment=draft,
            values={governance[0]: value(1)},
            expected_version=1,
            by=leader,
            seen={governance[0].pk: 99},
        )
    assert not Answer.objects.exists()


def test_eight_browsers_that_loaded_their_pages_together_all_save(draft, org):
    """Eight people open their pages at once (all at version 1), then save one after the
    other, each their own indicator: none is refused; a ninth on a taken indicator is."""
    from django.test import Client

    dimensions = list(draft.framework.dimensions.order_by("order"))
    browsers = []
    for n in range(8):
        person = make_user(f"person{n}")
        Membership.objects.create(user=person, organization=org, role=Role.CONTRIBUTOR)
        browser = Client()
        browser.force_login(person)
        dimension = dimensions[n % len(dimensions)]
        indicator = list(dimension.indicators.all())[n // len(dimensions)]
        browsers.append(
            (browser, dimension.key, indicator, loaded_page(browser, draft, dimension.key))
        )
    codes = [
        autosave(b, draft, answer(data, indicator, 2, f"by {n}"), key).status_code
        for n, (b, key, indicator, data) in enumerate(browsers)
    ]
    assert codes == [200] * 8
    assert Answer.objects.count() == 8
    # The first browser's page, loaded before everyone saved, now changes an indicator of
    # its dimension that another person saved meanwhile.
    first, key, _indicator, data = browsers[0]
    taken = browsers[len(dimensions)][2]
    response = autosave(first, draft, answer(data, taken, 4, "mine"), key)
    assert response.status_code == 409
