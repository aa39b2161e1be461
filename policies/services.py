"""Writes: loading the reviewed seed records into the database.

Seeds are YAML files in ``seeds/records/``, one per model, each record naming its relations
by natural key (slugs; a target as ``plan-slug/target-slug``). Loading is one transaction:
a broken record stops everything with the file, the record and the reason, and nothing is
written. A record that an editor has changed in the admin since it was seeded is kept as the
editor left it, so reloading the seeds never undoes someone's work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction

from policies.models import Actor, Observation, Plan, Sector, Source, Statement, Target, Theme

SEED_CHANGE_REASON = "load_seeds"


class SeedError(Exception):
    """A seed file or record that cannot be loaded; the message says where and why."""


class RecordError(Exception):
    """A problem with one record, before the file and position are known."""


def _by_slug(model: type[models.Model]) -> Callable[[str], models.Model]:
    def resolve(value: str) -> models.Model:
        try:
            return model.objects.get(slug=value)
        except model.DoesNotExist:
            raise RecordError(
                f"unknown {model._meta.verbose_name} {value!r} (no record with that slug)"
            ) from None

    return resolve


def _target_by_key(value: str) -> Target:
    plan_slug, _, target_slug = str(value).partition("/")
    if not target_slug:
        raise RecordError(f"a target is named 'plan-slug/target-slug', not {value!r}")
    try:
        return Target.objects.get(plan__slug=plan_slug, slug=target_slug)
    except Target.DoesNotExist:
        raise RecordError(f"unknown target {value!r}") from None


@dataclass(frozen=True)
class SeedKind:
    """How one model is read from its seed file."""

    file: str
    model: type[models.Model]
    key: tuple[str, ...]
    refs: dict[str, Callable[[str], models.Model]] = field(default_factory=dict)
    many: dict[str, Callable[[str], models.Model]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)


# In dependency order: a record only refers to records loaded before it.
SEED_KINDS = [
    SeedKind("sources.yaml", Source, ("slug",)),
    SeedKind("actors.yaml", Actor, ("slug",)),
    SeedKind("themes.yaml", Theme, ("slug",)),
    SeedKind("sectors.yaml", Sector, ("slug",), refs={"parent": _by_slug(Sector)}),
    SeedKind(
        "plans.yaml",
        Plan,
        ("slug",),
        refs={"issuer": _by_slug(Actor), "source": _by_slug(Source)},
        many={"themes": _by_slug(Theme), "sectors": _by_slug(Sector)},
    ),
    SeedKind(
        "targets.yaml",
        Target,
        ("plan", "slug"),
        refs={
            "plan": _by_slug(Plan),
            "sector": _by_slug(Sector),
            "theme": _by_slug(Theme),
            "source": _by_slug(Source),
            "supersedes": _target_by_key,
        },
    ),
    SeedKind(
        "observations.yaml",
        Observation,
        # One figure per target and year in the seeds, so a corrected source updates it.
        ("target", "year"),
        refs={"target": _target_by_key, "source": _by_slug(Source)},
    ),
    SeedKind(
        "statements.yaml",
        Statement,
        ("slug",),
        refs={"actor": _by_slug(Actor), "source": _by_slug(Source), "origin": _by_slug(Source)},
        many={
            "themes": _by_slug(Theme),
            "sectors": _by_slug(Sector),
            "plans": _by_slug(Plan),
            "targets": _target_by_key,
        },
    ),
]

OUTCOMES = ("created", "updated", "unchanged", "kept")


class SeedYamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so Django parses them and reports bad ones well."""


SeedYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SeedReport:
    """What a load did (or, in a check, would do), counted per model and outcome."""

    counts: dict[str, Counter] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def add(self, kind: SeedKind, outcome: str) -> None:
        self.counts.setdefault(kind.label, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{label}: " + ", ".join(f"{c[o]} {o}" for o in OUTCOMES if c[o])
            for label, c in self.counts.items()
        ]


def seed_load(*, directory: Path, dry_run: bool = False) -> SeedReport:
    """Load every seed file in ``directory`` in one transaction; with ``dry_run``, roll back.

    Raises SeedError naming the file, record and reason at the first record that does not
    load; nothing is written then.
    """
    report = SeedReport()
    with transaction.atomic():
        for kind in SEED_KINDS:
            path = directory / "records" / kind.file
            seen: dict[tuple, int] = {}
            for position, record in enumerate(_read_records(path), start=1):
                where = f"{path}, record {position}"
                if isinstance(record, dict) and record.get("slug"):
                    where += f" ({record['slug']})"
                try:
                    outcome, key, label = _load_record(kind, record, directory)
                except RecordError as error:
                    raise SeedError(f"{where}: {error}") from None
                except ValidationError as error:
                    raise SeedError(f"{where}: {_describe(error)}") from None
                if key in seen:
                    raise SeedError(f"{where}: the same record as record {seen[key]} again")
                seen[key] = position
                report.add(kind, outcome)
                if outcome == "kept":
                    report.kept.append(f"{kind.model._meta.verbose_name} {label}")
        if dry_run:
            transaction.set_rollback(True)
    return report


def _read_records(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"{path}: the seed file is missing") from None
    except UnicodeDecodeError as error:
        raise SeedError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        records = yaml.load(text, Loader=SeedYamlLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        raise SeedError(f"{path}: not valid YAML: {error}") from None
    if records is None:
        return []
    if not isinstance(records, list):
        raise SeedError(f"{path}: expected a list of records, found {type(records).__name__}")
    return records


def _load_record(kind: SeedKind, record: Any, directory: Path) -> tuple[str, tuple, str]:
    if not isinstance(record, dict):
        raise RecordError(f"expected a mapping of field names to values, found {record!r}")
    values, many = _resolve(kind, record, directory)
    key = tuple(values.get(name) for name in kind.key)
    lookup = {name: values.get(name) for name in kind.key}
    label = "/".join(str(getattr(v, "slug", v)) for v in key)
    instance = kind.model.objects.filter(**lookup).first()

    if instance is None:
        instance = kind.model(**values)
        instance.full_clean()
        instance._change_reason = SEED_CHANGE_REASON
        instance.save()
        for name, related in many.items():
            getattr(instance, name).set(related)
        return "created", key, label

    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    changed_many = [
        name
        for name, related in many.items()
        if set(getattr(instance, name).values_list("pk", flat=True)) != {r.pk for r in related}
    ]
    edited = (changed or changed_many) and _edited_since_seeding(instance)
    for name in changed:
        setattr(instance, name, values[name])
    # Validate every record, unchanged ones too: an excerpt must still occur in its source
    # even when only the source's text file changed.
    instance.full_clean()
    if not changed and not changed_many:
        return "unchanged", key, label
    if edited:
        return "kept", key, label
    instance._change_reason = SEED_CHANGE_REASON
    instance.save()
    for name in changed_many:
        getattr(instance, name).set(many[name])
    return "updated", key, label


def _resolve(
    kind: SeedKind, record: dict, directory: Path
) -> tuple[dict[str, Any], dict[str, list]]:
    """Turn a YAML record into field values: relations looked up, text files read.

    Every editable field the record leaves out takes its default, so that the seed file alone
    says what a seeded record holds.
    """
    model_fields = {
        f.name: f
        for f in kind.model._meta.get_fields()
        if f.concrete and not f.auto_created and f.editable and not f.many_to_many
    }
    allowed = set(model_fields) | set(kind.many)
    if "text" in model_fields:
        allowed.add("text_file")
    unknown = sorted(set(record) - allowed)
    if unknown:
        raise RecordError(
            f"unknown field(s) {', '.join(unknown)}; a {kind.model._meta.verbose_name} has "
            f"{', '.join(sorted(allowed))}"
        )
    values: dict[str, Any] = {name: f.get_default() for name, f in model_fields.items()}
    for name, raw in record.items():
        if name == "text_file":
            values["text"] = _read_text_file(directory, raw)
        elif name in kind.many:
            if not isinstance(raw, list):
                raise RecordError(f"{name}: expected a list, found {raw!r}")
            continue
        elif name in kind.refs:
            values[name] = None if raw is None else kind.refs[name](raw)
        else:
            values[name] = _to_python(model_fields[name], raw)
    many: dict[str, list] = {}
    for name, resolver in kind.many.items():
        raw = record.get(name) or []
        many[name] = [resolver(item) for item in raw]
        if not many[name] and not kind.model._meta.get_field(name).blank:
            raise RecordError(f"{name}: at least one is required")
    return values, many


def _to_python(model_field: models.Field, raw: Any) -> Any:
    if isinstance(raw, float):
        # YAML floats are binary; go through their shortest repr so 7.8 stays 7.8.
        raw = repr(raw)
    if raw is None and isinstance(model_field, (models.CharField, models.TextField)):
        raw = ""
    try:
        return model_field.to_python(raw)
    except ValidationError as error:
        raise RecordError(f"{model_field.name}: {' '.join(error.messages)}") from None
    except (TypeError, ValueError):
        raise RecordError(
            f"{model_field.name}: {raw!r} is not a valid {model_field.description.lower()}"
        ) from None


def _read_text_file(directory: Path, relative: Any) -> str:
    path = (directory / str(relative)).resolve()
    if directory.resolve() not in path.parents:
        raise RecordError(f"text_file: {relative!r} is outside the seeds directory")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(f"text_file: {path} does not exist") from None
    except UnicodeDecodeError:
        raise RecordError(f"text_file: {path} is not UTF-8 text") from None
    except OSError as error:
        raise RecordError(f"text_file: {path} cannot be read ({error.strerror})") from None


def _edited_since_seeding(instance: models.Model) -> bool:
    """True when the record's latest change came from someone other than the seed loader."""
    try:
        latest = instance.history.latest()
    except ObjectDoesNotExist:
        return False
    return latest.history_change_reason != SEED_CHANGE_REASON


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
