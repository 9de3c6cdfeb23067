"""An organization's data as one JSON document, and back.

Export holds the organization, its members (by username), programs, assessments with
their answers, respondents and consensus, the recorded steps, and the history of the
scored answers, plus the frameworks they use. Import restores it into a database that
does not hold the organization yet; ids are kept, so links stay valid.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.dateparse import parse_datetime

from assessments.framework_io import framework_create, framework_to_dict
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    DimensionScore,
    Framework,
    Indicator,
    Membership,
    Organization,
    Program,
    Respondent,
    RespondentAnswer,
)

FORMAT = "valuecurve-organization"
FORMAT_VERSION = 1
ANSWER_FIELDS = ("level", "evidence", "confidence")


class OrganizationImportError(Exception):
    pass


def _username(user) -> str | None:
    return user.username if user is not None else None


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


# --- Export ------------------------------------------------------------------------------------


def organization_export(organization: Organization) -> dict[str, Any]:
    assessments = list(
        Assessment.objects.filter(program__organization=organization)
        .select_related("framework", "created_by", "submitted_by")
        .prefetch_related(
            "answers__indicator",
            "answers__answered_by",
            "respondents__user",
            "respondents__answers__indicator",
            "events__by",
            "scores__dimension",
        )
        .order_by("created_at", "pk")
    )
    frameworks = {a.framework_id: a.framework for a in assessments}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organization": {
            "id": str(organization.pk),
            "name": organization.name,
            "sector": organization.sector,
            "region": organization.region,
            "size": organization.size,
            "require_two_factor": organization.require_two_factor,
            "created_at": _when(organization.created_at),
        },
        "members": [
            {
                "username": m.user.username,
                "email": m.user.email,
                "first_name": m.user.first_name,
                "last_name": m.user.last_name,
                "role": m.role,
            }
            for m in organization.memberships.select_related("user").order_by("user__username")
        ],
        "frameworks": [framework_to_dict(f) for f in frameworks.values()],
        "programs": [
            {
                "id": str(p.pk),
                "name": p.name,
                "service_area": p.service_area,
                "population_served": p.population_served,
                "created_at": _when(p.created_at),
            }
            for p in organization.programs.order_by("created_at", "pk")
        ],
        "assessments": [_assessment_dict(a) for a in assessments],
    }


def _answer_dict(answer) -> dict[str, Any]:
    data = {name: getattr(answer, name) for name in ANSWER_FIELDS}
    data.update(
        indicator=answer.indicator.key,
        answered_by=_username(answer.answered_by),
        changed_in_version=answer.changed_in_version,
    )
    return data


def _assessment_dict(a: Assessment) -> dict[str, Any]:
    return {
        "id": str(a.pk),
        "program": str(a.program_id),
        "framework": {"slug": a.framework.slug, "version": a.framework.version},
        "cycle": a.cycle,
        "status": a.status,
        "version": a.version,
        "based_on": str(a.based_on_id) if a.based_on_id else None,
        "created_by": _username(a.created_by),
        "created_at": _when(a.created_at),
        "submitted_by": _username(a.submitted_by),
        "submitted_at": _when(a.submitted_at),
        "round_closed_at": _when(a.round_closed_at),
        "answers": [
            _answer_dict(x) | {"consensus_note": x.consensus_note}
            for x in sorted(a.answers.all(), key=lambda x: x.indicator.key)
        ],
        "respondents": [
            {
                "user": r.user.username,
                "submitted_at": _when(r.submitted_at),
                "version": r.version,
                "answers": [
                    _answer_dict(x) for x in sorted(r.answers.all(), key=lambda x: x.indicator.key)
                ],
            }
            for r in a.respondents.all()
        ],
        "events": [
            {"kind": e.kind, "by": _username(e.by), "at": _when(e.at), "note": e.note}
            for e in a.events.all()
        ],
        "scores": [
            {"dimension": s.dimension.key, "level": s.level, "index": str(s.index)}
            for s in a.scores.all()
        ],
        "answer_history": _answer_history(a),
    }


def _answer_history(assessment: Assessment) -> list[dict[str, Any]]:
    records = (
        Answer.history.filter(assessment_id=assessment.pk)
        .select_related("indicator", "history_user")
        .order_by("history_date", "history_id")
    )
    return [
        {name: getattr(r, name) for name in (*ANSWER_FIELDS, "consensus_note")}
        | {
            "indicator": r.indicator.key,
            "history_type": r.history_type,
            "history_date": _when(r.history_date),
            "history_user": _username(r.history_user),
        }
        for r in records
    ]


# --- Import ------------------------------------------------------------------------------------


@transaction.atomic
def organization_import(data: dict[str, Any]) -> Organization:
    """Restore an exported organization; all of it or nothing."""
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise OrganizationImportError("This is not a Value Curve organization export (format 1).")
    if Organization.objects.filter(pk=data["organization"]["id"]).exists():
        raise OrganizationImportError("This organization is in the database already.")
    users = {m["username"]: _user(m) for m in data["members"]}
    frameworks = {(f["slug"], f["version"]): _framework(f) for f in data["frameworks"]}
    org = data["organization"]
    organization = Organization.objects.create(
        **{k: v for k, v in org.items() if k != "created_at"},
        created_at=parse_datetime(org["created_at"]),
    )
    for m in data["members"]:
        Membership.objects.create(
            organization=organization, user=users[m["username"]], role=m["role"]
        )
    for p in data["programs"]:
        Program.objects.create(
            organization=organization,
            **{k: v for k, v in p.items() if k != "created_at"},
            created_at=parse_datetime(p["created_at"]),
        )
    for a in data["assessments"]:
        _restore_assessment(a, frameworks, users)
    return organization


def _user(member: dict[str, Any]):
    user, created = get_user_model().objects.get_or_create(
        username=member["username"],
        defaults={k: member[k] for k in ("email", "first_name", "last_name")},
    )
    if created:
        user.set_unusable_password()  # they choose one through "forgot your password"
        user.save(update_fields=["password"])
    return user


def _framework(data: dict[str, Any]) -> Framework:
    existing = Framework.objects.filter(slug=data["slug"], version=data["version"]).first()
    return existing or framework_create(data)


def _restore_assessment(a: dict[str, Any], frameworks, users) -> None:
    framework = frameworks[(a["framework"]["slug"], a["framework"]["version"])]
    indicators = {i.key: i for i in Indicator.objects.filter(dimension__framework=framework)}
    dimensions = {d.key: d for d in framework.dimensions.all()}
    user = users.get
    assessment = Assessment.objects.create(
        id=a["id"], program_id=a["program"], framework=framework, cycle=a["cycle"],
        status=a["status"], version=a["version"], based_on_id=a["based_on"],
        created_by=user(a["created_by"]), created_at=parse_datetime(a["created_at"]),
        submitted_by=user(a["submitted_by"]), submitted_at=_parse(a["submitted_at"]),
        round_closed_at=_parse(a["round_closed_at"]),
    )  # fmt: skip
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            consensus_note=x["consensus_note"],
            **_answer_kwargs(x, indicators, users),
        )
        for x in a["answers"]
    )
    for r in a["respondents"]:
        respondent = Respondent.objects.create(
            assessment=assessment, user=users[r["user"]], version=r["version"],
            submitted_at=_parse(r["submitted_at"]),
        )  # fmt: skip
        RespondentAnswer.objects.bulk_create(
            RespondentAnswer(respondent=respondent, **_answer_kwargs(x, indicators, users))
            for x in r["answers"]
        )
    AssessmentEvent.objects.bulk_create(
        AssessmentEvent(
            assessment=assessment,
            kind=e["kind"],
            by=user(e["by"]),
            at=parse_datetime(e["at"]),
            note=e["note"],
        )
        for e in a["events"]
    )
    DimensionScore.objects.bulk_create(
        DimensionScore(
            assessment=assessment,
            dimension=dimensions[s["dimension"]],
            level=s["level"],
            index=s["index"],
        )
        for s in a["scores"]
    )
    _restore_answer_history(assessment, a["answer_history"], indicators, users)


def _answer_kwargs(x: dict[str, Any], indicators, users) -> dict[str, Any]:
    return {name: x[name] for name in ANSWER_FIELDS} | {
        "indicator": indicators[x["indicator"]],
        "answered_by": users.get(x["answered_by"]),
        "changed_in_version": x["changed_in_version"],
    }


def _restore_answer_history(assessment, records, indicators, users) -> None:
    """Replace the records bulk_create did not write with the exported ones."""
    Historical = Answer.history.model
    Historical.objects.filter(assessment_id=assessment.pk).delete()
    answer_ids = dict(assessment.answers.values_list("indicator__key", "id"))
    Historical.objects.bulk_create(
        Historical(
            id=answer_ids.get(r["indicator"], 0), assessment_id=assessment.pk,
            indicator=indicators[r["indicator"]], changed_in_version=0,
            **{name: r[name] for name in (*ANSWER_FIELDS, "consensus_note")},
            history_type=r["history_type"],
            updated_at=parse_datetime(r["history_date"]),
            history_date=parse_datetime(r["history_date"]),
            history_user=users.get(r["history_user"]) if r["history_user"] else None,
        )
        for r in records
    )  # fmt: skip


def _parse(value: str | None):
    return parse_datetime(value) if value else None
