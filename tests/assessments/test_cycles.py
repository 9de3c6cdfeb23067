"""The Cycles page: leaders delete a cycle no program has an assessment in, after confirming;
a cycle that holds assessments is refused, with why and how many."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.cycles import CycleError, cycle_delete
from assessments.models import Cycle
from assessments.services import assessment_start
from tests.cycles import cycle_of


def delete_url(cycle: Cycle) -> str:
    return reverse("assessments:cycle_delete", args=[cycle.organization_id, cycle.pk])


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_leader_deletes_an_empty_cycle_after_confirming(client, leader, draft):
    empty = cycle_of(draft.program, "2031")
    client.force_login(leader)
    cycles_url = reverse("assessments:cycles", args=[empty.organization_id])
    page = client.get(cycles_url).content.decode()
    assert delete_url(empty) in page
    assert delete_url(draft.cycle) not in page  # it holds the draft: no delete link
    question = client.get(delete_url(empty))
    assert question.status_code == 200
    assert "Delete the cycle 2031?" in question.content.decode()
    assert Cycle.objects.filter(pk=empty.pk).exists()  # asking changes nothing
    response = client.post(delete_url(empty))
    assert response.status_code == 302 and response.url == cycles_url
    assert said(response) == ["Cycle 2031 deleted."]
    assert not Cycle.objects.filter(pk=empty.pk).exists()
    assert Cycle.objects.filter(pk=draft.cycle_id).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_cycle_with_assessments_is_not_deleted_and_the_leader_is_told_why(
    client, leader, draft, framework, method
):
    other = draft.program.organization.programs.create(name="Second", service_area="Health")
    assessment_start(program=other, cycle=draft.cycle, framework=framework, by=leader)
    client.force_login(leader)
    response = getattr(client, method)(delete_url(draft.cycle))
    assert response.status_code == 302
    assert response.url == reverse("assessments:cycles", args=[draft.program.organization_id])
    [message] = said(response)
    assert "The cycle “2026” cannot be deleted: it holds 2 assessments." in message
    assert "rename it or change its dates" in message
    assert Cycle.objects.filter(pk=draft.cycle_id).exists()


def test_an_assessment_started_before_the_delete_keeps_its_cycle(leader, draft):
    with pytest.raises(CycleError, match="it holds 1 assessment\\."):
        cycle_delete(cycle=draft.cycle, by=leader)
    assert Cycle.objects.filter(pk=draft.cycle_id).exists()


def test_the_deletion_is_recorded_with_who_did_it(leader, program):
    empty = cycle_of(program, "2031")
    pk = empty.pk
    cycle_delete(cycle=empty, by=leader)
    gone = Cycle.history.filter(id=pk, history_type="-").get()
    assert gone.history_user == leader
