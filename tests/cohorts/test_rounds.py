"""Cohort rounds: the facilitator opens one, members see it with its deadline, and the
dashboard and the member benchmark show a round with enough members by default."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Cycle, Membership, Role
from cohorts.models import CohortMember, CohortRound, Sharing
from cohorts.rounds import RoundProgress, default_round, round_save
from cohorts.services import membership_respond
from tests.cohorts.conftest import add_member_org, org_leader, submitted_assessment
from tests.cycles import cycle_of

TODAY = date(2027, 3, 15)


def progress(name: str, submitted: int, open_now: bool = False) -> RoundProgress:
    year = int(name)
    if open_now:
        return RoundProgress(
            name, TODAY - timedelta(days=10), TODAY + timedelta(days=30), submitted
        )
    return RoundProgress(name, date(year, 2, 1), date(year, 4, 30), submitted)


# --- Which round a dashboard shows first --------------------------------------------------------


def test_the_current_round_is_shown_once_five_members_submitted():
    rounds = [progress("2027", 5, open_now=True), progress("2026", 40)]
    assert default_round(rounds, TODAY).name == "2027"


def test_one_early_submitter_does_not_take_the_dashboard_from_the_full_round():
    rounds = [progress("2027", 1, open_now=True), progress("2026", 40), progress("2025", 38)]
    assert default_round(rounds, TODAY).name == "2026"


def test_the_newest_round_with_five_wins_over_an_older_bigger_one():
    rounds = [progress("2027", 0, open_now=True), progress("2026", 6), progress("2025", 60)]
    assert default_round(rounds, TODAY).name == "2026"


def test_a_cohort_too_small_for_five_shows_the_round_with_most_submissions():
    rounds = [progress("2027", 1, open_now=True), progress("2026", 3), progress("2025", 3)]
    assert default_round(rounds, TODAY).name == "2026"  # the newest of equals
    assert default_round([progress("2027", 0), progress("2026", 0)], TODAY).name == "2027"
    assert default_round([], TODAY) is None


# --- Opening a round ---------------------------------------------------------------------------


def test_opening_a_round_gives_each_member_its_cycle(client, cohort, facilitator, framework):
    sharing = add_member_org(cohort, framework, "Alder", 2, cycle="2026")
    invited = add_member_org(cohort, framework, "Birch", 2, status=CohortMember.Status.INVITED)
    named = add_member_org(cohort, framework, "Cedar", 2)
    own = cycle_of(named, "2027")  # Cedar named its cycle already: it is kept, not doubled
    gone = add_member_org(cohort, framework, "Dogwood", 2, status=CohortMember.Status.WITHDRAWN)
    client.force_login(facilitator)
    data = {"name": "2027", "starts_on": "2027-03-01", "ends_on": "2027-04-30"}
    response = client.post(reverse("cohorts:rounds", args=[cohort.pk]), data)
    assert response.status_code == 302
    cohort_round = cohort.rounds.get(name="2027")
    linked = dict(cohort_round.links.values_list("organization__name", "cycle_id"))
    assert set(linked) == {"Alder", "Birch", "Cedar"}
    assert linked["Cedar"] == own.pk
    alder = Cycle.objects.get(organization=sharing, name="2027")
    assert (alder.starts_on, alder.ends_on) == (date(2027, 3, 1), date(2027, 4, 30))
    assert not Cycle.objects.filter(organization=gone, name="2027").exists()
    assert Cycle.objects.filter(organization=invited, name="2027").exists()


def test_a_round_with_bad_dates_or_a_taken_name_is_refused(client, cohort, facilitator, framework):
    add_member_org(cohort, framework, "Alder", 2)  # the 2026 round exists
    client.force_login(facilitator)
    url = reverse("cohorts:rounds", args=[cohort.pk])
    backwards = client.post(
        url, {"name": "2027", "starts_on": "2027-04-30", "ends_on": "2027-03-01"}
    )
    assert backwards.status_code == 400
    assert "A round cannot end before it opens." in backwards.content.decode()
    taken = client.post(url, {"name": "2026", "starts_on": "2026-03-01", "ends_on": "2026-04-30"})
    assert taken.status_code == 400
    assert "already has a round named" in taken.content.decode()
    assert list(cohort.rounds.values_list("name", flat=True)) == ["2026"]


def test_an_organization_that_joins_later_takes_part_in_the_open_round(
    cohort, facilitator, framework
):
    today = timezone.localdate()
    opening = CohortRound(
        cohort=cohort, name="Next", starts_on=today, ends_on=today + timedelta(days=60)
    )
    round_save(cohort_round=opening, by=facilitator, today=today)
    late = add_member_org(cohort, framework, "Late", 2, status=CohortMember.Status.INVITED)
    member = CohortMember.objects.get(organization=late)
    member.cohort.rounds.get(name="Next").links.filter(organization=late).delete()
    leader = org_leader(late, "late-leader")
    membership_respond(member=member, sharing=Sharing.LEVELS, by=leader)
    assert opening.links.filter(organization=late, cycle__name="Next").exists()


# --- What members and facilitators see ---------------------------------------------------------


@pytest.fixture
def open_round(cohort, facilitator, framework):
    """Six members submitted in 2026; the 2027 round is open and one of them submitted."""
    today = timezone.localdate()
    orgs = [add_member_org(cohort, framework, f"Agency {n}", 2, cycle="2026") for n in range(6)]
    cohort_round = CohortRound(
        cohort=cohort,
        name="2027",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=40),
    )
    round_save(cohort_round=cohort_round, by=facilitator, today=today)
    submitted_assessment(orgs[0].programs.get(), framework, 4, cycle="2027")
    return orgs


def test_the_dashboard_stays_on_the_full_round_while_one_member_starts_the_next(
    client, cohort, facilitator, open_round
):
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    assert "6 organizations in 2026" in page
    assert "The 2027 round is open until" in page and "1 member has submitted so far" in page
    chosen = client.get(reverse("cohorts:dashboard", args=[cohort.pk]) + "?cycle=2027")
    assert "1 organization in 2027" in chosen.content.decode()


def test_the_member_benchmark_defaults_like_the_dashboard_and_has_a_picker(
    client, cohort, open_round
):
    leader = org_leader(open_round[0], "agency-leader")
    member = CohortMember.objects.get(organization=open_round[0])
    client.force_login(leader)
    url = reverse("cohorts:membership", args=[member.pk])
    page = client.get(url).content.decode()
    assert "Your programs against the cohort, 2026" in page
    assert 'name="cycle"' in page and '<option value="2027"' in page
    later = client.get(url + "?cycle=2027").content.decode()
    assert "Your programs against the cohort, 2027" in later
    unknown = client.get(url + "?cycle=<b>1999</b>").content.decode()
    assert "Your programs against the cohort, 2026" in unknown


def test_member_leaders_see_the_round_deadline_and_who_submitted(
    client, cohort, open_round, django_assert_max_num_queries
):
    leader = org_leader(open_round[1], "agency-one-leader")
    client.force_login(leader)
    with django_assert_max_num_queries(27):
        page = client.get(reverse("assessments:home")).content.decode()
    deadline = cohort.rounds.get(name="2027").ends_on
    assert "County consortium: 2027 round" in page
    assert f"Deadline {date_format(deadline)}." in page
    assert "1 of 6 sharing members have submitted." in page
    cycle = Cycle.objects.get(organization=open_round[1], name="2027")
    program = open_round[1].programs.get()
    start = reverse("assessments:program", args=[program.pk]) + f"?cycle={cycle.pk}#start"
    assert start.replace("&", "&amp;") in page or start in page
    form = client.get(start).content.decode()
    assert f'<option value="{cycle.pk}" selected>2027</option>' in form


def test_the_home_page_queries_do_not_grow_with_rounds(
    client, cohort, facilitator, framework, django_assert_max_num_queries
):
    org = add_member_org(cohort, framework, "Agency", 2, programs=3)
    leader = org_leader(org, "rounds-leader")
    today = timezone.localdate()
    client.force_login(leader)

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("assessments:home"))
        return len(captured)

    round_save(
        cohort_round=CohortRound(
            cohort=cohort, name="A", starts_on=today, ends_on=today + timedelta(days=9)
        ),
        by=facilitator,
        today=today,
    )
    one = queries()
    for name in ("B", "C", "D"):
        round_save(
            cohort_round=CohortRound(
                cohort=cohort, name=name, starts_on=today, ends_on=today + timedelta(days=9)
            ),
            by=facilitator,
            today=today,
        )
    assert queries() == one


def test_the_facilitator_sees_who_has_submitted_among_members_that_share(
    client, cohort, facilitator, framework, open_round
):
    add_member_org(cohort, framework, "Quiet", 2, status=CohortMember.Status.INVITED)
    drafting = open_round[2]
    from assessments.models import Assessment

    Assessment.objects.create(
        program=drafting.programs.get(),
        framework=framework,
        cycle=Cycle.objects.get(organization=drafting, name="2027"),
    )
    client.force_login(facilitator)
    cohort_round = cohort.rounds.get(name="2027")
    url = reverse("cohorts:rounds", args=[cohort.pk]) + f"?round={cohort_round.pk}"
    page = client.get(url).content.decode()
    assert "Who has submitted in 2027" in page
    assert 'Agency 0 ·\n      <span class="badge text-bg-success">Submitted' in page
    assert "Agency 2 ·" in page and "In progress" in page
    assert "Quiet" not in page  # invited, shares nothing yet
    assert "1 of 6" in page


def test_a_member_leader_cannot_open_rounds(client, cohort, framework):
    org = add_member_org(cohort, framework, "Alder", 2)
    leader = org_leader(org, "alder-leader")
    Membership.objects.filter(user=leader).update(role=Role.LEADER)
    client.force_login(leader)
    url = reverse("cohorts:rounds", args=[cohort.pk])
    data = {"name": "2030", "starts_on": "2030-03-01", "ends_on": "2030-04-30"}
    assert client.post(url, data).status_code == 404
    assert not cohort.rounds.filter(name="2030").exists()


def test_every_reading_of_a_round_counts_the_same_submissions(cohort, facilitator, framework):
    """One rule (`RoundCycleQuerySet.submissions`): a submitted assessment of an active program
    in the member's cycle linked to the round. Drafts, archived programs and other cycles do
    not count, on the progress, the default round, the home page, the Rounds tab or the
    round's figures alike."""
    from assessments.models import Assessment
    from cohorts.rounds import member_rounds, round_member_status, rounds_progress
    from cohorts.sharing import Scope

    today = timezone.localdate()
    names = ("Alder", "Birch", "Cedar", "Dogwood")
    orgs = {name: add_member_org(cohort, framework, name, 2, cycle="2025") for name in names}
    now = CohortRound(cohort=cohort, name="Now", starts_on=today, ends_on=today)
    round_save(cohort_round=now, by=facilitator, today=today)
    counted = submitted_assessment(orgs["Alder"].programs.get(), framework, 3, cycle="Now")
    archived = submitted_assessment(orgs["Birch"].programs.get(), framework, 3, cycle="Now")
    archived.program.archived_at = timezone.now()
    archived.program.save(update_fields=["archived_at"])
    Assessment.objects.create(
        program=orgs["Cedar"].programs.get(),
        framework=framework,
        cycle=cycle_of(orgs["Cedar"], "Now"),
    )
    progress = rounds_progress(cohort, cohort.members.values("organization"))
    assert {r.name: r.submitted for r in progress} == {
        "Now": 1,
        "2025": 3,
    }  # Birch's program archived
    assert default_round(progress, today).name == "2025"
    assert member_rounds([orgs["Dogwood"].pk], today)[0].members_submitted == 1
    scope = Scope(cohort, verified=True)
    standings = round_member_status(scope, now)
    assert [(m.name, m.status) for m in standings] == [
        ("Alder", "submitted"),
        ("Birch", "not_started"),
        ("Cedar", "in_progress"),
        ("Dogwood", "not_started"),
    ]
    assert list(scope.round_assessments("Now")) == [counted]
    assert scope.round_assessments("2025").count() == 3


def test_a_member_that_first_submits_after_the_deadline_is_marked_late_and_still_counts(
    client, cohort, facilitator, framework
):
    from datetime import datetime

    from assessments.models import Assessment

    def submitted_on(org, day: date, program: int = 0) -> None:
        moment = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=12)))
        assessments = Assessment.objects.filter(program__organization=org, cycle__name="Spring")
        assessments.filter(program__name__endswith=f" {program}").update(submitted_at=moment)

    on_time = add_member_org(cohort, framework, "Alder", 2, cycle="Spring")
    late = add_member_org(cohort, framework, "Birch", 2, cycle="Spring")
    both = add_member_org(cohort, framework, "Cedar", 2, cycle="Spring", programs=2)
    cohort_round = cohort.rounds.get(name="Spring")  # February 1 to April 30, 2026
    submitted_on(on_time, cohort_round.ends_on)  # the deadline's day is on time
    submitted_on(late, date(2026, 5, 3))
    submitted_on(both, date(2026, 4, 2))
    submitted_on(both, date(2026, 6, 9), program=1)  # its first was on time
    client.force_login(facilitator)
    url = reverse("cohorts:rounds", args=[cohort.pk]) + f"?round={cohort_round.pk}"
    page = client.get(url).content.decode()
    assert "3 of 3" in page  # late, and counted
    lines = {
        name: line
        for line in page.split("<li")
        for name in ("Alder", "Birch", "Cedar")
        if f"{name} ·" in line
    }
    assert "Late" in lines["Birch"]
    assert f"submitted {date_format(date(2026, 5, 3))}, after the deadline" in lines["Birch"]
    assert "Late" not in lines["Alder"] and "Late" not in lines["Cedar"]
    assert "Submitted" in lines["Alder"] and "Submitted" in lines["Cedar"]
