"""`manage.py seed_demo`: a realistic, deterministic demo to explore and benchmark.

Organizations with programs, two submitted assessment cycles (2025, 2026) scored with the
same pure scoring module the app uses, one draft in progress, and demo logins. The same
options always give the same names, answers and dates (random.Random(2026), uuid5 ids).
Everything is built in memory and written with bulk_create, a chunk of organizations at a
time, so 1,000 organizations x 10 programs stays well under a minute and a half.
"""

import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.test.utils import override_settings

from assessments import levels, scoring, services
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Cycle,
    Dimension,
    DimensionScore,
    Framework,
    Indicator,
    Membership,
    Organization,
    PlanStep,
    Program,
    Role,
)
from assessments.plans import plan_create
from assessments.services import framework_dimensions
from valuecurve.fixtures import fixture_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FRAMEWORK_SLUG = "value-curve-equity"
FRAMEWORK_FILE = "fixtures/frameworks/value-curve-equity-v1.yaml"
PASSWORD = "demo-pass-2026"
CYCLES = ("2025", "2026")
SEED = 2026
BATCH_SIZE = 2000
# Written to the database every this many organizations, so memory stays flat at 1,000+.
CHUNK_ORGS = 100
ID_NAMESPACE = uuid.UUID("6f1c2a4e-9b1d-4c55-8f3e-2b7d0c9a2026")


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    org_index: int | None  # None: member of no organization (the administrator, the facilitator)


@dataclass(frozen=True)
class ProgramSpec:
    name: str
    service_area: str
    population: str


@dataclass(frozen=True)
class OrgSpec:
    name: str
    sector: str
    region: str
    size: str
    programs: tuple[ProgramSpec, ...] = ()


def _program(row: dict[str, str]) -> ProgramSpec:
    return ProgramSpec(row["name"], row["service_area"], row["population"])


def _organization(row: dict[str, Any]) -> OrgSpec:
    programs = tuple(_program(p) for p in row["programs"])
    return OrgSpec(row["name"], row["sector"], row["region"], row["size"], programs)


# The people, organizations, programs and texts of the demo are data (made up, like the rest).
_CATALOGUE = fixture_data("demo/organizations.yaml")
DEMO_USERS = tuple(
    DemoUser(u["username"], u["first_name"], u["last_name"], u["role"], u["organization"])
    for u in _CATALOGUE["users"]
)
ORGANIZATIONS = tuple(_organization(row) for row in _CATALOGUE["organizations"])
# Programs for generated organizations, and to top up the named ones when --programs asks.
PROGRAM_CATALOG = tuple(_program(row) for row in _CATALOGUE["program_catalog"])
# Made-up places, so generated data never describes a real agency.
PLACES = tuple(_CATALOGUE["places"])
STATES = tuple(_CATALOGUE["states"])
ORG_TEMPLATES = tuple((row["name"], row["sector"]) for row in _CATALOGUE["organization_templates"])
FIRST_NAMES = tuple(_CATALOGUE["first_names"])
LAST_NAMES = tuple(_CATALOGUE["last_names"])
# Evidence per indicator, with placeholders: {ym} a recent year-month, {qy} a recent quarter,
# {y} the cycle year, {py} the year before it.
EVIDENCE = {key: tuple(texts) for key, texts in _CATALOGUE["evidence"].items()}
GENERIC_EVIDENCE = tuple(_CATALOGUE["generic_evidence"])  # for indicators added later
NOT_YET_NOTES = tuple(_CATALOGUE["not_yet_notes"])
COMMITMENT = _CATALOGUE["commitment"]
VISION = _CATALOGUE["vision"]
OWNERS = tuple(_CATALOGUE["plan_owners"])
# Data questions are the ones people most often cannot answer.
DONT_KNOW_RATE = {"insight": 0.06}
DEFAULT_DONT_KNOW_RATE = 0.02


# --- Framework and plans -------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """The framework as the seeder needs it: indicators in order, and scoring's structure."""

    framework: Framework
    dimensions: list[Dimension]
    indicators: list[tuple[str, Indicator]]  # (dimension key, indicator)
    structure: dict[str, list[str]]


def load_shape(framework: Framework) -> Shape:
    dimensions = framework_dimensions(framework)
    indicators = [(d.key, i) for d in dimensions for i in d.indicators.all()]
    structure = {d.key: [i.key for i in d.indicators.all()] for d in dimensions}
    return Shape(framework, dimensions, indicators, structure)


@dataclass(frozen=True)
class Plan:
    """Where one program stands: 2025 level per dimension, yearly change, indicator quirks."""

    base: dict[str, float]
    growth: dict[str, float]
    offsets: dict[str, float]


def make_plan(rng: random.Random, shape: Shape, showcase: bool = False) -> Plan:
    """`showcase`: the demo logins' programs, which should show a clear step up in 2026."""
    center = rng.uniform(0.7, 3.6) if not showcase else rng.uniform(1.2, 2.6)
    base = {d.key: center + rng.uniform(-0.8, 0.8) for d in shape.dimensions}
    # Most dimensions improve a little; now and then one slips back.
    steps = (0.4, 0.6, 0.8, 1.0) if showcase else (-0.2, 0.1, 0.3, 0.5, 0.6, 0.9)
    growth = {d.key: rng.choice(steps) for d in shape.dimensions}
    offsets = {i.key: rng.gauss(0, 0.5) for _, i in shape.indicators}
    return Plan(base, growth, offsets)


def answer_level(rng: random.Random, plan: Plan, dim_key: str, key: str, step: int) -> int:
    """An indicator's level in the cycle `step` years after 2025."""
    if rng.random() < DONT_KNOW_RATE.get(dim_key, DEFAULT_DONT_KNOW_RATE):
        return levels.DONT_KNOW
    value = plan.base[dim_key] + plan.growth[dim_key] * step + plan.offsets[key]
    return max(levels.NOT_YET, min(levels.GENERATIVE, round(value + rng.gauss(0, 0.35))))


def evidence_text(rng: random.Random, key: str, level: int, year: int) -> str:
    if level == levels.DONT_KNOW:
        return ""
    if level == levels.NOT_YET:
        return _fill(rng, rng.choice(NOT_YET_NOTES), year) if rng.random() < 0.15 else ""
    # A few high claims stay without evidence, so "unsupported" shows in the demo.
    chance = 0.93 if level >= levels.EVIDENCE_REQUIRED_FROM else 0.75
    if rng.random() >= chance:
        return ""
    return _fill(rng, rng.choice(EVIDENCE.get(key, GENERIC_EVIDENCE)), year)


def _fill(rng: random.Random, template: str, year: int) -> str:
    # Evidence dates fall in the year before the spring the cycle is submitted.
    month = rng.randint(1, 12)
    ym_year = year if month <= 2 else year - 1
    quarter = rng.randint(1, 4)
    return template.format(
        ym=f"{ym_year}-{month:02d}", qy=f"Q{quarter} {year - 1}", y=year, py=year - 1
    )


def confidence_for(rng: random.Random, level: int, evidence: str) -> str:
    c = Answer.Confidence
    if level == levels.DONT_KNOW:
        return ""
    if evidence:
        return rng.choice((c.HIGH, c.HIGH, c.MEDIUM))
    return rng.choice((c.MEDIUM, c.LOW, ""))


# --- Organizations and programs ------------------------------------------------------------


def org_spec(index: int) -> OrgSpec:
    if index < len(ORGANIZATIONS):
        return ORGANIZATIONS[index]
    n = index - len(ORGANIZATIONS)
    place = PLACES[n % len(PLACES)]
    template, sector = ORG_TEMPLATES[(n // len(PLACES)) % len(ORG_TEMPLATES)]
    round_ = n // (len(PLACES) * len(ORG_TEMPLATES))
    state = STATES[(n * 7 + round_) % len(STATES)]
    name = template.format(place=place)
    # Past 600 organizations names come round again: the state keeps them apart.
    if round_:
        name = f"{name} ({state})"
    sizes = Organization.Size
    size = (sizes.SMALL, sizes.MEDIUM, sizes.MEDIUM, sizes.LARGE)[(n * 5 + round_) % 4]
    return OrgSpec(name, sector, f"{place} County, {state}", size)


def program_specs(rng: random.Random, spec: OrgSpec, count: int | None) -> list[ProgramSpec]:
    """The organization's own programs, topped up from the catalog when `count` asks for more."""
    if count is None:
        count = len(spec.programs) if spec.programs else rng.randint(2, 4)
    own = list(spec.programs[:count])
    names = {p.name for p in own}
    extra = [p for p in PROGRAM_CATALOG if p.name not in names]
    rng.shuffle(extra)
    for k in range(count - len(own)):
        p, site = extra[k % len(extra)], k // len(extra) + 1
        # More programs than the catalog holds: repeat it as further sites.
        own.append(p if site == 1 else ProgramSpec(f"{p.name}, site {site}", *_rest(p)))
    return own


def _rest(p: ProgramSpec) -> tuple[str, str]:
    return p.service_area, p.population


def cycles_for(rng: random.Random, org_index: int, cycles: tuple[str, ...]) -> tuple[str, ...]:
    """Most programs took part in every cycle; some joined in the last or have not yet."""
    if org_index < 2:
        return cycles  # the demo logins' organizations show a full history
    roll = rng.random()
    if roll < 0.72:
        return cycles
    if roll < 0.86:
        return cycles[-1:]
    return cycles[:-1] if roll < 0.95 else ()


def cycle_years(count: int) -> tuple[str, ...]:
    """The last `count` cycles up to 2026: two by default (2025, 2026)."""
    last = int(CYCLES[-1])
    return tuple(str(year) for year in range(last - count + 1, last + 1))


def uid(*parts: object) -> uuid.UUID:
    """Stable ids, so demo links stay the same from one database to the next."""
    return uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts))


def at(year: int, month: int, day: int, hour: int = 15) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --- The builder ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    lead: int  # user id: creates and submits
    answerers: tuple[int, ...]


@dataclass(frozen=True)
class AnswerRow:
    indicator: Indicator
    level: int | None
    evidence: str
    confidence: str


ORDER: tuple[type[models.Model], ...] = (
    Organization,
    Cycle,
    Program,
    Membership,
    Assessment,
    Answer,
    DimensionScore,
    AssessmentEvent,
)


class DemoBuilder:
    """Builds the rows in memory and writes them a chunk of organizations at a time."""

    def __init__(self, shape: Shape, program_count: int | None, now: datetime, cycles=CYCLES):
        self.cycles = cycles
        self.shape = shape
        self.program_count = program_count
        self.now = now
        self.rng = random.Random(SEED)
        self.pending: dict[type[models.Model], list[models.Model]] = {m: [] for m in ORDER}
        self.counts: Counter[str] = Counter()
        self.demo_ids: dict[str, int] = {}
        self.staff_ids: dict[int, int] = {}

    def add(self, obj: models.Model) -> None:
        self.pending[type(obj)].append(obj)

    def flush(self) -> None:
        for model in ORDER:
            rows = self.pending[model]
            model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
            self.counts[model.__name__] += len(rows)
            rows.clear()

    def clamp(self, moment: datetime) -> datetime:
        # Dates are fixed for determinism; never put them in the future of a slow clock.
        return min(moment, self.now)

    # Users -----------------------------------------------------------------------------

    def create_users(self, org_count: int) -> None:
        User = get_user_model()
        demo = [self._demo_user(u) for u in DEMO_USERS]
        # PBKDF2 takes most of a second per hash; the demo users share one known password,
        # so hash it once and give every demo user the same hash.
        demo[0].set_password(PASSWORD)
        for user in demo[1:]:
            user.password = demo[0].password
        staff = [self._staff_user(index) for index in range(2, org_count)]
        User.objects.bulk_create(demo + staff, batch_size=BATCH_SIZE)
        if any(user.pk is None for user in demo + staff):
            raise CommandError("This database does not return ids from bulk inserts.")
        self.demo_ids = {user.username: user.pk for user in demo}
        self.staff_ids = {index + 2: user.pk for index, user in enumerate(staff)}
        self.counts["users"] += len(demo) + len(staff)

    def _demo_user(self, demo: DemoUser) -> "User":
        is_admin = demo.org_index is None and not demo.role
        return get_user_model()(
            username=demo.username,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=f"{demo.username}@example.org",
            is_staff=is_admin,
            is_superuser=is_admin,
            date_joined=self.clamp(at(2025, 1, 6)),
        )

    def _staff_user(self, number: int) -> "User":
        """A program manager for a generated organization: can be named, cannot log in."""
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        user = get_user_model()(
            username=f"{first}.{last}.{number}".lower(),
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{number}@example.org".lower(),
            date_joined=self.clamp(at(2025, 1, 6)),
        )
        user.set_unusable_password()
        return user

    def staff_for(self, org_index: int) -> Staff:
        ids = self.demo_ids
        if org_index == 0:
            return Staff(ids["leader"], (ids["leader"], ids["contributor"]))
        if org_index == 1:
            return Staff(ids["leader2"], (ids["leader2"],))
        return Staff(self.staff_ids[org_index], (self.staff_ids[org_index],))

    def add_memberships(self, org_index: int, org: Organization) -> None:
        created = self.clamp(at(2025, 1, 6))
        if org_index >= 2:
            user_id, role = self.staff_ids[org_index], Role.LEADER
            self.add(Membership(user_id=user_id, organization=org, role=role, created_at=created))
            return
        for demo in DEMO_USERS:
            if demo.org_index == org_index:
                user_id = self.demo_ids[demo.username]
                self.add(
                    Membership(
                        user_id=user_id, organization=org, role=demo.role, created_at=created
                    )
                )

    # Organizations, programs, assessments -----------------------------------------------

    def add_org(self, index: int) -> None:
        spec = org_spec(index)
        org = Organization(
            id=uid("org", index),
            name=spec.name,
            sector=spec.sector,
            region=spec.region,
            size=spec.size,
            created_at=self.clamp(at(2024, 11, 4) + timedelta(minutes=index)),
        )
        self.add(org)
        self.org_cycles = {
            name: Cycle(
                id=uid("cycle", index, name),
                organization=org,
                name=name,
                starts_on=date(int(name), 1, 1),
                ends_on=date(int(name), 12, 31),
                created_at=org.created_at,
            )
            for name in self.cycles
        }
        for cycle in self.org_cycles.values():
            self.add(cycle)
        self.add_memberships(index, org)
        staff = self.staff_for(index)
        for number, program_spec in enumerate(program_specs(self.rng, spec, self.program_count)):
            self.add_program(index, number, org, program_spec, staff)

    def add_program(
        self, org_index: int, number: int, org: Organization, spec: ProgramSpec, staff: Staff
    ) -> None:
        program = Program(
            id=uid("program", org_index, number),
            organization=org,
            name=spec.name,
            service_area=spec.service_area,
            population_served=spec.population,
            created_at=org.created_at + timedelta(hours=number + 1),
        )
        self.add(program)
        plan = make_plan(self.rng, self.shape, showcase=org_index < 2)
        for cycle in cycles_for(self.rng, org_index, self.cycles):
            if org_index == 0 and number == 0 and cycle == "2026":
                self.add_draft(program, plan, staff)
            else:
                self.add_submitted(program, cycle, plan, staff)

    def add_submitted(self, program: Program, cycle: str, plan: Plan, staff: Staff) -> None:
        year = int(cycle)
        started = self.clamp(at(year, 2, 2) + timedelta(days=self.rng.randint(0, 60)))
        submitted = self.clamp(started + timedelta(days=self.rng.randint(7, 45), hours=2))
        assessment = self._assessment(program, cycle, staff, started, submitted)
        rows = [
            self._answer_row(plan, dim_key, ind, year) for dim_key, ind in self.shape.indicators
        ]
        self._add_answers(assessment, rows, staff, submitted)
        self._add_scores(assessment, rows)
        self._add_event(assessment, AssessmentEvent.Kind.STARTED, staff.lead, started)
        self._add_event(assessment, AssessmentEvent.Kind.SUBMITTED, staff.lead, submitted)
        self.counts["submitted"] += 1

    def add_draft(self, program: Program, plan: Plan, staff: Staff) -> None:
        """The one draft: about half answered, dimension by dimension, for the leader to finish."""
        started = self.clamp(at(2026, 10, 5))
        assessment = self._assessment(program, "2026", staff, started, None)
        shares = (1.0, 2 / 3, 1 / 3, 0.0)  # governance done, insight mostly, services begun
        rows = []
        for d, share in zip(self.shape.dimensions, shares, strict=False):
            indicators = list(d.indicators.all())
            for ind in indicators[: round(len(indicators) * share)]:
                rows.append(self._answer_row(plan, d.key, ind, 2026))
        self._add_answers(assessment, rows, staff, self.clamp(started + timedelta(days=9)))
        self._add_event(assessment, AssessmentEvent.Kind.STARTED, staff.lead, started)
        self.counts["drafts"] += 1

    def _assessment(
        self,
        program: Program,
        cycle: str,
        staff: Staff,
        started: datetime,
        submitted: datetime | None,
    ) -> Assessment:
        assessment = Assessment(
            id=uid("assessment", program.pk, cycle),
            program=program,
            framework=self.shape.framework,
            cycle=self.org_cycles[cycle],
            status=Assessment.Status.SUBMITTED if submitted else Assessment.Status.DRAFT,
            version=1,
            created_by_id=staff.lead,
            created_at=started,
            updated_at=submitted or started,
            submitted_by_id=staff.lead if submitted else None,
            submitted_at=submitted,
        )
        self.add(assessment)
        return assessment

    def _answer_row(self, plan: Plan, dim_key: str, indicator: Indicator, year: int) -> AnswerRow:
        level = answer_level(self.rng, plan, dim_key, indicator.key, year - int(CYCLES[0]))
        evidence = evidence_text(self.rng, indicator.key, level, year)
        return AnswerRow(indicator, level, evidence, confidence_for(self.rng, level, evidence))

    def _add_answers(
        self, assessment: Assessment, rows: list[AnswerRow], staff: Staff, when: datetime
    ) -> None:
        for number, row in enumerate(rows):
            self.add(
                Answer(
                    assessment_id=assessment.pk,
                    indicator_id=row.indicator.pk,
                    level=row.level,
                    evidence=row.evidence,
                    confidence=row.confidence,
                    answered_by_id=staff.answerers[number % len(staff.answerers)],
                    updated_at=when,
                    changed_in_version=1,
                )
            )

    def _add_scores(self, assessment: Assessment, rows: list[AnswerRow]) -> None:
        # The same pure scoring the app runs on submit, fed from the answers in memory.
        answers = {r.indicator.key: scoring.AnswerInput(r.level, r.evidence) for r in rows}
        profile = scoring.score_profile(self.shape.structure, answers)
        for d in self.shape.dimensions:
            result = profile.dimensions[d.key]
            self.add(
                DimensionScore(
                    assessment_id=assessment.pk,
                    dimension_id=d.pk,
                    level=result.level,
                    index=Decimal(str(result.index)),
                )
            )

    def _add_event(self, assessment: Assessment, kind: str, by: int, when: datetime) -> None:
        self.add(AssessmentEvent(assessment_id=assessment.pk, kind=kind, by_id=by, at=when))


# --- Timestamps and SQL logging ------------------------------------------------------------

# Fields Django would stamp with "now" on insert; the demo writes dates across two years.
TIMESTAMP_FIELDS = (
    (Organization, "created_at"),
    (Program, "created_at"),
    (Membership, "created_at"),
    (Assessment, "created_at"),
    (Assessment, "updated_at"),
    (Answer, "updated_at"),
    (AssessmentEvent, "at"),
)


@contextmanager
def explicit_timestamps() -> Iterator[None]:
    """Let bulk_create keep the dates the demo sets (2025 cycle in 2025, 2026 in 2026)."""
    fields = [
        cast(models.DateTimeField, model._meta.get_field(name)) for model, name in TIMESTAMP_FIELDS
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- Action plans and statements of the first organizations ---------------------------------


def add_plans_and_statements(count: int) -> int:
    """Statements, and plans partly under way, for the hand-written demo organizations."""
    rng = random.Random(SEED + 1)
    organizations = list(Organization.objects.order_by("created_at", "name")[:count])
    for org in organizations:
        org.commitment_statement = COMMITMENT.format(org=org.name)
        org.vision = VISION.format(region=org.region or "our community")
    Organization.objects.bulk_update(organizations, ["commitment_statement", "vision"])
    submitted = (
        Assessment.objects.submitted()
        .filter(program__organization__in=organizations)
        .select_related("framework", "submitted_by", "cycle")
        .order_by("created_at", "id")
    )
    count = 0
    for assessment in submitted:
        # Saved before the next cycle's plan is made: it carries on the unfinished steps.
        steps = _demo_plan(assessment, rng)
        PlanStep.objects.bulk_update(steps, ["status", "owner", "due_date"])
        count += len(steps)
    return count


def _demo_plan(assessment: Assessment, rng: random.Random) -> list[PlanStep]:
    dimensions = services.framework_dimensions(assessment.framework)
    answers = services.answers_by_indicator(assessment)
    profile = services.assessment_profile(assessment, dimensions, answers)
    steps = plan_create(assessment=assessment, profile=profile, by=assessment.submitted_by)
    year = int(assessment.cycle.name)
    done_share = 0.7 if year < 2026 else 0.25
    for step in steps:
        roll = rng.random()
        step.status = (
            PlanStep.Status.DONE
            if roll < done_share
            else rng.choice([PlanStep.Status.IN_PROGRESS, PlanStep.Status.NOT_STARTED])
        )
        step.owner = rng.choice(OWNERS)
        step.due_date = date(year, rng.randint(6, 12), rng.randint(1, 28))
    return steps


# --- The command ---------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load demo organizations, programs, two assessment cycles and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=len(ORGANIZATIONS))
        parser.add_argument(
            "--programs", type=int, default=None, help="Programs per organization (default 2-4)."
        )
        parser.add_argument(
            "--cycles",
            type=int,
            default=len(CYCLES),
            help="Assessment cycles up to 2026 (default 2: 2025 and 2026).",
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Do nothing when the demo data is already loaded.",
        )

    def handle(
        self,
        *args,
        orgs: int,
        programs: int | None,
        cycles: int,
        skip_existing: bool,
        **options,
    ) -> None:
        if get_user_model().objects.filter(username=DEMO_USERS[0].username).exists():
            if skip_existing:
                self.stdout.write("Demo data already loaded.")
                self._seed_other_apps()  # each adds its part only when missing
                return
            raise CommandError(
                "Demo data is already loaded (user 'leader' exists). Run seed_demo on a fresh "
                "database, or pass --skip-existing to keep what is there."
            )
        self._check_options(orgs, programs)
        if not 1 <= cycles <= 10:
            raise CommandError("--cycles must be between 1 and 10.")
        framework = self._framework()
        started = time.perf_counter()
        builder = DemoBuilder(
            load_shape(framework), programs, datetime.now(UTC), cycle_years(cycles)
        )
        # DEBUG would log every INSERT with its parameters quoted: slower than the inserts.
        with override_settings(DEBUG=False), explicit_timestamps(), transaction.atomic():
            self._build(builder, orgs, started)
        with transaction.atomic():
            plans = add_plans_and_statements(min(orgs, len(ORGANIZATIONS)))
        self._summary(builder, time.perf_counter() - started)
        self.stdout.write(f"Action plans: {plans:,} steps for the first organizations.")
        self._seed_other_apps()

    def _seed_other_apps(self) -> None:
        """The apps that read assessments add their own demo data: a cohort, outcome data."""
        for command in ("seed_outcomes_demo", "seed_cohort_demo"):
            call_command(command, stdout=self.stdout)

    def _check_options(self, orgs: int, programs: int | None) -> None:
        if orgs < 2:
            raise CommandError(
                "--orgs must be at least 2: the demo logins use organizations 1 and 2."
            )
        if programs is not None and programs < 1:
            raise CommandError("--programs must be at least 1.")

    def _framework(self) -> Framework:
        framework = Framework.objects.filter(slug=FRAMEWORK_SLUG).order_by("-version").first()
        if framework is None:
            raise CommandError(
                f"The framework '{FRAMEWORK_SLUG}' is not imported yet. Run first:\n"
                f"  python manage.py import_framework {FRAMEWORK_FILE} --skip-existing"
            )
        return framework

    def _build(self, builder: DemoBuilder, orgs: int, started: float) -> None:
        builder.create_users(orgs)
        for first in range(0, orgs, CHUNK_ORGS):
            for index in range(first, min(first + CHUNK_ORGS, orgs)):
                builder.add_org(index)
            builder.flush()
            done = min(first + CHUNK_ORGS, orgs)
            answers = builder.counts["Answer"]
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"  {done:,}/{orgs:,} organizations, {answers:,} answers ({elapsed:.1f} s)"
            )

    def _summary(self, builder: DemoBuilder, seconds: float) -> None:
        c = builder.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {seconds:.1f} s: {c['Organization']:,} organizations, "
                f"{c['Program']:,} programs, {c['Assessment']:,} assessments "
                f"({c['submitted']:,} submitted, {c['drafts']} draft), {c['Answer']:,} answers, "
                f"{c['DimensionScore']:,} dimension scores, {c['users']:,} users."
            )
        )
        self.stdout.write("Run `python manage.py demo_logins` to see the demo logins.")
