"""How records are named in files: by natural key (a slug; a target as
``plan-slug/target-slug``; an observation as ``indicator-slug/period/source-slug``), never by
database id, and the resolvers that look a key up one at a time (``keys`` looks many up at
once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast, overload

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from policies.data_io.cells import RecordError
from policies.models import Observation, Target


class Slugged(Protocol):
    """A record named by its slug: every kind but a target and an observation."""

    @property
    def slug(self) -> str: ...


def by_slug(model: type[models.Model]) -> Callable[[str], models.Model]:
    """A resolver of ``model``'s records by slug, whose error names the kind and the slug."""

    def resolve(value: str) -> models.Model:
        try:
            return model._default_manager.get(slug=value)
        # The model's DoesNotExist, by its base: mypy sees none on a type[Model].
        except ObjectDoesNotExist:
            raise RecordError(
                f"unknown {model._meta.verbose_name} {value!r} (no record with that slug)"
            ) from None

    return resolve


def observation_by_key(value: str) -> Observation:
    indicator, _, rest = str(value).partition("/")
    period, _, source = rest.partition("/")
    if not period:
        raise RecordError(
            "an observation is named 'indicator-slug/period/source-slug' (or "
            f"'indicator-slug/period' for one without a source), not {value!r}"
        )
    found = Observation.objects.filter(indicator__slug=indicator, period=period)
    found = found.filter(source__slug=source) if source else found.filter(source__isnull=True)
    observation = found.first()
    if observation is None:
        raise RecordError(f"unknown observation {value!r}")
    return observation


def target_by_key(value: str) -> Target:
    plan_slug, _, target_slug = str(value).partition("/")
    if not target_slug:
        raise RecordError(f"a target is named 'plan-slug/target-slug', not {value!r}")
    try:
        return Target.objects.get(plan__slug=plan_slug, slug=target_slug)
    except Target.DoesNotExist:
        raise RecordError(f"unknown target {value!r}") from None


@overload
def natural_key(obj: models.Model) -> str: ...


@overload
def natural_key(obj: models.Model | None) -> str | None: ...


def natural_key(obj: models.Model | None) -> str | None:
    """How a record is named in files: its slug; plan/slug for a target;
    indicator/period/source for an observation."""
    if obj is None:
        return None
    if isinstance(obj, Target):
        return f"{obj.plan.slug}/{obj.slug}"
    if isinstance(obj, Observation):
        source = f"/{obj.source.slug}" if obj.source is not None else ""
        return f"{obj.indicator.slug}/{obj.period}{source}"
    return cast(Slugged, obj).slug


def key_label(key: tuple[Any, ...]) -> str:
    return "/".join(str(natural_key(v) if isinstance(v, models.Model) else v) for v in key)
