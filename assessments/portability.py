"""An organization's data as one JSON document, and back, losing nothing.

Every model that belongs to an organization is registered here with its lookup path to the
organization; the apps above (outcomes, cohorts) register theirs from their AppConfig.ready,
so this module never imports them. The history of each registered model travels with it.
The export holds every concrete field of every row, and for each row outside the
organization that a row refers to, a natural key: users by email (and username), the
framework's parts by their keys, cohorts by id.

Import restores into a database that does not hold the organization. UUIDs are kept;
integer ids are new and every reference follows them. Timestamps are written as exported,
`auto_now` ones included. A reference the database cannot resolve (a cohort that is not
there) leaves that row out, or empties a reference that may be empty, and says so.
"""

import datetime
import decimal
import graphlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import ForeignObjectRel, Min, Q

from assessments import signals
from assessments.framework_io import FrameworkFileError, framework_create, framework_to_dict
from assessments.framework_translations import (
    framework_translation_from_data,
    framework_translation_store,
    framework_translations,
)
from assessments.models import (
    ActionStep,
    Answer,
    Assessment,
    AssessmentEvent,
    Cycle,
    Dimension,
    DimensionScore,
    Framework,
    Indicator,
    Invitation,
    Membership,
    Organization,
    PlanStep,
    PriorAnswer,
    Program,
    Respondent,
    RespondentAnswer,
)
from assessments.translated import translation_languages

FORMAT = "valuecurve-organization"
FORMAT_VERSION = 2
BATCH = 500


class OrganizationImportError(Exception):
    pass


# --- The registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owned:
    """A model whose rows belong to one organization, found through `path`."""

    model: type[models.Model]
    path: str  # lookup from the model to the organization's pk; "pk" for Organization
    history_of: "Owned | None" = None  # set on the historical model of an owned model

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


@dataclass(frozen=True)
class Reference:
    """A model outside the organization that its rows refer to.

    `keys` gives the natural key of each referenced id (JSON values); `resolve` gives, for
    the exported ids and their keys, the id of the same row in this database, leaving out
    those it does not hold."""

    model: type[models.Model]
    keys: Callable[[set], dict[Any, Any]]
    resolve: Callable[[dict[str, Any]], dict[str, Any]]


OWNED: dict[str, Owned] = {}
REFERENCES: dict[str, Reference] = {}


def register_owned(model: type[models.Model], path: str) -> None:
    part = Owned(model, path)
    OWNED[part.label] = part
    history = getattr(model, "history", None)
    if history is not None:
        historical = Owned(history.model, path, history_of=part)
        OWNED[historical.label] = historical


def register_reference(model: type[models.Model], keys, resolve) -> None:
    REFERENCES[model._meta.label_lower] = Reference(model, keys, resolve)


def exported_models() -> list[type[models.Model]]:
    return [part.model for part in OWNED.values()]


def _related(f: models.Field | ForeignObjectRel) -> type[models.Model]:
    """The model a relation names (a class, not a name, once the apps are loaded)."""
    return cast(type[models.Model], f.related_model)


def _target(f: models.Field | ForeignObjectRel) -> str:
    return _related(f)._meta.label_lower


def _is_int_pk(model: type[models.Model]) -> bool:
    return not isinstance(model._meta.pk, models.UUIDField)


def _foreign_keys(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.is_relation]


def _ordered_parts() -> list[Owned]:
    """Live models before their history, and a row after the integer-keyed rows it names."""
    live = {label: part for label, part in OWNED.items() if part.history_of is None}
    graph: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for label, part in live.items():
        targets = {_target(f) for f in _foreign_keys(part.model)}
        graph.add(label, *(t for t in targets if t in live and t != label))
    history = [part for part in OWNED.values() if part.history_of is not None]
    return [live[label] for label in graph.static_order()] + history


# --- Export ------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return value


class _Selection:
    """Which rows of each registered model belong to the organization."""

    def __init__(self, organization: Organization):
        self.organization = organization

    def rows(self, part: Owned) -> models.QuerySet:
        manager = part.model._base_manager
        if part.history_of is None:
            return manager.filter(**{part.path: self.organization.pk})
        if part.path == "pk":
            return manager.filter(id=self.organization.pk)
        first = part.path.split("__", 1)[0]
        return manager.filter(self.ids_of(_target(part.model._meta.get_field(first)), first))

    def ids_of(self, label: str, lookup: str) -> Q:
        """`lookup` names a row of `label` the organization has or had (rows deleted since
        live on in the history, and so do their history's references)."""
        part = OWNED[label]
        found = Q(**{f"{lookup}__in": self.rows(part).values("pk")})
        history = getattr(part.model, "history", None)
        if history is not None:
            records = self.rows(OWNED[history.model._meta.label_lower])
            found |= Q(**{f"{lookup}__in": records.values("id")})
        return found


def organization_export(organization: Organization) -> dict[str, Any]:
    selection = _Selection(organization)
    tables: dict[str, Any] = {}
    referenced: dict[str, set] = defaultdict(set)
    for part in _ordered_parts():
        fields = part.model._meta.concrete_fields
        names = [f.attname for f in fields]
        rows = list(selection.rows(part).order_by("pk").values_list(*names))
        for position, f in enumerate(fields):
            if f.is_relation and _target(f) in REFERENCES:
                referenced[_target(f)].update(r[position] for r in rows if r[position] is not None)
        tables[part.label] = {"fields": names, "rows": [[_json(v) for v in r] for r in rows]}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organization": str(organization.pk),
        "frameworks": [
            {**framework_to_dict(f), "translations": framework_translations(f)}
            for f in _frameworks(referenced)
        ],
        "references": {
            label: {str(k): v for k, v in REFERENCES[label].keys(ids).items()}
            for label, ids in sorted(referenced.items())
        },
        "tables": tables,
    }


def _frameworks(referenced: dict[str, set]) -> models.QuerySet:
    return Framework.objects.filter(
        Q(pk__in=referenced["assessments.framework"])
        | Q(dimensions__pk__in=referenced["assessments.dimension"])
        | Q(dimensions__indicators__pk__in=referenced["assessments.indicator"])
        | Q(action_steps__pk__in=referenced["assessments.actionstep"])
    ).distinct()


# --- Import ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    organization: Organization
    # Per model: exported id (as in the file) -> id in this database.
    ids: dict[str, dict[Any, Any]]
    restored: Counter = field(default_factory=Counter)
    # What could not be restored as it was, with how many rows.
    not_restored: Counter = field(default_factory=Counter)


@transaction.atomic
def organization_import(data: dict[str, Any]) -> ImportResult:
    """Restore an exported organization; all of it or nothing."""
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise OrganizationImportError(
            f"This is not a Value Curve organization export (format {FORMAT_VERSION})."
        )
    if Organization.objects.filter(pk=data["organization"]).exists():
        raise OrganizationImportError("This organization is in the database already.")
    unknown = set(data["tables"]) - set(OWNED)
    if unknown:
        raise OrganizationImportError(f"Unknown tables: {', '.join(sorted(unknown))}.")
    if not connection.features.can_return_rows_from_bulk_insert:
        raise OrganizationImportError("This database cannot return the ids of new rows.")
    for framework in data["frameworks"]:
        _framework(framework)
    restorer = _Restorer(data)
    for part in _ordered_parts():
        if part.label in data["tables"]:
            restorer.restore(part, data["tables"][part.label])
    organization = Organization.objects.get(pk=data["organization"])
    signals.organization_imported.send(sender=Organization, organization=organization)
    result = ImportResult(organization, restorer.ids, restorer.restored, restorer.not_restored)
    return result


def _framework(data: dict[str, Any]) -> Framework:
    """The exported framework version: the database's own if it has it, else created with
    the export's translations."""
    existing = Framework.objects.filter(slug=data["slug"], version=data["version"]).first()
    if existing is not None:
        return existing
    framework = framework_create(data)
    # Languages this site does not offer are left out: it could not show them.
    offered = translation_languages()
    translations = (data.get("translations") or {}).items()
    for translation in (t for language, t in translations if language in offered):
        try:
            found = framework_translation_from_data(translation, framework)
        except FrameworkFileError as exc:
            raise OrganizationImportError(
                f"The framework's translation is not valid:\n{exc}"
            ) from None
        framework_translation_store(framework, found)
    return framework


class _Skip(Exception):
    """The row refers to something this database does not hold."""


class _Restorer:
    def __init__(self, data: dict[str, Any]):
        self.ids: dict[str, dict[Any, Any]] = {}
        for label, keys in data["references"].items():
            if label not in REFERENCES:
                raise OrganizationImportError(f"Unknown reference: {label}.")
            self.ids[label] = REFERENCES[label].resolve(keys)
        self.restored: Counter = Counter()
        self.not_restored: Counter = Counter()
        self._next_free: dict[str, int] = {}

    def restore(self, part: Owned, table: dict[str, Any]) -> None:
        known = {f.attname: f for f in part.model._meta.concrete_fields}
        unknown = [name for name in table["fields"] if name not in known]
        if unknown:
            raise OrganizationImportError(f"{part.label} has no field {', '.join(unknown)}.")
        fields = [known[name] for name in table["fields"]]
        objects, rows, exported_pks = [], [], []
        for row in table["rows"]:
            try:
                values = {
                    f.attname: self._value(part, f, v) for f, v in zip(fields, row, strict=True)
                }
            except _Skip as skipped:
                self.not_restored[f"{part.label}: {skipped}"] += 1
                continue
            except ValidationError as exc:
                raise OrganizationImportError(f"{part.label}: {exc.messages[0]}") from None
            exported_pks.append(row[table["fields"].index(part.model._meta.pk.attname)])
            objects.append(part.model(**values))
            rows.append(values)
        created = part.model._base_manager.bulk_create(objects, batch_size=BATCH)
        if _is_int_pk(part.model):
            new_ids = zip(exported_pks, created, strict=True)
            self.ids[part.label] = {str(old): new.pk for old, new in new_ids}
        _keep_timestamps(part.model, created, rows)
        self.restored[part.label] += len(created)

    def _value(self, part: Owned, f: models.Field, value: Any) -> Any:
        if value is None:
            return None
        if f.primary_key and _is_int_pk(part.model):
            return None  # a new id; the map follows it
        if f.is_relation:
            return self._reference(part, f, value)
        if part.history_of is not None and self._names_an_integer_row(part, f):
            return self._owned_id(part.history_of.label, value)
        return f.to_python(value)

    @staticmethod
    def _names_an_integer_row(part: Owned, f: models.Field) -> bool:
        """A historical record's copy of an integer id: it follows the row's new id."""
        original = part.history_of
        return (
            original is not None
            and f.attname == original.model._meta.pk.attname
            and _is_int_pk(original.model)
        )

    def _reference(self, part: Owned, f: models.Field, value: Any) -> Any:
        label = _target(f)
        if label in REFERENCES:
            found = self.ids.get(label, {}).get(str(value))
            if found is not None:
                return found
            # A historical record's references may all be empty: ask the model it records.
            original = (part.history_of or part).model._meta.get_field(f.name)
            if original.null:
                self.not_restored[f"{part.label}.{f.name}: emptied, not in this database"] += 1
                return None
            raise _Skip(f"refers to a {_related(f)._meta.verbose_name} not in this database")
        if label not in OWNED:
            raise OrganizationImportError(f"{part.label}.{f.name} refers to {label}.")
        if _is_int_pk(_related(f)):
            return self._owned_id(label, value)
        return f.to_python(value)

    def _owned_id(self, label: str, value: Any) -> int:
        """The new id of an integer-keyed row; for a row deleted before the export, which
        only the history names, a negative id no row of this database has."""
        known = self.ids.setdefault(label, {})
        if str(value) not in known:
            known[str(value)] = self._free_id(label)
        return known[str(value)]

    def _free_id(self, label: str) -> int:
        if label not in self._next_free:
            model = OWNED[label].model
            lowest = [model._base_manager.aggregate(m=Min("pk"))["m"] or 0]
            history = getattr(model, "history", None)
            if history is not None:
                lowest.append(history.model._base_manager.aggregate(m=Min("id"))["m"] or 0)
            self._next_free[label] = min(0, *lowest) - 1
        free = self._next_free[label]
        self._next_free[label] -= 1
        return free


def _keep_timestamps(model: type[models.Model], created: list, rows: list[dict]) -> None:
    """bulk_create stamps `auto_now` fields with the time of the import: write them back."""
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            by_value: dict[Any, list] = defaultdict(list)
            for obj, values in zip(created, rows, strict=True):
                by_value[values.get(f.attname)].append(obj.pk)
            by_value.pop(None, None)
            for value, pks in by_value.items():
                model._base_manager.filter(pk__in=pks).update(**{f.attname: value})


# --- References: users, the framework's parts --------------------------------------------------


USER_FIELDS = ("username", "email", "first_name", "last_name")


def _user_keys(ids: set) -> dict[Any, Any]:
    users = get_user_model()._base_manager.filter(pk__in=ids)
    return {u.pk: {name: getattr(u, name) for name in USER_FIELDS} for u in users}


def _user_resolve(keys: dict[str, Any]) -> dict[str, Any]:
    return {old: _user(key).pk for old, key in keys.items()}


def _user(key: dict[str, str]):
    """The same person in this database, found by email, else by username; else a new account
    without a password (they choose one through "forgot your password")."""
    users = get_user_model()._base_manager
    if key["email"]:
        same = users.filter(email__iexact=key["email"]).order_by("pk").first()
        if same is not None:
            return same
    username, n = key["username"], 1
    while (same := users.filter(username=username).first()) is not None:
        if not same.email or not key["email"]:
            return same
        n += 1
        username = f"{key['username']}-{n}"
    user = get_user_model()(**{**key, "username": username})
    user.set_unusable_password()
    user.save()
    return user


def _keyed(model: type[models.Model], key: Callable[[Any], list], related: Iterable[str]):
    """Keys and resolution of a framework part by its natural key (a list of JSON values)."""

    def keys(ids: set) -> dict[Any, Any]:
        return {
            obj.pk: key(obj) for obj in _with(model._default_manager.filter(pk__in=ids), related)
        }

    def resolve(exported: dict[str, Any]) -> dict[str, Any]:
        slugs = {tuple(k[:2]) for k in exported.values()}
        here = _with(model._default_manager.filter(_framework_q(model, slugs)), related)
        found = {tuple(key(obj)): obj.pk for obj in here}
        return {old: found[tuple(k)] for old, k in exported.items() if tuple(k) in found}

    return keys, resolve


def _with(queryset: models.QuerySet, related: Iterable[str]) -> models.QuerySet:
    return queryset.select_related(*related) if related else queryset


def _framework_q(model, slugs: set) -> Q:
    prefix = {Framework: "", Dimension: "framework__", Indicator: "dimension__framework__",
              ActionStep: "framework__"}[model]  # fmt: skip
    query = Q(pk__in=[])
    for slug, version in slugs:
        query |= Q(**{f"{prefix}slug": slug, f"{prefix}version": version})
    return query


def by_id_reference(model: type[models.Model], name: str) -> None:
    """Register a reference kept by id (a cohort, its goals): the name is for people."""

    def keys(ids: set) -> dict[Any, Any]:
        return dict(model._base_manager.filter(pk__in=ids).values_list("pk", name))

    def resolve(exported: dict[str, Any]) -> dict[str, Any]:
        here = {
            str(pk)
            for pk in model._base_manager.filter(pk__in=list(exported)).values_list("pk", flat=True)
        }
        return {old: uuid.UUID(old) for old in exported if old in here}

    register_reference(model, keys, resolve)


register_reference(get_user_model(), _user_keys, _user_resolve)
register_reference(Framework, *_keyed(Framework, lambda f: [f.slug, f.version], []))
register_reference(
    Dimension,
    *_keyed(Dimension, lambda d: [d.framework.slug, d.framework.version, d.key], ["framework"]),
)
register_reference(
    Indicator,
    *_keyed(
        Indicator,
        lambda i: [
            i.dimension.framework.slug,
            i.dimension.framework.version,
            i.dimension.key,
            i.key,
        ],
        ["dimension__framework"],
    ),
)
register_reference(
    ActionStep,
    *_keyed(ActionStep, lambda s: [s.framework.slug, s.framework.version, s.key], ["framework"]),
)

for _model, _path in [
    (Organization, "pk"),
    (Membership, "organization"),
    (Invitation, "organization"),
    (Program, "organization"),
    (Cycle, "organization"),
    (Assessment, "program__organization"),
    (Answer, "assessment__program__organization"),
    (AssessmentEvent, "assessment__program__organization"),
    (DimensionScore, "assessment__program__organization"),
    (Respondent, "assessment__program__organization"),
    (RespondentAnswer, "respondent__assessment__program__organization"),
    (PriorAnswer, "assessment__program__organization"),
    (PlanStep, "assessment__program__organization"),
]:
    register_owned(_model, _path)
