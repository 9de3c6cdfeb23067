from rest_framework import serializers

from assessments.models import Assessment, Cycle, Organization, PlanStep, Program
from outcomes.models import OutcomeMeasure


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
