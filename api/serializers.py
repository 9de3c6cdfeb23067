from rest_framework import serializers

from assessments.models import Assessment, Cycle, Organization, PlanStep, Program
from outcomes.models import OutcomeMeasure
from surveys.models import Survey


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "sector", "region", "size", "language", "created_at"]


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "id",
            "organization",
            "name",
            "service_area",
            "population_served",
            "created_at",
            "archived_at",
        ]


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = ["id", "organization", "name", "starts_on", "ends_on"]


class ScoreSerializer(serializers.Serializer):
    dimension = serializers.CharField(source="dimension.key")
    level = serializers.IntegerField()
    index = serializers.DecimalField(max_digits=3, decimal_places=2)


class AnswerSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    dimension = serializers.CharField()
    level = serializers.IntegerField(allow_null=True)
    evidence = serializers.CharField(allow_blank=True)
    confidence = serializers.CharField(allow_blank=True)


class AssessmentSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "program",
            "cycle",
            "framework",
            "status",
            "version",
            "submitted_at",
            "scores",
        ]


class AssessmentDetailSerializer(AssessmentSerializer):
    """With the answers the member's answer pages show (the view passes them as `answers`)."""

    answers = AnswerSerializer(source="answers_shown", many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "answers"]


class PlanStepSerializer(serializers.ModelSerializer):
    dimension = serializers.CharField(source="dimension.key", read_only=True)

    class Meta:
        model = PlanStep
        fields = [
            "id",
            "assessment",
            "dimension",
            "title",
            "description",
            "measure",
            "owner",
            "due_date",
            "status",
            "order",
        ]
        read_only_fields = [f for f in fields if f != "status"]


class PlanStepStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanStep
        fields = ["status"]
        extra_kwargs = {"status": {"required": True}}


class OutcomeMeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeMeasure
        fields = [
            "id",
            "program",
            "name",
            "description",
            "direction",
            "denominator",
            "granularity",
            "reference",
        ]


class FigureSerializer(serializers.Serializer):
    """One group's published figures for a period: None where the rule hides them."""

    period = serializers.CharField()
    group = serializers.CharField(source="key")
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    population = serializers.IntegerField(allow_null=True)
    events = serializers.IntegerField(allow_null=True)
    hidden = serializers.BooleanField()
    is_total = serializers.BooleanField()
    is_reference = serializers.BooleanField()
    rate = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)
    ratio_low = serializers.FloatField(allow_null=True)
    ratio_high = serializers.FloatField(allow_null=True)


class ProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class CountsSavedSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


# --- Cohorts (a facilitator's token) ----------------------------------------------------------


class RoundSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    submitted = serializers.IntegerField(
        help_text="How many of the members this token sees have submitted in the round."
    )


class CohortSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField()
    rounds = RoundSerializer(many=True, help_text="Newest first: `cycle` filters take an id.")


class DimensionCellSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(allow_null=True, help_text="0 to 4; null: not compared.")
    index = serializers.FloatField(allow_null=True, help_text="0 to 4; null: not compared.")


class CycleCellsMixin(serializers.Serializer):
    cycle = serializers.CharField(allow_null=True, help_text="The cohort round's name.")
    cycle_starts_on = serializers.DateField(allow_null=True)
    cycle_ends_on = serializers.DateField(allow_null=True)


class CohortProgramRowSerializer(CycleCellsMixin):
    organization_name = serializers.CharField()
    sector = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    program_name = serializers.CharField()
    service_area = serializers.CharField(allow_blank=True)
    dimensions = DimensionCellSerializer(many=True)


class CohortOrganizationRowSerializer(CycleCellsMixin):
    organization_name = serializers.CharField()
    sector = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    programs = serializers.IntegerField(allow_null=True)
    dimensions = DimensionCellSerializer(many=True)
    overall_level = serializers.IntegerField(allow_null=True)
    overall_index = serializers.FloatField(allow_null=True)


class SpreadSerializer(serializers.Serializer):
    """The middle of the cohort: null figures where fewer than five organizations count."""

    organizations = serializers.IntegerField()
    lower_quartile = serializers.FloatField(allow_null=True, source="q1")
    median = serializers.FloatField(allow_null=True)
    upper_quartile = serializers.FloatField(allow_null=True, source="q3")
    suppressed = serializers.BooleanField()


class BenchmarkDimensionSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    name = serializers.CharField()
    organizations = SpreadSerializer(help_text="Across organizations, as on the dashboard.")
    programs = SpreadSerializer(help_text="Across programs: what members are benchmarked on.")
    levels = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="How many organizations stand at each level, 0 to 4; null under five.",
    )


class LeftOutMixin(serializers.Serializer):
    left_out = serializers.IntegerField(
        help_text="Sharing members this token does not see: they require two-factor sign-in."
    )
    left_out_reason = serializers.CharField(allow_null=True)


class CohortBenchmarkSerializer(LeftOutMixin):
    round = RoundSerializer(allow_null=True)
    dimensions = BenchmarkDimensionSerializer(many=True)
    overall = SpreadSerializer(allow_null=True)


class ScorecardRowSerializer(serializers.Serializer):
    shared_goals = serializers.CharField(allow_blank=True)
    workgroups = serializers.CharField(allow_blank=True)
    organization_name = serializers.CharField()
    action_step = serializers.CharField()
    dimension = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanStep.Status.choices)
    due_on = serializers.DateField(allow_null=True)
    owner = serializers.CharField(allow_blank=True)
    overdue = serializers.BooleanField()


class SurveyAggregateSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    unit = serializers.ChoiceField(choices=["percent", "points"])
    spread = SpreadSerializer()


class CohortSurveysSerializer(LeftOutMixin):
    members = serializers.IntegerField(help_text="Members sharing their survey results.")
    aggregates = SurveyAggregateSerializer(many=True)


# --- Surveys (an organization's token) --------------------------------------------------------


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = ["id", "program", "title", "opens_on", "closes_on"]


class SurveyGroupSerializer(serializers.Serializer):
    group = serializers.CharField(source="key")
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    respondents = serializers.IntegerField(source="population", allow_null=True)
    hidden = serializers.BooleanField()
    is_total = serializers.BooleanField()


class SurveyResultRowSerializer(serializers.Serializer):
    question = serializers.CharField()
    question_text = serializers.CharField()
    answer = serializers.CharField()
    group = serializers.CharField()
    group_name = serializers.CharField()
    respondents = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class SurveyResultsSerializer(serializers.Serializer):
    survey = serializers.UUIDField()
    dark = serializers.BooleanField(help_text="Too few respondents to show any figure.")
    headline = serializers.CharField(allow_blank=True)
    hidden_groups = serializers.ListField(child=serializers.CharField())
    respondents = SurveyGroupSerializer(many=True)
    results = SurveyResultRowSerializer(many=True)
