"""Refuse to serve in production mode with settings that are missing or unsafe."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_production() -> None:
    """Raise before serving a single request if production settings are missing or weak."""
    if settings.PRODUCTION_PROBLEMS:
        raise ImproperlyConfigured(" ".join(settings.PRODUCTION_PROBLEMS))


@register(Tags.security, deploy=True)
def production_settings(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    return [Error(problem, id="tracker.E001") for problem in settings.PRODUCTION_PROBLEMS]
