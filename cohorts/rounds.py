"""Cohort rounds: the facilitator opens one ("2027 round, March 1 to April 30") and each
member's own cycle of that name counts for it.

Writes: opening and editing a round, and linking members' cycles to the rounds (when a round
opens, and when an organization joins). Reads: each round's progress, the round a dashboard
shows by default, and the rounds a member's leaders see on their home page.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.cycles import cycle_named
from assessments.models import Assessment, Cycle, Program
from cohorts.models import LINKED_STATUSES, Cohort, CohortMember, CohortRound, RoundCycle
from cohorts.sharing import Scope
from cohorts.tables import MIN_ORGANIZATIONS


class RoundError(Exception):
    """A round the cohort's rules refuse; the message is shown."""


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def round_save(*, cohort_round: CohortRound, by, today: date) -> CohortRound:
    """Open a round, or change its name or dates. On opening, every member (invited or
    sharing) gets its cycle of that name linked: found by name, or made with the round's dates
    while the round is not over."""
    Cohort.objects.select_for_update().get(pk=cohort_round.cohort_id)
    if cohort_round.ends_on < cohort_round.starts_on:
        raise RoundError(_("A round cannot end before it opens."))
    same = CohortRound.objects.filter(cohort_id=cohort_round.cohort_id)
    if same.filter(name__iexact=cohort_round.name).exclude(pk=cohort_round.pk).exists():
        raise RoundError(_("This cohort already has a round named “%s”.") % cohort_round.name)
    opening = cohort_round._state.adding
    cohort_round._history_user = by
    cohort_round.save()
    if opening:
        members = cohort_round.cohort.members.filter(status__in=LINKED_STATUSES)
        for member in members.select_related("organization"):
            _link(cohort_round, member, by=by, today=today)
    Cohort.objects.filter(pk=cohort_round.cohort_id).data_changed()
    return cohort_round


def member_rounds_link(*, member: CohortMember, by, today: date) -> None:
    """An organization that joins takes part in the cohort's rounds: each round that is not
    over, and each past round it has a cycle of that name for."""
    for cohort_round in member.cohort.rounds.exclude(links__organization=member.organization):
        _link(cohort_round, member, by=by, today=today)


def _link(cohort_round: CohortRound, member: CohortMember, *, by, today: date) -> None:
    organization = member.organization
    if cohort_round.ends_on >= today:
        cycle = cycle_named(
            organization=organization,
            name=cohort_round.name,
            starts_on=cohort_round.starts_on,
            ends_on=cohort_round.ends_on,
            by=by,
        )
    else:
        cycle = Cycle.objects.filter(
            organization=organization, name__iexact=cohort_round.name
        ).first()
    if cycle is not None:
        RoundCycle.objects.get_or_create(
            round=cohort_round, organization=organization, defaults={"cycle": cycle}
        )


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundProgress:
    """A round and how many of the organizations counted have submitted in it."""

    name: str
    starts_on: date
    ends_on: date
    submitted: int  # organizations with a submitted assessment of an active program
    pk: object = None

    def is_open(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


def rounds_progress(cohort: Cohort, organizations) -> list[RoundProgress]:
    """The cohort's rounds, newest first, each with how many of these organizations submitted
    in it (`RoundCycleQuerySet.submitted`). One query."""
    submitted = RoundCycle.objects.submitted().filter(organization__in=organizations)
    rounds = cohort.rounds.newest_first().annotate(
        submitted=Count("links", filter=Q(links__in=submitted), distinct=True)
    )
    return [RoundProgress(r.name, r.starts_on, r.ends_on, r.submitted, r.pk) for r in rounds]


def scope_rounds(scope: Scope) -> list[RoundProgress]:
    """The rounds as the scope sees them: submissions counted among the members it sees."""
    return rounds_progress(scope.cohort, scope.members().values("organization"))


def default_round(rounds: list[RoundProgress], today: date) -> RoundProgress | None:
    """The round a dashboard shows first: the current round once at least five organizations
    have submitted in it, else the newest round with five; never a round with one early
    submitter while another has more. In a cohort too small for five, the round with the
    most submissions (the newest of equals). `rounds` newest first."""
    enough = [r for r in rounds if r.submitted >= MIN_ORGANIZATIONS]
    current = next((r for r in enough if r.is_open(today)), None)
    if current is not None or enough:
        return current or enough[0]
    submitted = [r for r in rounds if r.submitted]
    if not submitted:
        return rounds[0] if rounds else None
    return max(submitted, key=lambda r: r.submitted)  # max keeps the first (newest) of equals


@dataclass(frozen=True)
class MemberRound:
    """A round on a member leader's home page."""

    cohort_round: CohortRound
    organization_name: str
    cycle: Cycle | None
    programs: list[tuple[Program, Assessment | None]]  # the organization's active programs
    members_submitted: int
    members_total: int


def member_rounds(organization_ids: list, today: date) -> list[MemberRound]:
    """The rounds that are not over of the cohorts these organizations belong to (invited or
    sharing), with the deadline, each of the organization's active programs and its
    assessment in the round, and how many sharing members have submitted. Five queries,
    whatever the number of rounds."""
    links = list(
        RoundCycle.objects.filter(organization_id__in=organization_ids, round__ends_on__gte=today)
        .of_members()
        .select_related("round__cohort", "organization", "cycle")
        .order_by("round__ends_on", "round__cohort__name", "organization__name")
    )
    if not links:
        return []
    programs: dict = {}
    for program in Program.objects.active().filter(organization_id__in=organization_ids):
        programs.setdefault(program.organization_id, []).append(program)
    in_cycles = {
        (a.program_id, a.cycle_id): a
        for a in Assessment.objects.filter(cycle__in=[link.cycle_id for link in links])
    }
    totals = _member_totals([link.round for link in links])
    return [
        MemberRound(
            cohort_round=link.round,
            organization_name=link.organization.name,
            cycle=link.cycle,
            programs=[
                (p, in_cycles.get((p.pk, link.cycle_id)))
                for p in sorted(programs.get(link.organization_id, []), key=lambda p: p.name)
            ],
            members_submitted=totals[link.round_id][0],
            members_total=totals[link.round_id][1],
        )
        for link in links
    ]


def _member_totals(cohort_rounds: list[CohortRound]) -> dict:
    """Per round: (sharing members that submitted in it, sharing members). Two queries."""
    sharing: dict = {}
    cohorts = {r.cohort_id for r in cohort_rounds}
    rows = CohortMember.objects.sharing().filter(cohort__in=cohorts)
    for cohort_id, organization_id in rows.values_list("cohort_id", "organization_id"):
        sharing.setdefault(cohort_id, set()).add(organization_id)
    submitted = (
        RoundCycle.objects.filter(round__in=cohort_rounds)
        .submitted()
        .values_list("round_id", "organization_id")
    )
    done: dict = {}
    for round_id, organization_id in submitted:
        done.setdefault(round_id, set()).add(organization_id)
    return {
        r.pk: (
            len(done.get(r.pk, set()) & sharing.get(r.cohort_id, set())),
            len(sharing.get(r.cohort_id, ())),
        )
        for r in cohort_rounds
    }


class MemberStatus:
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


def submitted_late(submitted_at: datetime | None, cohort_round) -> bool:
    """Submitted after the round's deadline (`ends_on`, a day in the site's time zone): it
    still counts, and is marked late."""
    return submitted_at is not None and timezone.localdate(submitted_at) > cohort_round.ends_on


@dataclass(frozen=True)
class MemberStanding:
    """Where a member stands in a round, on the Rounds tab."""

    name: str
    status: str  # a MemberStatus
    submitted_at: datetime | None = None  # its first assessment that counts in the round
    late: bool = False  # that first one came after the deadline


def round_member_status(scope: Scope, cohort_round) -> list[MemberStanding]:
    """Each member the scope sees, by name, and where it stands in the round (`cohort_round`
    has its pk and deadline): submitted (at least one program, per
    `RoundCycleQuerySet.submissions`), with the day and whether that was late; in progress (a
    draft); or not started. Two queries."""
    members = scope.members().select_related("organization").order_by("organization__name")
    links = RoundCycle.objects.filter(round_id=cohort_round.pk)
    counted = links.submissions().filter(pk=OuterRef("pk"))
    rows = (
        Assessment.objects.of_active_programs()
        .filter(cycle__round_links__in=links)
        .annotate(counts=Exists(counted))
        .values_list("program__organization_id", "counts", "submitted_at")
    )
    started: set = set()
    first: dict = {}
    for organization_id, counts, submitted_at in rows:
        started.add(organization_id)
        if counts:  # the earliest known submission (older records may have no time)
            known = first.get(organization_id)
            first[organization_id] = (
                submitted_at if known is None else min(known, submitted_at or known)
            )
    return [_standing(member, started, first, cohort_round) for member in members]


def _standing(member: CohortMember, started: set, first: dict, cohort_round) -> MemberStanding:
    name = member.organization.name
    if member.organization_id in first:
        at = first[member.organization_id]
        late = submitted_late(at, cohort_round)
        return MemberStanding(name, MemberStatus.SUBMITTED, at, late)
    if member.organization_id in started:
        return MemberStanding(name, MemberStatus.IN_PROGRESS)
    return MemberStanding(name, MemberStatus.NOT_STARTED)
